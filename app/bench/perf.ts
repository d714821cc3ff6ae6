/**
 * App benchmark, on the production build (`vite build`, served by `vite preview`) in Debian's Chromium
 * against the real demo started with its indexer:
 * - the start bundle's size (gzip);
 * - time from navigation to first data for the Payouts page (the referrer of every seeded payment) and the
 *   Audit page, cold (a fresh browser: nothing kept) and warm (the same browser again: the log kept in
 *   IndexedDB), with BENCH_EVENTS (default 10,000) extra payments read from the RPC, and with
 *   BENCH_INDEXER_EVENTS (default 100,000) read through the indexer;
 * - eth_getLogs requests per load;
 * each time the median of BENCH_RUNS (default 3) runs, and as a ratio to a baseline measured in the same
 * run: one raw eth_getLogs of the contract's whole range. Writes bench/report.md and bench/report.json.
 *
 *   npm run bench        (from app/)
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import type { Page } from "playwright-core";
import { createPublicClient, http } from "viem";

import { indexedBlock } from "../../client/indexer-client.ts";
import { launchBrowser, type LaunchedBrowser } from "../e2e/browser.ts";
import { freePort, startStack } from "../e2e/stack.ts";
import { seedPayments } from "./seedPayments.ts";

const APP_DIR = new URL("..", import.meta.url).pathname;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const INDEXER_EVENTS = Number(process.env.BENCH_INDEXER_EVENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const REFERRER_INDEX = 5; // Wanderwise Travel: the referrer of every seeded payment

// 1. Bundle size.
execFileSync(join(APP_DIR, "node_modules/.bin/vite"), ["build", "--logLevel", "error"], { cwd: APP_DIR, stdio: "inherit" });
const assets = join(APP_DIR, "dist/assets");
const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
const bundle = files.map((f) => {
  const bytes = readFileSync(join(assets, f));
  return { file: f, bytes: statSync(join(assets, f)).size, gzip: gzipSync(bytes, { level: 9 }).length };
});
const entry = readFileSync(join(APP_DIR, "dist/index.html"), "utf8");
const initial = bundle.filter((b) => entry.includes(b.file));
const sum = (list: typeof bundle, key: "bytes" | "gzip") => list.reduce((s, b) => s + b[key], 0);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

// 2. Load times against the demo (with its indexer) plus seeded payments, on the production build.
const indexerPort = await freePort();
const stack = await startStack({ demoArgs: ["--indexer", "--indexer-port", String(indexerPort)], preview: true });
const indexerUrl = `http://127.0.0.1:${indexerPort}`;
const client = createPublicClient({ transport: http(stack.rpcUrl) });
const record = JSON.parse(readFileSync(join(stack.recordsDir, readdirSync(stack.recordsDir).find((f) => /^chain-\d+\.json$/.test(f))!), "utf8")) as {
  deployBlock: number;
  contracts: { Ecoshare: { address: `0x${string}` } };
};

/** One raw eth_getLogs of the contract's whole range: the baseline, in ms, and the logs it returned. */
async function rawGetLogs(): Promise<{ ms: number; logs: number }> {
  const head = await client.getBlockNumber();
  const t0 = performance.now();
  const response = await fetch(stack.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: [{ address: record.contracts.Ecoshare.address, fromBlock: `0x${record.deployBlock.toString(16)}`, toBlock: `0x${head.toString(16)}` }] }),
  });
  const body = (await response.json()) as { result: unknown[] };
  return { ms: performance.now() - t0, logs: body.result.length };
}

/** The baseline: RUNS raw eth_getLogs of the whole range one after the other, the median time. */
async function baseline(): Promise<{ ms: number; logs: number }> {
  const runs: { ms: number; logs: number }[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await rawGetLogs());
  return { ms: median(runs.map((r) => r.ms)), logs: runs[0]!.logs };
}

/**
 * Waits for the indexer to reach the head, saying where it is every 30 s. It follows the seed block by block
 * (Ponder's realtime sync), slower than a backfill: at 100,000 payments on this shared machine it needs more
 * than the 10 minutes once allowed, so it gets `minutes` (BENCH_CATCH_UP_MINUTES, default 40).
 */
