/**
 * End-to-end: the Payouts page reads from the indexer when the deployment record names one (the demo
 * started with --indexer writes its URL), from the RPC otherwise, and both give the same page: the same
 * balances, collectable amounts and payouts, page after page. An unreachable indexer is said in plain
 * words and the page falls back to the RPC.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import type { Page } from "playwright-core";
import { createPublicClient, http } from "viem";

import { indexedBlock } from "../../client/indexer-client.ts";
import { seedPayments } from "../bench/seedPayments.ts";
import { launchBrowser, openAs as openAsOn, type LaunchedBrowser } from "./browser.ts";
import { freePort, startStack, type Stack } from "./stack.ts";

const HOTEL = 1; // City Stay operator, vendor and fee recipient
const TRAVEL_AGENCY = 5; // City Stay referral partner (the seeded payments' referrer)

let stack: Stack;
let browser: LaunchedBrowser;
let indexerUrl: string;
let deployBlock: bigint;

/** Every eth_getLogs the page sends (batched or not), with the block it reads from. */
function countGetLogs(page: Page): { fromBlocks: bigint[] } {
  const seen = { fromBlocks: [] as bigint[] };
  page.on("request", (request) => {
    if (request.method() !== "POST" || !request.url().startsWith(stack.rpcUrl)) return;
    let body: unknown;
    try {
      body = request.postDataJSON();
    } catch {
      return;
    }
    for (const call of (Array.isArray(body) ? body : [body]) as { method?: string; params?: { fromBlock?: string }[] }[]) {
      if (call.method === "eth_getLogs" && call.params?.[0]?.fromBlock) seen.fromBlocks.push(BigInt(call.params[0].fromBlock));
    }
  });
  return seen;
}

type RpcCall = { method?: string; params?: { fromBlock?: string; topics?: unknown[] }[] };

const fromDeployBlock = (call: RpcCall) => call.params?.[0]?.fromBlock !== undefined && BigInt(call.params[0].fromBlock) === deployBlock;

/** Holds every RPC request (batched or not) with a call matching `matches` until `release()`; `held()` counts them. */
async function holdRpcCalls(page: Page, matches: (call: RpcCall) => boolean) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  await page.route(
    (url) => url.href.startsWith(stack.rpcUrl),
    async (route) => {
      const body = route.request().postDataJSON() as unknown;
      if ((Array.isArray(body) ? body : [body]).some((call: RpcCall) => matches(call))) {
        held++;
        await released;
      }
      await route.continue();
    },
  );
  return { release, held: () => held };
}

async function openAs(page: Page, path: string, index: number) {
  await openAsOn(page, stack.appUrl, path, index);
}

