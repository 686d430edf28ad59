import { expect, type Page, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

/** A PostgreSQL source, and in the module an API giving the first two orders from min_id. */
async function ordersApi(page: Page, source: string, moduleId: number): Promise<number> {
  const datasource = await postgresSource(page, source);
  const api = await adminPost(page, "/apis", {
    module_id: moduleId,
    name: "Two orders",
    path: "orders",
    method: "GET",
    datasource_id: datasource.id,
    access: "public",
    content: `SELECT id, customer FROM ${postgresTable} WHERE id >= {{ min_id }} ORDER BY id LIMIT 2`,
    params: [{ name: "min_id", location: "query", type: "integer", required: true }],
  });
  return api.id;
}

test("a debug run saved as a test passes, then fails with expected and got once edited", async ({
  page,
}) => {
  await logIn(page);
  const module = await adminPost(page, "/modules", { name: "tested" });
  const apiId = await ordersApi(page, "e2e-tests-postgres", module.id);
  await page.goto(`/ui/apis/${apiId}`);
  await expect(page.getByRole("heading", { name: "Two orders" })).toBeVisible();

  // Run the draft in the debugger, then keep the run as a test.
  const debug = page.getByRole("region", { name: "Debug" });
  await debug.getByLabel("Debug value of min_id").fill("1");
  await debug.getByRole("button", { name: "Run" }).click();
  await expect(debug.getByTestId("debug-summary")).toContainText("2 rows");
  await debug.getByRole("button", { name: "Save this run as a test" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Name")).toHaveValue("min_id = 1");
  await expect(dialog.getByLabel("Parameters")).toHaveValue(/"min_id": 1/);
  await expect(dialog.getByLabel("Outcome")).toHaveValue("succeeds");
  await expect(dialog.getByLabel("Rows", { exact: true })).toHaveValue("exactly");
  await expect(dialog.getByLabel("Row count")).toHaveValue("2");
  await dialog.getByLabel("Name").fill("first two orders");
  await dialog.getByRole("button", { name: "Infer from the debug run's rows" }).click();
  await expect(dialog.getByLabel("JSON Schema of the data")).toHaveValue(/"customer"/);
  await dialog.screenshot({ path: test.info().outputPath("save-run-as-test.png") });
  await dialog.getByRole("button", { name: "Save test" }).click();
  await expect(dialog).toBeHidden();

  // The test is listed with what it expects, and passes.
  const tests = page.getByRole("region", { name: "Tests" });
  const item = tests.getByRole("listitem", { name: "first two orders" });
  await expect(item.getByTestId("test-expects")).toContainText("succeeds");
  await expect(item.getByTestId("test-expects")).toContainText("2 rows");
  await expect(item.getByTestId("test-expects")).toContainText("matches the schema");
  await expect(item).toContainText("Not run");
  await tests.getByRole("button", { name: "Run all" }).click();
  await expect(tests.getByTestId("tests-summary")).toContainText("1 passed, 0 failed");
  await expect(item).toContainText("Passed");

  // Expect a third row and another customer: the run fails, saying why.
  await item.getByRole("button", { name: "Edit first two orders" }).click();
  await expect(dialog.getByLabel("Row count")).toHaveValue("2");
  await dialog.getByLabel("Row count").fill("3");
  await dialog.getByRole("button", { name: "Add a check" }).click();
  await dialog.getByLabel("Field of check 1").fill("customer");
  await dialog.getByLabel("Value of check 1").fill("Nobody");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();
  await expect(item.getByTestId("test-expects")).toContainText("3 rows");
  await expect(item.getByTestId("test-expects")).toContainText('customer = "Nobody"');
  await expect(item).toContainText("Not run");
  await item.getByRole("button", { name: "Run first two orders" }).click();
  await expect(item).toContainText("Failed");
  const failures = item.getByRole("list", { name: "Failures of first two orders" });
  const rows = failures.getByRole("listitem").filter({ hasText: "Expected 3 rows, got 2." });
  await expect(rows.getByTestId("expected-got")).toContainText(/Expected\s*3\s*Got\s*2/);
  const field = failures.getByRole("listitem").filter({ hasText: "Field value" });
  await expect(field).toContainText(`Row 0, field 'customer': expected "Nobody", got`);
  await expect(field.getByTestId("expected-got")).toContainText('"Nobody"');
  await page.setViewportSize({ width: 1280, height: 1600 });
  await tests.screenshot({ path: test.info().outputPath("tests-panel.png") });
});

test("a module requiring passing tests refuses a publish, which a reason forces", async ({
  page,
}) => {
  await logIn(page);
  const module = await adminPost(page, "/modules", { name: "gated" });
  const apiId = await ordersApi(page, "e2e-gate-postgres", module.id);
  await adminPost(page, `/apis/${apiId}/tests`, {
    name: "ninety-nine orders",
    params: { min_id: 1 },
    expect: { rows: 99 },
  });

  // The module's owner makes its publishes wait for passing tests.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Modules" })
    .click();
  const row = page.getByRole("row").filter({ hasText: "/gated" });
  await row.getByRole("button", { name: "Edit gated" }).click();
  const moduleDialog = page.getByRole("dialog");
  await moduleDialog.getByRole("switch", { name: "Require passing tests" }).click();
  await moduleDialog.screenshot({ path: test.info().outputPath("module-form.png") });
  await moduleDialog.getByRole("button", { name: "Save changes" }).click();
  await expect(moduleDialog).toBeHidden();
  await expect(row).toContainText("Tests required");
  await page.getByRole("table").screenshot({ path: test.info().outputPath("modules.png") });

  // Publishing runs the test, which fails: the dialog says which and why.
  await page.goto(`/ui/apis/${apiId}`);
  await expect(page.getByRole("heading", { name: "Two orders" })).toBeVisible();
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const publish = page.getByRole("dialog");
  await expect(publish).toContainText("Its module holds publishes to passing tests");
  await publish.getByLabel("Message").fill("First cut");
  await publish.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(publish.getByRole("alert")).toContainText("1 of 1 test case(s) failed");
  const refusal = publish.getByTestId("gate-refusal");
  await expect(refusal.getByRole("list", { name: "Failed tests" })).toContainText(
    "ninety-nine orders",
  );
  await expect(refusal).toContainText("Expected 99 rows, got 2.");
  await expect(refusal.getByTestId("expected-got")).toContainText(/Expected\s*99\s*Got\s*2/);

  // Forcing needs a reason, which the version's message keeps.
  const force = publish.getByRole("button", { name: "Publish anyway" });
  await expect(force).toBeDisabled();
  await publish.getByLabel("Reason to publish anyway").fill("the count test awaits new data");
  await publish.screenshot({ path: test.info().outputPath("publish-refused.png") });
  await force.click();
  await expect(publish).toBeHidden();
  await expect(page.getByText("Live · v1")).toBeVisible();
  await page.getByRole("tab", { name: "Versions" }).click();
  const first = page.getByRole("table", { name: "Versions" }).getByRole("row").filter({
    hasText: "v1",
  });
  await expect(first).toContainText(
    "First cut (forced past failing tests: the count test awaits new data)",
  );

  const audit = await adminRequest<{ data: { action: string }[] }>(
    page,
    "GET",
    "/audit-logs?resource=api",
  );
  expect(audit.data[0]?.action).toBe("force_publish");

  // A restore is held by the same tests, and forced the same way. (A second version needs
  // a changed draft: the live content again is nothing to publish.)
  const { origins } = await page.context().storageState();
  const token = origins
    .flatMap((origin) => origin.localStorage)
    .find((item) => item.name === "sluice.access_token")?.value;
  const patched = await page.request.patch(`/api/v1/apis/${apiId}`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { description: "second cut" },
  });
  expect(patched.ok()).toBe(true);
  await adminPost(page, `/apis/${apiId}/publish`, {
    message: "Second cut",
    force: true,
    reason: "still waiting",
  });
  await page.reload();
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByRole("button", { name: "Restore version 1" }).click();
  const restore = page.getByRole("alertdialog");
  await restore.getByRole("radio", { name: /Restore and publish/ }).check();
  await restore.getByRole("button", { name: "Restore and publish" }).click();
  await expect(restore.getByTestId("gate-refusal")).toContainText("Expected 99 rows, got 2.");
  await expect(restore.getByRole("button", { name: "Restore anyway" })).toBeDisabled();
  await restore.getByLabel("Reason to restore anyway").fill("back to the first cut");
  await restore.screenshot({ path: test.info().outputPath("restore-refused.png") });
  await restore.getByRole("button", { name: "Restore anyway" }).click();
  await expect(restore).toBeHidden();
  const third = page.getByRole("table", { name: "Versions" }).getByRole("row").filter({
    hasText: "v3",
  });
  await expect(third).toContainText("Live");
  await expect(third).toContainText(
    "Restored version 1 (forced past failing tests: back to the first cut)",
  );
});
