import { createFileRoute } from "@tanstack/react-router";
import { NewApiPage } from "@/features/apis/api-editor-page";
import { positiveInt } from "@/lib/search-params";

type NewApiSearch = { module?: number };

export const Route = createFileRoute("/_app/apis/new")({
  validateSearch: (search): NewApiSearch => ({ module: positiveInt(search.module) }),
  component: NewApiRoute,
});

function NewApiRoute() {
  const { module } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <NewApiPage
      moduleId={module}
      tab="editor"
      onTabChange={() => undefined}
      onCreated={(api) => navigate({ to: "/apis/$id", params: { id: api.id }, replace: true })}
    />
  );
}
