/**
 * Audit speed benchmark; writes bench/audit.md and bench/audit.json.
 *
 *   npm run bench:audit            (BENCH_PAYMENTS, default 10,000; BENCH_RUNS, default 15)
 *
 * A local Hardhat node (HTTP on 127.0.0.1, in a process of its own, as an auditor's node would be) with the
 * demo story seeded at BENCH_PAYMENTS payments. In the same run, alternating so that the machine's load hits both alike:
 * - the baseline: one raw `eth_getLogs` of the contract over the audited range (fetch + JSON parse, nothing
 *   else), what no audit can beat;
 * - the audit in-process (`runAudit`): read the logs (decoding each range and applying it to the ledger while
 *   the next is read, block times taken from the logs), and compare with the contract's views (asked for
 *   while the last ranges are read).
 * Then the CLI (`hardhat audit`) three times: its wall time minus the in-process audit is its start-up;
 * and decoding alone, on the same logs: viem's generic decodeEventLog against the shared decoder.
 * Medians of BENCH_RUNS runs; times as ratios to the baseline. With BENCH_CPU_PROFILE=1 one more in-process
 * audit runs under the V8 profiler and the report lists where its time went (self time per function).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { availableParallelism, cpus, tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import { decodeEventLog, type Hex } from "viem";
import { getBlockNumber } from "viem/actions";

import EcoshareDemoModule from "../ignition/modules/EcoshareDemo.js";
import { deployProtocol } from "../scripts/deploy/deploy-protocol.js";
import { seedDemo } from "../scripts/demo/seed.js";
import { ecoshareAbi } from "../client/abis.generated.js";
import { runAudit } from "../client/audit.js";
import { decodeEcoshareLog } from "../client/decode-events.js";
import { fetchLogs } from "../client/fetch-logs.js";
import { demoAccounts } from "../client/demo-cast.js";
import { createRpcClient, providerClient } from "../client/rpc-client.js";
import { childEnv } from "../test/tooling/helpers/cli.js";

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 10_000);
// A run takes under half a second: enough of them for medians that the shared machine's noise moves little.
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CLI_RUNS = 3;
const DAYS = 40;
if (!Number.isSafeInteger(PAYMENTS) || PAYMENTS < DAYS || !Number.isSafeInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_PAYMENTS must be a whole number of at least ${DAYS} and BENCH_RUNS at least 1.`);
}
const root = hre.config.paths.root;

// The node's own process: it prints its URL, then serves until this benchmark stops it.
if (process.env.BENCH_AUDIT_NODE === "1") {
  const server = await hre.network.createServer({ network: "node", override: { mining: { auto: true, mempool: { order: "fifo" } } } }, "127.0.0.1", 0);
  const { port } = await server.listen();
  console.log(`listening http://127.0.0.1:${port}`);
  await new Promise(() => undefined);
}

const node = await startNodeProcess();
const url = node.url;
const connection = await hre.network.create({ network: "localhost", override: { url } });
const recordsDir = await mkdtemp(path.join(tmpdir(), "ecoshare-bench-audit-"));
try {
  const { record } = await deployProtocol({ hre, connection, networkName: "localhost", ignitionModule: EcoshareDemoModule, recordsDir, build: false });
  const ecoshare = record.contracts.Ecoshare!.address;
  const fromBlock = BigInt(record.deployBlock);
  console.log(`Seeding ${PAYMENTS} payments on ${url}…`);
  let started = performance.now();
  const seed = await seedDemo({
    client: providerClient(connection.provider),
    ecoshare,
    stablecoin: record.contracts.MockStablecoin!.address,
    accounts: demoAccounts(),
    days: DAYS,
    paymentsPerDay: PAYMENTS / DAYS,
  });
  const seedSeconds = (performance.now() - started) / 1000;
  const client = createRpcClient({ url });
  const head = await getBlockNumber(client);

  /** The baseline: one plain `eth_getLogs` over the whole range, parsed, nothing else. */
  const rawGetLogs = async () => {
    const t0 = performance.now();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: [{ address: ecoshare, fromBlock: `0x${fromBlock.toString(16)}`, toBlock: `0x${head.toString(16)}` }] }),
    });
    const { result } = (await response.json()) as { result: unknown[] };
    return { ms: performance.now() - t0, logs: result.length };
  };
  const audit = async () => {
    const t0 = performance.now();
    const report = await runAudit({ client, ecoshare, fromBlock, toBlock: head });
    const ms = performance.now() - t0;
    if (!report.passed) throw new Error("The audit failed on the benchmark chain: fix that before measuring it.");
    return { ms, report };
  };

  // Warm both paths once (JIT, the node's caches), then alternate.
  await rawGetLogs();
  await audit();
  const raw: number[] = [];
  const runs: { totalMs: number; fetchMs: number; rebuildMs: number; reconcileMs: number }[] = [];
  let events = 0;
  let checks = 0;
  for (let run = 1; run <= RUNS; run++) {
    const baseline = await rawGetLogs();
    raw.push(baseline.ms);
    const { ms, report } = await audit();
    events = report.logs;
    checks = report.checks;
    if (baseline.logs !== events) throw new Error(`The raw eth_getLogs read ${baseline.logs} logs, the audit ${events}.`);
    runs.push({ totalMs: ms, ...report.timings });
    console.log(`Run ${run}: raw eth_getLogs ${baseline.ms.toFixed(0)} ms; audit ${ms.toFixed(0)} ms (${Math.round(events / (ms / 1000))} events/s).`);
  }

  // The CLI: spawn to exit, against the same node.
  const cliMs: number[] = [];
  for (let run = 1; run <= CLI_RUNS; run++) {
    cliMs.push(await cliAudit(url, recordsDir));
    console.log(`CLI run ${run}: ${cliMs.at(-1)!.toFixed(0)} ms.`);
  }

  // Decoding alone, on the same logs: viem's generic decodeEventLog over the whole ABI (as the app decoded
  // before) against the shared decoder (viem for most events, the word reader for the hot ones).
  const logs = await fetchLogs({ client, address: ecoshare, fromBlock, toBlock: head });
  const decodeMs = { generic: [] as number[], shared: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    let t0 = performance.now();
    for (const log of logs) decodeEventLog({ abi: ecoshareAbi, topics: log.topics as [Hex, ...Hex[]], data: log.data });
    decodeMs.generic.push(performance.now() - t0);
    t0 = performance.now();
    for (const log of logs) decodeEcoshareLog({ log });
    decodeMs.shared.push(performance.now() - t0);
  }

  const profile = process.env.BENCH_CPU_PROFILE === "1" ? await profiledAudit(audit) : undefined;

  const rawMs = median(raw);
  const totalMs = median(runs.map((r) => r.totalMs));
  // Each audit against the raw read just before it: the machine's load of that moment hits both.
  const pairedRatios = runs.map((r, i) => r.totalMs / raw[i]!);
  // Decoding and rebuilding happen while the log is read: reading ends with the ledger built.
  const readAndRebuildMs = median(runs.map((r) => r.fetchMs));
  const cli = median(cliMs);
  const machine = `${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${availableParallelism()} cores, Node ${process.versions.node}`;
  const result = {
    generatedAt: new Date().toISOString(),
    machine,
    note: "Timings vary with the machine and its load: read the ratios, measured in the same run.",
    chain: { payments: seed.payments, withdrawals: seed.withdrawals, heldPayments: seed.held, events, blocks: Number(head - fromBlock + 1n), checks, seedSeconds },
    runs: RUNS,
    rawGetLogsMs: { median: rawMs, all: raw },
    audit: {
      medianMs: totalMs,
      eventsPerSecond: events / (totalMs / 1000),
      ratioToRawGetLogs: totalMs / rawMs,
      pairedRatio: { median: median(pairedRatios), all: pairedRatios },
      readAndRebuildMs,
      readAndRebuildRatio: readAndRebuildMs / rawMs,
      readAndRebuildEventsPerSecond: events / (readAndRebuildMs / 1000),
      fetchMs: median(runs.map((r) => r.fetchMs)),
      rebuildMs: median(runs.map((r) => r.rebuildMs)),
      reconcileMs: median(runs.map((r) => r.reconcileMs)),
      all: runs,
    },
    cli: { medianMs: cli, startupMs: cli - totalMs, all: cliMs },
    decodeOnly: { genericViemMs: median(decodeMs.generic), sharedDecoderMs: median(decodeMs.shared), all: decodeMs },
    ...(profile === undefined ? {} : { profile }),
  };
  const ms = (n: number) => `${Math.round(n).toLocaleString("en-US")} ms`;
  const x = (n: number) => `${n.toFixed(2)}x`;
  const lines = [
    "# Audit speed",
    "",
    "Regenerated by `npm run bench:audit` (bench/audit.ts; `BENCH_PAYMENTS`, `BENCH_RUNS`, `BENCH_CPU_PROFILE=1`). Timings vary with the",
    `machine and its load: **read the ratios**, measured in the same run. Measured on: ${machine}, ${result.generatedAt.slice(0, 10)}. JSON: bench/audit.json.`,
    "",
    `A local Hardhat node (HTTP, 127.0.0.1) with the demo story at ${seed.payments.toLocaleString("en-US")} payments over ${DAYS} days (${seed.held.payments.toLocaleString("en-US")} held,`,
    `${seed.withdrawals} withdrawals): ${events.toLocaleString("en-US")} events in ${result.chain.blocks} blocks. The audit reads them, decodes them (viem's \`decodeEventLog\`,`,
    `client/decode-events.ts) and rebuilds the ledger a range at a time while the next range is read (two ranges in flight), takes each event block's time from its logs, and compares ${checks} values with the contract (most views asked for while the last ranges are read).`,
    `Medians of ${RUNS} runs, alternating with the baseline: one raw \`eth_getLogs\` of the same range (request and JSON parse only).`,
    "",
    "| measure | median | ratio to the raw eth_getLogs |",
    "| --- | ---: | ---: |",
    `| raw eth_getLogs, whole range (baseline) | ${ms(rawMs)} | 1.00x |`,
    `| audit in-process: read the logs + decode + rebuild the ledger | ${ms(readAndRebuildMs)} | ${x(result.audit.readAndRebuildRatio)} |`,
    `| audit in-process, all of it (also compare with the contract, block times) | ${ms(totalMs)} | ${x(result.audit.ratioToRawGetLogs)} |`,
    `| the same, each run against the raw eth_getLogs just before it (median of the ratios) | | ${x(result.audit.pairedRatio.median)} |`,
    `| events per second: the raw eth_getLogs / read + decode + rebuild / all of the audit | ${Math.round(events / (rawMs / 1000)).toLocaleString("en-US")} / ${Math.round(result.audit.readAndRebuildEventsPerSecond).toLocaleString("en-US")} / ${Math.round(result.audit.eventsPerSecond).toLocaleString("en-US")} events/s | |`,
    `| of which: decoding and applying events, done while the next range is read / compare + block times, after the log | ${ms(result.audit.rebuildMs)} / ${ms(result.audit.reconcileMs)} | |`,
    `| CLI \`hardhat audit\`, spawn to exit (median of ${CLI_RUNS}) | ${ms(cli)} | ${x(cli / rawMs)} |`,
    `| CLI start-up overhead (CLI minus the in-process audit) | ${ms(result.cli.startupMs)} | |`,
    `| decoding alone: viem's generic decodeEventLog over the whole ABI / the shared decoder | ${ms(result.decodeOnly.genericViemMs)} / ${ms(result.decodeOnly.sharedDecoderMs)} | ${x(result.decodeOnly.genericViemMs / rawMs)} / ${x(result.decodeOnly.sharedDecoderMs / rawMs)} |`,
    "",
    `All runs: raw ${raw.map((r) => Math.round(r)).join(", ")} ms; audit ${runs.map((r) => Math.round(r.totalMs)).join(", ")} ms (ratios ${pairedRatios.map((r) => r.toFixed(2)).join(", ")}); CLI ${cliMs.map((r) => Math.round(r)).join(", ")} ms.`,
    "",
    ...(profile === undefined
      ? []
      : ["## Where an audit's time goes (V8 CPU profile, self time)", "",
         "One more in-process audit under the profiler (the node runs in its own process, so only the audit's side shows).", "", "| function | file | ms | share |", "| --- | --- | ---: | ---: |",
         ...profile.top.map((f) => `| ${f.name} | ${f.file} | ${f.ms.toFixed(1)} | ${(f.share * 100).toFixed(1)}% |`), ""]),
  ];
  await writeFile(path.join(root, "bench", "audit.md"), lines.join("\n"));
  await writeFile(path.join(root, "bench", "audit.json"), JSON.stringify(result, null, 2) + "\n");
  console.log(lines.join("\n"));
} finally {
  await connection.close();
  node.stop();
  await rm(recordsDir, { recursive: true, force: true });
}

