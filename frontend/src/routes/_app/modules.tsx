import { createFileRoute } from "@tanstack/react-router";
import { ComingSoon } from "@/components/coming-soon";

export const Route = createFileRoute("/_app/modules")({
  component: () => (
    <ComingSoon title="Modules" description="Groups of APIs that share the first path segment." />
  ),
});
