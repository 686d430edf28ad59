import { useSuspenseQuery } from "@tanstack/react-query";
import { usersReadUserMeOptions } from "@/client/@tanstack/react-query.gen";
import type { UserPublic } from "@/client/types.gen";

const TOKEN_KEY = "sluice.access_token";

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  localStorage.removeItem(TOKEN_KEY);
}

/** The logged-in user; only inside the authenticated layout, which loads it first. */
export function useCurrentUser(): UserPublic {
  return useSuspenseQuery(usersReadUserMeOptions()).data;
}
