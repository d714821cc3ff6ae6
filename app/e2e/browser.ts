/** Debian's Chromium, driven by playwright-core, headless and offline but for loopback. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
];

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh Chromium with its own user-data dir, removed on close. */
export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<LaunchedBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), "ecoshare-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Opens `url`, connects the development wallet if needed, and selects demo account `index`. */
export async function openAsDemoAccount(page: Page, url: string, index: number): Promise<void> {
  if (process.env.E2E_DEBUG) {
    page.on("console", (m) => m.type() === "error" && console.error("[browser]", m.text()));
    page.on("pageerror", (e) => console.error("[pageerror]", e.message));
  }
  await page.goto(url);
  const switcher = page.getByLabel("Demo account");
  const connect = page.getByRole("button", { name: "Connect wallet" });
  await switcher.or(connect).first().waitFor();
  if (await connect.isVisible()) {
    await connect.click();
    await page.getByTestId("dev-wallet").click();
  }
  await switcher.selectOption(String(index));
}
