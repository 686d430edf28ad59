import { createFileRoute } from "@tanstack/react-router";
import { ComingSoon } from "@/components/coming-soon";

export const Route = createFileRoute("/_app/apis")({
  component: () => (
    <ComingSoon title="APIs" description="SQL templates and scripts served as HTTP endpoints." />
  ),
});
