/**
 * App benchmark: the production bundle's size (gzip) and the time the Payouts and Audit pages take to
 * show 10,000 payment events in Debian's Chromium, against the real demo plus 10,000 extra referred
 * payments. Writes bench/report.md and bench/report.json.
 *
 *   npm run bench        (from app/)
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";


import { launchBrowser } from "../e2e/browser.ts";
import { startStack } from "../e2e/stack.ts";
import { seedPayments } from "./seedPayments.ts";

const APP_DIR = new URL("..", import.meta.url).pathname;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);

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

// 2. Render times against the demo plus EVENTS referred payments.
const stack = await startStack();
const browser = await launchBrowser();
try {
  const { agreementId, seedSeconds } = await seedPayments(stack, EVENTS);
  const page = await browser.context.newPage();
  await page.goto(`${stack.appUrl}#/networks`);
  await page.evaluate((index) => localStorage.setItem("ecoshare.devWallet", JSON.stringify({ connected: true, index })), 5);

  /** Time from opening `hash` (fresh page load: records, logs, ledger, render) until `selector` shows. */
  const coldLoad = async (hash: string, ready: string) => {
    await page.goto("about:blank");
    const t0 = Date.now();
    await page.goto(`${stack.appUrl}${hash}`);
    await page.waitForSelector(ready, { timeout: 180_000 });
    return Date.now() - t0;
  };
  /** Time to render `hash` again from the cached log (the page's own work only), median of 5. */
  const warmRender = async (hash: string, ready: string) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.evaluate(() => (window.location.hash = "#/networks"));
      await page.waitForSelector("#networks-title");
      times.push(
        await page.evaluate(
          ([h, sel]) =>
            new Promise<number>((resolve) => {
              const t0 = performance.now();
              window.location.hash = h!;
              const check = () => (document.querySelector(sel!) ? resolve(performance.now() - t0) : requestAnimationFrame(check));
              check();
            }),
          [hash, ready],
        ),
      );
    }
    return times.sort((a, b) => a - b)[2]!;
  };

  const payoutsReady = '[data-testid="payout-feed"] li';
  const auditReady = '[data-testid="audit-events"] tbody tr';
  const payoutsCold = await coldLoad("#/payouts", payoutsReady);
  const feedItems = await page.evaluate(() => document.querySelector('[data-testid="payout-feed"]')?.parentElement?.textContent?.match(/of (\d+)/)?.[1]);
  const payoutsWarm = await warmRender("#/payouts", payoutsReady);
  const auditCold = await coldLoad("#/audit", auditReady);
  const totalEvents = await page.evaluate(() => document.querySelector("#audit-title + p")?.textContent ?? "");
  const auditWarm = await warmRender("#/audit", auditReady);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: join(APP_DIR, "e2e/screenshots/bench-audit.png") });
  await page.evaluate(() => (window.location.hash = "#/payouts"));
  await page.waitForSelector(payoutsReady);
  await page.screenshot({ path: join(APP_DIR, "e2e/screenshots/bench-payouts.png") });

  const report = {
    date: new Date().toISOString(),
    bundle: {
      files: bundle,
      initialGzipBytes: sum(initial, "gzip"),
      initialBytes: sum(initial, "bytes"),
      totalGzipBytes: sum(bundle, "gzip"),
      totalBytes: sum(bundle, "bytes"),
    },
    events: { extraPayments: EVENTS, agreementId: agreementId.toString(), auditSummary: totalEvents, olderFeedItems: feedItems, seedSeconds: Number(seedSeconds.toFixed(1)) },
    payoutsMs: { coldLoad: payoutsCold, render: Number(payoutsWarm.toFixed(1)) },
    auditMs: { coldLoad: auditCold, render: Number(auditWarm.toFixed(1)) },
  };
  writeFileSync(join(APP_DIR, "bench/report.json"), JSON.stringify(report, null, 2) + "\n");
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const md = `# App benchmark

Measured by \`npm run bench\` in app/ on ${report.date.slice(0, 10)} (2 cores), Debian Chromium headless.

## Production bundle (vite build, gzip -9)

| | raw | gzip |
| --- | ---: | ---: |
| loaded at start (index.html) | ${kb(report.bundle.initialBytes)} | **${kb(report.bundle.initialGzipBytes)}** |
| all chunks (incl. the dev-wallet chunk, loaded on the local chain only, and the chart chunk, uPlot, loaded with the first chart) | ${kb(report.bundle.totalBytes)} | ${kb(report.bundle.totalGzipBytes)} |

${bundle.map((b) => `- \`${b.file}\`: ${kb(b.bytes)} raw, ${kb(b.gzip)} gzip`).join("\n")}

## Rendering ${EVENTS.toLocaleString("en")} payment events

The demo (${totalEvents.replace(/,.*/, "")}) plus ${EVENTS.toLocaleString("en")} referred ETH payments to agreement #${report.events.agreementId}, all crediting the same referrer, whose Payouts page therefore lists ${EVENTS.toLocaleString("en")}+ incoming payouts.

| page | cold load: open the URL until the list shows (fetch records, read every log in bounded ranges, rebuild the ledger, render) | render: open the page again with the log cached (median of 5) |
| --- | ---: | ---: |
| Payouts (referrer) | ${payoutsCold} ms | ${report.payoutsMs.render} ms |
| Audit | ${auditCold} ms | ${report.auditMs.render} ms |

Seeding the payments took ${report.events.seedSeconds} s (not part of the figures).
`;
  writeFileSync(join(APP_DIR, "bench/report.md"), md);
  console.log(md);
} finally {
  await browser.close();
  await stack.stop();
}
