import { expect, test } from "@playwright/test";
import { superuser } from "./e2e-settings";

test("a superuser logs in, manages users and switches to dark mode", async ({ page }) => {
  await page.goto("/ui/");
  await expect(page).toHaveURL(/\/ui\/login/);

  await page.getByLabel("Email").fill(superuser.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText(/incorrect/i);

  await page.getByLabel("Password").fill(superuser.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: superuser.email })).toBeVisible();

  await page.getByRole("button", { name: "New user" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill("grace@example.com");
  await dialog.getByLabel("Full name").fill("Grace Hopper");
  await dialog.getByLabel("Password").fill("grace-password-1");
  await dialog.getByRole("checkbox", { name: "viewer" }).check();
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog).toBeHidden();
  const graceRow = page.getByRole("row").filter({ hasText: "grace@example.com" });
  await expect(graceRow).toContainText("Grace Hopper");
  await expect(graceRow).toContainText("viewer");

  const html = page.locator("html");
  await expect(html).not.toHaveClass(/dark/);
  await page.getByRole("button", { name: "Switch to dark mode" }).click();
  await expect(html).toHaveClass(/dark/);
  await page.reload();
  await expect(html).toHaveClass(/dark/);
  await expect(page.getByRole("button", { name: "Switch to light mode" })).toBeVisible();

  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/ui\/login/);
});
