import { createFileRoute } from "@tanstack/react-router";
import { ApisPage, type ApisSearch, ENGINES, METHODS } from "@/features/apis/apis-page";
import { oneOf, optionalBoolean, positiveInt, searchText } from "@/lib/search-params";

export const Route = createFileRoute("/_app/apis/")({
  validateSearch: (search): ApisSearch & { page?: number } => ({
    page: positiveInt(search.page),
    q: searchText(search.q),
    module: positiveInt(search.module),
    engine: oneOf(ENGINES, search.engine),
    method: oneOf(METHODS, search.method),
    published: optionalBoolean(search.published),
  }),
  component: ApisRoute,
});

function ApisRoute() {
  const { page = 1, ...search } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <ApisPage
      page={page}
      search={search}
      onPageChange={(next) =>
        navigate({ search: (old) => ({ ...old, page: next > 1 ? next : undefined }) })
      }
      onSearchChange={(change) =>
        navigate({ search: (old) => ({ ...old, ...change, page: undefined }) })
      }
    />
  );
}
