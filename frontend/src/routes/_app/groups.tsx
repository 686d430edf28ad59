import { createFileRoute } from "@tanstack/react-router";
import { GroupsPage, type GroupsSearch } from "@/features/groups/groups-page";
import { positiveInt, searchText } from "@/lib/search-params";

export const Route = createFileRoute("/_app/groups")({
  validateSearch: (search): GroupsSearch & { page?: number } => ({
    page: positiveInt(search.page),
    q: searchText(search.q),
  }),
  component: GroupsRoute,
});

function GroupsRoute() {
  const { page = 1, ...search } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <GroupsPage
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
