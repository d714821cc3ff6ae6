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

import { launchBrowser, openAs as openAsOn, type LaunchedBrowser } from "./browser.ts";
import { findActiveAgreement, increaseTime } from "./chain.ts";
import { SHOTS, shot, txConfirmed } from "./pages.ts";
import { startStack, type Stack } from "./stack.ts";

// Demo cast (client/demo-cast.json): indices of the node's test accounts.
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
/** The agreement negotiated in the dynamic-sharing tests: tiers, a one-day holdback, the hotel refunds. */
let negotiatedId: bigint;

/** Opens `hash` as demo account `index` (browser.ts `openAs`). */
const openAs = (page: Page, hash: string, index: number) => openAsOn(page, stack.appUrl, hash, index);

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
    await page.getByLabel(/^Network/).selectOption("1");
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
    // One act, one button (issue 13, point 6): the way to accept is a choice, the act is "Accept #N".
    await page.getByRole("button", { name: `Accept #${agreementId}` }).waitFor();
    assert.equal(await page.getByRole("button", { name: /^(Accept|Sign)/ }).count(), 1, "one button accepts");
    await page.getByRole("radio", { name: /Sign, no gas/ }).check();
    await shot(page, "agreement-accept-choice");
    await page.getByRole("button", { name: `Accept #${agreementId}` }).click();
    await page.locator(`[data-party="${ADDRESSES[AIRLINE]}"] [data-acceptance="signed"]`).waitFor();
    await shot(page, "agreement-signed");
    // Submitting costs gas, and the button says so.
    await page.getByRole("button", { name: "Submit 1 signature (a transaction: you pay the gas)" }).click();
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

  test("a referral link naming a non-member warns, and the customer pays without a referrer (issue 13, point 4)", async () => {
    const page = await browser.context.newPage();
    // A referral link naming someone who is not a member: the contract would refuse the payment naming it.
    await openAs(page, `#/pay/${agreementId}?ref=${NOT_A_MEMBER}`, ALICE);
    await page.getByTestId("referrer-problem").waitFor();
    assert.match(await page.getByTestId("referrer-problem").innerText(), /not an active member of the network/);
    await page.getByLabel(/^Amount/).fill("0.2");
    assert.equal(await page.getByRole("button", { name: /^Pay 0.2 ETH/ }).isDisabled(), true, "Pay is disabled while the referrer is refused");
    assert.match(await page.getByTestId("pay-reason").innerText(), /not an active member/);
    await shot(page, "pay-referrer-problem");
    await page.getByRole("button", { name: "Pay without a referrer" }).click();
    await page.getByTestId("without-referrer").waitFor();
    assert.equal(await page.locator('[data-split="referralFee"]').innerText(), "0 ETH");
    await page.getByRole("button", { name: /^Pay 0.2 ETH/ }).click();
    await txConfirmed(page);
    assert.match(await page.locator('[data-receipt="referralFee"]').innerText(), /0 ETH \(no referrer\)/);
    await shot(page, "pay-without-referrer");
    await page.close();
  });

  test("a counter-proposal activates and the original shows closed", async () => {
    const page = await browser.context.newPage();
    await openAs(page, "#/agreements/new", HOTEL);
    await page.getByLabel(/^Network/).selectOption("1");
    await page.getByLabel("Party 1 address").fill(ADDRESSES[HOTEL]);
    await page.getByLabel("Party 2 address").fill(ADDRESSES[AIRLINE]);
    await page.getByLabel("Party 1 share in percent").fill("60");
    await page.getByLabel("Party 2 share in percent").fill("40");
    await page.getByLabel("Referral fee (%)").fill("5");
    // Loyalty tiers, checked as you type: thresholds must rise.
    await page.getByRole("button", { name: "Add a tier" }).click();
    await page.getByLabel("Tier 1 from volume").fill("1");
    await page.getByLabel("Tier 1 rate in percent").fill("8");
    await page.getByRole("button", { name: "Add a tier" }).click();
    await page.getByLabel("Tier 2 from volume").fill("0.5");
    await page.getByLabel("Tier 2 rate in percent").fill("10");
    await page.getByText("Thresholds must rise from one tier to the next.").waitFor();
    await page.getByLabel("Tier 2 from volume").fill("5");
    // A holdback needs a refunder among the parties.
    await page.getByLabel("Holdback (days)").fill("1");
    await page.getByText("Choose the party that may refund held payments.").waitFor();
    await page.getByLabel("Refunder").selectOption(ADDRESSES[HOTEL]);
    // Trust tiers: a proven referrer's customers may be held shorter, never longer.
    await page.getByLabel("Tier 2 holdback in days").fill("2");
    await page.getByText("This tier's holdback (2 days) is longer than tier 1's (1 days): earned trust may only shorten it.").waitFor();
    await page.getByLabel("Tier 2 holdback in days").fill("0.5");
    await page.getByLabel("The agreement in words").fill("Weekend packages with loyalty tiers; refundable for a day.");
    await shot(page, "propose-tiers-holdback");
    await page.getByRole("button", { name: "Propose", exact: true }).click();
    await page.waitForURL(/#\/agreements\/\d+$/, { timeout: 30_000 });
    const offerId = BigInt(/(\d+)$/.exec(page.url())![1]!);

    // The airline answers with a counter-proposal: the form is prefilled from the offer; it asks for 50/50.
    await openAs(page, `#/agreements/${offerId}`, AIRLINE);
    await page.getByTestId("negotiation").waitFor();
    await page.getByRole("link", { name: `Counter #${offerId}` }).click();
    await page.getByRole("heading", { name: `Counter agreement #${offerId}` }).waitFor();
    assert.equal(await page.getByLabel("Tier 2 from volume").inputValue(), "5");
    assert.equal(await page.getByLabel("Holdback (days)").inputValue(), "1");
    assert.equal(await page.getByLabel("Tier 2 holdback in days").inputValue(), "0.5");
    await page.getByLabel("Party 1 share in percent").fill("50");
    await page.getByLabel("Party 2 share in percent").fill("50");
    await page.getByRole("button", { name: "Counter by transaction" }).click();
    await page.waitForURL(new RegExp(`#/agreements/(?!${offerId}$)\\d+$`), { timeout: 30_000 });
    negotiatedId = BigInt(/(\d+)$/.exec(page.url())![1]!);

    // The hotel sees the thread and the differences side by side, and accepts the counter in one place.
    await openAs(page, `#/agreements/${negotiatedId}`, HOTEL);
    await page.locator(`[data-version="${offerId}"]`).waitFor();
    await page.locator(`[data-version="${negotiatedId}"]`).waitFor();
    const changed = await page.locator('[data-testid="version-diff"] tr[data-changed="true"] th').allInnerTexts();
    assert.ok(changed.some((t) => /Share/.test(t)), `the shares are marked as changed: ${changed.join(" | ")}`);
    assert.ok(!changed.some((t) => /Tiers|Holdback/.test(t)), "tiers and holdback did not change");
    await shot(page, "negotiation-thread");
    await page.getByRole("button", { name: `Accept #${negotiatedId}` }).click();
    await txConfirmed(page);
    await page.locator("h1 .status-active").waitFor();

    // The offer it outran is closed: it can no longer be accepted.
    await page.goto(`${stack.appUrl}#/agreements/${offerId}`);
    // One word for one state (issue 13, point 9): the same on its page and in its thread.
    await page.locator('h1 [data-phase="closed"]').waitFor();
    assert.equal(await page.locator("h1 .status").innerText(), await page.locator(`[data-version="${offerId}"] .status`).innerText());
    await page.locator(`[data-version="${offerId}"][data-thread-status="closed"]`).waitFor();
    await page.getByText(`version #${negotiatedId} of the same negotiation was accepted by everyone first`).waitFor();
    await shot(page, "negotiation-closed");
    await page.close();
  });

  test("the checkout shows the referrer's tier; a held payment is refunded by the refunder and the customer withdraws it", async () => {
    const customer = await browser.context.newPage();
    await openAs(customer, `#/pay/${negotiatedId}?ref=${ADDRESSES[TRAVEL_AGENCY]}`, ALICE);
    await customer.getByTestId("holdback-notice").waitFor();
    await customer.getByTestId("tier-distance").waitFor();
    assert.match(await customer.getByTestId("tier-distance").innerText(), /^1 ETH to the next tier \(8%\)/);
    await customer.getByLabel(/^Amount/).fill("1.5");
    await customer.locator('[data-split="referralFee"]').waitFor();
    assert.equal(await customer.locator('[data-split="referralFee"]').innerText(), "0.075 ETH");
    await customer.getByRole("button", { name: /^Pay 1.5 ETH/ }).click();
    await txConfirmed(customer);
    // v2 counts loyalty volume when earned: the held 1.5 ETH lifts no tier until released, so the referrer
    // stays at the base tier, 1 ETH from the next, and the next payment is charged the base rate (5%).
    await customer.getByTestId("receipt").waitFor({ timeout: 20_000 });
    assert.equal(await customer.getByTestId("tier-progress").getAttribute("data-tier"), "0");
    assert.match(await customer.getByTestId("tier-distance").innerText(), /^1 ETH to the next tier \(8%\)/);
    await customer.getByLabel(/^Amount/).fill("0.4");
    await customer.waitForFunction(() => document.querySelector('[data-split="referralFee"]')?.textContent === "0.02 ETH", undefined, { timeout: 10_000 });
    await shot(customer, "pay-tier-preview");
    await customer.getByRole("button", { name: /^Pay 0.4 ETH/ }).click();
    await txConfirmed(customer);

    // The hotel, refunder of the agreement, refunds the 0.4 ETH payment within the holdback.
    const hotel = await browser.context.newPage();
    await openAs(hotel, "#/payouts", HOTEL);
    const refund = hotel.getByRole("button", { name: "Refund 0.4 ETH" }).first();
    await refund.waitFor({ timeout: 20_000 });
    await shot(hotel, "payouts-held-refunder");
    // A refund asks first, naming the amount and the customer it goes back to (issue 13, point 5).
    await refund.click();
    const confirm = hotel.getByTestId("confirm");
    assert.match(await confirm.innerText(), /Refund 0\.4 ETH to .*0xdF3e…7097.* \(the customer who paid\)/s);
    await hotel.screenshot({ path: `${SHOTS}payouts-refund-confirm.png` });
    await confirm.getByRole("button", { name: "Yes, refund 0.4 ETH" }).click();
    await txConfirmed(hotel);
    await hotel.locator('tr[data-held-state="refunded"]').first().waitFor();
    await hotel.close();

    // The customer sees the refund credited and withdraws it: one button for one act, no empty chart (issue 13, point 9).
    await customer.goto(`${stack.appUrl}#/payouts`);
    const balance = customer.getByTestId("withdrawable-ETH");
    await customer.waitForFunction(() => document.querySelector('[data-testid="withdrawable-ETH"]')?.textContent === "0.4 ETH", undefined, { timeout: 20_000 });
    assert.match(await customer.getByTestId("refunded-ETH").innerText(), /Refunded to you in all: 0\.4 ETH/);
    // One withdraw button per asset: the refund is withdrawn with the rest of the balance.
    assert.equal(await customer.locator('[data-asset="ETH"]').getByRole("button", { name: /^Withdraw/ }).count(), 1, "one withdraw button for ETH");
    assert.equal(await customer.getByRole("button", { name: /^Withdraw/ }).count(), await customer.locator(".card.balance").count(), "one withdraw button per asset");
    assert.equal(await customer.getByRole("heading", { name: "Earnings over time" }).count(), 0, "a customer has no earnings chart");
    await shot(customer, "payouts-refund-credited");
    await customer.getByRole("button", { name: "Withdraw ETH" }).click();
    await txConfirmed(customer);
    await customer.waitForFunction(() => document.querySelector('[data-testid="withdrawable-ETH"]')?.textContent === "0 ETH", undefined, { timeout: 20_000 });
    assert.equal(await balance.innerText(), "0 ETH");
    await customer.close();
  });

  test("a held payment released after its holdback shows up as released in the referrer's payouts, with its tier", async () => {
    await increaseTime(stack.rpcUrl, 24 * 3600 + 60);
    const page = await browser.context.newPage();
    await openAs(page, "#/payouts", TRAVEL_AGENCY);
    // The tier progress of the negotiated agreement: nothing earned yet (the 1.5 ETH is still held, the refunded
    // 0.4 ETH never counts), so still 1 ETH to the next tier.
    const tier = page.locator(`[data-tier-agreement="${negotiatedId}"] [data-testid="tier-distance"]`);
    await tier.waitFor({ timeout: 20_000 });
    assert.match(await tier.innerText(), /^1 ETH to the next tier/);
    const release = page.getByRole("button", { name: /^Release \d+ held payments? whose holdback is over/ });
    await release.waitFor({ timeout: 20_000 });
    await shot(page, "payouts-held-releasable");
    await release.click();
    await txConfirmed(page);
    const row = page.locator('tr[data-held-state="released"]', { hasText: "1.5 ETH" }).filter({ has: page.locator(`a[href="#/agreements/${negotiatedId}"]`) });
    await row.first().waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="payout-feed"] li', { hasText: "(released)" }).first().waitFor();
    // Released, the 1.5 ETH is earned volume: tier 1, 3.5 ETH from the next.
    await page.waitForFunction((id) => /^3\.5 ETH to the next tier/.test(document.querySelector(`[data-tier-agreement="${id}"] [data-testid="tier-distance"]`)?.textContent ?? ""), String(negotiatedId), { timeout: 20_000 });
    await shot(page, "payouts-held-released");

    // The audit shows the held, released and refunded payments, and the conservation check holds.
    await page.goto(`${stack.appUrl}#/audit`);
    await page.getByTestId("held-totals").waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="conservation"] [data-result]')].every((c) => c.getAttribute("data-result") === "ok"), undefined, { timeout: 20_000 });
    await page.screenshot({ path: `${SHOTS}audit-held.png` });
    await page.close();
  });

  test("a counter-proposal signed with EIP-712 by one party is submitted by another", async () => {
    const page = await browser.context.newPage();
    await openAs(page, "#/agreements/new", HOTEL);
    await page.getByLabel(/^Network/).selectOption("1");
    await page.getByLabel("Party 1 address").fill(ADDRESSES[HOTEL]);
    await page.getByLabel("Party 2 address").fill(ADDRESSES[AIRLINE]);
    await page.getByLabel("Party 1 share in percent").fill("70");
    await page.getByLabel("Party 2 share in percent").fill("30");
    await page.getByLabel("The agreement in words").fill("Airport transfers.");
    await page.getByRole("button", { name: "Propose", exact: true }).click();
    await page.waitForURL(/#\/agreements\/\d+$/, { timeout: 30_000 });
    const offerId = BigInt(/(\d+)$/.exec(page.url())![1]!);

    // The airline signs a counter (no gas); the signature stays in this browser for anyone to submit.
    await openAs(page, `#/agreements/new?counter=${offerId}`, AIRLINE);
    await page.getByLabel("Party 2 share in percent").fill("35");
    await page.getByLabel("Party 1 share in percent").fill("65");
    await page.getByRole("button", { name: "Sign the counter-proposal (someone else submits it)" }).click();
    await page.getByTestId("counter-signed").waitFor({ timeout: 20_000 });

    // The hotel submits it: the counter is the airline's, with the airline's acceptance.
    await openAs(page, `#/agreements/${offerId}`, HOTEL);
    await page.getByRole("button", { name: "Submit SkyBridge Airlines's counter" }).click();
    await txConfirmed(page);
    const counter = page.locator(`[data-testid="negotiation"] li:not([data-version="${offerId}"])`).last();
    await counter.waitFor({ timeout: 20_000 });
    assert.match(await counter.innerText(), new RegExp(`Counter to #${offerId} by SkyBridge Airlines[\\s\\S]*1/2 accepted`));
    await shot(page, "negotiation-signed-counter");
    await page.close();
  });

  test("the checkout judges agreements by the chain's clock, checks the balance, and gives a receipt (issue 13, points 1 to 3)", async () => {
    const page = await browser.context.newPage();
    const chainNow = async () => {
      const block = (await (await fetch(stack.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }) })).json()) as { result: { timestamp: string } };
      return Number(block.result.timestamp);
    };
    /** Proposes a one-party agreement (the hotel's alone: active at once) with the given window, in chain seconds. */
    const propose = async (from: number, until: number, text: string) => {
      await openAs(page, "#/agreements/new", HOTEL);
      await page.getByLabel(/^Network/).selectOption("1");
      await page.getByLabel("Party 1 address").fill(ADDRESSES[HOTEL]);
      await page.getByLabel("Party 1 share in percent").fill("100");
      await page.getByRole("button", { name: "Remove party 2" }).click();
      const local = (seconds: number) =>
        page.evaluate((t) => {
          const d = new Date(t * 1000);
          const pad = (n: number) => String(n).padStart(2, "0");
          return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
        }, seconds);
      await page.getByLabel("Valid from").fill(await local(from));
      await page.getByLabel("Valid until").fill(await local(until));
      await page.getByLabel("The agreement in words").fill(text);
      await page.getByRole("button", { name: "Propose", exact: true }).click();
      await page.waitForURL(/#\/agreements\/\d+$/, { timeout: 30_000 });
      const id = BigInt(/(\d+)$/.exec(page.url())![1]!);
      // Wait for the app to show the new agreement: a hash set again before React rendered it would keep the old form.
      await page.getByRole("heading", { name: new RegExp(`^Agreement #${id}\\b`) }).waitFor();
      return id;
    };
    const now = await chainNow();
    const expiring = await propose(now - 3600, now + 3600, "Late-night shuttle, one hour only.");
    const future = await propose(now + 10 * 86400, now + 20 * 86400, "Winter festival packages.");
    await increaseTime(stack.rpcUrl, 2 * 3600);

    // Expired: shown as such on the list and the pay page, with the window; Pay disabled with the reason.
    await openAs(page, `#/pay/${expiring}`, ALICE);
    await page.locator('h1 [data-phase="expired"]').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId("validity-window").innerText(), /^Takes payments from .+ to .+ \(chain time now: .+\)$/);
    assert.match(await page.getByTestId("pay-blocker").innerText(), new RegExp(`^Agreement #${expiring} expired on .+ \\(the chain's time\\): it takes no more payments\\.$`));
    await page.getByLabel(/^Amount/).fill("1");
    assert.equal(await page.getByRole("button", { name: /^Pay 1 ETH/ }).isDisabled(), true);
    await shot(page, "pay-expired");
    await page.goto(`${stack.appUrl}#/agreements`);
    await page.locator(`.card:has(a[href="#/agreements/${expiring}"]) [data-phase="expired"]`).first().waitFor();
    await page.locator(`.card:has(a[href="#/agreements/${future}"]) [data-phase="not-yet-valid"]`).first().waitFor();
    await page.goto(`${stack.appUrl}#/pay/${future}`);
    await page.locator('h1 [data-phase="not-yet-valid"]').waitFor();
    assert.match(await page.getByTestId("pay-blocker").innerText(), /takes payments only from/);

    // Balance checked before the wallet is asked.
    await page.goto(`${stack.appUrl}#/pay/${agreementId}`);
    await page.getByTestId("held").waitFor();
    const heldBefore = await page.getByTestId("held").innerText();
    await page.getByLabel(/^Amount/).fill("1000000");
    await page.getByTestId("pay-reason").waitFor();
    assert.match(await page.getByTestId("pay-reason").innerText(), /^You hold [\d,.]+ ETH: not enough for a payment of 1,000,000 ETH\.$/);
    assert.equal(await page.getByRole("button", { name: /^Pay 1,000,000 ETH/ }).isDisabled(), true);
    await shot(page, "pay-balance-too-low");
    const token = await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: true });
    // Moving to another agreement's checkout starts blank: no amount or error carried over.
    await page.goto(`${stack.appUrl}#/pay/${token.id}`);
    await page.getByLabel("Amount (dUSD)").waitFor();
    assert.equal(await page.getByLabel("Amount (dUSD)").inputValue(), "");
    assert.equal(await page.getByTestId("pay-reason").count(), 0);
    await page.getByLabel("Amount (dUSD)").fill("5000000");
    await page.getByTestId("pay-reason").waitFor();
    assert.match(await page.getByTestId("pay-reason").innerText(), /^You hold [\d,.]+ dUSD: not enough for a payment of 5,000,000 dUSD\.$/);

    // A payment gives a receipt, clears the form and refreshes the balance.
    await page.goto(`${stack.appUrl}#/pay/${agreementId}`);
    await page.getByLabel(/^Amount/).fill("0.3");
    await page.getByLabel("Order reference (optional)").fill("Booking 4711");
    await page.getByRole("button", { name: /^Pay 0.3 ETH/ }).click();
    await page.getByTestId("receipt").waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-receipt="orderRef"]').innerText(), "Booking 4711");
    assert.match(await page.locator('[data-receipt="transaction"]').innerText(), /^0x[0-9a-f]{64}$/);
    assert.match(await page.getByTestId("receipt").innerText(), /Paid 0\.3 ETH/);
    assert.equal(await page.getByLabel(/^Amount/).inputValue(), "");
    assert.equal(await page.getByLabel("Order reference (optional)").inputValue(), "");
    await page.waitForFunction((before) => document.querySelector('[data-testid="held"]')?.textContent !== before, heldBefore, { timeout: 20_000 });
    await shot(page, "pay-receipt");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "mobile-pay-receipt");
    await page.close();
  });

  test("the propose form stays quiet until typed in and names each mistake at its field; a bad terms URI does not blank the page (issue 13, points 7 and 8)", async () => {
    const page = await browser.context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    await openAs(page, "#/agreements/new", HOTEL);
    await page.getByLabel(/^Network/).waitFor();
    assert.equal(await page.locator(".field-error").count(), 0, "no red errors on a fresh form");
    await shot(page, "propose-fresh");
    await page.getByLabel(/^Network/).selectOption("1");
    await page.getByLabel("Party 1 address").fill(ADDRESSES[HOTEL]);
    await page.getByLabel("Party 2 address").fill("0x123");
    await page.getByText("0x123 is not a valid address").waitFor();
    assert.equal(await page.getByLabel("Party 2 address").getAttribute("aria-invalid"), "true");
    await page.getByLabel("Party 1 share in percent").fill("33.333");
    await page.locator('[data-error="share0"]').waitFor();
    assert.match(await page.locator('[data-error="share0"]').innerText(), /^At most two decimals/);
    assert.equal(await page.getByLabel("Party 1 share in percent").getAttribute("aria-invalid"), "true");
    assert.equal(await page.getByLabel("Party 1 address").getAttribute("aria-invalid"), "false", "the outline is on the share, not the address");
    // The same party twice: reported as a duplicate, and the refunder list stays one option per party.
    await page.getByLabel("Party 2 address").fill(ADDRESSES[HOTEL]);
    await page.getByText("This party is already named above").waitFor();
    await page.getByLabel("Holdback (days)").fill("1");
    await shot(page, "propose-errors");
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false, "the propose form scrolls sideways on a phone");
    await shot(page, "mobile-propose-errors");
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.equal(consoleErrors.filter((e) => /same key/.test(e)).length, 0, `React key errors: ${consoleErrors.join(" | ")}`);

    // Terms whose encoding is broken: the agreement still opens and its parties can act.
    await page.getByLabel("Holdback (days)").fill("");
    await page.getByLabel("Party 1 share in percent").fill("60");
    await page.getByLabel("Party 2 address").fill(ADDRESSES[AIRLINE]);
    await page.getByLabel("Party 2 share in percent").fill("40");
    await page.getByLabel("Link to the full text (optional)").fill("data:text/plain,50%%20off%E0%A4%A");
    await page.getByRole("button", { name: "Propose", exact: true }).click();
    await page.waitForURL(/#\/agreements\/\d+$/, { timeout: 30_000 });
    const spamId = /(\d+)$/.exec(page.url())![1]!;
    await openAs(page, `#/agreements/${spamId}`, AIRLINE);
    await page.getByText("its encoding is broken").waitFor();
    assert.equal(await page.getByTestId("error-boundary").count(), 0);
    await page.getByRole("button", { name: "Terminate" }).waitFor();
    await page.getByRole("button", { name: `Accept #${spamId}` }).waitFor();
    await shot(page, "agreement-bad-terms-uri");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "mobile-agreement-accept");
    await page.close();
  });

  test("payouts, networks and charts read right (issue 13, points 9 and 10)", async () => {
    const page = await browser.context.newPage();
    const notFound: string[] = [];
    page.on("response", (r) => r.status() === 404 && notFound.push(r.url()));
    // The referrer's earnings chart: a time axis, a value axis and a tooltip with the date and the value.
    await openAs(page, "#/payouts", TRAVEL_AGENCY);
    const chart = page.getByTestId("earnings-chart-ETH");
    await chart.locator("canvas").waitFor({ timeout: 20_000 });
    await chart.scrollIntoViewIfNeeded();
    // The chart is drawn again when more of the feed arrives: hover until the tooltip of the chart now shown answers.
    const tip = chart.locator(".chart-tooltip");
    for (let attempt = 0; ; attempt++) {
      const over = chart.locator(".u-over");
      await over.waitFor();
      const box = await over.boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
        if (await tip.waitFor({ timeout: 2_000 }).then(() => true, () => false)) break;
      }
      assert.ok(attempt < 5, "the earnings chart shows a tooltip under the mouse");
    }
    assert.match(await tip.innerText(), /\d{4}.*: Earned [\d,.]+ ETH$/);
    assert.match(await chart.locator("figcaption").innerText(), /^ETH: [\d,.]+ ETH in all, from .+ to .+\.$/);
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}payouts-chart.png` });
    // A vendor is not shown loyalty tiers; a referrer is.
    assert.equal(await page.getByRole("heading", { name: "My loyalty tiers" }).count(), 1);
    await openAs(page, "#/payouts", AIRLINE);
    await page.getByRole("heading", { name: "Payouts", exact: true }).waitFor();
    await page.getByTestId("withdrawable-ETH").waitFor();
    assert.equal(await page.getByRole("heading", { name: "My loyalty tiers" }).count(), 0, "a vendor sees no loyalty tiers");

    // The operator sees its network's volume over time.
    await openAs(page, "#/networks/1", HOTEL);
    await page.getByTestId("volume-chart-ETH").locator("canvas").waitFor({ timeout: 20_000 });
    await page.getByTestId("volume-chart-dUSD").locator("canvas").waitFor({ timeout: 20_000 });
    await page.getByRole("heading", { name: "Payment volume over time" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}network-volume.png` });
    // Its risk figures, by the audit's rules: paid volume per asset, refund rate, exposure still held.
    const risk = page.getByTestId("risk-network");
    await risk.getByRole("row").nth(1).waitFor({ timeout: 20_000 });
    const riskRows = await risk.locator("tbody tr").allInnerTexts();
    assert.ok(riskRows.some((r) => /ETH \(\d+ payments?\)/.test(r)), `network risk rows: ${riskRows.join(" | ")}`);
    assert.ok(riskRows.every((r) => /\d+(\.\d+)?%/.test(r)), "every row has a refund rate");
    // And the time to release, once the times of the blocks that held and released them are read.
    await page.waitForFunction(() => !document.querySelector('[data-testid="risk-network"] tbody')?.textContent?.includes("…"), undefined, { timeout: 20_000 });
    const released = await risk.locator("tbody tr").allInnerTexts();
    assert.ok(released.every((r) => /none released yet|\(median of \d+\)/.test(r)), `time to release: ${released.join(" | ")}`);

    // A new network says it has no members yet.
    await openAs(page, "#/networks", 19);
    await page.getByLabel("Name").fill("Harbour Co-op");
    await page.getByRole("button", { name: "Create network" }).click();
    await txConfirmed(page);
    const card = page.locator(".card", { hasText: "Harbour Co-op" });
    await card.waitFor({ timeout: 20_000 });
    assert.equal(await card.getByTestId("member-count").innerText(), "no members yet");

    assert.deepEqual(notFound, [], "no request is a 404 (favicon included)");
    assert.equal((await fetch(`${stack.appUrl}favicon.ico`)).status, 200);

    // The version diff fits a phone's width.
    await page.setViewportSize({ width: 390, height: 844 });
    await openAs(page, `#/agreements/${negotiatedId}`, HOTEL);
    await page.getByTestId("version-diff").waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1), false, "the agreement page scrolls sideways on a phone");
    await page.getByTestId("version-diff").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}mobile-version-diff.png` });
    await openAs(page, "#/payouts", TRAVEL_AGENCY);
    await page.getByTestId("earnings-chart-ETH").locator("canvas").waitFor({ timeout: 20_000 });
    await page.getByTestId("earnings-chart-ETH").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}mobile-payouts-chart.png` });
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
