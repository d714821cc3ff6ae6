/** What every end-to-end test does with a page: open it as a demo account, wait for a transaction, take a screenshot. */
import type { Page } from "playwright-core";

export const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

/** A full-page screenshot in e2e/screenshots/. */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** Opens `hash` of the app at `appUrl`, connects the development wallet if needed, and selects demo account `index`. */
export async function openPageAs(page: Page, appUrl: string, hash: string, index: number) {
  if (process.env.E2E_DEBUG) {
    page.on("console", (m) => m.type() === "error" && console.error("[browser]", m.text()));
    page.on("pageerror", (e) => console.error("[pageerror]", e.message));
  }
  await page.goto(`${appUrl}${hash}`);
  const switcher = page.getByLabel("Demo account");
  const connect = page.getByRole("button", { name: "Connect wallet" });
  await switcher.or(connect).first().waitFor();
  if (await connect.isVisible()) {
    await connect.click();
    await page.getByTestId("dev-wallet").click();
  }
  await switcher.selectOption(String(index));
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
