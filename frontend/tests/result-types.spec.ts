import { expect, test } from "@playwright/test";
import { adminPost, adminRequest, createPostgresSource } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn } from "./journey";

/**
 * Exact response types (issue 15): a debug run shows the result's columns as the data
 * source describes them, and a script API declares the schema of its data in Settings;
 * both reach the gateway's OpenAPI document once published.
 */
test.beforeEach(async ({ page }) => {
  page.on("dialog", (dialog) => dialog.accept());
  await page.setViewportSize({ width: 1440, height: 1000 });
  await logIn(page);
});

type Schema = {
  type?: unknown;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
};
type Operation = {
  responses: { 200: { content: { "application/json": { schema: Schema } } } };
};
type Document = { paths: Record<string, Record<string, Operation>> };

async function dataSchema(page: import("@playwright/test").Page, path: string) {
  const doc = (await (await page.request.get("/api/v1/gateway/openapi.json")).json()) as Document;
  return doc.paths[path].get.responses[200].content["application/json"].schema.properties?.data;
}

test("a debug run lists the result columns the published document types", async ({ page }) => {
  const source = await createPostgresSource(page, "e2e-types-pg");
  const module = await adminPost(page, "/modules", { name: "e2e-types" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Totals",
    path: "totals",
    engine: "sql",
    datasource_id: source.id,
    access: "public",
    content: `SELECT customer, total, placed_at FROM ${postgresTable} ORDER BY id`,
  });
  await page.goto(`/ui/apis/${api.id}`);
  const debug = page.getByRole("region", { name: "Debug" });
  await debug.getByRole("button", { name: "Run", exact: true }).click();
  const columns = page.getByRole("region", { name: "Result columns" });
  await expect(columns.getByRole("listitem")).toHaveCount(3);
  await expect(columns.getByRole("listitem").nth(0)).toContainText("customer");
  await expect(columns.getByRole("listitem").nth(0)).toContainText("string");
  await expect(columns.getByRole("listitem").nth(1)).toContainText("numeric(10,2)");
  await expect(columns.getByRole("listitem").nth(1)).toContainText("string (decimal)");
  await expect(columns.getByRole("listitem").nth(2)).toContainText("string (date-time)");
  await columns.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("result-columns-1440.png") });

  await adminPost(page, `/apis/${api.id}/publish`, { message: "typed" });
  const data = await dataSchema(page, "/e2e-types/totals");
  expect(data?.type).toBe("array");
  const fields = data?.items?.properties ?? {};
  expect(Object.keys(fields)).toEqual(["customer", "total", "placed_at"]);
  expect(fields.total).toEqual({ type: ["string", "null"], format: "decimal" });
});

test("a script API declares its output schema in Settings", async ({ page }) => {
  const module = await adminPost(page, "/modules", { name: "e2e-declared" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Greeting",
    path: "hello",
    engine: "script",
    access: "public",
    content: 'def execute(params):\n    return {"hello": "world"}\n',
  });
  await page.goto(`/ui/apis/${api.id}`);
  const field = page.getByLabel("Output schema");
  await field.fill("{not json");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Output schema: not valid JSON.")).toBeVisible();

  const declared = {
    type: "object",
    properties: { hello: { type: "string" } },
    required: ["hello"],
  };
  await field.fill(JSON.stringify(declared));
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved")).toBeVisible();
  await field.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("output-schema-1440.png") });
  const saved = await adminRequest<{ output_schema: unknown }>(page, "GET", `/apis/${api.id}`);
  expect(saved.output_schema).toEqual(declared);

  await adminPost(page, `/apis/${api.id}/publish`, { message: "declared" });
  expect(await dataSchema(page, "/e2e-declared/hello")).toEqual(declared);
});
