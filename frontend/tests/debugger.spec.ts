import { execFileSync } from "node:child_process";
import { expect, type Page, test } from "@playwright/test";
import { adminPost, adminRequest, createPostgresSource } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn } from "./journey";

type Api = { id: number; content: string; updated_at: string };

/** A module and an SQL API on the journeys' PostgreSQL table, made through the admin API. */
async function sqlApi(page: Page, name: string, extra: object = {}) {
  const source = await createPostgresSource(page, `${name}-pg`);
  const module = await adminPost(page, "/modules", { name });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: `${name} orders`,
    path: "orders",
    method: "GET",
    engine: "sql",
    datasource_id: source.id,
    access: "public",
    content: `SELECT customer FROM ${postgresTable} ORDER BY id`,
    ...extra,
  });
  return { api, source };
}

test.beforeEach(async ({ page }) => {
  // The editor may ask before a reload drops unsaved changes: accept, as a user leaving would.
  page.on("dialog", (dialog) => dialog.accept());
  await page.setViewportSize({ width: 1440, height: 1000 });
  await logIn(page);
});

/** Issue 14, defect 5: Run saved the draft. It runs the editor's text and saves nothing. */
test("debug runs the edited SQL without saving the draft", async ({ page }) => {
  const { api } = await sqlApi(page, "e2e-unsaved");
  const before = await adminRequest<Api>(page, "GET", `/apis/${api.id}`);
  await page.goto(`/ui/apis/${api.id}`);

  const editor = page.getByRole("textbox", { name: "SQL template" });
  await editor.fill(`SELECT total FROM ${postgresTable} ORDER BY id`);
  const debug = page.getByRole("region", { name: "Debug" });
  await debug.getByRole("button", { name: "Run", exact: true }).click();
  const rows = page.getByTestId("debug-result").getByRole("table", { name: "Result rows" });
  await expect(rows.getByRole("columnheader", { name: "total" })).toBeVisible();
  await expect(page.getByText("Draft saved")).toBeHidden();

  await page.reload();
  await expect(page.getByRole("textbox", { name: "SQL template" })).toContainText(
    "SELECT customer FROM",
  );
  const after = await adminRequest<Api>(page, "GET", `/apis/${api.id}`);
  expect(after.content).toBe(before.content);
  expect(after.updated_at).toBe(before.updated_at);
});

