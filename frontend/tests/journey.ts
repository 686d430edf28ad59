import { expect, type Page } from "@playwright/test";
import { adminPost } from "./admin-api";
import { postgres, superuser } from "./e2e-settings";

/** Sign in to the dashboard as the first superuser. */
export async function logIn(page: Page): Promise<void> {
  await page.goto("/ui/login");
  await page.getByLabel("Email").fill(superuser.email);
  await page.getByLabel("Password").fill(superuser.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

/** A data source on the journeys' PostgreSQL server, through the admin API. */
export function postgresSource(
  page: Page,
  name: string,
  extra: object = {},
): Promise<{ id: number }> {
  return adminPost(page, "/datasources", {
    name,
    type: "postgres",
    host: postgres.host,
    port: postgres.port,
    database: postgres.database,
    username: postgres.user,
    ...extra,
  });
}
