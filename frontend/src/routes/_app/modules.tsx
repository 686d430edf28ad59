import { createFileRoute } from "@tanstack/react-router";
import { ModulesPage } from "@/features/modules/modules-page";
import { positiveInt } from "@/lib/search-params";

type ModulesSearch = { page?: number };

export const Route = createFileRoute("/_app/modules")({
  validateSearch: (search): ModulesSearch => ({ page: positiveInt(search.page) }),
  component: ModulesRoute,
});

function ModulesRoute() {
  const { page = 1 } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <ModulesPage
      page={page}
      onPageChange={(next) => navigate({ search: { page: next > 1 ? next : undefined } })}
    />
  );
}
