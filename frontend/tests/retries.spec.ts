import { expect, test } from "@playwright/test";
import { createPostgresSource } from "./admin-api";
import { logIn } from "./journey";

/**
 * A data source that is down: the admin API answers its table list with an error at
 * once, and the dashboard shows that error without asking again (issue 14, defect 11;
 * before, the client retried the 503 twice while showing skeletons).
 */
test("a source that is down shows its table-list error at once, asked for once", async ({
  page,
}) => {
  await logIn(page);
  const source = await createPostgresSource(page, "e2e-down-tables");
  const { origins } = await page.context().storageState();
  const token = origins
    .flatMap((origin) => origin.localStorage)
    .find((item) => item.name === "sluice.access_token")?.value;
  const moved = await page.request.fetch(`/api/v1/datasources/${source.id}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${token}` },
    data: { port: 1 },
  });
  expect(moved.ok()).toBe(true);

  const asked: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith(`/api/v1/datasources/${source.id}/tables`))
      asked.push(request.url());
  });
  await page.goto(`/ui/datasources/${source.id}`);
  await page.getByRole("tab", { name: "Tables" }).click();
  await expect(page.getByText("Cannot list the tables")).toBeVisible({ timeout: 15_000 });
  // React Query's first retry would come a second after the failure.
  await page.waitForTimeout(2_500);
  expect(asked).toHaveLength(1);
});
