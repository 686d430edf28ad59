import { createFileRoute, redirect } from "@tanstack/react-router";
import { LoginPage } from "@/features/auth/login-page";
import { optionalString } from "@/lib/search-params";
import { getToken } from "@/lib/session";

type LoginSearch = { redirect?: string };

export const Route = createFileRoute("/login")({
  validateSearch: (search): LoginSearch => ({ redirect: optionalString(search.redirect) }),
  beforeLoad: () => {
    if (getToken()) throw redirect({ to: "/" });
  },
  component: LoginRoute,
});

function LoginRoute() {
  const { redirect: redirectTo } = Route.useSearch();
  return <LoginPage redirectTo={redirectTo} />;
}
