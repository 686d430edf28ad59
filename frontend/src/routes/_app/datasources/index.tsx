import { createFileRoute } from "@tanstack/react-router";
import { DatasourcesPage } from "@/features/datasources/datasources-page";
import { positiveInt } from "@/lib/search-params";

type DatasourcesSearch = { page?: number };

export const Route = createFileRoute("/_app/datasources/")({
  validateSearch: (search): DatasourcesSearch => ({ page: positiveInt(search.page) }),
  component: DatasourcesRoute,
});

function DatasourcesRoute() {
  const { page = 1 } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <DatasourcesPage
      page={page}
      onPageChange={(next) => navigate({ search: { page: next > 1 ? next : undefined } })}
    />
  );
}