/** Issue 14, defect 9: a new API switched to Python kept the SQL labels and hints. */
test("a new API switched to Python speaks Python and suggests params['x']", async ({ page }) => {
  await adminPost(page, "/modules", { name: "e2e-python" });
  await page.goto("/ui/apis/new");
  await expect(page.getByRole("textbox", { name: "SQL template" })).toBeVisible();
  await page.getByLabel("Engine").selectOption("script");

  const editor = page.getByRole("textbox", { name: "Python script" });
  await expect(editor).toBeVisible();
  await expect(page.getByRole("textbox", { name: "SQL template" })).toHaveCount(0);
  await expect(page.locator(".cm-placeholder")).toContainText("def execute(params):");
  await expect(page.getByText('params["name"]')).toBeVisible();
  await expect(page.getByText("{{ name }}")).toHaveCount(0);

  await page.getByLabel("Module").selectOption({ label: "e2e-python" });
  await page.getByLabel("Path").fill("hello");
  await page.getByLabel("Name", { exact: true }).fill("Hello script");
  await editor.fill('def execute(params):\n    return {"hello": params.get("who")}');
  await page.getByRole("button", { name: "Create API" }).click();
  await expect(page).toHaveURL(/\/ui\/apis\/\d+/);
  await expect(page.getByText("Suggested from the script:")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add parameter who" })).toBeVisible();
});

test("a script API is written, debugged and published from the dashboard", async ({ page }) => {
  const source = await createPostgresSource(page, "e2e-script-pg");
  await adminPost(page, "/modules", { name: "e2e-scripted" });
  await page.goto("/ui/apis/new");
  await page.getByLabel("Engine").selectOption("script");
  await page.getByLabel("Module").selectOption({ label: "e2e-scripted" });
  await page.getByLabel("Path").fill("count");
  await page.getByLabel("Name", { exact: true }).fill("Orders of a customer");
  await page.getByLabel("Data source").selectOption({ label: "e2e-script-pg" });
  await page.getByLabel("Access").selectOption("public");
  // The script editor completes the names a script starts with.
  const script = page.getByRole("textbox", { name: "Python script" });
  await script.click();
  await page.keyboard.type("cac");
  const completions = page.locator(".cm-tooltip-autocomplete");
  await expect(completions.getByRole("option", { name: /^cache/ })).toBeVisible();
  await page.keyboard.press("Escape");
  await script.fill(
    [
      "def execute(params):",
      `    rows = db.query("SELECT id FROM ${postgresTable} WHERE customer = %s", [params["who"]])`,
      '    log.info("found", len(rows))',
      '    return {"who": params["who"], "orders": len(rows)}',
    ].join("\n"),
  );
  await page.getByRole("button", { name: "Create API" }).click();
  await expect(page).toHaveURL(/\/ui\/apis\/\d+/);
  expect(source.id).toBeGreaterThan(0);

  await page.getByRole("button", { name: "Add parameter who" }).click();
  const debug = page.getByRole("region", { name: "Debug" });
  await debug.getByLabel("Debug value of who").fill("Ada");
  // Ctrl+Enter in the editor runs the unsaved draft (the new param included).
  await page.getByRole("textbox", { name: "Python script" }).press("Control+Enter");
  const result = page.getByTestId("debug-result");
  await expect(result.getByTestId("debug-summary")).toContainText("Succeeded");
  await expect(result).toContainText('"orders": 1');
  await expect(result.getByTestId("debug-logs")).toContainText("found 1");
  await page.screenshot({ path: test.info().outputPath("debugger-script-1440.png") });

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Message").fill("Counts orders");
  await dialog.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Live · v1")).toBeVisible();
  const response = await page.request.get("/e2e-scripted/count?who=Ada");
  expect(response.status()).toBe(200);
  expect((await response.json()).data).toEqual({ who: "Ada", orders: 1 });
});

test("the SQL editor completes the data source's columns and explains filters", async ({
  page,
}) => {
  const { api } = await sqlApi(page, "e2e-complete");
  await page.goto(`/ui/apis/${api.id}`);
  const editor = page.getByRole("textbox", { name: "SQL template" });
  await editor.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type(`SELECT cust`);
  const completions = page.locator(".cm-tooltip-autocomplete");
  await expect(completions).toBeVisible();
  await expect(completions.getByRole("option", { name: /customer/ })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("debugger-completion-1440.png") });
  await page.keyboard.press("Enter");
  await expect(editor).toContainText("SELECT customer");

  // After `|` it offers the template's filters; hovering one shows its doc.
  await page.keyboard.type(` FROM ${postgresTable} WHERE customer LIKE {{ 'a' | sql_l`);
  // Clicked, not Enter: an Enter that lands while the list is being refreshed is a newline.
  const filter = completions.getByRole("option", { name: /^sql_like/ }).first();
  await expect(filter).toBeVisible();
  await filter.click();
  const tag = page.locator(".cm-content .cm-jinja", { hasText: "sql_like" });
  await expect(tag).toHaveText("{{ 'a' | sql_like}}");
  const box = await tag.boundingBox();
  if (!box) throw new Error("the template tag has no box");
  await page.mouse.move(box.x + (box.width * 13) / 19, box.y + box.height / 2);
  await expect(page.locator(".cm-hint-doc")).toContainText("%value%");
  await page.screenshot({ path: test.info().outputPath("debugger-hover-1440.png") });
});

test("copy as curl calls a private API with a client's token", async ({ page }) => {
  const { api } = await sqlApi(page, "e2e-curl", {
    access: "private",
    content: `SELECT customer FROM ${postgresTable} WHERE id = {{ id }}`,
    params: [{ name: "id", location: "query", type: "integer", required: true }],
  });
  await adminPost(page, `/apis/${api.id}/publish`, { message: "v1" });
  const client = await adminRequest<{ client_id: string; client_secret: string }>(
    page,
    "POST",
    "/clients",
    { name: "e2e-curl-client", api_ids: [api.id] },
  );
  const token = await page.request.post("/token/generate", {
    data: { client_id: client.client_id, client_secret: client.client_secret },
  });
  const { access_token } = await token.json();

  await page.goto(`/ui/apis/${api.id}`);
  const debug = page.getByRole("region", { name: "Debug" });
  await debug.getByLabel("Debug value of id").fill("2");
  const call = page.getByRole("region", { name: "Call this API" });
  await expect(call.getByTestId("gateway-url")).toHaveText(/\/e2e-curl\/orders\?id=2$/);
  await expect(call.getByRole("link", { name: "Gateway docs" })).toHaveAttribute(
    "href",
    "/api/v1/gateway/docs#/e2e-curl/e2e_curl_e2e_curl_orders",
  );
  const command = (await call.getByTestId("curl-command").textContent()) ?? "";
  expect(command).toContain("$SLUICE_TOKEN");
  await page.screenshot({ path: test.info().outputPath("debugger-curl-1440.png") });

  const output = execFileSync("bash", ["-c", `${command} -w '\\n%{http_code}'`], {
    env: { ...process.env, SLUICE_TOKEN: access_token },
  }).toString();
  const [body, status] = output.trimEnd().split(/\n(?=\d{3}$)/);
  expect(status).toBe("200");
  expect(JSON.parse(body ?? "{}").data).toEqual([{ customer: "Grace" }]);
});
