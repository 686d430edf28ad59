import { expect, test } from "@playwright/test";
import { adminPost } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

/**
 * The gateway's Swagger UI on a network without internet (issue 14, defect 6): every
 * request to a host other than this machine is dropped, and the page still renders the
 * published API's operation, reached from the dashboard's own link.
 */
test("the gateway docs open from the dashboard and render with no internet", async ({
  page,
  context,
}) => {
  const outside: string[] = [];
  await context.route(
    (url) => url.hostname !== "127.0.0.1",
    (route) => {
      outside.push(route.request().url());
      return route.abort("internetdisconnected");
    },
  );
  await logIn(page);
  const source = await postgresSource(page, "e2e-offline-docs");
  const module = await adminPost(page, "/modules", { name: "offline" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Offline orders",
    path: "orders",
    method: "GET",
    datasource_id: source.id,
    access: "public",
    content: `SELECT id FROM ${postgresTable} ORDER BY id`,
  });
  await adminPost(page, `/apis/${api.id}/publish`, { message: "For the docs" });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "APIs" }).click();
  const opened = context.waitForEvent("page");
  await page.getByRole("link", { name: "Gateway docs" }).click();
  const docs = await opened;
  await expect(docs).toHaveURL(/\/api\/v1\/gateway\/docs$/);
  const operation = docs.locator(".opblock-summary").filter({ hasText: "/offline/orders" });
  await expect(operation).toBeVisible({ timeout: 15_000 });
  await operation.click();
  await expect(docs.getByRole("button", { name: "Try it out" })).toBeVisible();
  expect(outside).toEqual([]);
});
