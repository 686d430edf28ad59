import { expect, test } from "@playwright/test";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

test("the table browser shows keys, nullability and the first rows of a table", async ({
  page,
}) => {
  await logIn(page);
  const source = await postgresSource(page, `browse-${Date.now().toString(36)}`);
  await page.goto(`/ui/datasources/${source.id}?tab=tables`);
  await page.getByLabel("Filter tables").fill(postgresTable);
  await page
    .getByRole("navigation", { name: "Tables" })
    .getByRole("button", { name: new RegExp(postgresTable) })
    .click();

  const panel = page.getByRole("region", { name: `Columns of ${postgresTable}` });
  const column = (name: string) =>
    panel.getByRole("table").first().getByRole("row").filter({ hasText: name });
  await expect(column("id")).toContainText("PK");
  await expect(column("id")).toContainText("not null");
  await expect(column("total")).toContainText("nullable");
  await expect(column("total")).toContainText("numeric");
  await expect(column("customer")).toContainText("not null");
  await expect(column("customer")).not.toContainText("PK");

  const rows = page.getByRole("region", { name: "First rows" });
  await expect(rows.getByRole("columnheader", { name: "customer" })).toBeVisible();
  await expect(rows.getByRole("row").filter({ hasText: "Grace" })).toContainText("40.00");
  await expect(rows.getByRole("row").filter({ hasText: "Ada" })).toContainText("12.50");
});
