import { createFileRoute } from "@tanstack/react-router";
import { MacrosPage, type MacrosSearch } from "@/features/macros/macros-page";
import { oneOf, positiveInt, searchText } from "@/lib/search-params";

export const Route = createFileRoute("/_app/macros/")({
  validateSearch: (search): MacrosSearch & { page?: number } => ({
    page: positiveInt(search.page),
    q: searchText(search.q),
    kind: oneOf(["sql", "python"] as const, search.kind),
  }),
  component: MacrosRoute,
});

function MacrosRoute() {
  const { page = 1, ...search } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <MacrosPage
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