/** This file again, as the node's process (`BENCH_AUDIT_NODE=1`), once it listens. */
async function startNodeProcess(): Promise<{ url: string; stop(): void }> {
  const child = spawn(path.join(root, "node_modules", ".bin", "hardhat"), ["run", "bench/audit.ts"], {
    cwd: root,
    env: { ...childEnv(), BENCH_AUDIT_NODE: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = () => void child.kill("SIGTERM");
  process.once("exit", stop);
  const listening = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined) resolve(url);
    });
    child.once("exit", (code) => reject(new Error(`The benchmark's node exited (${code}) before listening:\n${output}`)));
  });
  return { url: listening, stop };
}

/** Milliseconds from spawning `hardhat audit` against `rpcUrl` to its exit (which must be 0). */
async function cliAudit(rpcUrl: string, records: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(path.join(root, "node_modules", ".bin", "hardhat"), ["audit", "--rpc-url", rpcUrl, "--records-dir", records], { cwd: root, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new Error(`hardhat audit exited ${code}:\n${output}`);
  return performance.now() - t0;
}

/** One in-process audit under the V8 profiler: the functions with the most self time. */
async function profiledAudit(audit: () => Promise<unknown>) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  await audit();
  const { profile } = await session.post("Profiler.stop");
  session.disconnect();
  const dt = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (deltas[i] ?? 0)));
  const self = new Map<string, { name: string; file: string; ms: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const { functionName, url: file, lineNumber } = node.callFrame;
    // The profiler's own calls and the time the thread waited are not the audit's.
    if (functionName === "(idle)" || (functionName === "post" && file === "node:inspector")) continue;
    const us = dt.get(node.id) ?? 0;
    total += us;
    const where = file === "" ? "" : `${file.replace(/^file:\/\//, "").replace(`${root}/`, "").replace(/^.*node_modules\//, "")}:${lineNumber + 1}`;
    const key = `${functionName}@${where}`;
    const entry = self.get(key) ?? { name: functionName || "(anonymous)", file: where, ms: 0 };
    entry.ms += us / 1000;
    self.set(key, entry);
  }
  const top = [...self.values()].sort((a, b) => b.ms - a.ms).slice(0, 12).map((f) => ({ ...f, share: f.ms / (total / 1000) }));
  return { totalMs: total / 1000, top };
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
