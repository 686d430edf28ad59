import { expect, type Page, type Request, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { postgres, postgresTable, superuser } from "./e2e-settings";
import { postgresSource } from "./journey";

type Credentials = { email: string; password: string };

async function logIn(page: Page, user: Credentials = superuser): Promise<void> {
  await page.goto("/ui/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Hashing the password takes a while on a busy machine.
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible({ timeout: 15_000 });
}

test("a superuser connects a PostgreSQL data source, tests it and browses its tables", async ({
  page,
}) => {
  await logIn(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Data sources" }).click();
  await expect(page.getByRole("heading", { name: "Data sources", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "New data source" }).first().click();
  await expect(page.getByRole("heading", { name: "New data source" })).toBeVisible();

  // The fields follow the type: a SQLite file, then a PostgreSQL server.
  await page.getByRole("radio", { name: /SQLite/ }).click();
  await expect(page.getByLabel("File", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Host", { exact: true })).toBeHidden();
  await page.getByRole("radio", { name: /PostgreSQL/ }).click();
  await expect(page.getByLabel("Port", { exact: true })).toHaveAttribute("placeholder", "5432");

  await page.getByLabel("Name", { exact: true }).fill("e2e-postgres");
  await page.getByLabel("Host", { exact: true }).fill(postgres.host);
  await page.getByLabel("Database", { exact: true }).fill(postgres.database);
  await page.getByLabel("Username", { exact: true }).fill(postgres.user);

  // Nothing listens on port 1: the pre-test fails with the server's reason.
  const result = page.getByTestId("connection-test-result");
  await page.getByLabel("Port", { exact: true }).fill("1");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(result).toContainText("Connection failed");
  await expect(result.locator("p").nth(1)).not.toBeEmpty();

  await page.getByLabel("Port", { exact: true }).fill(String(postgres.port));
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(result).toContainText("Connection works");

  await page.getByRole("button", { name: "Create data source" }).click();
  await expect(page.getByRole("heading", { name: "Data sources", exact: true })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: "e2e-postgres" });
  await expect(row).toContainText("PostgreSQL");
  await expect(row).toContainText(`${postgres.host}:${postgres.port}/${postgres.database}`);
  await row.getByRole("button", { name: "Test e2e-postgres" }).click();
  await expect(row.getByRole("button", { name: /Connected/ })).toBeVisible();

  await row.getByRole("link", { name: "e2e-postgres", exact: true }).click();
  await expect(page.getByRole("heading", { name: "e2e-postgres" })).toBeVisible();
  await page.getByRole("tab", { name: "Tables" }).click();
  await page.getByLabel("Filter tables").fill("sluice_e2e");
  const tables = page.getByRole("navigation", { name: "Tables" });
  await tables.getByRole("button", { name: new RegExp(postgresTable) }).click();
  const columns = page.getByRole("region", { name: `Columns of ${postgresTable}` });
  await expect(columns.getByRole("row").filter({ hasText: "customer" })).toContainText("text");
  await expect(columns.getByRole("row").filter({ hasText: "placed_at" })).toContainText(
    "timestamp",
  );
});

test("a saved source that points at a closed port tests as failed", async ({ page }) => {
  await logIn(page);
  await page.goto("/ui/datasources/new");
  await page.getByLabel("Name", { exact: true }).fill("e2e-closed-port");
  await page.getByLabel("Host", { exact: true }).fill(postgres.host);
  await page.getByLabel("Port", { exact: true }).fill("1");
  await page.getByLabel("Database", { exact: true }).fill(postgres.database);
  await page.getByRole("button", { name: "Create data source" }).click();

  const row = page.getByRole("row").filter({ hasText: "e2e-closed-port" });
  await row.getByRole("button", { name: "Test e2e-closed-port" }).click();
  const failed = row.getByRole("button", { name: "Failed" });
  await expect(failed).toBeVisible();
  await failed.click();
  const popover = page.getByRole("dialog");
  await expect(popover).toContainText("Connection failed");
  await expect(popover.locator("p").nth(1)).not.toBeEmpty();
});

/** A PostgreSQL source saved with a password (the test server trusts local logins). */
function createSourceWithPassword(page: Page, name: string): Promise<{ id: number }> {
  return postgresSource(page, name, { password: "e2e-source-pass-1" });
}

/** The body of the next PATCH of the source, sent by `save`. */
async function savedBody(page: Page, id: number, save: () => Promise<void>): Promise<object> {
  const isPatch = (request: Request) =>
    request.method() === "PATCH" && request.url().endsWith(`/api/v1/datasources/${id}`);
  const [request] = await Promise.all([page.waitForRequest(isPatch), save()]);
  return request.postDataJSON();
}

test("moving a saved source elsewhere asks for its password again", async ({ page }) => {
  await logIn(page);
  const { id } = await createSourceWithPassword(page, "e2e-moved");
  await page.goto(`/ui/datasources/${id}`);
  const form = page.getByRole("form", { name: "Edit e2e-moved" });
  const password = form.getByLabel("Password", { exact: true });
  const notice = form.getByRole("alert").filter({ hasText: "only sent to the server it was" });
  const storedPassword = page.locator("dt", { hasText: "Password" }).locator("+ dd");
  const save = () => form.getByRole("button", { name: "Save changes" }).click();
  await expect(storedPassword).toHaveText("Stored");

  // A new name keeps the target: no notice, and the body leaves the password out.
  await form.getByLabel("Name", { exact: true }).fill("e2e-moved-renamed");
  await expect(notice).toBeHidden();
  expect(await savedBody(page, id, save)).not.toHaveProperty("password");
  await expect(page.getByRole("heading", { name: "e2e-moved-renamed" })).toBeVisible();
  await expect(storedPassword).toHaveText("Stored");

  // Another host: the password is asked for, and the form does not save without it.
  const renamed = page.getByRole("form", { name: "Edit e2e-moved-renamed" });
  await renamed.getByLabel("Host", { exact: true }).fill("localhost");
  await expect(notice).toBeVisible();
  await expect(password).toHaveAttribute("required", "");
  await expect(password).toHaveAttribute("placeholder", "Enter the password again");
  await notice.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("password-notice.png") });
  const patches: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "PATCH") patches.push(request.url());
  });
  await renamed.getByRole("button", { name: "Save changes" }).click();
  // The browser keeps the form: the empty required field is invalid, nothing is sent.
  expect(await password.evaluate((input) => input.matches(":invalid"))).toBe(true);
  expect(patches).toEqual([]);
  // The test goes to the new host as the form shows it, never with the stored password.
  const [pretest] = await Promise.all([
    page.waitForRequest((request) => request.method() === "POST" && /\/test$/.test(request.url())),
    renamed.getByRole("button", { name: "Test connection" }).click(),
  ]);
  expect(pretest.url()).toMatch(/\/api\/v1\/datasources\/test$/);

  // Back to the saved host, or the default port spelled out: the same target.
  await renamed.getByLabel("Host", { exact: true }).fill(postgres.host);
  await expect(notice).toBeHidden();
  await renamed.getByLabel("Port", { exact: true }).fill("");
  await expect(notice).toBeHidden();

  // A TLS option counts too; typing the password again saves it for the new set-up.
  await renamed.getByLabel("SSL mode").selectOption("disable");
  await expect(notice).toBeVisible();
  await password.fill("e2e-source-pass-1");
  await expect(notice).toBeHidden();
  const renamedSave = () => renamed.getByRole("button", { name: "Save changes" }).click();
  expect(await savedBody(page, id, renamedSave)).toMatchObject({
    password: "e2e-source-pass-1",
    options: { sslmode: "disable" },
  });
  await expect(storedPassword).toHaveText("Stored");
  await expect(password).toHaveValue("");

  // Or the user saves without one, on purpose.
  await renamed.getByLabel("Database", { exact: true }).fill("postgres");
  await expect(notice).toBeVisible();
  await renamed.getByRole("checkbox", { name: "Remove the stored password" }).check();
  await expect(notice).toBeHidden();
  expect(await savedBody(page, id, renamedSave)).toMatchObject({ password: "" });
  await expect(storedPassword).toHaveText("None");
  await expect(password).toHaveAttribute("placeholder", "No password stored");
});

