import { createFileRoute } from "@tanstack/react-router";
import { AlertsPage } from "@/features/alerts/alerts-page";
import { positiveInt } from "@/lib/search-params";

type AlertsSearch = { page?: number };

export const Route = createFileRoute("/_app/alerts")({
  validateSearch: (search): AlertsSearch => ({ page: positiveInt(search.page) }),
  component: AlertsRoute,
});

function AlertsRoute() {
  const { page = 1 } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <AlertsPage
      page={page}
      onPageChange={(next) => navigate({ search: { page: next > 1 ? next : undefined } })}
    />
  );
}
