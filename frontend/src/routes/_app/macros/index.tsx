import { createFileRoute } from "@tanstack/react-router";
import { MacrosPage } from "@/features/macros/macros-page";
import { positiveInt } from "@/lib/search-params";

type MacrosSearch = { page?: number };

export const Route = createFileRoute("/_app/macros/")({
  validateSearch: (search): MacrosSearch => ({ page: positiveInt(search.page) }),
  component: MacrosRoute,
});

function MacrosRoute() {
  const { page = 1 } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <MacrosPage
      page={page}
      onPageChange={(next) => navigate({ search: { page: next > 1 ? next : undefined } })}
    />
  );
}
