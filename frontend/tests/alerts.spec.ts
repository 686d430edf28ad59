import { expect, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { logIn } from "./journey";

type AlertRow = {
  name: string;
  module_id: number | null;
  threshold: number;
  silenced_until: string | null;
};

test("an admin creates an alert on a module's error rate, then silences it", async ({ page }) => {
  await logIn(page);
  const module = await adminPost(page, "/modules", { name: "e2e-alerting" });
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Alerts" })
    .click();
  await expect(page.getByRole("heading", { name: "Alerts", exact: true })).toBeVisible();
  await expect(page.getByText("No alert has fired yet.")).toBeVisible();

  await page.getByRole("button", { name: "New alert" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("e2e orders failing");
  await dialog.getByLabel("Fires on").selectOption("error_rate");
  await dialog.getByLabel("Watches").selectOption({ label: "Module e2e-alerting" });
  await dialog.getByLabel("Error rate above (%)").fill("20");
  await dialog.getByLabel("Webhook URL").fill("https://hooks.example.com/sluice");
  await expect(dialog.getByLabel("Signing secret")).toHaveValue(/^[0-9a-f]{32}$/);
  await page.screenshot({ path: test.info().outputPath("alert-dialog.png") });
  await dialog.getByRole("button", { name: "Create alert" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole("row").filter({ hasText: "e2e orders failing" });
  await expect(row).toContainText("Module e2e-alerting");
  await expect(row).toContainText("5xx above 20% over 300 s, from 10 calls");
  await expect(row).toContainText("OK");

  await row.getByRole("button", { name: "Silence e2e orders failing" }).click();
  const silence = page.getByRole("dialog");
  await silence.getByLabel("Silence for").selectOption({ label: "1 day" });
  await silence.getByRole("button", { name: "Silence", exact: true }).click();
  await expect(silence).toBeHidden();
  await expect(row).toContainText("Silenced until");
  await page.screenshot({ path: test.info().outputPath("alerts-page.png"), fullPage: true });

  const saved = await adminRequest<{ data: AlertRow[] }>(page, "GET", "/alerts");
  const rule = saved.data.find((r) => r.name === "e2e orders failing");
  expect(rule?.module_id).toBe(module.id);
  expect(rule?.threshold).toBe(20);
  expect(Date.parse(rule?.silenced_until ?? "")).toBeGreaterThan(Date.now() + 23 * 3_600_000);

  // The overview lists the latest firings for those who may read alerts.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Overview" })
    .click();
  await expect(page.getByText("Recent alerts")).toBeVisible();
  await expect(page.getByText("No alert has fired.")).toBeVisible();
});