async function indexerCaughtUp(minutes = Number(process.env.BENCH_CATCH_UP_MINUTES ?? 40)) {
  const head = await client.getBlockNumber();
  const started = Date.now();
  const deadline = started + minutes * 60_000;
  let said = started;
  for (let at = await indexedBlock({ url: indexerUrl }); at < head; at = await indexedBlock({ url: indexerUrl })) {
    if (Date.now() > deadline) throw new Error(`The indexer did not reach block ${head} within ${minutes} minutes (it is at block ${at}).`);
    if (Date.now() - said >= 30_000) {
      said = Date.now();
      console.log(`  the indexer is at block ${at} of ${head} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Load {
  ms: number;
  getLogs: number;
}

/**
 * Opens `path` as the referrer in `browser` and times navigation to the first `ready` element; then, with
 * `done`, lets the page finish what it reads and keeps (so a warm load after it finds it kept); counts the
 * visit's eth_getLogs.
 */
async function load(browser: LaunchedBrowser, path: string, ready: string, source: "rpc" | "indexer", done: string | undefined): Promise<Load> {
  // The development wallet is connected as the referrer on a page of the app's origin that runs no app code
  // (so nothing reads or keeps a log before the timed navigation).
  const setup: Page = await browser.context.newPage();
  await setup.goto(`${stack.appUrl}records/index.json`);
  await setup.evaluate((index) => localStorage.setItem("ecoshare.devWallet", JSON.stringify({ connected: true, index })), REFERRER_INDEX);
  await setup.close();
  const page = await browser.context.newPage();
  let getLogs = 0;
  page.on("request", (request) => {
    if (request.method() !== "POST" || !request.url().startsWith(stack.rpcUrl)) return;
    const body = request.postDataJSON() as unknown;
    for (const call of (Array.isArray(body) ? body : [body]) as { method?: string }[]) if (call.method === "eth_getLogs") getLogs++;
  });
  // The node answers one request at a time: one still running from the load before (a page closed while its
  // whole read was on the wire) would be timed into this one. This answer comes once the node is idle.
  await client.getBlockNumber({ cacheTime: 0 });
  // The page marks the moment `ready` is first in its DOM, on its own clock (0 = the navigation's start):
  // Playwright's own wait polls at growing intervals, and `goto` waits for the load event, which a
  // lazily loaded chunk delays, so timing them would add up to half a second that nobody waits for.
  await page.addInitScript((selector) => {
    const mark = () => {
      if (document.querySelector(selector) === null) return false;
      (window as unknown as { firstDataAt: number }).firstDataAt = performance.now();
      return true;
    };
    const observer = new MutationObserver(() => mark() && observer.disconnect());
    observer.observe(document, { subtree: true, childList: true });
  }, ready);
  await page.goto(`${stack.appUrl}${source === "rpc" ? "?source=rpc" : ""}${path}`);
  await page.waitForSelector(ready, { timeout: 300_000 });
  const ms = await page.evaluate(() => (window as unknown as { firstDataAt?: number }).firstDataAt);
  if (ms === undefined) throw new Error(`The page did not mark when ${ready} appeared.`);
  if (source === "indexer" && path.includes("payouts")) await page.waitForSelector('[data-source="indexer"]', { timeout: 1_000 });
  if (done !== undefined) await page.waitForSelector(done, { timeout: 600_000 });
  await page.close();
  return { ms, getLogs };
}

/** Cold (a fresh browser each run) and warm (that browser again) loads, medians of RUNS. */
async function coldAndWarm(path: string, ready: string, source: "rpc" | "indexer", done?: string) {
  const cold: Load[] = [];
  const warm: Load[] = [];
  for (let i = 0; i < RUNS; i++) {
    const browser = await launchBrowser();
    try {
      cold.push(await load(browser, path, ready, source, done));
      warm.push(await load(browser, path, ready, source, done));
    } finally {
      await browser.close();
    }
  }
  const summary = (list: Load[]) => ({ ms: Math.round(median(list.map((l) => l.ms))), runsMs: list.map((l) => Math.round(l.ms)), getLogs: median(list.map((l) => l.getLogs)) });
  return { cold: summary(cold), warm: summary(warm) };
}

const PAYOUTS_READY = '[data-testid="payout-feed"] li';
const AUDIT_READY = '[data-testid="audit-events"] tbody tr';
/** The page has read the whole log (the Audit page) or the partner's part of it (Payouts from the RPC), and kept it. */
const AUDIT_DONE = '[data-testid="audit-events"][data-partial="false"]';
const PAYOUTS_DONE = '[data-testid="payouts"][data-log="complete"]';

try {
  const seeded = await seedPayments(stack, EVENTS);
  console.log(`Seeded ${EVENTS} payments in ${seeded.seedSeconds.toFixed(1)} s; waiting for the indexer.`);
  await indexerCaughtUp();
  console.log("Measuring from the RPC and through the indexer.");
  const baselineSmall = await baseline();
  const baselineSmallMs = baselineSmall.ms;
  const rpc = {
    payouts: await coldAndWarm("#/payouts", PAYOUTS_READY, "rpc", PAYOUTS_DONE),
    audit: await coldAndWarm("#/audit", AUDIT_READY, "rpc", AUDIT_DONE),
  };
  const indexerSmall = { payouts: await coldAndWarm("#/payouts", PAYOUTS_READY, "indexer") };

  let large: { events: number; logs: number; baselineMs: number; payouts: Awaited<ReturnType<typeof coldAndWarm>>; audit: Awaited<ReturnType<typeof coldAndWarm>>; seedSeconds: number; catchUpSeconds: number } | undefined;
  const writeReport = () => {
    const ratio = (ms: number, base: number) => Number((ms / base).toFixed(2));
    const report = {
      date: new Date().toISOString(),
      runs: RUNS,
      bundle: { files: bundle, initialGzipBytes: sum(initial, "gzip"), initialBytes: sum(initial, "bytes"), totalGzipBytes: sum(bundle, "gzip"), totalBytes: sum(bundle, "bytes") },
      rpc: { extraPayments: EVENTS, logs: baselineSmall.logs, baselineMs: Math.round(baselineSmallMs), seedSeconds: Number(seeded.seedSeconds.toFixed(1)), ...rpc },
      indexer: { extraPayments: EVENTS, ...indexerSmall },
      ...(large ? { indexerLarge: { ...large, baselineMs: Math.round(large.baselineMs) } } : {}),
    };
    writeFileSync(join(APP_DIR, "bench/report.json"), JSON.stringify(report, null, 2) + "\n");
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const row = (label: string, r: { cold: { ms: number; getLogs: number }; warm: { ms: number; getLogs: number } }, base: number) =>
      `| ${label} | ${r.cold.ms} ms (${ratio(r.cold.ms, base)}x) | ${r.cold.getLogs} | ${r.warm.ms} ms (${ratio(r.warm.ms, base)}x) | ${r.warm.getLogs} |`;
    const md = `# App benchmark

Measured by \`npm run bench\` in app/ on ${report.date.slice(0, 10)} (2 cores, shared), Debian Chromium headless, on the production build
(\`vite build\`, served by \`vite preview\`), against the demo started with \`--indexer\`. Times run from navigation to first data (the
first payout in the feed, the first row of the audit's event list, marked by the page itself when it enters the DOM); each is the median of ${RUNS} runs, followed by its ratio to the
baseline: one raw \`eth_getLogs\` of the contract's whole range, measured in the same run. Cold: a fresh browser (nothing kept); the
page is left open until it has read and kept the whole log (Audit) or the partner's part of it (Payouts from the RPC). Warm: the same
browser again (that log kept in IndexedDB: only the new blocks, and the last 12 again, are read). Each load starts once the node is idle
(it answers one request at a time). eth_getLogs: requests per visit (median).

## Production bundle (vite build, gzip -9)

| | raw | gzip |
| --- | ---: | ---: |
| loaded at start (index.html) | ${kb(report.bundle.initialBytes)} | **${kb(report.bundle.initialGzipBytes)}** |
| all chunks (incl. the dev-wallet chunk, loaded on the local chain only, and the chart chunk, uPlot, loaded with the first chart) | ${kb(report.bundle.totalBytes)} | ${kb(report.bundle.totalGzipBytes)} |

${bundle.map((b) => `- \`${b.file}\`: ${kb(b.bytes)} raw, ${kb(b.gzip)} gzip`).join("\n")}

## ${EVENTS.toLocaleString("en")} extra payments, from the RPC (\`?source=rpc\`)

The demo plus ${EVENTS.toLocaleString("en")} referred ETH payments to agreement #${seeded.agreementId}, all crediting the same referrer, whose Payouts page is measured:
${report.rpc.logs.toLocaleString("en")} logs in all. Baseline (raw eth_getLogs of the whole range): **${report.rpc.baselineMs} ms**.

| page | cold | eth_getLogs | warm | eth_getLogs |
| --- | ---: | ---: | ---: | ---: |
${row("Payouts (the newest payouts read backwards by the referrer's topics, balances from the contract's views)", rpc.payouts, report.rpc.baselineMs)}
${row("Audit (the newest rows read backwards; the whole log follows)", rpc.audit, report.rpc.baselineMs)}

Cold, the eth_getLogs count includes the requests made after the first data: the partner's whole part of the log, or the whole log.

## ${EVENTS.toLocaleString("en")} extra payments, through the indexer

| page | cold | eth_getLogs | warm | eth_getLogs |
| --- | ---: | ---: | ---: | ---: |
${row("Payouts", indexerSmall.payouts, report.rpc.baselineMs)}
${
  large
    ? `
## ${large.events.toLocaleString("en")} extra payments, through the indexer

${large.logs.toLocaleString("en")} logs in all. Baseline (raw eth_getLogs of the whole range): **${Math.round(large.baselineMs)} ms**. Seeding the further
${(large.events - EVENTS).toLocaleString("en")} payments took ${large.seedSeconds} s; the indexer was caught up ${large.catchUpSeconds} s after the last one.

| page | cold | eth_getLogs | warm | eth_getLogs |
| --- | ---: | ---: | ---: | ---: |
${row("Payouts", large.payouts, large.baselineMs)}
${row("Audit (the raw-log check, from the RPC whatever the source: the newest rows first, the whole log after)", large.audit, large.baselineMs)}
`
    : `
## ${INDEXER_EVENTS > EVENTS ? INDEXER_EVENTS.toLocaleString("en") : "100,000"} extra payments, through the indexer

Not measured in this run${INDEXER_EVENTS > EVENTS ? " (yet: it follows the figures above)" : ` (BENCH_INDEXER_EVENTS=${INDEXER_EVENTS})`}.
`
}
Seeding the first ${EVENTS.toLocaleString("en")} payments took ${report.rpc.seedSeconds} s (not part of the figures).
`;
    writeFileSync(join(APP_DIR, "bench/report.md"), md);
    console.log(md);
  };
  writeReport();

  if (INDEXER_EVENTS > EVENTS) {
    console.log(`Seeding ${INDEXER_EVENTS - EVENTS} more payments.`);
    const more = await seedPayments(stack, INDEXER_EVENTS - EVENTS);
    console.log(`Seeded in ${more.seedSeconds.toFixed(1)} s; waiting for the indexer.`);
    const t0 = performance.now();
    await indexerCaughtUp();
    const catchUpSeconds = (performance.now() - t0) / 1000;
    const { ms: baselineMs, logs } = await baseline();
    large = {
      events: INDEXER_EVENTS,
      logs,
      baselineMs,
      payouts: await coldAndWarm("#/payouts", PAYOUTS_READY, "indexer"),
      // The Audit page is the raw-log check: it reads the whole log from the RPC whatever the source.
      audit: await coldAndWarm("#/audit", AUDIT_READY, "indexer", AUDIT_DONE),
      seedSeconds: Number(more.seedSeconds.toFixed(1)),
      catchUpSeconds: Number(catchUpSeconds.toFixed(1)),
    };
    writeReport();
  }

} finally {
  await stack.stop();
}
