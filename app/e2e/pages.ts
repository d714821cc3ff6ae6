/** What end-to-end tests do with a page besides opening it (browser.ts `openAs`): wait for a transaction, take a screenshot. */
import type { Page } from "playwright-core";

export const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

/** A full-page screenshot in e2e/screenshots/. */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** Waits for the last transaction status on the page to settle; throws with its text unless it was confirmed. */
export async function txConfirmed(page: Page) {
  const status = page.locator("[data-tx-status]").last();
  await status.waitFor();
  await page.waitForFunction(
    () => {
      const all = document.querySelectorAll("[data-tx-status]");
      const s = all[all.length - 1]?.getAttribute("data-tx-status");
      return s === "confirmed" || s === "failed";
    },
    undefined,
    { timeout: 30_000 },
  ).catch(async (error: unknown) => {
    throw new Error(`No outcome: "${await page.locator("[data-tx-status]").last().innerText()}" (${String(error)})`);
  });
  const final = await page.locator("[data-tx-status]").last().getAttribute("data-tx-status");
  if (final !== "confirmed") throw new Error(`Transaction failed: ${await page.locator("[data-tx-status]").last().innerText()}`);
}
