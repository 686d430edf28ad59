import { createFileRoute } from "@tanstack/react-router";
import { ComingSoon } from "@/components/coming-soon";

export const Route = createFileRoute("/_app/groups")({
  component: () => (
    <ComingSoon title="Groups" description="Sets of APIs granted to clients together." />
  ),
});
