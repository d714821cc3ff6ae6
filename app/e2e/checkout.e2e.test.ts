/**
 * End-to-end: a customer pays a three-line order at the checkout (two networks, ETH and dUSD mixed, one
 * referral link) in Debian's Chromium against the real demo; the dUSD line goes by permit. The receipt must
 * show every line's split as the preview did, and the contract must have taken exactly the order's ETH.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import { createPublicClient, erc20Abi, http, parseEther } from "viem";

import { launchBrowser, type LaunchedBrowser } from "./browser.ts";
import { SHOTS } from "./pages.ts";
import { ecoshareAddress, findActiveAgreement } from "./chain.ts";
import { startStack, type Stack } from "./stack.ts";

// Demo cast (client/demo-cast.json): indices of the node's test accounts.
const TRAVEL_AGENCY = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"; // City Stay referral partner
const ALICE = 14; // customer

let stack: Stack;
let browser: LaunchedBrowser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** An active agreement of another network than City Stay (1), ETH preferred: the referrer is no member there. */
async function otherNetworkAgreement(): Promise<{ id: bigint; token: boolean }> {
  for (const token of [false, true]) {
    for (const networkId of [2n, 3n, 4n]) {
      try {
        return { id: (await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId, token })).id, token };
      } catch {
        // try the next one
      }
    }
  }
  throw new Error("The demo has no active agreement with a referral fee outside City Stay.");
}

describe("checkout", () => {
  test("a customer pays a three-line order across networks and assets in one transaction", async () => {
    const eth = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: false });
    const dusd = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: true });
    const other = await otherNetworkAgreement();
    const page = await browser.context.newPage();
    if (process.env.E2E_DEBUG) page.on("pageerror", (e) => console.error("[pageerror]", e.message));
    await page.goto(`${stack.appUrl}#/checkout?ref=${TRAVEL_AGENCY}`);
    const connect = page.getByRole("button", { name: "Connect wallet" });
    const switcher = page.getByLabel("Demo account");
    await switcher.or(connect).first().waitFor();
    if (await connect.isVisible()) {
      await connect.click();
      await page.getByTestId("dev-wallet").click();
    }
    await switcher.selectOption(String(ALICE));
    await page.getByTestId("order-referrer").waitFor();

    for (const [i, id, amount] of [[1, eth.id, "0.5"], [2, dusd.id, "40"], [3, other.id, other.token ? "10" : "0.25"]] as const) {
      await page.getByTestId("add-agreement").selectOption(id.toString());
      await page.getByRole("button", { name: "Add to the order" }).click();
      await page.getByLabel(`Line ${i} amount`).fill(amount);
    }
    const lines = page.getByTestId("order-line");
    await assert.doesNotReject(lines.nth(2).locator("[data-split='vendorShare']").waitFor());
    // The link's travel agency earns its fee in City Stay, and nothing in the other network.
    const previewReferral = await lines.locator("[data-split='referralFee']").allInnerTexts();
    assert.equal(previewReferral.length, 3);
    assert.notEqual(previewReferral[0], "0 ETH");
    assert.equal(previewReferral[2], other.token ? "0 dUSD" : "0 ETH");
    await assert.doesNotReject(lines.nth(2).getByText(/no referrer is credited/).waitFor());
    const totals = page.getByTestId("order-totals");
    assert.match(await totals.innerText(), other.token ? /0\.5 ETH/ : /0\.75 ETH/);
    assert.match(await totals.innerText(), other.token ? /50 dUSD/ : /40 dUSD/);
    await page.getByLabel("Order reference (optional)").fill("E2E-ORDER-3");
    await page.screenshot({ path: `${SHOTS}checkout-order.png`, fullPage: true });

    const client = createPublicClient({ transport: http(stack.rpcUrl) });
    const ecoshare = ecoshareAddress(stack.recordsDir);
    const ethBefore = await client.getBalance({ address: ecoshare });
    const dusdHeld = () => client.readContract({ address: dusd.asset, abi: erc20Abi, functionName: "balanceOf", args: [ecoshare] });
    const dusdBefore = await dusdHeld();

    await page.getByRole("button", { name: "Pay the order (3 lines)" }).click();
    const receipt = page.getByTestId("order-receipt");
    await receipt.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      throw new Error(`No receipt: ${await page.locator("[data-tx-status], .notice-error").allInnerTexts()} (${String(error)})`);
    });
    assert.equal(await page.getByTestId("receipt-ref").innerText(), "E2E-ORDER-3");
    const receiptReferral = await receipt.locator("[data-split='referralFee']").allInnerTexts();
    assert.equal(receiptReferral.length, 3);
    assert.deepEqual(receiptReferral.map((t) => t.split(" (")[0]), previewReferral);
    // The form reset: no line left.
    assert.equal(await lines.count(), 0);
    await page.screenshot({ path: `${SHOTS}checkout-receipt.png`, fullPage: true });

    assert.equal((await client.getBalance({ address: ecoshare })) - ethBefore, parseEther(other.token ? "0.5" : "0.75"));
    // dUSD is pulled once for all its lines (6 decimals).
    assert.equal((await dusdHeld()) - dusdBefore, (other.token ? 50n : 40n) * 10n ** 6n);
    await page.close();
  });
});
