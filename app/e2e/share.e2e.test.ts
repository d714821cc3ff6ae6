/**
 * End-to-end: "Share" on an agreement in Chromium against the real demo (a referral partner gets its link,
 * a QR code and the embed snippet), and the demo's partner site (the hotel's booking page on another
 * origin) with that snippet embedded. Screenshots land in e2e/screenshots/ (docs/embedding-share.png and
 * docs/embedding-city-stay.png are two of them).
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import type { Page } from "playwright-core";
import { createPublicClient, http, parseEther, parseEventLogs } from "viem";

import { ecoshareAbi } from "../../client/abis.generated.ts";

import { launchBrowser, openAs as openAsOn, type LaunchedBrowser } from "./browser.ts";
import { SHOTS } from "./pages.ts";
import { injectTestWallet } from "./injectedWallet.ts";
import { startStack, type Stack } from "./stack.ts";

// Demo cast (client/demo-cast.json): indices of the node's test accounts.
const HOTEL = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TRAVEL_AGENCY = 5; // City Stay referral partner
const TRAVEL_AGENCY_ADDRESS = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const ALICE = 14; // customer, in no network
const ALICE_ADDRESS = "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097";
/** The seed's room at the Grand Plaza (scripts/demo/seed.ts: the fifth agreement). */
const ROOM = 5;

let stack: Stack;
let browser: LaunchedBrowser;

