import { createFileRoute } from "@tanstack/react-router";
import { ComingSoon } from "@/components/coming-soon";

export const Route = createFileRoute("/_app/macros")({
  component: () => (
    <ComingSoon title="Macros" description="Reusable SQL and Python snippets for your APIs." />
  ),
});
