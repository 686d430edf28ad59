import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { adminPost, adminRequest } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

test("a module exports as YAML, and an edited file imports after a dry run shows the plan", async ({
  page,
}) => {
  await logIn(page);
  const source = await postgresSource(page, "e2e-exchange-postgres");
  const module = await adminPost(page, "/modules", { name: "exported" });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Customers",
    path: "customers",
    method: "GET",
    datasource_id: source.id,
    access: "public",
    content: `SELECT DISTINCT customer FROM ${postgresTable} ORDER BY customer`,
  });

  // The modules page leads to the definitions.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Modules" })
    .click();
  await page.getByRole("link", { name: "Export / import" }).click();
  await expect(page.getByRole("heading", { name: "Definitions" })).toBeVisible();

  // Export the one module: a YAML file named after it.
  const exporter = page.getByRole("region", { name: "Export" });
  await exporter.getByLabel("/exported").check();
  const downloading = page.waitForEvent("download");
  await exporter.getByRole("button", { name: "Download sluice-exported.yaml" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("sluice-exported.yaml");
  const yaml = await readFile(await download.path(), "utf8");
  expect(yaml).toContain("format_version: 1");
  expect(yaml).toContain("name: exported");
  expect(yaml).toContain("path: customers");
  expect(yaml).toContain("name: e2e-exchange-postgres");

  // A file naming a data source that does not exist is refused, saying where.
  const importer = page.getByRole("region", { name: "Import" });
  await importer.getByLabel("Definitions file").setInputFiles({
    name: "broken.yaml",
    mimeType: "application/yaml",
    buffer: Buffer.from(yaml.replace(/datasource: e2e-exchange-postgres/, "datasource: nowhere")),
  });
  await importer.getByRole("button", { name: "Check (dry run)" }).click();
  await expect(importer.getByRole("list", { name: "Problems" })).toContainText(
    "api exported/Customers: broken.yaml line",
  );
  await expect(importer.getByRole("list", { name: "Problems" })).toContainText(
    "no data source 'nowhere'",
  );
  await importer.screenshot({ path: test.info().outputPath("import-refused.png") });

  // Import it with the API moved: the dry run shows the plan and changes nothing.
  await importer.getByLabel("Definitions file").setInputFiles({
    name: "moved.yaml",
    mimeType: "application/yaml",
    buffer: Buffer.from(yaml.replace("path: customers", "path: buyers")),
  });
  await expect(importer.getByRole("button", { name: "Import", exact: true })).toBeDisabled();
  await importer.getByRole("button", { name: "Check (dry run)" }).click();
  const plan = importer.getByTestId("import-plan");
  await expect(importer).toContainText("The plan: what importing moved.yaml would do");
  await expect(plan.getByRole("region", { name: "Changed" })).toContainText(
    "api exported/Customers",
  );
  await expect(plan).toContainText(/\d+ unchanged/);
  await importer.screenshot({ path: test.info().outputPath("import-plan.png") });
  const before = await adminRequest<{ path: string }>(page, "GET", `/apis/${api.id}`);
  expect(before.path).toBe("customers");

  // Then apply it.
  await importer.getByRole("button", { name: "Import", exact: true }).click();
  await expect(importer.getByRole("status")).toContainText("Imported");
  await page.screenshot({ path: test.info().outputPath("definitions.png"), fullPage: true });
  const after = await adminRequest<{ path: string }>(page, "GET", `/apis/${api.id}`);
  expect(after.path).toBe("buyers");
});
