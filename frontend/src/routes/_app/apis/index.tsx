import { createFileRoute } from "@tanstack/react-router";
import { ApisPage } from "@/features/apis/apis-page";
import { positiveInt } from "@/lib/search-params";

type ApisSearch = { page?: number; module?: number };

export const Route = createFileRoute("/_app/apis/")({
  validateSearch: (search): ApisSearch => ({
    page: positiveInt(search.page),
    module: positiveInt(search.module),
  }),
  component: ApisRoute,
});

function ApisRoute() {
  const { page = 1, module } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <ApisPage
      page={page}
      moduleId={module}
      onPageChange={(next) =>
        navigate({ search: (old) => ({ ...old, page: next > 1 ? next : undefined }) })
      }
      onModuleChange={(next) => navigate({ search: { module: next } })}
    />
  );
}
