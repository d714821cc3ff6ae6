/**
 * Injects the end-to-end tests' EIP-6963 test wallet (e2e/embed-host/test-wallet.js, the one the embedded
 * checkout's host pages load) into every document a page loads: it announces itself as a wallet extension
 * does and forwards requests to the demo node, whose unlocked test accounts sign. By default it cannot batch
 * (EIP-5792), so a checkout takes its other path.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";

const WALLET_SOURCE = readFileSync(new URL("./embed-host/test-wallet.js", import.meta.url), "utf8");

export interface InjectTestWalletParameters {
  rpcUrl: string;
  account: `0x${string}`;
  name?: string;
}

/** Injects the wallet into every document `page` loads from now on. */
export async function injectTestWallet(page: Page, { rpcUrl, account, name = "Test wallet" }: InjectTestWalletParameters): Promise<void> {
  const config = JSON.stringify({ rpc: rpcUrl, account, name });
  await page.addInitScript({ content: `window.__testWalletConfig = ${config};\n${WALLET_SOURCE}` });
}
