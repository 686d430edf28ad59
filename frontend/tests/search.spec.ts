import { expect, type Page, test } from "@playwright/test";
import { adminPost } from "./admin-api";
import { logIn, postgresSource } from "./journey";

// Names of this run only: the app store is shared by every journey of the run.
const run = Date.now().toString(36);

/** Type into a list's search box and wait for the server's answer to show. */
async function search(page: Page, noun: string, text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: `Search ${noun}` });
  await box.fill(text);
  await box.press("Enter");
  await expect.poll(() => new URL(page.url()).searchParams.get("q")).toBe(text);
}

function rowsWith(page: Page, text: string) {
  return page.getByRole("row").filter({ hasText: text });
}

test("the API list searches and filters on the server and pages the matches", async ({ page }) => {
  await logIn(page);
  const module = await adminPost(page, "/modules", { name: `find-${run}` });
  for (let i = 1; i <= 22; i++) {
    const n = String(i).padStart(2, "0");
    await adminPost(page, "/apis", {
      module_id: module.id,
      name: `alpha ${run} ${n}`,
      path: `alpha-${n}`,
      content: "SELECT 1",
    });
  }
  await adminPost(page, "/apis", {
    module_id: module.id,
    name: `beta ${run}`,
    path: "beta",
    method: "POST",
    description: "Takes 100% of the orders",
    content: "SELECT 1",
  });

  await page.goto("/ui/apis");
  await search(page, "APIs", `alpha ${run}`);
  await expect(page.getByText("Showing 1–20 of 22")).toBeVisible();
  await expect(rowsWith(page, `alpha ${run}`)).toHaveCount(20);
  await expect(rowsWith(page, `beta ${run}`)).toHaveCount(0);
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page.getByText("Showing 21–22 of 22")).toBeVisible();
  await expect(rowsWith(page, `alpha ${run} 22`)).toHaveCount(1);
  await expect(page).toHaveURL(/page=2/);

  // The search stays in the URL: a reload shows the same page of the same matches.
  await page.reload();
  await expect(page.getByRole("textbox", { name: "Search APIs" })).toHaveValue(`alpha ${run}`);
  await expect(page.getByText("Showing 21–22 of 22")).toBeVisible();

  // A new search starts at the first page; a filter narrows it; `%` is no wildcard.
  await search(page, "APIs", run);
  await expect(page).not.toHaveURL(/page=2/);
  await page.getByLabel("Method", { exact: true }).selectOption("POST");
  await expect(rowsWith(page, run)).toHaveCount(1);
  await expect(rowsWith(page, `beta ${run}`)).toHaveCount(1);
  await page.getByLabel("Method", { exact: true }).selectOption("");
  await search(page, "APIs", "100%");
  await expect(rowsWith(page, `beta ${run}`)).toHaveCount(1);
  await expect(rowsWith(page, `alpha ${run}`)).toHaveCount(0);

  await search(page, "APIs", `nothing-${run}`);
  await expect(page.getByRole("heading", { name: `No APIs match 'nothing-${run}'` })).toBeVisible();
  await page.getByRole("button", { name: "Clear the search and filters" }).click();
  await expect(page.getByRole("textbox", { name: "Search APIs" })).toHaveValue("");
  // Every API is listed again (other journeys' APIs too, so the run's may be on a later page).
  await expect(page.getByRole("heading", { name: /No APIs match/ })).toHaveCount(0);
  await expect(page.getByText(/^Showing 1–20 of \d+$/)).toBeVisible();
});

test("clients, groups, users, macros and data sources each find only what matches", async ({
  page,
}) => {
  await logIn(page);
  await adminPost(page, "/clients", { name: `billing ${run}` });
  await adminPost(page, "/clients", { name: `old billing ${run}`, is_active: false });
  await adminPost(page, "/groups", { name: `partners ${run}`, description: "outside firms" });
  await adminPost(page, "/groups", { name: `staff ${run}` });
  await adminPost(page, "/users", {
    email: `ada-${run}@example.com`,
    full_name: "Ada Lovelace",
    password: "ada-password-1",
  });
  await adminPost(page, "/users", {
    email: `grace-${run}@example.com`,
    full_name: `Grace ${run}`,
    password: "grace-password-1",
  });
  await adminPost(page, "/macros", { name: `paging_${run}`, kind: "sql", content: "x" });
  await adminPost(page, "/macros", { name: `money_${run}`, kind: "python", content: "x = 1" });
  await postgresSource(page, `orders-${run}`);
  await adminPost(page, "/datasources", {
    name: `lake-${run}`,
    type: "trino",
    host: "trino.invalid",
    port: 8080,
    options: { catalog: "hive" },
  });

  await page.goto("/ui/clients");
  await search(page, "clients", `billing ${run}`);
  await expect(rowsWith(page, run)).toHaveCount(2);
  await page.getByLabel("Status", { exact: true }).selectOption("false");
  await expect(rowsWith(page, run)).toHaveCount(1);
  await expect(rowsWith(page, `old billing ${run}`)).toHaveCount(1);

  await page.goto("/ui/groups");
  await search(page, "groups", "OUTSIDE FIRMS");
  await expect(rowsWith(page, `partners ${run}`)).toHaveCount(1);
  await expect(rowsWith(page, `staff ${run}`)).toHaveCount(0);

  await page.goto("/ui/users");
  await search(page, "users", `grace ${run}`);
  await expect(rowsWith(page, `grace-${run}@example.com`)).toHaveCount(1);
  await expect(rowsWith(page, `ada-${run}`)).toHaveCount(0);

  await page.goto("/ui/macros");
  await search(page, "macros", run);
  await expect(rowsWith(page, run)).toHaveCount(2);
  await page.getByLabel("Kind", { exact: true }).selectOption("python");
  await expect(rowsWith(page, run)).toHaveCount(1);
  await expect(rowsWith(page, `money_${run}`)).toHaveCount(1);

  await page.goto("/ui/datasources");
  await search(page, "data sources", run);
  await expect(rowsWith(page, run)).toHaveCount(2);
  await page.getByLabel("Type", { exact: true }).selectOption("trino");
  await expect(rowsWith(page, run)).toHaveCount(1);
  await expect(rowsWith(page, `lake-${run}`)).toHaveCount(1);
  await search(page, "data sources", `nowhere-${run}`);
  await expect(
    page.getByRole("heading", { name: `No data sources match 'nowhere-${run}'` }),
  ).toBeVisible();
});
