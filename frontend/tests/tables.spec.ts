import { readFile } from "node:fs/promises";
import { type Download, expect, type Locator, type Page, test } from "@playwright/test";
import { adminPost, adminRequest, createPostgresSource } from "./admin-api";
import { superuser } from "./e2e-settings";
import { psql } from "./psql";

// Tables of this run only, so that runs never meet (the database is shared).
const suffix = Date.now().toString(36);
const items = `e2e_items_${suffix}`;
const readings = `e2e_readings_${suffix}`;
const scratch = `e2e_scratch_${suffix}`;
const people = `e2e_people_${suffix}`;

test.beforeAll(() => {
  psql(`CREATE TABLE public.${items} (
    id serial PRIMARY KEY,
    name text NOT NULL,
    price numeric(8, 2),
    "order" integer
  );
  INSERT INTO public.${items} (name, price, "order")
  VALUES ('Bolt', 0.25, 1), ('Nut', 0.10, 2), ('Hinge', 3.50, 3);
  CREATE TABLE public.${readings} (sensor text, reading real);
  CREATE TABLE public.${scratch} (id integer, note text);
  INSERT INTO public.${scratch} VALUES (1, 'a'), (2, 'b');
  CREATE TABLE public.${people} (id integer PRIMARY KEY, name text NOT NULL, born date)`);
});

test.afterAll(() => {
  psql(
    `DROP TABLE IF EXISTS public.${items}, public.${readings}, public.${scratch}, public.${people}`,
  );
});

