import { expect, test } from "@playwright/test";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

test("a superuser writes an SQL API, debugs it, publishes it and calls it", async ({ page }) => {
  await logIn(page);
  await postgresSource(page, "e2e-apis-postgres");
  const nav = page.getByRole("navigation", { name: "Main" });

  // A module: the first segment of the URL.
  await nav.getByRole("link", { name: "Modules" }).click();
  await expect(page.getByRole("heading", { name: "Modules", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "New module" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("shop");
  await dialog.getByRole("button", { name: "Create module" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("row").filter({ hasText: "/shop" })).toContainText("None yet");

  // An API in it, written in the editor.
  await nav.getByRole("link", { name: "APIs" }).click();
  await expect(page.getByRole("heading", { name: "APIs", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "New API" }).first().click();
  await expect(page.getByRole("heading", { name: "New API" })).toBeVisible();
  await page.getByLabel("Module").selectOption({ label: "shop" });
  await page.getByLabel("Path").fill("orders");
  await page.getByLabel("Name", { exact: true }).fill("Orders from an id");
  await page.getByLabel("Data source").selectOption({ label: "e2e-apis-postgres" });
  await page.getByLabel("Access").selectOption("public");
  await page
    .getByRole("textbox", { name: "SQL template" })
    .fill(`SELECT id, customer FROM ${postgresTable} WHERE id >= {{ min_id }} ORDER BY id`);
  await page.getByRole("button", { name: "Create API" }).click();
  await expect(page).toHaveURL(/\/ui\/apis\/\d+/);
  await expect(page.getByRole("heading", { name: "Orders from an id" })).toBeVisible();
  await expect(page.getByTestId("endpoint-url")).toHaveText(/\/shop\/orders$/);

  // The template reads min_id: one click declares it.
  await page.getByRole("button", { name: "Add parameter min_id" }).click();
  await expect(page.getByLabel("Name of min_id")).toHaveValue("min_id");
  await page.getByLabel("Type of min_id").selectOption("integer");
  await page.getByLabel("Location of min_id").selectOption("query");

  // Debug runs the unsaved draft as the editor holds it (the new param included).
  const debug = page.getByRole("region", { name: "Debug" });
  await debug.getByLabel("Debug value of min_id").fill("1");
  await debug.getByRole("button", { name: "Run" }).click();
  const result = page.getByTestId("debug-result");
  await expect(result.getByTestId("debug-summary")).toContainText("Succeeded");
  const rows = result.getByRole("table", { name: "Result rows" });
  await expect(rows.getByRole("columnheader", { name: "customer" })).toBeVisible();
  await expect(rows.getByRole("row")).not.toHaveCount(1);
  const renderedSql = result.getByRole("textbox", { name: "Rendered SQL" });
  await expect(renderedSql).toContainText("WHERE id >= %s");
  await expect(renderedSql).not.toContainText("{{");
  await expect(result.getByRole("list", { name: "Bound values" })).toContainText("1");

  // Publish version 1 and find it in the Versions tab.
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const publish = page.getByRole("dialog");
  await publish.getByLabel("Message").fill("First version");
  await publish.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(publish).toBeHidden();
  await expect(page.getByText("Live · v1")).toBeVisible();
  await page.getByRole("tab", { name: "Versions" }).click();
  const versions = page.getByRole("table", { name: "Versions" });
  const first = versions.getByRole("row").filter({ hasText: "v1" });
  await expect(first).toContainText("Live");
  await expect(first).toContainText("First version");

  // Clients call it at /module/path.
  const response = await page.request.get("/shop/orders?min_id=1");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.success).toBe(true);
  expect(body.data.length).toBeGreaterThan(0);
  expect(body.data[0]).toHaveProperty("customer");
});
