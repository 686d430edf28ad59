import { createFileRoute } from "@tanstack/react-router";
import { DATASOURCE_TYPES } from "@/features/datasources/datasource-types";
import { DatasourcesPage, type DatasourcesSearch } from "@/features/datasources/datasources-page";
import { oneOf, positiveInt, searchText } from "@/lib/search-params";

export const Route = createFileRoute("/_app/datasources/")({
  validateSearch: (search): DatasourcesSearch & { page?: number } => ({
    page: positiveInt(search.page),
    q: searchText(search.q),
    type: oneOf(DATASOURCE_TYPES, search.type),
  }),
  component: DatasourcesRoute,
});

function DatasourcesRoute() {
  const { page = 1, ...search } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <DatasourcesPage
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
