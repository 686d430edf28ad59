import { expect, test } from "@playwright/test";
import { adminPost } from "./admin-api";
import { logIn } from "./journey";

/**
 * A script API is published from the editor like an SQL one (issue 14, defect 1: the
 * Publish button was disabled for scripts), and the gateway then serves it.
 */
test("a script API is published from the editor and answers at the gateway", async ({ page }) => {
  await logIn(page);
  const module = await adminPost(page, "/modules", { name: "e2e-scripts" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Greeting",
    path: "greeting",
    method: "GET",
    engine: "script",
    access: "public",
    content: "def execute(params):\n    return {'hello': params['name']}",
    params: [{ name: "name", location: "query", type: "string", required: true }],
  });

  await page.goto(`/ui/apis/${api.id}`);
  const publishButton = page.getByRole("button", { name: "Publish", exact: true });
  await expect(publishButton).toBeEnabled();
  await publishButton.click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Message").fill("First script version");
  await dialog.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Live · v1")).toBeVisible();

  const response = await page.request.get("/e2e-scripts/greeting?name=Ada");
  expect(response.status()).toBe(200);
  expect((await response.json()).data).toEqual({ hello: "Ada" });
});