/** Waits until the indexer has indexed the chain's latest block, so both sources speak of the same chain. */
async function indexerCaughtUp() {
  const client = createPublicClient({ transport: http(stack.rpcUrl) });
  const head = await client.getBlockNumber();
  const deadline = Date.now() + 60_000;
  while ((await indexedBlock({ url: indexerUrl })) < head) {
    if (Date.now() > deadline) throw new Error(`The indexer did not reach block ${head} within 60 s.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The page's figures as a person reads them once the page has read all it reads: balances, then the feed after `olderPages` "Load older" clicks. */
async function payoutsText(page: Page, olderPages: number): Promise<{ balances: string; feed: string[] }> {
  await page.locator('[data-testid="payouts"][data-log="complete"]').waitFor({ timeout: 60_000 });
  return shownPayouts(page, olderPages);
}

/** The balances and feed shown now, after `olderPages` "Load older" clicks. */
async function shownPayouts(page: Page, olderPages: number): Promise<{ balances: string; feed: string[] }> {
  await page.getByTestId("payout-balances").locator("[data-testid^=withdrawable-]").first().waitFor({ timeout: 60_000 });
  // Every card's token known (symbol and decimals are read once per token).
  await page.waitForFunction(() => !document.querySelector('[data-testid="payout-balances"] .loading'), undefined, { timeout: 30_000 });
  await page.getByTestId("payout-feed").waitFor({ timeout: 60_000 });
  for (let i = 0; i < olderPages; i++) {
    const count = await page.locator('[data-testid="payout-feed"] li').count();
    await page.getByRole("button", { name: "Load older payouts" }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="payout-feed"] li').length > n, count, { timeout: 30_000 });
  }
  return { balances: await page.getByTestId("payout-balances").innerText(), feed: await page.locator('[data-testid="payout-feed"] li').allInnerTexts() };
}

before(async () => {
  const port = await freePort();
  stack = await startStack({ demoArgs: ["--indexer", "--indexer-port", String(port)] });
  browser = await launchBrowser();
  // More payouts than one page holds, for the referrer.
  await seedPayments(stack, 120);
  const file = readdirSync(stack.recordsDir).find((f) => /^chain-\d+\.json$/.test(f))!;
  const record = JSON.parse(readFileSync(join(stack.recordsDir, file), "utf8")) as { indexerUrl?: string; deployBlock: number };
  indexerUrl = record.indexerUrl!;
  deployBlock = BigInt(record.deployBlock);
  assert.equal(indexerUrl, `http://127.0.0.1:${port}`, "the demo writes the indexer's URL into the deployment record");
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("Payouts from the indexer and from the RPC", () => {
  for (const [who, index, olderPages] of [
    ["the referral partner", TRAVEL_AGENCY, 2],
    ["the operator and vendor", HOTEL, 0],
  ] as const) {
    test(`${who} sees the same page from both sources`, async () => {
      await indexerCaughtUp();
      const page = await browser.context.newPage();
      await openAs(page, "#/payouts", index);
      await page.locator('[data-testid="read-source"][data-source="indexer"]').waitFor({ timeout: 30_000 });
      const fromIndexer = await payoutsText(page, olderPages);
      await openAs(page, "?source=rpc#/payouts", index);
      await page.locator('[data-testid="read-source"][data-source="rpc"]').waitFor();
      const fromRpc = await payoutsText(page, olderPages);
      assert.ok(fromIndexer.feed.length > 0, "the feed shows payouts");
      if (olderPages > 0) assert.ok(fromIndexer.feed.length > 100, `older pages load (${fromIndexer.feed.length} payouts shown)`);
      assert.equal(fromIndexer.balances, fromRpc.balances);
      assert.deepEqual(fromIndexer.feed, fromRpc.feed);
      await page.close();
    });
  }

  test("from the RPC, the newest payouts shown before the partner's log is read are those its whole log gives, page after page", async (t) => {
    // A browser of its own (nothing kept), and the partner's whole log held back until the first pages are read.
    const fresh = await launchBrowser();
    t.after(() => fresh.close());
    const page = await fresh.context.newPage();
    // The whole log's reads start at the deploy block with one event per filter; the setup events (many at once) are read by both.
    const hold = await holdRpcCalls(page, (c) => c.method === "eth_getLogs" && fromDeployBlock(c) && typeof c.params?.[0]?.topics?.[0] === "string");
    await openAs(page, "?source=rpc#/payouts", TRAVEL_AGENCY);
    await page.getByTestId("payout-feed").waitFor({ timeout: 60_000 });
    const early = await shownPayouts(page, 2);
    assert.equal(await page.getByTestId("payouts").getAttribute("data-log"), "reading", "shown before the partner's log is read");
    assert.ok(early.feed.length > 100, `older pages load from the RPC (${early.feed.length} payouts shown)`);
    // What the contract's views say now, before the partner's log: the same amounts its ledger gives.
    const amounts = () => page.locator("[data-testid^=withdrawable-]").allInnerTexts();
    const earlyAmounts = await amounts();
    assert.ok(earlyAmounts.length > 0, "balances are shown");
    hold.release();
    await page.locator('[data-testid="payouts"][data-log="complete"]').waitFor({ timeout: 60_000 });
    assert.ok(hold.held() > 0, "the partner's log was read after the first pages");
    const whole = await shownPayouts(page, 0);
    assert.deepEqual(early.feed, whole.feed);
    assert.deepEqual(earlyAmounts, await amounts());
    await page.close();
  });

  test("the Audit page's newest rows come without a read of the whole history, and are the rows the whole log gives", async (t) => {
    const fresh = await launchBrowser();
    t.after(() => fresh.close());
    const page = await fresh.context.newPage();
    // Every read from the deploy block (the whole log, or any filter over the whole history) held until the first screen is checked.
    const hold = await holdRpcCalls(page, (c) => c.method === "eth_getLogs" && fromDeployBlock(c));
    const table = page.getByTestId("audit-events");
    // Shown with each amount in its asset's symbol: the row's agreement, and so its asset, is known.
    const formatted = async (partial: boolean) => {
      await page.waitForFunction(
        (p) => {
          const t = document.querySelector(`[data-testid="audit-events"][data-partial="${p}"]`);
          return t !== null && /amount=[\d.,]+ (ETH|dUSD)/.test(t.textContent ?? "") && !/amount=\d{7,}/.test(t.textContent ?? "");
        },
        String(partial),
        { timeout: 60_000 },
      );
      return table.locator("tbody tr").allInnerTexts();
    };
    await page.goto(`${stack.appUrl}#/audit`);
    const early = await formatted(true);
    assert.match(await page.getByTestId("audit-partial").innerText(), /^The newest 100 events \(blocks \d+ to \d+\)/);
    assert.equal(early.length, 100);
    hold.release();
    const whole = await formatted(false);
    assert.ok(hold.held() > 0, "the whole log was read after the first screen");
    assert.deepEqual(whole.slice(0, early.length), early);
    await page.close();
  });

  test("the Audit page checks the indexer's balances and collectable amounts against the log", async () => {
    await indexerCaughtUp();
    const page = await browser.context.newPage();
    await page.goto(`${stack.appUrl}#/audit`);
    await page.locator('[data-testid="indexer-check"][data-result="ok"]').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId("indexer-check").innerText(), /^The indexer at .* agrees with this log at block \d+: \d+ balances and collectable amounts checked\.$/);
    await page.close();
  });

  test("an unreachable indexer is said in plain words, and the page reads from the RPC", async () => {
    const page = await browser.context.newPage();
    await page.route(`${indexerUrl}/**`, (route) => route.abort("connectionrefused"));
    await openAs(page, "#/payouts", TRAVEL_AGENCY);
    const notice = page.locator('[data-testid="read-source"][data-source="rpc"]');
    await notice.waitFor({ timeout: 30_000 });
    assert.match(await notice.innerText(), new RegExp(`Cannot reach the indexer at ${indexerUrl.replace(/[.]/g, "\\.")} .*Reading from the chain's RPC instead`));
    await page.getByTestId("payout-feed").waitFor({ timeout: 60_000 });
    await page.close();
  });

  for (const [what, path, ready, done] of [
    ["the Audit page (the whole log)", "#/audit", "audit-events", '[data-testid="audit-events"][data-partial="false"]'],
    ["the Payouts page (the partner's part of the log)", "?source=rpc#/payouts", "payout-feed", '[data-testid="payouts"][data-log="complete"]'],
  ] as const) {
    test(`a reload of ${what} reads only the new blocks from the RPC`, async (t) => {
      const client = createPublicClient({ transport: http(stack.rpcUrl) });
      // A browser of its own: nothing kept from the tests above.
      const fresh = await launchBrowser();
      t.after(() => fresh.close());
      const page = await fresh.context.newPage();
      const first = countGetLogs(page);
      await openAs(page, path, TRAVEL_AGENCY);
      await page.getByTestId(ready).waitFor({ timeout: 60_000 });
      // The first data comes before the whole read; the read is kept once it is done.
      await page.locator(done).waitFor({ timeout: 60_000 });
      const text = await page.getByTestId(ready).innerText();
      assert.ok(first.fromBlocks.some((b) => b === deployBlock), "the first visit reads from the deploy block");
      await page.close();

      // Two new blocks, then the same page again in the same browser.
      await client.request({ method: "evm_mine" as never });
      await client.request({ method: "evm_mine" as never });
      const head = await client.getBlockNumber();
      const again = await fresh.context.newPage();
      const second = countGetLogs(again);
      await openAs(again, path, TRAVEL_AGENCY);
      await again.getByTestId(ready).waitFor({ timeout: 60_000 });
      await again.locator(done).waitFor({ timeout: 60_000 });
      assert.ok(second.fromBlocks.length > 0, "the reload reads the new blocks");
      const lowest = second.fromBlocks.reduce((a, b) => (a < b ? a : b));
      // Only the last blocks (re-read against reorgs, 12) and the new ones: nothing from the deploy block on.
      assert.ok(lowest > head - 20n && lowest > deployBlock, `the reload read from block ${lowest}; the chain is at ${head}, deployed at ${deployBlock}`);
      assert.equal(await again.getByTestId(ready).innerText(), text, "the same page as before the reload");
      await again.close();
    });
  }
});
