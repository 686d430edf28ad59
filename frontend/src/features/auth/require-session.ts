import type { QueryClient } from "@tanstack/react-query";
import { redirect } from "@tanstack/react-router";
import { usersReadUserMeOptions } from "@/client/@tanstack/react-query.gen";
import { getToken } from "@/lib/session";

/**
 * Guard for the authenticated pages: without a token, or when the token is no
 * longer accepted, go to the login page and come back here afterwards.
 */
export async function requireSession(queryClient: QueryClient, returnTo: string): Promise<void> {
  const toLogin = () => redirect({ to: "/login", search: { redirect: returnTo } });
  if (!getToken()) throw toLogin();
  try {
    await queryClient.ensureQueryData(usersReadUserMeOptions());
  } catch (error) {
    if (!getToken()) throw toLogin();
    throw error;
  }
}
