import { createFileRoute } from "@tanstack/react-router";
import { UsersPage } from "@/features/users/users-page";
import { positiveInt } from "@/lib/search-params";

type UsersSearch = { page?: number };

export const Route = createFileRoute("/_app/users")({
  validateSearch: (search): UsersSearch => ({ page: positiveInt(search.page) }),
  component: UsersRoute,
});

function UsersRoute() {
  const { page = 1 } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <UsersPage
      page={page}
      onPageChange={(next) => navigate({ search: { page: next > 1 ? next : undefined } })}
    />
  );
}
