import { createFileRoute, notFound } from "@tanstack/react-router";
import { ApiPage, type ApiTab } from "@/features/apis/api-editor-page";
import { positiveInt } from "@/lib/search-params";

type ApiSearch = { tab?: ApiTab };

export const Route = createFileRoute("/_app/apis/$id")({
  params: {
    parse: (params) => {
      const id = positiveInt(params.id);
      if (id === undefined) throw notFound();
      return { id };
    },
    stringify: ({ id }) => ({ id: String(id) }),
  },
  validateSearch: (search): ApiSearch => ({
    tab: search.tab === "versions" || search.tab === "calls" ? search.tab : undefined,
  }),
  component: ApiRoute,
});

function ApiRoute() {
  const { id } = Route.useParams();
  const { tab = "editor" } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <ApiPage
      id={id}
      tab={tab}
      onTabChange={(next) => navigate({ search: { tab: next === "editor" ? undefined : next } })}
      onCreated={() => undefined}
    />
  );
}
