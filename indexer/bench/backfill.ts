// `npm run bench --prefix indexer` (BENCH_PAYMENTS, default 100,000; BENCH_RUNS, default 3; BENCH_DATABASES,
// default "pglite,postgres"): the indexer's backfill time and the delay to show a new payment, on the demo
// chain plus BENCH_PAYMENTS referred ETH payments (seeded by the app benchmark's seedPayments, through the
// demo seed's DevChain: every transaction under EIP-7825's cap), on PGlite and on a real Postgres (a
// throwaway cluster of Debian's, as the tests start). Baseline measured in the same run, before each
// backfill: one raw eth_getLogs of the contract over the same range; each run's ratio is to its own baseline.
// Medians of BENCH_RUNS runs per database, every run listed, with where the time went (Ponder's /metrics).
// Ponder answers /ready once the finalized blocks are indexed (head - 30 on an unknown chain like 31337) and
// indexes the last 30 blocks live after that, so the benchmark also times the catch-up to the head, and
// measures the new-payment delay only once the indexer is there. Writes bench/report.md and bench/report.json.
import { type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createPublicClient, createWalletClient, http, parseEther, zeroAddress, zeroHash, type Address } from "viem";

import { ecoshareAbi } from "../../client/abis.generated.ts";
import { ponderProfile, type PonderProfile } from "./ponder-metrics.ts";
import { seedPayments, REFERRER } from "../../app/bench/seedPayments.ts";
import { startPostgres, type PostgresCluster } from "../test/postgres-cluster.ts";
import { freePort, startUntil, stopping, waitFor } from "../test/processes.ts";

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DATABASES = (process.env.BENCH_DATABASES ?? "pglite,postgres").split(",").map((d) => d.trim());
const NEW_PAYMENTS = 3;
if (!Number.isSafeInteger(PAYMENTS) || PAYMENTS < 1 || !Number.isSafeInteger(RUNS) || RUNS < 1) throw new Error("BENCH_PAYMENTS and BENCH_RUNS must be positive integers.");
const unknown = DATABASES.filter((d) => d !== "pglite" && d !== "postgres");
if (unknown.length > 0 || DATABASES.length === 0) throw new Error(`BENCH_DATABASES lists pglite and/or postgres, not "${unknown.join(",")}".`);
const here = path.dirname(fileURLToPath(import.meta.url));
const indexerDir = path.join(here, "..");
const root = path.join(indexerDir, "..");
const work = mkdtempSync(path.join(tmpdir(), "ecoshare-indexer-bench-"));
const children: ChildProcess[] = [];
let postgres: PostgresCluster | undefined;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface DatabaseResult {
  database: string;
  rawGetLogsMs: number[];
  /** Indexer start to /ready (the finalized blocks indexed). */
  backfillMs: number[];
  /** Each run's backfill over its own baseline. */
  ratios: number[];
  /** Indexer start to its /status reaching the chain's head (the last, unfinalized blocks indexed live). */
  headMs: number[];
  /** The block /status showed when /ready first answered 200. */
  blockAtReady: number[];
  newPaymentDelayMs: number[];
  /** Ponder's metrics at /ready and at the head, per run. */
  profiles: { atReady: PonderProfile; atHead: PonderProfile }[];
}

