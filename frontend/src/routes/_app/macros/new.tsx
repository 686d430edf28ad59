import { createFileRoute } from "@tanstack/react-router";
import { NewMacroPage } from "@/features/macros/macro-editor-page";

export const Route = createFileRoute("/_app/macros/new")({
  component: NewMacroRoute,
});

function NewMacroRoute() {
  const navigate = Route.useNavigate();
  return (
    <NewMacroPage
      onCreated={(macro) =>
        navigate({ to: "/macros/$id", params: { id: macro.id }, replace: true })
      }
    />
  );
}
