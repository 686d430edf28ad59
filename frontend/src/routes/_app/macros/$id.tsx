import { createFileRoute, notFound } from "@tanstack/react-router";
import { MacroPage } from "@/features/macros/macro-editor-page";
import { positiveInt } from "@/lib/search-params";

export const Route = createFileRoute("/_app/macros/$id")({
  params: {
    parse: (params) => {
      const id = positiveInt(params.id);
      if (id === undefined) throw notFound();
      return { id };
    },
    stringify: ({ id }) => ({ id: String(id) }),
  },
  component: MacroRoute,
});

function MacroRoute() {
  const { id } = Route.useParams();
  const navigate = Route.useNavigate();
  return <MacroPage id={id} onDeleted={() => navigate({ to: "/macros" })} />;
}
