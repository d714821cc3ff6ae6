/**
 * End-to-end: the app in Debian's Chromium against the real demo (a Hardhat node with the protocol
 * deployed and the demo ecosystem seeded). Run with `npm run test:e2e` (node's test runner).
 * Screenshots of every main page land in e2e/screenshots/.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import type { Page } from "playwright-core";
import { createPublicClient, formatEther, http, parseAbi } from "viem";

import { launchBrowser, type LaunchedBrowser } from "./browser.ts";
import { findActiveAgreement } from "./chain.ts";
import { startStack, type Stack } from "./stack.ts";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
// Demo cast (scripts/lib/demo-cast.json): indices of the node's test accounts.
const HOTEL = 1 as const; // City Stay operator and vendor
const AIRLINE = 2 as const; // City Stay vendor
const TRAVEL_AGENCY = 5 as const; // City Stay referral partner
const ALICE = 14 as const; // customer
const ADDRESSES = {
  [HOTEL]: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  [AIRLINE]: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  [TRAVEL_AGENCY]: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
  [ALICE]: "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097",
} as const satisfies Record<number, `0x${string}`>;
/** Bob, a customer: not a member of any network. */
const NOT_A_MEMBER = "0xcd3B766CCDd6AE721141F452C550Ca635964ce71";

let stack: Stack;
let browser: LaunchedBrowser;
let agreementId: bigint;

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** Opens `hash`, connects the development wallet if needed, and selects demo account `index`. */
async function openAs(page: Page, hash: string, index: number) {
  if (process.env.E2E_DEBUG) {
    page.on("console", (m) => m.type() === "error" && console.error("[browser]", m.text()));
    page.on("pageerror", (e) => console.error("[pageerror]", e.message));
  }
  await page.goto(`${stack.appUrl}${hash}`);
  const switcher = page.getByLabel("Demo account");
  const connect = page.getByRole("button", { name: "Connect wallet" });
  await switcher.or(connect).first().waitFor();
  if (await connect.isVisible()) {
    await connect.click();
    await page.getByTestId("dev-wallet").click();
  }
  await switcher.selectOption(String(index));
}

