import { expect, type Page, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { logIn, postgresSource } from "./journey";

/**
 * A user with the built-in viewer role (read only) sees every main page and no control
 * that would create, edit, delete, publish or restore anything (issue 14).
 */

const viewer = { email: "viewer@example.com", password: "e2e-Viewer-pass-1" };

/** Words that start the name of a control that changes something. */
const CHANGING =
  /^(new|create|add|edit|delete|remove|publish|unpublish|restore|save|regenerate|import|generate|run|debug|test connection|deactivate|activate|disable|enable)\b/i;

/** The accessible names of every visible button and link on the page. */
async function controlNames(page: Page): Promise<string[]> {
  const names: string[] = [];
  for (const role of ["button", "link", "menuitem", "switch"] as const) {
    for (const control of await page.getByRole(role).all()) {
      if (!(await control.isVisible())) continue;
      const label = (await control.getAttribute("aria-label")) ?? (await control.innerText());
      names.push(label.trim());
    }
  }
  return names;
}

async function expectNoEditControls(page: Page, where: string): Promise<void> {
  await page.goto(where);
  await expect(page.getByRole("heading", { level: 1 }), where).toBeVisible({ timeout: 15_000 });
  await page.waitForLoadState("networkidle");
  const changing = (await controlNames(page)).filter((name) => CHANGING.test(name));
  expect(changing, `controls that change something on ${where}`).toEqual([]);
  // Filters (search boxes, selects that pick what to show) are reading; a text field that
  // can be typed into is an edit.
  const fields = page.locator(
    "main input:enabled:not([readonly]):not([type=search]):not([type=hidden]), main textarea:enabled:not([readonly]), main [contenteditable=true]",
  );
  const editable: string[] = [];
  for (const field of await fields.all()) {
    const label = (await field.getAttribute("aria-label")) ?? "";
    if ((await field.isVisible()) && !/^Search /.test(label)) {
      editable.push(
        (await field.getAttribute("aria-label")) ??
          (await field.evaluate((e) => e.outerHTML.slice(0, 120))),
      );
    }
  }
  expect(editable, `editable fields on ${where}`).toEqual([]);
}

test("a viewer sees no edit controls", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await logIn(page);
  const source = await postgresSource(page, "viewer-source");
  const module = await adminPost(page, "/modules", { name: "e2e-viewer" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Viewer API",
    path: "seen",
    datasource_id: source.id,
    access: "private",
    content: "SELECT 1 AS one",
  });
  await adminPost(page, `/apis/${api.id}/publish`, { message: "first" });
  const macro = await adminPost(page, "/macros", {
    name: "e2e_viewer_macro",
    kind: "sql",
    content: "{% macro one() %}1{% endmacro %}",
  });
  await adminPost(page, "/groups", { name: "viewer-group", api_ids: [api.id] });
  await adminPost(page, "/clients", { name: "viewer-client" });
  const roles = await adminRequest<{ data: { id: number; name: string }[] }>(page, "GET", "/roles");
  const role = roles.data.find((candidate) => candidate.name === "viewer");
  await adminPost(page, "/users", { ...viewer, full_name: "Vi Ewer", role_ids: [role?.id] });

  const context = await browser.newContext();
  const seen = await context.newPage();
  await seen.goto("/ui/login");
  await seen.getByLabel("Email").fill(viewer.email);
  await seen.getByLabel("Password").fill(viewer.password);
  await seen.getByRole("button", { name: "Sign in" }).click();
  await expect(seen.getByRole("heading", { name: "Overview" })).toBeVisible({ timeout: 15_000 });

  for (const where of [
    "/ui/apis",
    `/ui/apis/${api.id}`,
    `/ui/apis/${api.id}?tab=versions`,
    "/ui/datasources",
    `/ui/datasources/${source.id}`,
    "/ui/modules",
    "/ui/clients",
    "/ui/groups",
    "/ui/macros",
    `/ui/macros/${macro.id}`,
    "/ui/users",
    "/ui/roles",
  ]) {
    await expectNoEditControls(seen, where);
  }
  await seen.goto(`/ui/apis/${api.id}`);
  await seen.screenshot({ path: test.info().outputPath("viewer-api.png") });
  await context.close();
});
