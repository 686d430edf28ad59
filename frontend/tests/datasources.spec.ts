import { expect, type Page, test } from "@playwright/test";
import { postgres, postgresTable, superuser } from "./e2e-settings";

async function logIn(page: Page): Promise<void> {
  await page.goto("/ui/login");
  await page.getByLabel("Email").fill(superuser.email);
  await page.getByLabel("Password").fill(superuser.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
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
