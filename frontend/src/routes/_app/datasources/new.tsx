import { createFileRoute } from "@tanstack/react-router";
import { NewDatasourcePage } from "@/features/datasources/new-datasource-page";

export const Route = createFileRoute("/_app/datasources/new")({
  component: NewDatasourceRoute,
});

function NewDatasourceRoute() {
  const navigate = Route.useNavigate();
  return <NewDatasourcePage onDone={() => navigate({ to: "/datasources" })} />;
}