/** Opens `hash` as demo account `index` (browser.ts `openAs`). */
const openAs = (page: Page, hash: string, index: number) => openAsOn(page, stack.appUrl, hash, index);

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack();
  browser = await launchBrowser();
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(stack.appUrl).origin });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("Share and the partner site in Chromium against the demo", () => {
  test("a referral partner shares an agreement: its link, a QR code and the snippet, copied", async () => {
    const page = await browser.context.newPage();
    await openAs(page, `#/agreements/${ROOM}`, TRAVEL_AGENCY);
    await page.getByRole("button", { name: "Share" }).click();
    const dialog = page.getByRole("dialog", { name: `Share agreement #${ROOM}` });
    const link = dialog.getByTestId("share-link");
    await link.waitFor();
    assert.equal(await link.inputValue(), `${stack.appUrl}#/pay/${ROOM}?ref=${TRAVEL_AGENCY_ADDRESS}`);
    assert.equal(await dialog.getByRole("img", { name: /^QR code of the link / }).count(), 1);
    await dialog.getByLabel("A fixed amount").check();
    await dialog.getByLabel("Amount", { exact: true }).fill("0.24");
    await dialog.getByLabel("Order reference (optional)").fill("CS-2026-0142");
    const snippet = await dialog.getByTestId("share-snippet").inputValue();
    assert.match(snippet, new RegExp(`^<script type="module" src="${stack.appUrl}embed/ecoshare-checkout.js"></script>\n<ecoshare-checkout\n`));
    assert.match(snippet, /\n {2}amount="0\.24"\n/);
    assert.match(snippet, new RegExp(`\n {2}referrer="${TRAVEL_AGENCY_ADDRESS}"\n`));
    // The live preview: the element from this app's /embed/ script, reading the agreement off the chain.
    const preview = dialog.getByTestId("share-preview");
    await dialog.locator('[data-testid="share-preview"][data-preview="ready"]').waitFor();
    const element = preview.locator("ecoshare-checkout");
    assert.equal(await element.getAttribute("amount"), "0.24");
    assert.equal(await element.getAttribute("referrer"), TRAVEL_AGENCY_ADDRESS);
    await element.locator(`[data-agreement="${ROOM}"]`).waitFor({ timeout: 30_000 });
    assert.match(await element.locator('[part~="summary"]').innerText(), /0\.24 ETH/);
    await dialog.getByRole("button", { name: "Copy snippet" }).click();
    await dialog.getByRole("button", { name: "Copied" }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);
    // Tall enough for the whole dialog (docs/embedding-share.png is this one).
    await page.setViewportSize({ width: 1100, height: 1500 });
    await dialog.evaluate((el) => el.parentElement!.scrollTo(0, 0));
    await dialog.screenshot({ path: `${SHOTS}share-dialog.png` });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await page.close();
  });

  test("a customer in no network is told it cannot refer, and gets a plain pay link", async () => {
    const page = await browser.context.newPage();
    await openAs(page, `#/agreements/${ROOM}`, ALICE);
    await page.getByRole("button", { name: "Share" }).click();
    const standing = page.getByTestId("share-standing");
    await standing.waitFor();
    assert.match(await standing.innerText(), /^You are not an active member of City Stay, so you cannot refer customers/);
    assert.equal(await page.getByTestId("share-link").inputValue(), `${stack.appUrl}#/pay/${ROOM}`);
    await page.close();
  });

  test("the demo's partner site: the hotel's booking page on another origin, paid as one order under the hotel's referral", async () => {
    assert.match(stack.partnerSiteUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(new URL(stack.partnerSiteUrl).origin, new URL(stack.appUrl).origin);
    const page = await browser.context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => /Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text()));
    await injectTestWallet(page, { rpcUrl: stack.rpcUrl, account: ALICE_ADDRESS, name: "Test wallet" });
    await page.goto(stack.partnerSiteUrl);
    await page.getByRole("heading", { name: "Your weekend in the city, booked in one go" }).waitFor();
    const checkout = page.locator("ecoshare-checkout");
    const lines = JSON.parse((await checkout.getAttribute("lines")) ?? "[]") as { agreement: string; referrer: string }[];
    assert.deepEqual(
      lines.map((l) => [l.agreement, l.referrer]),
      [
        ["5", HOTEL],
        ["6", HOTEL],
        ["7", HOTEL],
      ],
    );
    // The element reads the three agreements and City Stay's co-branding off the chain, then offers the wallet.
    await checkout.locator('[data-testid="totals"]').waitFor({ timeout: 30_000 });
    assert.match(await checkout.locator('[data-testid="totals"]').innerText(), /0\.375 ETH/);
    await checkout.getByRole("button", { name: "Connect Test wallet to pay" }).click();
    const pay = checkout.getByRole("button", { name: "Pay the order (3 lines)" });
    await pay.waitFor();
    assert.equal(await checkout.locator('[part~="logo"]').getAttribute("alt"), "City Stay logo");
    await page.screenshot({ path: `${SHOTS}city-stay-booking.png`, fullPage: true });

    await pay.click();
    const status = page.locator("#booking-status");
    await status.filter({ hasText: /^Booked: 3 items paid in one transaction/ }).waitFor({ timeout: 60_000 });
    assert.match(await status.innerText(), /booking CS-2026-0142\. See you soon!$/);
    const txHash = (await checkout.locator('[data-receipt="transaction"]').innerText()) as `0x${string}`;
    await page.screenshot({ path: `${SHOTS}city-stay-booked.png`, fullPage: true });

    // On chain: one transaction, three splits, each crediting the hotel as referrer.
    const client = createPublicClient({ transport: http(stack.rpcUrl) });
    const receipt = await client.getTransactionReceipt({ hash: txHash });
    assert.equal(receipt.status, "success");
    const splits = parseEventLogs({ abi: ecoshareAbi, logs: receipt.logs, eventName: "PaymentSplit" });
    assert.deepEqual(
      splits.map((e) => [e.args.agreementId, e.args.payer, e.args.referrer, e.args.amount]),
      [
        [5n, ALICE_ADDRESS, HOTEL, parseEther("0.24")],
        [6n, ALICE_ADDRESS, HOTEL, parseEther("0.095")],
        [7n, ALICE_ADDRESS, HOTEL, parseEther("0.04")],
      ],
    );
    assert.deepEqual(violations, []);
    await page.close();
  });
});