async function txConfirmed(page: Page) {
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

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("Ecoshare app in Chromium against the demo", () => {
  test("pages load from the deployment record and show the demo ecosystem", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${stack.appUrl}#/networks`);
    await page.getByRole("link", { name: "City Stay" }).waitFor();
    await shot(page, "networks");
    await page.getByRole("link", { name: "City Stay" }).click();
    await page.getByRole("heading", { name: "Members", exact: true }).waitFor();
    await shot(page, "network-detail");
    await page.goto(`${stack.appUrl}#/audit`);
    await page.locator('[data-testid="conservation"] [data-result="ok"]').first().waitFor();
    assert.equal(await page.locator('[data-testid="conservation"] [data-result="shortfall"]').count(), 0);
    await shot(page, "audit");
    await page.close();
  });

  test("a newcomer asks to join a vendor-led network and the operator admits it", async () => {
    const NEWCOMER = 19;
    const page = await browser.context.newPage();
    await openAs(page, "#/networks/1", NEWCOMER);
    await page.getByLabel("Your business name").fill("Harbour Bikes");
    await page.getByRole("button", { name: "Ask to join" }).click();
    await txConfirmed(page);
    await page.getByText("waiting for an admitter").waitFor();
    await openAs(page, "#/networks/1", HOTEL);
    const row = page.locator("tr", { hasText: "Harbour Bikes" });
    await row.getByRole("button", { name: "Admit" }).click();
    await txConfirmed(page);
    await row.locator(".status-active").waitFor();
    await shot(page, "network-admitted");
    await page.close();
  });

  test("a party signs an agreement and it activates", async () => {
    const page = await browser.context.newPage();
    await openAs(page, "#/agreements/new", HOTEL);
    await page.getByLabel("Network").selectOption("1");
    await page.getByLabel("Party 1 address").fill(ADDRESSES[HOTEL]);
    await page.getByLabel("Party 2 address").fill(ADDRESSES[AIRLINE]);
    await page.getByLabel("Party 1 share in percent").fill("60");
    // The form checks as you type: 60 + 50 is not 100%.
    await page.getByText("Shares add up to 110%").waitFor();
    await page.getByLabel("Party 2 share in percent").fill("40");
    await page.getByLabel("Referral fee (%)").fill("10");
    await page.getByLabel("The agreement in words").fill("Hotel and flight bundle, sold by referral partners.");
    await shot(page, "propose");
    await page.getByRole("button", { name: "Propose", exact: true }).click();
    // Once confirmed, the app opens the new agreement.
    await page.waitForURL(/#\/agreements\/\d+$/, { timeout: 30_000 });
    agreementId = BigInt(/(\d+)$/.exec(page.url())![1]!);
    const client = createPublicClient({ transport: http(stack.rpcUrl) });
    const record = (await (await fetch(`${stack.appUrl}records/chain-31337.json`)).json()) as { contracts: { Ecoshare: { address: `0x${string}` } } };
    assert.equal(
      await client.readContract({
        address: record.contracts.Ecoshare.address,
        abi: parseAbi(["function hasAccepted(uint256, address) view returns (bool)"]),
        functionName: "hasAccepted",
        args: [agreementId, ADDRESSES[HOTEL]],
      }),
      true,
      "proposing as a party counts as acceptance",
    );

    // The airline sees the pending agreement, signs it (EIP-712, no gas) and submits the signature.
    await openAs(page, "#/agreements", AIRLINE);
    await page.getByRole("heading", { name: "Waiting for my acceptance" }).waitFor();
    await page.getByRole("link", { name: `Agreement #${agreementId}` }).first().click();
    await page.getByRole("button", { name: "Sign my acceptance (no gas)" }).click();
    await page.locator(`[data-party="${ADDRESSES[AIRLINE]}"] [data-acceptance="signed"]`).waitFor();
    await shot(page, "agreement-signed");
    await page.getByRole("button", { name: "Submit 1 signature" }).click();
    await txConfirmed(page);
    await page.locator("h1 .status-active").waitFor();
    await shot(page, "agreement-active");
    await page.close();
  });

  test("a customer opens a referral link and pays; the payout appears in the referrer's feed live; the referrer withdraws", async () => {
    // The referrer's Payouts page stays open (no reload) while the customer pays in another tab.
    const referrer = await browser.context.newPage();
    await openAs(referrer, `#/agreements/${agreementId}`, TRAVEL_AGENCY);
    const link = await referrer.getByTestId("referral-link").inputValue();
    assert.match(link, new RegExp(`#/pay/${agreementId}\\?ref=${ADDRESSES[TRAVEL_AGENCY]}$`));
    await referrer.goto(`${stack.appUrl}#/payouts`);
    await referrer.getByTestId("payout-feed").waitFor();
    const feedBefore = await referrer.locator('[data-testid="payout-feed"] li').count();

    const customer = await browser.context.newPage();
    await customer.goto(link);
    await customer.getByLabel("Demo account").or(customer.getByRole("button", { name: "Connect wallet" })).first().waitFor();
    await customer.getByLabel("Demo account").selectOption(String(ALICE));
    await customer.getByLabel(/^Amount/).fill("1.5");
    await customer.locator('[data-split="referralFee"]').waitFor();
    assert.equal(await customer.locator('[data-split="referralFee"]').innerText(), "0.15 ETH");
    await shot(customer, "pay-preview");
    await customer.getByRole("button", { name: /^Pay 1.5 ETH/ }).click();
    await txConfirmed(customer);
    await shot(customer, "pay-confirmed");

    // Live: the referrer's feed gains the 0.15 ETH referral fee without a reload.
    await referrer.waitForFunction((n) => document.querySelectorAll('[data-testid="payout-feed"] li').length > n, feedBefore, { timeout: 20_000 });
    const top = await referrer.locator('[data-testid="payout-feed"] li').first().innerText();
    assert.match(top, /0\.15 ETH\s+Referral fee/);
    await shot(referrer, "payouts-live");

    const withdrawable = referrer.getByTestId("withdrawable-ETH");
    const before = Number((await withdrawable.innerText()).replace(/[^0-9.]/g, ""));
    assert.ok(before >= 0.15, `withdrawable ${before} should include the 0.15 ETH fee`);
    await referrer.getByRole("button", { name: "Withdraw ETH" }).click();
    await txConfirmed(referrer);
    await referrer.waitForFunction(() => document.querySelector('[data-testid="withdrawable-ETH"]')?.textContent === "0 ETH", undefined, { timeout: 20_000 });
    await shot(referrer, "payouts-withdrawn");
    await referrer.close();
    await customer.close();
    void formatEther;
  });

  test("a customer pays a token agreement in one transaction with a permit", async () => {
    const token = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: true });
    const page = await browser.context.newPage();
    await openAs(page, `#/pay/${token.id}?ref=${ADDRESSES[TRAVEL_AGENCY]}`, ALICE);
    await page.getByLabel("Amount (dUSD)").fill("12.5");
    await page.locator('[data-split="vendorShare"]').waitFor();
    const pay = page.getByRole("button", { name: "Pay 12.5 dUSD (with permit)" });
    await pay.click();
    await txConfirmed(page);
    await shot(page, "pay-token-permit");
    await page.close();
  });

  test("a failing payment shows its reason in plain words", async () => {
    const page = await browser.context.newPage();
    // A referral link naming someone who is not a member: the contract refuses the payment.
    await openAs(page, `#/pay/${agreementId}?ref=${NOT_A_MEMBER}`, ALICE);
    await page.getByText("not an active member of the network").first().waitFor();
    await page.getByLabel(/^Amount/).fill("0.2");
    await page.getByRole("button", { name: /^Pay 0.2 ETH/ }).click();
    const failed = page.locator('[data-tx-status="failed"]');
    await failed.waitFor({ timeout: 20_000 });
    assert.match(await failed.innerText(), /is not an active member of network #1, so it cannot earn a referral fee/);
    await shot(page, "pay-failed");
    await page.close();
  });

  test("pages are readable on a phone", async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await openAs(page, `#/pay/${agreementId}?ref=${ADDRESSES[TRAVEL_AGENCY]}`, ALICE);
    await page.getByLabel(/^Amount/).fill("2");
    await page.locator('[data-split="vendorShare"]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false, "the checkout page scrolls sideways on a phone");
    await shot(page, "mobile-pay");
    await openAs(page, "#/payouts", TRAVEL_AGENCY);
    await page.getByRole("heading", { name: "Payouts", exact: true }).waitFor();
    await shot(page, "mobile-payouts");
    await page.close();
  });
});
