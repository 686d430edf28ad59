import { expect, type Page, test } from "@playwright/test";
import { adminPost } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

/** A data source, a module and a published private API at GET /partners/orders. */
async function publishPrivateApi(page: Page): Promise<void> {
  const source = await postgresSource(page, "e2e-access-postgres");
  const module = await adminPost(page, "/modules", { name: "partners" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Partner orders",
    path: "orders",
    method: "GET",
    datasource_id: source.id,
    access: "private",
    content: `SELECT id, customer FROM ${postgresTable} ORDER BY id`,
  });
  await adminPost(page, `/apis/${api.id}/publish`, { message: "For partners" });
}

test("an admin grants a private API to a client, which calls it, and the call is logged", async ({
  page,
}) => {
  await logIn(page);
  await publishPrivateApi(page);
  const nav = page.getByRole("navigation", { name: "Main" });

  // A group holding the API.
  await nav.getByRole("link", { name: "Groups" }).click();
  await expect(page.getByRole("heading", { name: "Groups", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "New group" }).first().click();
  const groupDialog = page.getByRole("dialog");
  await groupDialog.getByLabel("Name").fill("e2e-partners");
  await groupDialog.getByLabel("APIs", { exact: true }).click();
  await page.getByLabel("Search APIs").fill("partners orders");
  await page.getByRole("checkbox", { name: "GET /partners/orders" }).check();
  await page.keyboard.press("Escape");
  await expect(groupDialog.getByRole("list", { name: "Chosen APIs" })).toContainText(
    "/partners/orders",
  );
  await groupDialog.getByRole("button", { name: "Create group" }).click();
  await expect(groupDialog).toBeHidden();
  const groupRow = page.getByRole("row").filter({ hasText: "e2e-partners" });
  await expect(groupRow).toContainText("/partners/orders");
  await expect(groupRow).toContainText("1 API");

  // A client in the group; its secret is shown once.
  await nav.getByRole("link", { name: "Clients" }).click();
  await expect(page.getByRole("heading", { name: "Clients", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "New client" }).first().click();
  const clientDialog = page.getByRole("dialog");
  await clientDialog.getByLabel("Name").fill("Partner portal");
  await clientDialog.getByLabel("Groups", { exact: true }).click();
  await page.getByRole("checkbox", { name: "e2e-partners" }).check();
  await page.keyboard.press("Escape");
  await clientDialog.getByLabel("Attributes").fill('{"tenant": "acme"}');
  await clientDialog.getByRole("button", { name: "Create client" }).click();

  const secretDialog = page.getByRole("dialog", { name: /copy the secret now/ });
  await expect(secretDialog).toContainText("shown only once");
  const clientId = await secretDialog.getByRole("textbox", { name: "Client ID" }).inputValue();
  const clientSecret = await secretDialog
    .getByRole("textbox", { name: "Client secret" })
    .inputValue();
  expect(clientId).not.toBe("");
  expect(clientSecret).not.toBe("");
  await expect(secretDialog.getByTestId("token-command")).toContainText("/token/generate");
  await expect(secretDialog.getByTestId("token-command")).toContainText(clientId);
  await secretDialog.getByRole("button", { name: "I have saved the secret" }).click();
  await expect(secretDialog).toBeHidden();
  const clientRow = page.getByRole("row").filter({ hasText: "Partner portal" });
  await expect(clientRow.getByTestId("client-id")).toHaveText(clientId);
  await expect(clientRow).toContainText("e2e-partners");

  // The client trades its credentials for a token and calls the private API.
  const denied = await page.request.get("/partners/orders");
  expect(denied.status()).toBe(401);
  const tokenAnswer = await page.request.post("/token/generate", {
    data: { client_id: clientId, client_secret: clientSecret },
  });
  expect(tokenAnswer.status()).toBe(200);
  const { access_token: token } = await tokenAnswer.json();
  const call = await page.request.get("/partners/orders", {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(call.status()).toBe(200);
  const body = await call.json();
  expect(body.success).toBe(true);
  expect(body.data.length).toBeGreaterThan(0);

  // Both calls are in the access logs (records are written in batches: refresh until then).
  await nav.getByRole("link", { name: "Access logs" }).click();
  await expect(page.getByRole("heading", { name: "Access logs" })).toBeVisible();
  const calls = page.getByRole("table", { name: "Calls" });
  const ok = calls
    .getByRole("row")
    .filter({ hasText: "/partners/orders" })
    .filter({ hasText: "200" });
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    await expect(ok).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(ok).toContainText("Partner portal");
  const unauthorized = calls
    .getByRole("row")
    .filter({ hasText: "/partners/orders" })
    .filter({ hasText: "401" });
  await expect(unauthorized).toHaveCount(1);
  await expect(unauthorized).toContainText("unauthorized");

  // Filtered by the client, only its call remains; its details carry the request id.
  await page.getByLabel("Client ID").fill(clientId);
  await expect(calls.getByRole("row")).toHaveCount(2);
  await ok.getByRole("button", { name: /Details of call/ }).click();
  const details = page.getByRole("dialog", { name: /Call #/ }).getByTestId("call-details");
  await expect(details).toContainText(clientId);
  await expect(details).toContainText("Request ID");
  await expect(details).toContainText("/partners/orders");
  await page.keyboard.press("Escape");

  // The audit log has the client's creation.
  await page.getByRole("tab", { name: "Audit log" }).click();
  const audit = page.getByRole("table", { name: "Audit log" });
  await expect(
    audit.getByRole("row").filter({ hasText: "Partner portal" }).filter({ hasText: "create" }),
  ).toHaveCount(1);

  // The overview counts the calls.
  await nav.getByRole("link", { name: "Overview" }).click();
  await expect(page.getByTestId("stat-calls-24h")).not.toHaveText("0");
  await expect(page.getByRole("list", { name: "Recent calls" })).toContainText("/partners/orders");
  await expect(page.getByRole("list", { name: "Recent changes" })).toContainText("client");
});
