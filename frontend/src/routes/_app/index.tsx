import { createFileRoute } from "@tanstack/react-router";
import { ComingSoon } from "@/components/coming-soon";

export const Route = createFileRoute("/_app/")({
  component: () => (
    <ComingSoon title="Overview" description="Counts and recent activity of your APIs." />
  ),
});
