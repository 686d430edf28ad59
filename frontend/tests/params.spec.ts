import { expect, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { logIn } from "./journey";

type Api = { params: { name: string; enum: unknown[] | null }[] };

/**
 * Allowed values typed as "DE, FR, US" are stored without the spaces after the commas
 * (issue 14, defect 2): a call with FR must pass, and saving again must not add spaces.
 */
test("allowed values are stored trimmed, and a second save keeps them as they are", async ({
  page,
}) => {
  await logIn(page);
  const module = await adminPost(page, "/modules", { name: "e2e-allowed" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Countries",
    path: "countries",
    method: "GET",
    engine: "script",
    access: "public",
    content: "def execute(params):\n    return params['country']",
    params: [{ name: "country", location: "query", type: "string" }],
  });

  await page.goto(`/ui/apis/${api.id}`);
  await page.getByRole("button", { name: "More settings of country" }).click();
  await page.getByLabel("Allowed values of country").fill("DE, FR, US");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved")).toBeVisible();

  const saved = await adminRequest<Api>(page, "GET", `/apis/${api.id}`);
  expect(saved.params[0].enum).toEqual(["DE", "FR", "US"]);

  await page.reload();
  await page.getByRole("button", { name: "More settings of country" }).click();
  await expect(page.getByLabel("Allowed values of country")).toHaveValue("DE, FR, US");
  await page.getByLabel("Name", { exact: true }).fill("Countries in Europe");
  await page.getByRole("button", { name: "Save draft" }).click();
  await expect(page.getByText("Draft saved")).toBeVisible();
  const again = await adminRequest<Api>(page, "GET", `/apis/${api.id}`);
  expect(again.params[0].enum).toEqual(["DE", "FR", "US"]);
});
