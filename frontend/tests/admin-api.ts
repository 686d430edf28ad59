import { expect, type Page } from "@playwright/test";
import { postgres } from "./e2e-settings";

/** The admin API with the token the dashboard stored for the logged-in user. */
export async function adminRequest<T>(
  page: Page,
  method: "GET" | "POST",
  path: string,
  data?: object,
): Promise<T> {
  const { origins } = await page.context().storageState();
  const stored = origins.flatMap((origin) => origin.localStorage);
  const token = stored.find((item) => item.name === "sluice.access_token")?.value;
  const response = await page.request.fetch(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
    data,
  });
  expect(response.ok(), `${path} answered ${response.status()}`).toBe(true);
  return response.json();
}

export function adminPost(page: Page, path: string, data: object): Promise<{ id: number }> {
  return adminRequest(page, "POST", path, data);
}

/** A data source on the journeys' PostgreSQL database (it trusts local logins). */
export function createPostgresSource(page: Page, name: string): Promise<{ id: number }> {
  const { host, port, database, user } = postgres;
  return adminPost(page, "/datasources", {
    name,
    type: "postgres",
    host,
    port,
    database,
    username: user,
  });
}
