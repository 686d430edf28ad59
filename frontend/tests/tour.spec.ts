import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { secretKey, superuser } from "./e2e-settings";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The README's five-minute tour, in a browser: the demo loaded with `sluice demo` on the
 * store the server uses, then log in, open a demo API, debug it. The screenshot of that
 * page is the README's picture: `make readme-picture` (README_PICTURE=1) writes it to
 * docs/images/dashboard.png; other runs keep it under test-results/, so `make test`
 * leaves the tree clean (timings in the page differ from run to run).
 */
test("the README tour: the demo's orders API opens, debugs, and makes the README picture", async ({
  page,
}) => {
  const dataDir = process.env.SLUICE_E2E_DATA_DIR ?? "";
  execFileSync(join(repoRoot, "backend/.venv/bin/sluice"), ["demo"], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:///${join(dataDir, "sluice.db")}`,
      SECRET_KEY: secretKey,
    },
  });

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/ui/login");
  await page.getByLabel("Email").fill(superuser.email);
  await page.getByLabel("Password").fill(superuser.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "APIs" }).click();
  // Other journeys' APIs share the store: find the demo's among them.
  const search = page.getByRole("textbox", { name: "Search APIs" });
  await search.fill("List orders");
  await search.press("Enter");
  const row = page.getByRole("row").filter({ hasText: "/demo/orders" }).first();
  await row.getByRole("link").first().click();
  await expect(page.getByTestId("endpoint-url")).toHaveText(/\/demo\/orders$/);

  const debug = page.getByRole("region", { name: "Debug" });
  await debug.getByLabel("Debug value of status").fill("shipped");
  await debug.getByRole("button", { name: "Run" }).click();
  const result = page.getByTestId("debug-result");
  await expect(result.getByTestId("debug-summary")).toContainText("Succeeded");
  const rows = result.getByRole("table", { name: "Result rows" });
  await expect(rows.getByRole("columnheader", { name: "status" })).toBeVisible();
  await expect(rows.getByRole("cell", { name: "shipped" }).first()).toBeVisible();

  const picture = process.env.README_PICTURE
    ? join(repoRoot, "docs/images/dashboard.png")
    : test.info().outputPath("dashboard.png");
  await page.screenshot({ path: picture, fullPage: true });
});
