import { createFileRoute } from "@tanstack/react-router";
import { ComingSoon } from "@/components/coming-soon";

export const Route = createFileRoute("/_app/versions")({
  component: () => (
    <ComingSoon
      title="Versions"
      description="Published versions of your APIs, to compare and restore."
    />
  ),
});
