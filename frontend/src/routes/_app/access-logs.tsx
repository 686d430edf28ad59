import { createFileRoute } from "@tanstack/react-router";
import { ComingSoon } from "@/components/coming-soon";

export const Route = createFileRoute("/_app/access-logs")({
  component: () => (
    <ComingSoon title="Access logs" description="Who called which API, when, and how it went." />
  ),
});
