import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { postgres, postgresTable, secretKey, superuser } from "./e2e-settings";
import { logIn } from "./journey";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** The admin API's POST, on the journey's server or on a server of its own. */
type Post = (path: string, data: object) => Promise<{ id: number }>;

/** A source, a module and a private API with a required integer parameter, published. */
async function publishApi(post: Post, prefix: string): Promise<{ id: number }> {
  const source = await post("/datasources", {
    name: `${prefix}-source`,
    type: "postgres",
    host: postgres.host,
    port: postgres.port,
    database: postgres.database,
    username: postgres.user,
  });
  const module = await post("/modules", { name: prefix });
  const api = await post("/apis", {
    module_id: module.id,
    name: `${prefix} orders`,
    path: "orders",
    method: "GET",
    datasource_id: source.id,
    access: "private",
    params: [{ name: "min", location: "query", type: "integer", required: true }],
    content: `SELECT id FROM ${postgresTable} WHERE id >= {{ min }} ORDER BY id`,
  });
  await post(`/apis/${api.id}/publish`, { message: "first" });
  return api;
}

/** A client allowed to call the API, and a fresh token of it. */
async function clientToken(
  request: APIRequestContext,
  origin: string,
  post: Post,
  name: string,
  apiId: number,
): Promise<string> {
  const client = (await post("/clients", { name, api_ids: [apiId] })) as unknown as {
    client_id: string;
    client_secret: string;
  };
  const answer = await request.post(`${origin}/token/generate`, {
    data: { client_id: client.client_id, client_secret: client.client_secret },
  });
  expect(answer.status()).toBe(200);
  return (await answer.json()).access_token;
}

