import { createFileRoute } from "@tanstack/react-router";
import { UsersPage, type UsersSearch } from "@/features/users/users-page";
import { positiveInt, searchText } from "@/lib/search-params";

export const Route = createFileRoute("/_app/users")({
  validateSearch: (search): UsersSearch & { page?: number } => ({
    page: positiveInt(search.page),
    q: searchText(search.q),
  }),
  component: UsersRoute,
});

function UsersRoute() {
  const { page = 1, ...search } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <UsersPage
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
