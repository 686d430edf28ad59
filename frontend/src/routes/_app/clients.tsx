import { createFileRoute } from "@tanstack/react-router";
import { ClientsPage } from "@/features/clients/clients-page";
import { positiveInt } from "@/lib/search-params";

type ClientsSearch = { page?: number };

export const Route = createFileRoute("/_app/clients")({
  validateSearch: (search): ClientsSearch => ({ page: positiveInt(search.page) }),
  component: ClientsRoute,
});

function ClientsRoute() {
  const { page = 1 } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <ClientsPage
      page={page}
      onPageChange={(next) => navigate({ search: { page: next > 1 ? next : undefined } })}
    />
  );
}
