import { createFileRoute } from "@tanstack/react-router";
import { ClientsPage, type ClientsSearch } from "@/features/clients/clients-page";
import { optionalBoolean, positiveInt, searchText } from "@/lib/search-params";

export const Route = createFileRoute("/_app/clients")({
  validateSearch: (search): ClientsSearch & { page?: number } => ({
    page: positiveInt(search.page),
    q: searchText(search.q),
    active: optionalBoolean(search.active),
  }),
  component: ClientsRoute,
});

function ClientsRoute() {
  const { page = 1, ...search } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <ClientsPage
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
