import { expect, type Page, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

/** One JSON-RPC request to /mcp with the client's token; the JSON-RPC result. */
async function mcp(page: Page, token: string, method: string, params: object) {
  const answer = await page.request.post("/mcp", {
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: "application/json, text/event-stream",
    },
    data: { jsonrpc: "2.0", id: 1, method, params },
  });
  expect(answer.status()).toBe(200);
  return (await answer.json()).result;
}

test("an agent reaches a client's APIs at /mcp, and the dashboard shows how and what it did", async ({
  page,
}) => {
  await logIn(page);
  const source = await postgresSource(page, "e2e-mcp-postgres");
  const module = await adminPost(page, "/modules", { name: "agents" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Agent orders",
    description: "Orders, newest first",
    path: "orders",
    method: "GET",
    datasource_id: source.id,
    access: "private",
    content: `SELECT id, customer FROM ${postgresTable} ORDER BY id DESC`,
  });
  await adminPost(page, `/apis/${api.id}/publish`, { message: "For agents" });
  const client = await adminRequest<{ client_id: string; client_secret: string }>(
    page,
    "POST",
    "/clients",
    { name: "Support agent", api_ids: [api.id] },
  );
  const tokenAnswer = await page.request.post("/token/generate", {
    data: { client_id: client.client_id, client_secret: client.client_secret },
  });
  const { access_token: token } = await tokenAnswer.json();

  // The clients page gives the MCP URL and configurations to copy.
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Clients" }).click();
  const card = page.getByRole("region", { name: "AI agents (MCP)" });
  const url = new URL("/mcp", page.url()).toString();
  await expect(card.getByRole("textbox", { name: "MCP URL" })).toHaveValue(url);
  await expect(card.getByTestId("mcp-json")).toContainText(`"url": "${url}"`);
  await expect(card.getByTestId("mcp-json")).toContainText(
    '"Authorization": "Bearer <access_token>"',
  );
  await expect(card.getByRole("button", { name: "Copy the mcp.json snippet" })).toBeVisible();
  await card.getByRole("tab", { name: "Claude Desktop" }).click();
  await expect(card.getByTestId("mcp-claude-desktop")).toContainText("mcp-remote");
  await expect(card.getByTestId("mcp-claude-desktop")).toContainText(url);
  await card.screenshot({ path: "/tmp/mcp-card.png" });

  // An agent lists its tools and calls one.
  const listed = await mcp(page, token, "tools/list", {});
  expect(listed.tools.map((tool: { name: string }) => tool.name)).toEqual(["agents__agent_orders"]);
  expect(listed.tools[0].description).toContain("Orders, newest first");
  const called = await mcp(page, token, "tools/call", { name: "agents__agent_orders" });
  expect(called.isError ?? false).toBe(false);
  expect(called.structuredContent.data.length).toBeGreaterThan(0);

  // The API's settings have the MCP switches; a GET API has no write to expose.
  await page.goto(`/ui/apis/${api.id}`);
  const hideApi = page.getByRole("checkbox", { name: "Hidden from MCP" });
  await expect(hideApi).not.toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Expose this write to MCP" })).toHaveCount(0);
  await hideApi
    .locator("xpath=ancestor::fieldset[1]")
    .screenshot({ path: "/tmp/mcp-settings.png" });

  // The module is hidden from MCP in its settings: the agent sees no tool any more.
  await nav.getByRole("link", { name: "Modules" }).click();
  await page.getByRole("button", { name: "Edit agents" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("switch", { name: "Hidden from MCP" }).click();
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(dialog).toBeHidden();
  expect((await mcp(page, token, "tools/list", {})).tools).toEqual([]);

  // The call is in the access logs, marked as an MCP tool call.
  await nav.getByRole("link", { name: "Access logs" }).click();
  await page.getByLabel("Client ID").fill(client.client_id);
  const row = page.getByRole("table", { name: "Calls" }).getByRole("row").filter({
    hasText: "/agents/orders",
  });
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    await expect(row).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await row.getByRole("button", { name: /Details of call/ }).click();
  const details = page.getByRole("dialog", { name: /Call #/ }).getByTestId("call-details");
  await expect(details).toContainText("MCP tool call (/mcp)");
  await page.getByRole("dialog", { name: /Call #/ }).screenshot({ path: "/tmp/mcp-call.png" });
});
