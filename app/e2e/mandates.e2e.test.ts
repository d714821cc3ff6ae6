/**
 * End-to-end (issue 10): in Debian's Chromium against the real demo, a member gives a mandate in plain words
 * by transaction, another signs one that a third member submits, and a proposal made "from mandates" shows
 * that it fits both, then counts as their acceptance on-chain. The network page charts its risk over time.
 * Screenshots land in e2e/screenshots/ (mandate-*.png, risk-chart.png).
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import type { Page } from "playwright-core";

import { launchBrowser, openAs as openAsOn, type LaunchedBrowser } from "./browser.ts";
import { SHOTS, shot, txConfirmed } from "./pages.ts";
import { startStack, type Stack } from "./stack.ts";

// Demo cast (client/demo-cast.json): City Stay's restaurant and events organiser, and a referral partner.
const RESTAURANT = 3;
const EVENTS = 4;
const TRAVEL_AGENCY = 5;
const ADDRESSES = {
  [RESTAURANT]: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  [EVENTS]: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
  [TRAVEL_AGENCY]: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
} as const;

let stack: Stack;
let browser: LaunchedBrowser;

const openAs = (page: Page, hash: string, index: number) => openAsOn(page, stack.appUrl, hash, index);

/** Opens the mandate editor (a member with a mandate already has to ask for it) and fills the example. */
async function fillMandate(page: Page, { minShare, maxReferralFee }: { minShare: string; maxReferralFee: string }) {
  const panel = page.getByTestId("mandate-panel");
  await panel.getByTestId("mandate-current").waitFor();
  const change = panel.getByRole("button", { name: "Change my mandate" });
  if (await change.isVisible()) await change.click();
  const editor = panel.getByTestId("mandate-editor");
  await editor.getByLabel("My share at least (%)").fill(minShare);
  await editor.getByLabel("Referral fee at most (%)").fill(maxReferralFee);
  await editor.getByLabel("Network fee at most (%)").fill("1.5");
  await editor.getByRole("checkbox", { name: "ETH" }).check();
  await editor.getByRole("checkbox", { name: "dUSD" }).check();
  await editor.getByLabel("Holdback at least (days)").fill("0");
  await editor.getByLabel("Holdback at most (days)").fill("14");
  await editor.getByLabel("Agreements valid at most (months)").fill("12");
  return editor;
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

describe("mandates in the app, against the demo", () => {
  test("members give mandates in plain words; a proposal from them fits both and counts as their acceptance", async () => {
    const page = await browser.context.newPage();

    // The restaurant sets its mandate by transaction; a bad field is refused in plain words first.
    await openAs(page, "#/networks/1", RESTAURANT);
    const editor = await fillMandate(page, { minShare: "130", maxReferralFee: "8" });
    await editor.getByText("Your share can be at most 100% of the vendor pool.").waitFor();
    assert.equal(await editor.getByRole("button", { name: "Set by transaction" }).isDisabled(), true, "an invalid mandate cannot be sent");
    await editor.getByLabel("Holdback at least (days)").fill("20");
    await editor.getByText("The shortest holdback (20 days) is longer than the longest (14 days): swap them.").waitFor();
    await shot(page, "mandate-errors");
    await editor.getByLabel("My share at least (%)").fill("30");
    await editor.getByLabel("Holdback at least (days)").fill("0");
    const preview = await editor.getByTestId("mandate-preview").innerText();
    assert.match(preview, /My share at least 30% of the vendor pool\./);
    assert.match(preview, /Holdback between 0 and 14 days\./);
    assert.match(preview, /Only ETH or dUSD\./);
    assert.match(preview, /Agreements valid at most 12 months\./);
    await editor.getByRole("button", { name: "Set by transaction" }).click();
    await txConfirmed(page);
    // Read back from the contract (mandateOf), in the same words.
    await page.locator('[data-testid="mandate-current"][data-live="true"]').getByText("My share at least 30% of the vendor pool.").waitFor({ timeout: 20_000 });
    const current = await page.getByTestId("mandate-words").innerText();
    assert.match(current, /My share at least 30% of the vendor pool\./);
    assert.match(current, /Referral fee at most 8%, loyalty tiers included\./);
    assert.match(current, /This mandate expires on /);
    await shot(page, "mandate-set");

    // The events organiser signs its mandate (no gas); the travel agency submits it from the same browser.
    await openAs(page, "#/networks/1", EVENTS);
    const signing = await fillMandate(page, { minShare: "20", maxReferralFee: "6" });
    await signing.getByRole("button", { name: "Sign it (anyone may submit it)" }).click();
    await page.getByTestId("mandate-signed").waitFor();
    await page.getByLabel("Demo account").selectOption(String(TRAVEL_AGENCY));
    await page.getByRole("button", { name: /^Submit .*'s mandate$/ }).click();
    await txConfirmed(page);
    await page.getByLabel("Demo account").selectOption(String(EVENTS));
    await page.locator('[data-testid="mandate-current"][data-live="true"]').getByText("Referral fee at most 6%, loyalty tiers included.").waitFor({ timeout: 20_000 });
    await shot(page, "mandate-signed-submitted");

    // A party without a mandate: the negotiator says so in plain words.
    await openAs(page, "#/agreements/new", RESTAURANT);
    await page.getByLabel(/^Network/).selectOption("1");
    await page.getByLabel("Party 1 address").fill(ADDRESSES[RESTAURANT]);
    await page.getByLabel("Party 2 address").fill(ADDRESSES[TRAVEL_AGENCY]);
    await page.getByRole("button", { name: "Propose from mandates" }).click();
    assert.match(await page.getByTestId("mandate-conflicts").innerText(), /has no live mandate for this network: ask for one, or fill the terms by hand\./);

    // With both mandates the negotiator fills the middle of the overlap, and the form shows both fit.
    await page.getByLabel("Party 2 address").fill(ADDRESSES[EVENTS]);
    await page.getByRole("button", { name: "Propose from mandates" }).click();
    await page.getByTestId("mandates-filled").waitFor();
    assert.equal(await page.getByLabel("Party 1 share in percent").inputValue(), "55");
    assert.equal(await page.getByLabel("Party 2 share in percent").inputValue(), "45");
    assert.equal(await page.getByLabel("Referral fee (%)").inputValue(), "3");
    await page.getByLabel("The agreement in words").fill("Dinner and a concert, sold together.");
    const fit = page.getByTestId("mandate-fit");
    await fit.locator(`[data-party="${ADDRESSES[RESTAURANT]}"][data-fit="fits"]`).waitFor();
    await fit.locator(`[data-party="${ADDRESSES[EVENTS]}"][data-fit="fits"]`).waitFor();
    await shot(page, "mandate-propose-from-mandates");

    // A referral fee above the events organiser's limit: the fit says why, in one sentence.
    await page.getByLabel("Referral fee (%)").fill("7");
    await fit.locator(`[data-party="${ADDRESSES[EVENTS]}"][data-fit="misses"]`).waitFor();
    assert.match(await fit.locator(`[data-party="${ADDRESSES[EVENTS]}"]`).innerText(), /The referral fee 7% is above .*'s limit of 6%\./);
    await shot(page, "mandate-misses");
    await page.getByLabel("Referral fee (%)").fill("3");
    await fit.locator(`[data-party="${ADDRESSES[EVENTS]}"][data-fit="fits"]`).waitFor();

    // Proposed inside both mandates: the events organiser's mandate accepts it in the same transaction.
    await page.getByRole("button", { name: "Propose", exact: true }).click();
    await page.waitForURL(/#\/agreements\/\d+$/, { timeout: 30_000 });
    await page.locator("h1 .status-active").waitFor({ timeout: 30_000 });
    await page.locator(`[data-party="${ADDRESSES[EVENTS]}"] [data-acceptance="mandate"]`).waitFor();
    await page.locator(`[data-testid="mandate-fit"] [data-party="${ADDRESSES[EVENTS]}"][data-fit="accepted-by-mandate"]`).waitFor();
    await shot(page, "mandate-accepted");

    // The events organiser revokes at once: its mandate accepts nothing more.
    await openAs(page, "#/networks/1", EVENTS);
    await page.getByRole("button", { name: "Revoke my mandate now" }).click();
    await txConfirmed(page);
    await page.locator('[data-testid="mandate-current"][data-live="false"]').waitFor();
    await page.close();
  });

  test("the network page charts paid, refunded and held volume over time", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${stack.appUrl}#/networks/1`);
    const chart = page.getByTestId("risk-chart-network");
    await chart.locator("canvas").first().waitFor({ timeout: 30_000 });
    const caption = await chart.locator("figcaption").first().innerText();
    assert.match(caption, /paid, .* refunded \(\d+(\.\d+)?%\), .* still held\./);
    await chart.scrollIntoViewIfNeeded();
    await shot(page, "risk-chart");
    await page.close();
  });
});
