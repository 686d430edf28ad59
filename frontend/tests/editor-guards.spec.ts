import { expect, type Page, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { logIn, postgresSource } from "./journey";

/**
 * The editors guard the draft (issue 14): leaving with unsaved changes asks first (defect
 * 3), the header says when the draft is no longer what is live and Publish explains why it
 * is off when there is nothing to publish (defects 1 and 4), and a restore goes to the
 * draft unless asked to publish (defect 10).
 */

type Api = { id: number };

async function publishedApi(page: Page, module: string, path: string): Promise<Api> {
  const source = await postgresSource(page, `${module}-source`);
  const created = await adminPost(page, "/modules", { name: module });
  const api = await adminPost(page, "/apis", {
    module_id: created.id,
    name: "Orders by status",
    path,
    method: "GET",
    datasource_id: source.id,
    access: "public",
    content: "SELECT {{ status }} AS status",
    params: [
      { name: "status", location: "query", type: "string", required: true, enum: ["new", "paid"] },
    ],
  });
  await adminPost(page, `/apis/${api.id}/publish`, { message: "first" });
  return api;
}

test("leaving the API editor with unsaved changes asks first, also on closing the tab", async ({
  page,
}) => {
  await logIn(page);
  const api = await publishedApi(page, "e2e-guard", "guarded");
  await page.goto(`/ui/apis/${api.id}`);
  await page.getByLabel("Name", { exact: true }).fill("Orders, renamed");

  await page.getByRole("link", { name: "APIs", exact: true }).first().click();
  const prompt = page.getByRole("alertdialog", { name: "Leave without saving?" });
  await expect(prompt).toBeVisible();
  await prompt.getByRole("button", { name: "Stay on this page" }).click();
  await expect(prompt).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/ui/apis/${api.id}`));
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Orders, renamed");

  // Another tab of the same editor is no navigation away.
  await page.getByRole("tab", { name: "Versions" }).click();
  await expect(prompt).toBeHidden();
  await page.getByRole("tab", { name: "Editor" }).click();

  // Closing the tab: the browser's own prompt (beforeunload).
  const seen: string[] = [];
  page.on("dialog", (dialog) => {
    seen.push(dialog.type());
    void dialog.dismiss();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => seen).toEqual(["beforeunload"]);
});

test("leaving after discarding goes on, and a saved editor leaves without a prompt", async ({
  page,
}) => {
  await logIn(page);
  const api = await publishedApi(page, "e2e-guard-two", "leave");
  await page.goto(`/ui/apis/${api.id}`);
  await page.getByLabel("Name", { exact: true }).fill("Changed and left");
  await page.getByRole("link", { name: "APIs", exact: true }).first().click();
  const prompt = page.getByRole("alertdialog", { name: "Leave without saving?" });
  await prompt.getByRole("button", { name: "Leave and discard changes" }).click();
  await expect(page.getByRole("heading", { name: "APIs", exact: true })).toBeVisible();

  await page.goto(`/ui/apis/${api.id}`);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Orders by status");
  await page.getByLabel("Name", { exact: true }).fill("Saved first");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved")).toBeVisible();
  await page.getByRole("link", { name: "APIs", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "APIs", exact: true })).toBeVisible();
  await expect(prompt).toBeHidden();
});

test("leaving a macro editor with unsaved changes asks first", async ({ page }) => {
  await logIn(page);
  const macro = await adminPost(page, "/macros", {
    name: "e2e_guarded_macro",
    kind: "sql",
    content: "{% macro one() %}1{% endmacro %}",
  });
  await page.goto(`/ui/macros/${macro.id}`);
  await page.getByLabel("Name", { exact: true }).fill("e2e_guarded_macro_renamed");
  await page.getByRole("link", { name: "Macros", exact: true }).first().click();
  const prompt = page.getByRole("alertdialog", { name: "Leave without saving?" });
  await expect(prompt).toBeVisible();
  await prompt.getByRole("button", { name: "Stay on this page" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("e2e_guarded_macro_renamed");
});

test("the header says when the draft differs from live, and Publish says why it is off", async ({
  page,
}) => {
  await logIn(page);
  const api = await publishedApi(page, "e2e-differs", "differs");
  await page.goto(`/ui/apis/${api.id}`);
  await expect(page.getByText("Live · v1")).toBeVisible();
  const publish = page.getByRole("button", { name: "Publish", exact: true });
  await expect(publish).toBeDisabled();
  await expect(
    page.getByText("Nothing to publish: the draft is the same as the live version."),
  ).toBeVisible();
  await expect(page.getByText("Draft differs from live")).toBeHidden();

  await page.getByLabel("Name", { exact: true }).fill("Orders by state");
  await expect(publish).toBeEnabled(); // unsaved changes are saved by a publish
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved")).toBeVisible();
  await expect(page.getByText("Draft differs from live")).toBeVisible();
  await expect(publish).toBeEnabled();
  await page.screenshot({ path: test.info().outputPath("editor-differs.png") });

  await page.getByRole("button", { name: "See the changes" }).click();
  const changed = page.getByRole("table", { name: "Changed settings" });
  await expect(changed).toBeVisible();
  await expect(changed.getByRole("columnheader", { name: "draft" })).toBeVisible();
  await expect(
    changed.getByRole("row", { name: /name Orders by status Orders by state/ }),
  ).toBeVisible();

  // The server refuses a duplicate too.
  const again = await adminPost(page, `/apis/${api.id}/publish`, { message: "second" });
  expect(again.id).toBeGreaterThan(0);
  const token = (await page.context().storageState()).origins
    .flatMap((origin) => origin.localStorage)
    .find((item) => item.name === "sluice.access_token")?.value;
  const duplicate = await page.request.post(`/api/v1/apis/${api.id}/publish`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { message: "third" },
  });
  expect(duplicate.status()).toBe(409);
  expect((await duplicate.json()).code).toBe("nothing_to_publish");
});

test("a restore goes to the draft by default; restore and publish makes a version", async ({
  page,
}) => {
  await logIn(page);
  const api = await publishedApi(page, "e2e-restore", "restore");
  await adminRequest(page, "GET", `/apis/${api.id}`);
  const token = (await page.context().storageState()).origins
    .flatMap((origin) => origin.localStorage)
    .find((item) => item.name === "sluice.access_token")?.value;
  await page.request.patch(`/api/v1/apis/${api.id}`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { content: "SELECT 'v2' AS status" },
  });
  await adminPost(page, `/apis/${api.id}/publish`, { message: "second" });

  await page.goto(`/ui/apis/${api.id}?tab=versions`);
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByRole("button", { name: "Restore version 1" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog.getByRole("radio", { name: /Restore to the draft/ })).toBeChecked();
  await page.screenshot({ path: test.info().outputPath("editor-restore.png") });
  await dialog.getByRole("button", { name: "Restore to draft" }).click();
  await expect(dialog).toBeHidden();

  // Nothing went live: still two versions, v2 live, and the draft now differs from it.
  await expect(page.getByText("Live · v2")).toBeVisible();
  await expect(page.getByText("Draft differs from live")).toBeVisible();
  const versions = page.getByRole("table", { name: "Versions" });
  await expect(versions.getByRole("row")).toHaveCount(3);
  const live = await page.request.get("/e2e-restore/restore?status=new");
  expect((await live.json()).data).toEqual([{ status: "v2" }]);

  await page.getByRole("button", { name: "Restore version 1" }).click();
  await dialog.getByRole("radio", { name: /Restore and publish/ }).check();
  await dialog.getByRole("button", { name: "Restore and publish" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Live · v3")).toBeVisible();
  await expect(page.getByText("Draft differs from live")).toBeHidden();
  const republished = await page.request.get("/e2e-restore/restore?status=new");
  expect((await republished.json()).data).toEqual([{ status: "new" }]);
});

test("a version shows its data source by name and its params as a table", async ({ page }) => {
  await logIn(page);
  const api = await publishedApi(page, "e2e-snapshot", "snapshot");
  await page.goto(`/ui/apis/${api.id}?tab=versions`);
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByRole("button", { name: "View version 1" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText("e2e-snapshot-source")).toBeVisible();
  await expect(dialog.getByText("datasource_id")).toBeHidden();
  const params = dialog.getByRole("table", { name: "Parameters of this version" });
  await expect(params.getByRole("row", { name: /status query string yes/ })).toBeVisible();
  await expect(params.getByRole("cell", { name: 'enum: ["new","paid"]' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("editor-snapshot.png") });
});