test("calls made through the gateway are counted in the overview's charts and the API's", async ({
  page,
}) => {
  test.setTimeout(60_000);
  await logIn(page);
  const post: Post = (path, data) => adminPost(page, path, data);
  const api = await publishApi(post, "charts");
  const token = await clientToken(page.request, "", post, "Charts client", api.id);
  const headers = { Authorization: `Bearer ${token}` };
  for (let n = 0; n < 4; n++) {
    expect((await page.request.get("/charts/orders?min=1", { headers })).status()).toBe(200);
  }
  for (let n = 0; n < 2; n++) {
    expect((await page.request.get("/charts/orders", { headers })).status()).toBe(400);
  }
  // Records are written in batches: wait until the six are stored.
  await expect
    .poll(
      async () =>
        (await adminRequest<{ count: number }>(page, "GET", `/access-logs?api_id=${api.id}`)).count,
    )
    .toBe(6);

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/ui/");
  const traffic = page.getByRole("region", { name: "Traffic" });
  await expect(traffic.getByTestId("total-Calls")).toBeVisible({ timeout: 15_000 });
  await expect(
    traffic
      .getByRole("list", { name: "Top APIs" })
      .getByRole("listitem")
      .filter({ hasText: "charts orders" }),
  ).toHaveText(/charts orders\s*2 errors\s*6$/);
  await expect(
    traffic
      .getByRole("list", { name: "Top clients" })
      .getByRole("listitem")
      .filter({ hasText: "Charts client" }),
  ).toHaveText(/Charts client\s*2 errors\s*6$/);
  await expect(
    traffic.getByRole("list", { name: "Top error codes" }).getByRole("listitem").first(),
  ).toContainText("bad_request");
  await expect(traffic.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(traffic.locator(".recharts-line-curve").first()).toBeAttached();
  await page.screenshot({ path: test.info().outputPath("overview-1280.png"), fullPage: true });

  // The API's own Calls tab counts exactly its six calls.
  await traffic.getByRole("link", { name: "charts orders" }).click();
  await page.getByRole("tab", { name: "Calls" }).click();
  const own = page.getByRole("region", { name: "Traffic" });
  await expect(own.getByTestId("total-Calls")).toContainText("6");
  await expect(own.getByTestId("total-4xx")).toContainText("2");
  await expect(own.getByTestId("total-5xx")).toContainText("0");
  await expect(own.getByTestId("total-p50")).toContainText("ms");
  await expect(own.getByRole("list", { name: "Top clients" })).toHaveText(
    /Charts client\s*2 errors\s*6/,
  );
  await expect(own.getByRole("list", { name: "Top error codes" })).toHaveText(
    /400\s*bad_request\s*2/,
  );
  await expect(own.locator(".recharts-bar-rectangle").first()).toBeVisible();

  // Another range asks again: the last 7 days hold the same six calls.
  await own.getByRole("button", { name: "Last 7 days" }).click();
  await expect(own.getByRole("button", { name: "Last 7 days" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(own.getByTestId("total-Calls")).toContainText("6");
  await page.screenshot({ path: test.info().outputPath("api-calls-1280.png"), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/ui/");
  await expect(page.getByRole("list", { name: "Top APIs" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("overview-390.png"), fullPage: true });
});

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** `sluice serve` on a store of its own, empty: the shared one is not empty any more. */
async function emptyServer(
  request: APIRequestContext,
): Promise<{ origin: string; child: ChildProcess }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-e2e-empty-"));
  const child = spawn(
    join(repoRoot, "backend/.venv/bin/sluice"),
    ["serve", "--host", "127.0.0.1", "--port", String(port)],
    {
      cwd: repoRoot,
      stdio: "ignore",
      env: {
        PATH: process.env.PATH ?? "",
        DATA_DIR: dataDir,
        DATABASE_URL: `sqlite:///${join(dataDir, "sluice.db")}`,
        FIRST_SUPERUSER: superuser.email,
        FIRST_SUPERUSER_PASSWORD: superuser.password,
        SECRET_KEY: secretKey,
      },
    },
  );
  const origin = `http://127.0.0.1:${port}`;
  await expect
    .poll(
      async () => {
        try {
          return (await request.get(`${origin}/health/live`)).status();
        } catch {
          return 0;
        }
      },
      { timeout: 30_000 },
    )
    .toBe(200);
  return { origin, child };
}

test("an empty overview's getting-started checklist ticks itself off, then goes", async ({
  page,
}) => {
  test.setTimeout(120_000); // a second server starts, on a machine the first one shares
  const { origin, child } = await emptyServer(page.request);
  try {
    const login = await page.request.post(`${origin}/api/v1/login/access-token`, {
      form: { username: superuser.email, password: superuser.password },
    });
    const adminToken = (await login.json()).access_token;
    const post: Post = async (path, data) => {
      const answer = await page.request.post(`${origin}/api/v1${path}`, {
        headers: { Authorization: `Bearer ${adminToken}` },
        data,
      });
      expect(answer.ok(), `${path} answered ${answer.status()}`).toBe(true);
      return answer.json();
    };

    await page.goto(`${origin}/ui/login`);
    await page.getByLabel("Email").fill(superuser.email);
    await page.getByLabel("Password").fill(superuser.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const checklist = page.getByRole("list", { name: "Getting started" });
    const step = (name: string, state: "done" | "to do") =>
      expect(checklist.getByRole("listitem", { name: `${name}: ${state}` })).toBeVisible({
        timeout: 15_000,
      });
    await step("Add a data source", "to do");
    await step("Make a call", "to do");
    await expect(page.getByText("0 of 5 done")).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("onboarding-1280.png"), fullPage: true });

    // Each step's link leads to its place.
    await checklist
      .getByRole("listitem", { name: /Add a data source/ })
      .getByRole("link")
      .click();
    await expect(page).toHaveURL(/\/ui\/datasources\/new$/);

    // A source, an API, then published: three steps done.
    const api = await publishApi(post, "onboard");
    await page.goto(`${origin}/ui/`);
    await step("Add a data source", "done");
    await step("Create an API", "done");
    await step("Publish it", "done");
    await step("Create a client", "to do");

    const token = await clientToken(page.request, origin, post, "Onboarding client", api.id);
    await page.reload();
    await step("Create a client", "done");
    await step("Make a call", "to do");

    const call = await page.request.get(`${origin}/onboard/orders?min=1`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(call.status()).toBe(200);
    // Once the call is recorded, every step is done and the checklist is gone.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("heading", { name: "Traffic" })).toBeVisible();
      await expect(checklist).toBeHidden({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
  } finally {
    child.kill();
  }
});
