import { createFileRoute } from "@tanstack/react-router";
import { ComingSoon } from "@/components/coming-soon";

export const Route = createFileRoute("/_app/datasources")({
  component: () => (
    <ComingSoon title="Data sources" description="Connections to the databases your APIs query." />
  ),
});
