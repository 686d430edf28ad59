import { createFileRoute } from "@tanstack/react-router";
import { PublishedApisPage } from "@/features/apis/published-apis-page";

export const Route = createFileRoute("/_app/versions")({
  component: PublishedApisPage,
});
