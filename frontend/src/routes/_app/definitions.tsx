import { createFileRoute } from "@tanstack/react-router";
import { DefinitionsPage } from "@/features/definitions/definitions-page";

export const Route = createFileRoute("/_app/definitions")({
  component: DefinitionsPage,
});