try {
  const nodePort = await freePort();
  const recordsDir = path.join(work, "records");
  const env = { ...process.env, CI: "true", HARDHAT_DISABLE_TELEMETRY: "true", ECOSHARE_DEMO_NO_APP: "1" };
  children.push(await startUntil(path.join(root, "node_modules", ".bin", "hardhat"), ["demo", "--port", String(nodePort), "--records-dir", recordsDir], { cwd: root, env }, /demo is ready/, "npm run demo"));
  const rpcUrl = `http://127.0.0.1:${nodePort}`;
  const recordFile = path.join(recordsDir, "chain-31337.json");
  const record = JSON.parse(readFileSync(recordFile, "utf8")) as { deployBlock: number; contracts: { Ecoshare: { address: Address } } };
  const ecoshare = record.contracts.Ecoshare.address;
  console.log(`Seeding ${PAYMENTS} payments…`);
  const { agreementId, seedSeconds } = await seedPayments({ rpcUrl, recordsDir }, PAYMENTS);
  const client = createPublicClient({ transport: http(rpcUrl) });
  const head = await client.getBlockNumber();
  if (DATABASES.includes("postgres")) postgres = await startPostgres(work);

  let logs = 0;
  /** One plain request for the whole range (viem's transport refuses responses over 10 MiB). */
  const rawGetLogs = async () => {
    const started = performance.now();
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: [{ address: ecoshare, fromBlock: `0x${record.deployBlock.toString(16)}`, toBlock: `0x${head.toString(16)}` }] }),
    });
    logs = ((await response.json()) as { result: unknown[] }).result.length;
    return performance.now() - started;
  };

  /** Writes the report of the runs so far (after every run, so that a run cut short still leaves one). */
  const writeReport = () => {
    const machine = `${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${availableParallelism()} cores, Node ${process.versions.node}`;
    const summary = results.map((r) => ({
      database: r.database,
      rawGetLogsMs: Math.round(median(r.rawGetLogsMs)),
      backfillMs: Math.round(median(r.backfillMs)),
      ratio: Number(median(r.ratios).toFixed(1)),
      headMs: Math.round(median(r.headMs)),
      newPaymentDelayMs: Math.round(median(r.newPaymentDelayMs)),
      runs: r,
    }));
    const report = {
      generatedAt: new Date().toISOString(),
      machine,
      payments: PAYMENTS,
      logs,
      blocks: Number(head) - record.deployBlock + 1,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      runsPerDatabase: RUNS,
      databases: summary,
    };
    writeFileSync(path.join(here, "report.json"), JSON.stringify(report, null, 2) + "\n");
    const all = (xs: number[]) => xs.map((x) => Math.round(x)).join(", ");
    writeFileSync(
      path.join(here, "report.md"),
      [
        `# Indexer: backfill of ${PAYMENTS.toLocaleString("en")} payments`,
        "",
        "Regenerate: `npm run bench --prefix indexer` (`BENCH_PAYMENTS`, `BENCH_RUNS`, `BENCH_DATABASES`). The demo chain plus",
        `${PAYMENTS.toLocaleString("en")} referred ETH payments (about ${logs.toLocaleString("en")} logs over ${report.blocks} blocks; seeded in ${report.seedSeconds} s); the indexer on PGlite and on a real`,
        `Postgres (a throwaway cluster of Debian's). Medians of ${summary.map((s) => `${s.runs.backfillMs.length} ${s.database}`).join(" and ")} run(s); before each backfill, the baseline: one raw \`eth_getLogs\``,
        `of the same range, in the same run. Measured on: ${machine}, ${report.generatedAt.slice(0, 10)}; timings vary with the load: read the ratios.`,
        "",
        "Ratio: each run's backfill over the baseline of the same run, median of the runs. Ponder answers `/ready` once the",
        "finalized blocks are indexed (the head minus 30 on chain 31337) and indexes the last 30 blocks live afterwards (one",
        "database transaction per block): \"to the head\" is the indexer's start to its `/status` reaching the chain's head. The",
        "new-payment delay is measured once the indexer is at the head.",
        "",
        "| database | raw eth_getLogs (baseline) | indexer start to backfill done (/ready) | ratio | indexer start to the head | mined payment to its row in /payments |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        ...summary.map((s) => `| ${s.database} | ${s.rawGetLogsMs} ms | ${s.backfillMs} ms | ${s.ratio}x | ${s.headMs} ms | ${s.newPaymentDelayMs} ms |`),
        "",
        ...summary.map((s) => `All runs, ${s.database}: baseline ${all(s.runs.rawGetLogsMs)} ms; backfill ${all(s.runs.backfillMs)} ms; ratio ${s.runs.ratios.map((x) => x.toFixed(1)).join(", ")}; /status block at /ready ${s.runs.blockAtReady.join(", ")} of ${head}; to the head ${all(s.runs.headMs)} ms; new payment ${all(s.runs.newPaymentDelayMs)} ms.`),
        "",
        "## Where the time goes (Ponder's /metrics, last run of each database)",
        "",
        "| database | events | our indexing functions | Ponder's index step | row flushes | waiting on the fetch (extract) | eth_getBlockByNumber | eth_getLogs | cache misses (finds) after /ready |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...summary.filter((s) => s.runs.profiles.length > 0).map((s) => {
          const { atReady, atHead } = s.runs.profiles.at(-1)!;
          const finds = (p: PonderProfile) => Object.values(p.cache).reduce((n, c) => n + c.finds, 0);
          const findMs = (p: PonderProfile) => Object.values(p.cache).reduce((n, c) => n + c.findMs, 0);
          const rpc = (m: string) => `${atHead.rpc[m]?.requests ?? 0} requests, ${atHead.rpc[m]?.ms ?? 0} ms summed`;
          return `| ${s.database} | ${atReady.events} at /ready, ${atHead.events} at the head | ${atReady.indexingFunctionsMs} ms, ${atHead.indexingFunctionsMs} ms | ${atReady.transformMs.index ?? 0} ms | ${atReady.transformMs.load ?? 0} ms | ${atReady.concurrencyMs.extract ?? 0} ms | ${rpc("eth_getBlockByNumber")} | ${rpc("eth_getLogs")} | ${finds(atHead) - finds(atReady)} (${findMs(atHead) - findMs(atReady)} ms) |`;
        }),
        "",
        "RPC durations are summed over concurrent requests (Ponder fetches every block that holds a log, with its transactions).",
        "",
      ].join("\n"),
    );
    return summary;
  };

  const wallet = createWalletClient({ transport: http(rpcUrl), account: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71" });
  const results: DatabaseResult[] = [];
  for (const database of DATABASES) {
    const result: DatabaseResult = { database: database === "pglite" ? "PGlite" : "Postgres", rawGetLogsMs: [], backfillMs: [], ratios: [], headMs: [], blockAtReady: [], newPaymentDelayMs: [], profiles: [] };
    results.push(result);
    for (let run = 0; run < RUNS; run++) {
      result.rawGetLogsMs.push(await rawGetLogs());
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const started = performance.now();
      // The indexer indexes from the deployment block; payments made by earlier runs are part of its range.
      const indexer = await startUntil(process.execPath, ["start.mjs", "--port", String(port)], {
        cwd: indexerDir,
        env: {
          ...process.env,
          ECOSHARE_RECORD: recordFile,
          ...(database === "pglite" ? { DATABASE_URL: "", PONDER_PGLITE_DIR: path.join(work, `pglite-${run}`) } : { DATABASE_URL: postgres!.url, ECOSHARE_INDEXER_SCHEMA: `bench_${run}` }),
        },
      }, /Created HTTP server/, "the indexer");
      children.push(indexer);
      let output = "";
      const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
      indexer.stdout!.on("data", keep);
      indexer.stderr!.on("data", keep);
      await waitFor("the backfill", async () => ((await fetch(`${url}/ready`)).ok ? true : undefined), 1_800_000);
      result.backfillMs.push(performance.now() - started);
      result.ratios.push(result.backfillMs.at(-1)! / result.rawGetLogsMs.at(-1)!);
      const atReady = await ponderProfile(url);
      const indexedBlock = async () => ((await (await fetch(`${url}/status`)).json()) as { ecoshare?: { block?: { number: number } } }).ecoshare?.block?.number ?? -1;
      result.blockAtReady.push(await indexedBlock());
      // The chain's head now (earlier runs' new payments included): what "caught up" means for this run.
      const target = Number(await client.getBlockNumber());
      await waitFor("the indexer to reach the head", async () => ((await indexedBlock()) >= target ? true : undefined), 1_800_000);
      result.headMs.push(performance.now() - started);
      result.profiles.push({ atReady, atHead: await ponderProfile(url) });
      // The delay from a mined payment to its row in the API.
      for (let i = 0; i < NEW_PAYMENTS; i++) {
        const hash = await wallet.writeContract({ address: ecoshare, abi: ecoshareAbi, functionName: "pay", args: [agreementId, zeroAddress, parseEther("0.01"), REFERRER, zeroHash, zeroAddress], value: parseEther("0.01"), chain: null });
        await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
        const mined = performance.now();
        await waitFor("the new payment", async () => {
          const [row] = (await (await fetch(`${url}/payments?limit=1`)).json()) as { transactionHash: string }[];
          return row?.transactionHash === hash ? true : undefined;
        }, 180_000).catch((error: Error) => {
          throw new Error(`${error.message} The indexer's last output:\n${output}`);
        });
        result.newPaymentDelayMs.push(performance.now() - mined);
      }
      stopping.value = true;
      process.kill(-indexer.pid!, "SIGTERM");
      await new Promise((resolve) => indexer.once("exit", resolve));
      stopping.value = false;
      writeReport();
      console.log(`${result.database} run ${run + 1}: backfill ${Math.round(result.backfillMs.at(-1)!)} ms (raw eth_getLogs ${Math.round(result.rawGetLogsMs.at(-1)!)} ms), head ${Math.round(result.headMs.at(-1)!)} ms, new payment ${result.newPaymentDelayMs.slice(-NEW_PAYMENTS).map(Math.round).join(", ")} ms.`);
    }
  }

  console.log(JSON.stringify(writeReport().map(({ runs, ...s }) => s)));
} finally {
  stopping.value = true;
  for (const child of children) {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGINT");
    } catch {
      // already gone
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  postgres?.stop();
  rmSync(work, { recursive: true, force: true });
}