async function logIn(page: Page): Promise<void> {
  await page.goto("/ui/login");
  await page.getByLabel("Email").fill(superuser.email);
  await page.getByLabel("Password").fill(superuser.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible({ timeout: 15_000 });
}

/** Pick one table of the source in its Tables tab. */
async function selectTable(page: Page, sourceId: number, table: string): Promise<void> {
  await page.goto(`/ui/datasources/${sourceId}?tab=tables`);
  await page.getByLabel("Filter tables").fill(table);
  await page
    .getByRole("navigation", { name: "Tables" })
    .getByRole("button", { name: new RegExp(table) })
    .click();
}

/** Open the generator on one table of the source, from its Tables tab. */
async function openGenerator(page: Page, sourceId: number, table: string): Promise<Locator> {
  await selectTable(page, sourceId, table);
  await page.getByRole("button", { name: "Generate APIs" }).click();
  const sheet = page.getByRole("dialog", { name: "Generate APIs" });
  await expect(sheet).toBeVisible();
  return sheet;
}

test("generate CRUD APIs from a table: preview their SQL, create them, publish one and call it", async ({
  page,
}) => {
  await logIn(page);
  const source = await createPostgresSource(page, "e2e-tables");
  const sheet = await openGenerator(page, source.id, items);

  // Every operation is ticked, and a new module named after the source is suggested.
  for (const operation of ["List", "Get", "Create", "Update", "Delete"]) {
    await expect(sheet.getByRole("checkbox", { name: operation, exact: true })).toBeChecked();
  }
  await expect(sheet.getByLabel("New module name")).toHaveValue("e2e-tables");
  await expect(sheet.getByLabel("Path prefix")).toHaveValue(items);

  await sheet.getByLabel("New module name").fill("stock");
  await sheet.getByLabel("Path prefix").fill("items");
  await sheet.getByLabel("Access").selectOption("public");
  await sheet.getByRole("checkbox", { name: "Filter by name" }).check();
  await sheet.getByRole("checkbox", { name: "Sort by price" }).check();
  await sheet.getByRole("checkbox", { name: "Sort by order" }).check();
  await sheet.getByRole("button", { name: "Preview" }).click();

  const preview = sheet.getByRole("region", { name: "Preview" });
  const routes = [
    "GET /stock/items",
    "GET /stock/items/{id}",
    "POST /stock/items",
    "PATCH /stock/items/{id}",
    "DELETE /stock/items/{id}",
  ];
  for (const route of routes)
    await expect(preview.getByRole("article", { name: route, exact: true })).toBeVisible();
  await expect(preview).toContainText("5 APIs in module stock (new) · key id");
  const listSql = preview.getByRole("textbox", { name: `SQL of list ${items}` });
  await expect(listSql).toContainText(`FROM "public"."${items}"`);
  await expect(listSql).toContainText(`"order"`);
  await expect(listSql).toHaveAttribute("contenteditable", "false");
  const listParams = preview
    .getByRole("article", { name: "GET /stock/items", exact: true })
    .getByRole("list", {
      name: "Parameters",
    });
  await expect(listParams).toContainText("name_in");
  await sheet.screenshot({ path: test.info().outputPath("generate-preview.png") });

  // A preview saves nothing: no module yet.
  const modules = await adminRequest<{ data: { name: string }[] }>(page, "GET", "/modules");
  expect(modules.data.map((module) => module.name)).not.toContain("stock");

  await sheet.getByRole("button", { name: "Create APIs" }).click();
  await expect(sheet).toContainText("Created 5 draft APIs in module stock");
  const created = sheet.getByRole("list", { name: "Created APIs" });
  await expect(created.getByRole("link")).toHaveCount(5);
  await sheet.screenshot({ path: test.info().outputPath("generate-created.png") });

  // Each link opens the API's editor: publish the list API there, then call it.
  await created.getByRole("link", { name: /GET \/stock\/items list/ }).click();
  await expect(page).toHaveURL(/\/ui\/apis\/\d+/);
  await expect(page.getByRole("heading", { name: `list ${items}` })).toBeVisible();
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const publish = page.getByRole("dialog");
  await publish.getByLabel("Message").fill("Generated");
  await publish.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(publish).toBeHidden();
  await expect(page.getByText("Live · v1")).toBeVisible();

  const filtered = await page.request.get("/stock/items?name=Bolt");
  expect(filtered.status()).toBe(200);
  expect((await filtered.json()).data).toEqual([
    expect.objectContaining({ id: 1, name: "Bolt", order: 1 }),
  ]);
  const sorted = await page.request.get("/stock/items?sort=price&sort_dir=desc&limit=2");
  const names = (await sorted.json()).data.map((row: { name: string }) => row.name);
  expect(names).toEqual(["Hinge", "Bolt"]);
  // The others are drafts until published.
  expect((await page.request.get("/stock/items/1")).status()).toBe(404);
});

test("the generator says why a table gets fewer APIs, and shows the server's refusals", async ({
  page,
}) => {
  await logIn(page);
  const source = await createPostgresSource(page, "e2e-tables-nokey");
  const sheet = await openGenerator(page, source.id, readings);
  const moduleName = sheet.getByLabel("New module name");

  // A name the server refuses: its reason shows under the field.
  await moduleName.fill("Not A Name");
  await sheet.getByRole("button", { name: "Preview" }).click();
  const refused = sheet.getByRole("alert").filter({ hasText: "refused these choices" });
  await expect(refused).toContainText("module_name");
  await expect(sheet.getByText(/must match/).first()).toBeVisible();

  // No primary key: list only, and the message says why.
  await moduleName.fill("sensors");
  await sheet.getByRole("button", { name: "Preview" }).click();
  const preview = sheet.getByRole("region", { name: "Preview" });
  await expect(preview.getByRole("article")).toHaveCount(1);
  await expect(preview.getByRole("alert", { name: "Generator messages" })).toContainText(
    `The table '${readings}' has no primary key, so only list is generated`,
  );
  await sheet.screenshot({ path: test.info().outputPath("generate-no-key.png") });

  // Naming a key column gives the other four, found by it.
  await sheet.getByRole("checkbox", { name: "Key column sensor" }).check();
  await expect(sheet.getByText("The choices changed since this preview")).toBeVisible();
  await sheet.getByRole("button", { name: "Preview" }).click();
  await expect(preview.getByRole("article")).toHaveCount(5);
  await expect(preview.getByRole("article", { name: /^DELETE .*\/\{sensor\}$/ })).toBeVisible();

  // A route the module already answers: nothing is made, and the conflict is named.
  const module = await adminPost(page, "/modules", { name: "weather" });
  await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Readings by hand",
    path: "readings",
    method: "GET",
    datasource_id: source.id,
    content: `SELECT * FROM ${readings}`,
  });
  const again = await openGenerator(page, source.id, readings);
  await again.getByLabel("Module", { exact: true }).selectOption({ label: "weather" });
  await again.getByLabel("Path prefix").fill("readings");
  await again.getByRole("button", { name: "Create APIs" }).click();
  const refusal = again.getByRole("alert").filter({ hasText: "already taken" });
  await expect(refusal).toContainText("A route or module name is already taken");
  await expect(refusal).toContainText("the same URLs as API 'Readings by hand'");
  await again.screenshot({ path: test.info().outputPath("generate-conflict.png") });
  const apis = await adminRequest<{ count: number }>(page, "GET", `/apis?module_id=${module.id}`);
  expect(apis.count).toBe(1);
});