test("a viewer sees a source but neither tests it nor lists its tables", async ({ page }) => {
  await logIn(page);
  const { id } = await createSourceWithPassword(page, "e2e-viewed");
  const roles = await adminRequest<{ data: { id: number; name: string }[] }>(
    page,
    "GET",
    "/roles?limit=100",
  );
  const viewerRole = roles.data.find((role) => role.name === "viewer");
  const viewer = { email: "e2e-viewer@example.com", password: "e2e-viewer-pass-1" };
  await adminPost(page, "/users", { ...viewer, role_ids: [viewerRole?.id] });
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Log out" }).click();

  // Both connect with the stored password: the dashboard must not even try.
  const connecting: string[] = [];
  page.on("request", (request) => {
    if (/\/datasources\/\d+\/(test|tables)/.test(request.url())) connecting.push(request.url());
  });
  await logIn(page, viewer);
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Data sources" })
    .click();
  const row = page.getByRole("row").filter({ hasText: "e2e-viewed" });
  await expect(row).toContainText("PostgreSQL");
  await expect(row.getByRole("button", { name: "Test e2e-viewed" })).toHaveCount(0);
  await expect(page.getByRole("columnheader", { name: "Health" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "New data source" })).toHaveCount(0);

  await row.getByRole("link", { name: "e2e-viewed", exact: true }).click();
  await expect(page.getByRole("heading", { name: "e2e-viewed" })).toBeVisible();
  const form = page.getByRole("form", { name: "Edit e2e-viewed" });
  await expect(form.getByLabel("Host", { exact: true })).toBeDisabled();
  await expect(page.getByRole("tab")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Test connection" })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("viewer-source.png"), fullPage: true });

  // A link to the tables tab shows the settings alone.
  await page.goto(`/ui/datasources/${id}?tab=tables`);
  await expect(form.getByLabel("Host", { exact: true })).toHaveValue(postgres.host);
  await expect(page.getByLabel("Filter tables")).toHaveCount(0);
  expect(connecting).toEqual([]);
});
