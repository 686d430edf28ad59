import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { adminPost } from "./admin-api";
import { postgresTable } from "./e2e-settings";
import { logIn, postgresSource } from "./journey";

type Made = { sourceId: number; apiId: number };

/** One of each thing, so every list has a row and the detail pages exist. */
async function makeOneOfEach(page: Page, tag: string): Promise<Made> {
  const source = await postgresSource(page, `e2e-${tag}-postgres`);
  const module = await adminPost(page, "/modules", { name: tag });
  const api = await adminPost(page, "/apis", {
    module_id: module.id,
    name: "Accessible orders",
    path: "orders",
    method: "GET",
    datasource_id: source.id,
    access: "public",
    content: `SELECT id, customer FROM ${postgresTable} ORDER BY id`,
  });
  await adminPost(page, "/macros", { name: `${tag}_macro`.replace("-", "_"), content: "1" });
  await adminPost(page, "/groups", { name: `${tag}-group`, api_ids: [api.id] });
  await adminPost(page, "/clients", { name: `${tag}-client`, api_ids: [api.id] });
  return { sourceId: source.id, apiId: api.id };
}

function mainPages({ sourceId, apiId }: Made): string[] {
  return [
    "/ui/",
    "/ui/datasources",
    `/ui/datasources/${sourceId}`,
    "/ui/modules",
    "/ui/apis",
    `/ui/apis/${apiId}`,
    "/ui/macros",
    "/ui/groups",
    "/ui/clients",
    "/ui/users",
    "/ui/roles",
    "/ui/access-logs",
    "/ui/account",
  ];
}

/** Serious and critical WCAG 2.1 A/AA violations on the page as it stands. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${page.url()}: ${violation.id} (${violation.impact}) on ${violation.nodes
          .map((node) => `${node.target.join(" ")} [${node.any[0]?.message ?? ""}]`)
          .join(", ")}`,
    );
}

async function openPage(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator("h1").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
}

test("every main page passes an axe-core scan with no serious or critical violation", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await logIn(page);
  const made = await makeOneOfEach(page, "axe");
  const found: string[] = [];
  for (const path of mainPages(made)) {
    await openPage(page, path);
    found.push(...(await seriousViolations(page)));
  }
  const signedOutContext = await browser.newContext();
  const signedOut = await signedOutContext.newPage();
  await signedOut.goto("/ui/login");
  await expect(signedOut.getByRole("button", { name: "Sign in" })).toBeVisible();
  found.push(...(await seriousViolations(signedOut)));
  await signedOutContext.close();
  expect(found).toEqual([]);
});

type FocusStyle = { name: string; outline: boolean; ring: boolean };
const FOCUS_STYLE = `(() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    name: element.tagName + " " + (element.textContent || "").trim().slice(0, 30),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    ring: style.boxShadow !== "none",
  };
})()`;

test("a skip link comes first and every control shows where the focus is", async ({ page }) => {
  await logIn(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  // Walk every control of the frame and the overview with Tab, until the focus leaves
  // the page: each draws an outline or a ring when focused.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const walked: string[] = [];
  for (let step = 0; step < 60; step++) {
    await page.keyboard.press("Tab");
    // A string, evaluated in the page: the journeys compile without the DOM's types.
    const focus = (await page.evaluate(FOCUS_STYLE)) as FocusStyle;
    if (focus.name.startsWith("BODY")) break;
    walked.push(focus.name);
    expect(focus.outline || focus.ring, `no visible focus on ${focus.name}`).toBe(true);
  }
  expect(walked.length).toBeGreaterThan(15);
});

test("lists fit a 390 px wide phone: tables scroll inside their box, not the page", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await logIn(page);
  const made = await makeOneOfEach(page, "phone");
  const lists = ["/ui/datasources", "/ui/modules", "/ui/apis", "/ui/macros", "/ui/groups"];
  lists.push("/ui/clients", "/ui/users", "/ui/roles", "/ui/access-logs", `/ui/apis/${made.apiId}`);
  for (const path of lists) {
    await openPage(page, path);
    const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
    const name = path.replaceAll("/", "_");
    await page.screenshot({ path: test.info().outputPath(`390${name}.png`), fullPage: true });
    expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(390);
  }
});
