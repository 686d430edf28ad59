import { createFileRoute } from "@tanstack/react-router";
import { GroupsPage } from "@/features/groups/groups-page";
import { positiveInt } from "@/lib/search-params";

type GroupsSearch = { page?: number };

export const Route = createFileRoute("/_app/groups")({
  validateSearch: (search): GroupsSearch => ({ page: positiveInt(search.page) }),
  component: GroupsRoute,
});

function GroupsRoute() {
  const { page = 1 } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <GroupsPage
      page={page}
      onPageChange={(next) => navigate({ search: { page: next > 1 ? next : undefined } })}
    />
  );
}
