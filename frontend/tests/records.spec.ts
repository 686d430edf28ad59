import { expect, type Page, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

const API_NAME = "Orders over a total";
const CLIENT_NAME = "Billing service";

type Created = { id: number; client_id: string; client_secret: string };

/**
 * A published private API at GET /records/orders reading `min_total` (a number) from the
 * query, and a client allowed to call it, with a bearer token for it.
 */
async function world(page: Page, tag: string) {
  const source = await postgresSource(page, `e2e-records-${tag}`);
  const module = await adminPost(page, "/modules", { name: `records-${tag}` });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: `${API_NAME} ${tag}`,
    path: "orders",
    method: "GET",
    datasource_id: source.id,
    access: "private",
    content: `SELECT id, customer FROM ${postgresTable} WHERE id > {{ min_total }} ORDER BY id`,
    params: [{ name: "min_total", location: "query", type: "number", required: true }],
  });
  await adminPost(page, `/apis/${api.id}/publish`, { message: "First cut" });
  const client = (await adminPost(page, "/clients", {
    name: `${CLIENT_NAME} ${tag}`,
    api_ids: [api.id],
  })) as Created;
  const answer = await page.request.post("/token/generate", {
    data: { client_id: client.client_id, client_secret: client.client_secret },
  });
  expect(answer.status()).toBe(200);
  const { access_token: token } = await answer.json();
  const headers = { Authorization: `Bearer ${token}` };
  return { api, client, headers, path: `/records-${tag}/orders` };
}

/** The access logs, refreshed until the call on `path` answered `status` is listed. */
async function findCall(page: Page, path: string, status: number) {
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Access logs" })
    .click();
  await expect(page.getByRole("heading", { name: "Access logs" })).toBeVisible();
  const row = page
    .getByRole("table", { name: "Calls" })
    .getByRole("row")
    .filter({ hasText: path })
    .filter({ hasText: String(status) });
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    await expect(row).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  return row;
}

test("a refused call's details show the error's message and the query string, secrets masked", async ({
  page,
}) => {
  await logIn(page);
  const { headers, path } = await world(page, "msg");
  const query = "min_total=lots&region=EU&client_secret=hunter2";
  const refused = await page.request.get(`${path}?${query}`, { headers });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).message).toBe("parameter 'min_total': must be a number");

  const row = await findCall(page, path, 400);
  await expect(row).toContainText("bad_request");
  await row.getByRole("button", { name: /Details of call/ }).click();
  const details = page.getByRole("dialog", { name: /Call #/ }).getByTestId("call-details");
  await expect(details.getByTestId("call-message")).toHaveText(
    "parameter 'min_total': must be a number",
  );
  await expect(details).toContainText("?min_total=lots&region=EU&client_secret=***");
  await expect(details).not.toContainText("hunter2");
  await page.screenshot({ path: "/tmp/names-call-message.png" });
});

test("calls, call details, the audit log and the overview name things, not ids", async ({
  page,
}) => {
  await logIn(page);
  const { api, client, headers, path } = await world(page, "names");
  expect((await page.request.get(`${path}?min_total=1`, { headers })).status()).toBe(200);

  // The call list shows the client by name, its id on hover.
  const row = await findCall(page, path, 200);
  const clientCell = row.getByTitle(`Client ID ${client.client_id}`);
  await expect(clientCell).toHaveText(`${CLIENT_NAME} names`);
  await expect(row).not.toContainText(client.client_id);

  // The details name the API (a link to it, its id on hover) and the client.
  await row.getByRole("button", { name: /Details of call/ }).click();
  const details = page.getByRole("dialog", { name: /Call #/ }).getByTestId("call-details");
  const apiLink = details.getByRole("link", { name: `${API_NAME} names` });
  await expect(apiLink).toBeVisible();
  await expect(apiLink.getByTitle(`API #${api.id}`)).toBeVisible();
  await expect(details).not.toContainText(`API #${api.id}`);
  await expect(details).toContainText(`${CLIENT_NAME} names`);
  await page.keyboard.press("Escape");

  // Two debug runs in the editor: one audit entry each, and nothing else.
  await page.goto(`/ui/apis/${api.id}`);
  const debug = page.getByRole("region", { name: "Debug" });
  await debug.getByLabel("Debug value of min_total").fill("1");
  const run = debug.getByRole("button", { name: "Run", exact: true });
  const actions = async () => {
    const entries = await adminRequest<{ data: { action: string; resource_id: string }[] }>(
      page,
      "GET",
      "/audit-logs?resource=api",
    );
    return entries.data.filter((e) => e.resource_id === String(api.id)).map((e) => e.action);
  };
  await run.click();
  await expect(page.getByTestId("debug-summary")).toContainText("Succeeded");
  await expect.poll(actions).toEqual(["debug", "publish", "create"]);
  await run.click();
  await expect.poll(actions).toEqual(["debug", "debug", "publish", "create"]);

  // The audit log reads "Published v1" and "Debug run" against the API's name.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Access logs" })
    .click();
  await page.getByRole("tab", { name: "Audit log" }).click();
  const audit = page.getByRole("table", { name: "Audit log" });
  const ofApi = audit.getByRole("row").filter({ hasText: `${API_NAME} names` });
  await expect(ofApi.filter({ hasText: "Debug run" })).toHaveCount(2);
  await expect(ofApi.filter({ hasText: "Published v1" })).toHaveCount(1);
  await expect(ofApi.filter({ hasText: "First cut" })).toHaveCount(1);
  await expect(audit).not.toContainText("published_version_id");
  await expect(ofApi.first().getByTitle(`api #${api.id}`)).toBeVisible();
  const ofClient = audit.getByRole("row").filter({ hasText: `${CLIENT_NAME} names` });
  await expect(ofClient.filter({ hasText: "create" })).toHaveCount(1);
  await page.screenshot({ path: "/tmp/names-audit.png", fullPage: true });

  // The overview's recent activity too.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Overview" })
    .click();
  const changes = page.getByRole("list", { name: "Recent changes" });
  await expect(changes.getByRole("listitem").first()).toContainText(`api ${API_NAME} names`);
  await expect(changes.getByRole("listitem").first()).toContainText("Debug run");
  await expect(changes).toContainText("Published v1");
  await expect(changes).not.toContainText(`api #${api.id}`);
  await expect(page.getByRole("list", { name: "Recent calls" })).toContainText(
    `${CLIENT_NAME} names`,
  );
  await page.screenshot({ path: "/tmp/names-overview.png", fullPage: true });
});
