import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";
import { backendPort, secretKey, superuser } from "./tests/e2e-settings";

// The backend runs from the repository root and serves the built dashboard
// (frontend/dist) at /ui/: `npm run test:e2e` builds it first.
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const origin = `http://127.0.0.1:${backendPort}`;

// A fresh app store for every run. Set in the environment so that the worker
// processes, which load this file again, see the same directory.
process.env.SLUICE_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "sluice-e2e-"));
const dataDir = process.env.SLUICE_E2E_DATA_DIR;
const databaseFile = join(dataDir, "sluice.db");

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./tests/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: "list",
  timeout: 30_000,
  use: {
    baseURL: origin,
    colorScheme: "light",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's chromium; Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `backend/.venv/bin/sluice serve --host 127.0.0.1 --port ${backendPort}`,
    cwd: repoRoot,
    url: `${origin}/health/live`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:///${databaseFile}`,
      FIRST_SUPERUSER: superuser.email,
      FIRST_SUPERUSER_PASSWORD: superuser.password,
      SECRET_KEY: secretKey,
    },
  },
});
