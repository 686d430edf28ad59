import { expect, test } from "@playwright/test";
import { adminPost } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

/**
 * The API editor's first load (issue 14, defect 12): its scripts and styles arrive
 * compressed, the hashed ones cached for good and index.html revalidated. The figure
 * of encoded bytes is printed, so `docs/ARCHITECTURE.md` can quote it.
 */
test("the API editor's assets arrive compressed, hashed ones cached as immutable", async ({
  page,
  browser,
}) => {
  await logIn(page);
  const source = await postgresSource(page, "e2e-assets-postgres");
  const module = await adminPost(page, "/modules", { name: "bundle" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Asset check",
    path: "asset-check",
    method: "GET",
    datasource_id: source.id,
    access: "public",
    content: `SELECT id FROM ${postgresTable} ORDER BY id`,
  });
  const { origins } = await page.context().storageState();

  // A cold browser: a new context (empty cache) with the same signed-in storage.
  const cold = await browser.newContext({ storageState: { cookies: [], origins } });
  const editor = await cold.newPage();
  const seen: { url: string; headers: Record<string, string>; bytes: number }[] = [];
  editor.on("requestfinished", async (request) => {
    const response = await request.response();
    if (!response || !new URL(request.url()).pathname.startsWith("/ui/")) return;
    const sizes = await request.sizes();
    seen.push({ url: request.url(), headers: response.headers(), bytes: sizes.responseBodySize });
  });
  await editor.goto(`/ui/apis/${api.id}`);
  await expect(editor.getByRole("heading", { name: "Asset check" })).toBeVisible();
  await expect(editor.locator(".cm-content").first()).toBeVisible();
  await editor.waitForLoadState("networkidle");

  const total = seen.reduce((sum, item) => sum + item.bytes, 0);
  console.log(`editor page, cold: ${seen.length} dashboard files, ${total} bytes transferred`);

  const assets = seen.filter((item) => /\/ui\/assets\/.+\.(js|css)$/.test(item.url));
  expect(assets.length).toBeGreaterThan(1);
  for (const asset of assets) {
    // The build keeps no twin of a file that compression would not shrink (a few bytes).
    if (asset.bytes > 256)
      expect(asset.headers["content-encoding"], asset.url).toMatch(/^(br|gzip)$/);
    expect(asset.headers["cache-control"], asset.url).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.vary, asset.url).toMatch(/accept-encoding/i);
  }
  const page_ = seen.find((item) => new URL(item.url).pathname === `/ui/apis/${api.id}`);
  expect(page_?.headers["cache-control"]).toBe("no-cache");
  await cold.close();
});