test("an API refuses a DELETE without WHERE until its editor allows whole-table writes", async ({
  page,
}) => {
  await logIn(page);
  const source = await createPostgresSource(page, "e2e-tables-writes");
  const module = await adminPost(page, "/modules", { name: "scratch" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Clear notes",
    path: "notes",
    method: "DELETE",
    datasource_id: source.id,
    content: `DELETE FROM ${scratch} {% where %}{% if id %}AND id = {{ id }}{% endif %}{% endwhere %}`,
    params: [{ name: "id", location: "query", type: "integer" }],
  });
  await page.goto(`/ui/apis/${api.id}`);
  const allow = page.getByRole("checkbox", { name: "Allow whole-table writes" });
  await expect(allow).not.toBeChecked();
  await expect(page.getByText("Allow UPDATE/DELETE without WHERE")).toBeVisible();

  // Without an id the DELETE has no WHERE: refused, nothing deleted.
  const debug = page.getByRole("region", { name: "Debug" });
  const result = page.getByTestId("debug-result");
  await debug.getByRole("button", { name: "Run", exact: true }).click();
  await expect(result.getByTestId("debug-summary")).toContainText("Failed");
  await expect(result).toContainText("without a WHERE clause");

  // Allowed (the run takes the unsaved setting), then saved with the draft.
  await allow.check();
  await debug.getByRole("button", { name: "Run", exact: true }).click();
  await expect(result.getByTestId("debug-summary")).toContainText("Succeeded");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved")).toBeVisible();
  await allow.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("whole-table-writes.png") });
  const saved = await adminRequest<{ allow_whole_table_writes: boolean }>(
    page,
    "GET",
    `/apis/${api.id}`,
  );
  expect(saved.allow_whole_table_writes).toBe(true);
  await page.reload();
  await expect(allow).toBeChecked();
});

/** A CSV file for the file input, from its lines. */
function csvFile(lines: string[]) {
  return { name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) };
}

/** The text of a file the page hands to the browser as a download. */
async function downloaded(page: Page, click: () => Promise<void>): Promise<[Download, string]> {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  return [download, await readFile(await download.path(), "utf8")];
}

test("import a CSV with bad rows into a table, read and download the report, export the table", async ({
  page,
}) => {
  await logIn(page);
  const source = await createPostgresSource(page, "e2e-tables-io");
  await selectTable(page, source.id, people);
  await page.getByRole("button", { name: "Import CSV" }).click();
  const dialog = page.getByRole("dialog", { name: "Import CSV" });
  const file = dialog.getByLabel("CSV file");
  const importButton = dialog.getByRole("button", { name: "Import", exact: true });

  // A column the table does not have: the whole file is refused, and says why.
  await file.setInputFiles(csvFile(["id,nickname", "1,Ada"]));
  await importButton.click();
  await expect(dialog.getByRole("alert")).toContainText("nickname");

  // Two bad rows of four, all or nothing: nothing is written.
  const rows = [
    "ID,Name,Born",
    "1,Ada,1815-12-10",
    "2,,1912-06-23",
    "3,Grace,not a date",
    "4,Edsger,1930-05-11",
  ];
  await file.setInputFiles(csvFile(rows));
  await expect(dialog.getByRole("radio", { name: "All or nothing" })).toBeChecked();
  await importButton.click();
  const report = dialog.getByRole("region", { name: "Import report" });
  await expect(report).toContainText("Nothing was written");
  await expect(report.getByRole("definition").first()).toHaveText("0");

  // Best effort keeps the good rows and lists each bad one by its line.
  await dialog.getByRole("button", { name: "Import another file" }).click();
  await file.setInputFiles(csvFile(rows));
  await dialog.getByRole("radio", { name: "Best effort" }).click();
  await importButton.click();
  await expect(report).toContainText("2 rows inserted; 2 rows refused and left out.");
  const refused = report.getByRole("table", { name: "Refused rows" });
  await expect(refused.getByRole("row")).toHaveCount(3);
  await expect(refused.getByRole("row").nth(1)).toContainText(/^3.*name/);
  await expect(refused.getByRole("row").nth(2)).toContainText(/^4.*ISO 8601 date/);
  await dialog.screenshot({ path: test.info().outputPath("import-report.png") });

  const [reportFile, reportText] = await downloaded(page, () =>
    report.getByRole("button", { name: "Download report" }).click(),
  );
  expect(reportFile.suggestedFilename()).toBe(`${people}-import-report.csv`);
  expect(reportText).toMatch(/^line,message\r\n3,.*\r\n4,.*ISO 8601 date.*\r\n$/s);
  await dialog.getByRole("button", { name: "Close" }).first().click();
  await expect(dialog).toBeHidden();

  // The table as a file: the two rows kept.
  const [exported, csv] = await downloaded(page, () =>
    page.getByRole("button", { name: "Export as CSV" }).click(),
  );
  expect(exported.suggestedFilename()).toMatch(
    new RegExp(`^e2e-tables-io-${people}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  );
  expect(csv.split("\r\n").filter(Boolean)).toEqual([
    "id,name,born",
    "1,Ada,1815-12-10",
    "4,Edsger,1930-05-11",
  ]);
});
