import { createFileRoute } from "@tanstack/react-router";
import { ComingSoon } from "@/components/coming-soon";

export const Route = createFileRoute("/_app/clients")({
  component: () => (
    <ComingSoon
      title="Clients"
      description="Applications that call your APIs with their own credentials."
    />
  ),
});
