/**
 * Performance benchmark of the operator and auditor tooling; writes bench/perf.md and bench/perf.json.
 *
 *   npm run bench:perf
 *
 * 1. The audit over 10,000 payments: a local Hardhat node (HTTP on 127.0.0.1) with the demo story seeded
 *    at 10,000 payments; the audit reads every event over JSON-RPC, rebuilds the ledger and compares it
 *    with the contract. Three runs; the median is reported.
 * 2. The demo's start-up: `npm run demo` in a child process, from spawn to its ready line. Once in a copy
 *    of the checkout with no compiled artifacts (what a newcomer sees after `npm install`), then three
 *    times in this checkout (artifacts already compiled).
 *
 * Timings depend on the machine and its load: compare runs made on the same machine.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { availableParallelism, cpus, tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";

import EcoshareDemoModule from "../ignition/modules/EcoshareDemo.js";
import { deployProtocol } from "../scripts/deploy/deploy-protocol.js";
import { seedDemo } from "../scripts/demo/seed.js";
import { runAudit } from "../scripts/lib/audit.js";
import { demoAccounts } from "../scripts/lib/demo-cast.js";
import { createHttpTransport } from "../scripts/lib/http-transport.js";
import { copyCheckout } from "../test/tooling/helpers/checkout.js";
import { childEnv } from "../test/tooling/helpers/cli.js";

const PAYMENTS = 10_000;
const DAYS = 40;
const AUDIT_RUNS = 3;
const WARM_DEMO_RUNS = 3;
const root = hre.config.paths.root;

// 1. The audit over 10,000 payments.
const server = await hre.network.createServer({ network: "node", override: { mining: { auto: true, mempool: { order: "fifo" } } } }, "127.0.0.1", 0);
const { port } = await server.listen();
const url = `http://127.0.0.1:${port}`;
const connection = await hre.network.create({ network: "localhost", override: { url } });
const recordsDir = await mkdtemp(path.join(tmpdir(), "ecoshare-perf-"));
const { record } = await deployProtocol({ hre, connection, networkName: "localhost", ignitionModule: EcoshareDemoModule, recordsDir, build: false });
const ecoshare = record.contracts.Ecoshare!.address;
console.log(`Seeding ${PAYMENTS} payments on ${url}…`);
let started = performance.now();
const seed = await seedDemo({
  transport: connection.provider,
  ecoshare,
  stablecoin: record.contracts.MockStablecoin!.address,
  accounts: demoAccounts(),
  days: DAYS,
  paymentsPerDay: PAYMENTS / DAYS,
});
const seedSeconds = (performance.now() - started) / 1000;
console.log(`Seeded ${seed.payments} payments and ${seed.withdrawals} withdrawals in ${seedSeconds.toFixed(1)} s.`);

const transport = createHttpTransport({ url });
const audits = [];
for (let run = 1; run <= AUDIT_RUNS; run++) {
  started = performance.now();
  const report = await runAudit({ transport, ecoshare, fromBlock: BigInt(record.deployBlock) });
  const seconds = (performance.now() - started) / 1000;
  if (!report.passed) throw new Error("The audit failed on the benchmark chain: fix that before measuring it.");
  audits.push({
    seconds,
    events: report.logs,
    eventsPerSecond: report.logs / seconds,
    fetchSeconds: report.timings.fetchMs / 1000,
    rebuildSeconds: report.timings.rebuildMs / 1000,
    reconcileSeconds: report.timings.reconcileMs / 1000,
    checks: report.checks,
    blocks: Number(report.toBlock - report.fromBlock + 1n),
  });
  console.log(`Audit run ${run}: ${report.logs} events in ${seconds.toFixed(2)} s (${Math.round(report.logs / seconds)} events/s).`);
}
await connection.close();
await server.close();
await rm(recordsDir, { recursive: true, force: true });
const audit = median(audits, (a) => a.seconds);

// 2. The demo's start-up, from spawn to "ready".
const cold = await copyCheckout({ root });
let coldSeconds: number;
try {
  coldSeconds = await demoStartup(cold);
} finally {
  await rm(cold, { recursive: true, force: true });
}
console.log(`Demo start-up in a fresh checkout (compiles first): ${coldSeconds.toFixed(1)} s.`);
const warm: number[] = [];
for (let run = 1; run <= WARM_DEMO_RUNS; run++) {
  warm.push(await demoStartup(root));
  console.log(`Demo start-up run ${run} (compiled): ${warm.at(-1)!.toFixed(1)} s.`);
}
const warmMedian = median(warm, (s) => s);

const machine = `${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${availableParallelism()} cores, Node ${process.versions.node}`;
const result = {
  generatedAt: new Date().toISOString(),
  machine,
  note: "Timings vary with the machine and its load; compare runs made on the same machine.",
  audit: {
    payments: seed.payments,
    withdrawals: seed.withdrawals,
    heldPayments: seed.held,
    seedSeconds,
    runs: audits,
    median: audit,
  },
  demoStartup: { freshCheckoutSeconds: coldSeconds, compiledRunsSeconds: warm, compiledMedianSeconds: warmMedian },
};
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const lines = [
  "# Tooling performance",
  "",
  "Regenerated by `npm run bench:perf` (bench/perf.ts). **Timings vary with the machine and its load**: compare runs made",
  `on the same machine. Measured on: ${machine}, ${result.generatedAt.slice(0, 10)}. Machine-readable copy: bench/perf.json.`,
  "",
  "## Audit over 10,000 payments",
  "",
  `A local Hardhat node (HTTP, 127.0.0.1) seeded with the demo story at ${seed.payments.toLocaleString("en-US")} payments and ${seed.withdrawals} withdrawals`,
  `over ${DAYS} simulated days (seeding took ${f1(seedSeconds)} s), ${seed.held.payments.toLocaleString("en-US")} of them held by the concert tickets`,
  `(${seed.held.released.toLocaleString("en-US")} released, ${seed.held.refunded} refunded, ${seed.held.pending} pending) and the weekend package's referrers on loyalty tiers.`,
  `The audit reads every event in ranges of 2,000 blocks,`,
  `rebuilds the ledger and compares ${audit.checks} values with the contract. Median of ${AUDIT_RUNS} runs:`,
  "",
  "| events | blocks | total | events/s | read logs | rebuild ledger | compare with contract |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  `| ${audit.events.toLocaleString("en-US")} | ${audit.blocks} | ${f2(audit.seconds)} s | ${Math.round(audit.eventsPerSecond).toLocaleString("en-US")} | ${f2(audit.fetchSeconds)} s | ${f2(audit.rebuildSeconds)} s | ${f2(audit.reconcileSeconds)} s |`,
  "",
  `All runs: ${audits.map((a) => `${f2(a.seconds)} s`).join(", ")}.`,
  "",
  "## Demo start-up",
  "",
  "`npm run demo` from spawn to its ready line (node started, protocol and demo stablecoin deployed, story seeded:",
  "350 payments and 3 orders of 8 lines over 14 days).",
  "",
  "| checkout | seconds |",
  "| --- | ---: |",
  `| fresh (installed, nothing compiled yet: includes compiling the contracts) | ${f1(coldSeconds)} |`,
  `| compiled (median of ${WARM_DEMO_RUNS}: ${warm.map(f1).join(", ")}) | ${f1(warmMedian)} |`,
  "",
];
await writeFile(path.join(root, "bench", "perf.md"), lines.join("\n"));
await writeFile(path.join(root, "bench", "perf.json"), JSON.stringify(result, null, 2) + "\n");
console.log(lines.join("\n"));

/** Seconds from spawning `npm run demo` in `cwd` to its ready line; then stops it with SIGINT. */
async function demoStartup(cwd: string): Promise<number> {
  const demoPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
  const records = await mkdtemp(path.join(tmpdir(), "ecoshare-perf-demo-"));
  const start = performance.now();
  const child = spawn("npm", ["run", "demo", "--", "--port", String(demoPort), "--records-dir", records], {
    cwd,
    env: childEnv(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  try {
    return await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ecoshare demo is ready at")) resolve((performance.now() - start) / 1000);
      });
      child.once("exit", (code) => reject(new Error(`The demo exited (${code}) before it was ready:\n${output}`)));
    });
  } finally {
    process.kill(-child.pid!, "SIGINT");
    await closed;
    await rm(records, { recursive: true, force: true });
  }
}

function median<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor(sorted.length / 2)]!;
}
