import { createFileRoute, notFound } from "@tanstack/react-router";
import { DatasourcePage, type DatasourceTab } from "@/features/datasources/datasource-page";
import { optionalString, positiveInt } from "@/lib/search-params";

type DatasourceSearch = { tab?: DatasourceTab; table?: string };

export const Route = createFileRoute("/_app/datasources/$id")({
  params: {
    parse: (params) => {
      const id = positiveInt(params.id);
      if (id === undefined) throw notFound();
      return { id };
    },
    stringify: ({ id }) => ({ id: String(id) }),
  },
  validateSearch: (search): DatasourceSearch => ({
    tab: search.tab === "tables" ? "tables" : undefined,
    table: optionalString(search.table),
  }),
  component: DatasourceRoute,
});

function DatasourceRoute() {
  const { id } = Route.useParams();
  const { tab = "settings", table } = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <DatasourcePage
      id={id}
      tab={tab}
      table={table}
      onTabChange={(next) => navigate({ search: { tab: next === "tables" ? next : undefined } })}
      onTableChange={(next) =>
        navigate({ search: (old) => ({ ...old, table: next }), replace: true })
      }
      onDeleted={() => navigate({ to: "/datasources" })}
    />
  );
}
