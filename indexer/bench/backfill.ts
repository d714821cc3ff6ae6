// `npm run bench --prefix indexer` (BENCH_PAYMENTS, default 100,000): the indexer's backfill time and the
// delay to show a new payment, on the demo chain plus BENCH_PAYMENTS referred ETH payments (seeded by the
// app benchmark's seedPayments, 250 per block, each transaction 200,000 gas: far under EIP-7825's cap).
// Baseline measured in the same run: one raw eth_getLogs of the contract over the same range. Medians of
// BENCH_RUNS runs (default 3). Writes bench/report.md and bench/report.json.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createPublicClient, createWalletClient, http, parseEther, zeroAddress, zeroHash, type Address } from "viem";

import { ecoshareAbi } from "../../scripts/lib/abis.generated.ts";
import { seedPayments, REFERRER } from "../../app/bench/seedPayments.ts";
import { freePort, startUntil, waitFor } from "../test/processes.ts";

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
if (!Number.isSafeInteger(PAYMENTS) || PAYMENTS < 1 || !Number.isSafeInteger(RUNS) || RUNS < 1) throw new Error("BENCH_PAYMENTS and BENCH_RUNS must be positive integers.");
const here = path.dirname(fileURLToPath(import.meta.url));
const indexerDir = path.join(here, "..");
const root = path.join(indexerDir, "..");
const work = mkdtempSync(path.join(tmpdir(), "ecoshare-indexer-bench-"));
const children: ChildProcess[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const nodePort = await freePort();
  const recordsDir = path.join(work, "records");
  const env = { ...process.env, CI: "true", HARDHAT_DISABLE_TELEMETRY: "true", ECOSHARE_DEMO_NO_APP: "1" };
  children.push(await startUntil(path.join(root, "node_modules", ".bin", "hardhat"), ["demo", "--port", String(nodePort), "--records-dir", recordsDir], { cwd: root, env }, /demo is ready/, "npm run demo"));
  const rpcUrl = `http://127.0.0.1:${nodePort}`;
  const recordFile = path.join(recordsDir, "chain-31337.json");
  const record = JSON.parse(readFileSync(recordFile, "utf8")) as { deployBlock: number; contracts: { Ecoshare: { address: Address } } };
  const ecoshare = record.contracts.Ecoshare.address;
  const { agreementId, seedSeconds } = await seedPayments({ rpcUrl, recordsDir, appUrl: "", stop: async () => undefined }, PAYMENTS);
  const client = createPublicClient({ transport: http(rpcUrl) });
  const head = await client.getBlockNumber();

  const rawMs: number[] = [];
  let logs = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    // One plain request (viem's transport refuses responses over 10 MiB).
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: [{ address: ecoshare, fromBlock: `0x${record.deployBlock.toString(16)}`, toBlock: `0x${head.toString(16)}` }] }),
    });
    const found = ((await response.json()) as { result: unknown[] }).result;
    rawMs.push(performance.now() - started);
    logs = found.length;
  }

  const backfillMs: number[] = [];
  const delayMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const indexer = await startUntil(process.execPath, ["start.mjs", "--port", String(port)], {
      cwd: indexerDir,
      env: { ...process.env, DATABASE_URL: "", ECOSHARE_RECORD: recordFile, PONDER_PGLITE_DIR: path.join(work, `pglite-${run}`) },
    }, /Created HTTP server/, "the indexer");
    children.push(indexer);
    await waitFor("the backfill", async () => ((await fetch(`${url}/ready`)).ok ? true : undefined), 1_800_000);
    backfillMs.push(performance.now() - started);
    // The delay from a mined payment to its row in the API.
    const wallet = createWalletClient({ transport: http(rpcUrl), account: "0xcd3B766CCDd6AE721141F452C550Ca635964ce71" });
    for (let i = 0; i < 3; i++) {
      const hash = await wallet.writeContract({ address: ecoshare, abi: ecoshareAbi, functionName: "pay", args: [agreementId, zeroAddress, parseEther("0.01"), REFERRER, zeroHash, zeroAddress], value: parseEther("0.01"), chain: null });
      await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      const mined = performance.now();
      await waitFor("the new payment", async () => {
        const [row] = (await (await fetch(`${url}/payments?limit=1`)).json()) as { transactionHash: string }[];
        return row?.transactionHash === hash ? true : undefined;
      }, 60_000);
      delayMs.push(performance.now() - mined);
    }
    process.kill(-indexer.pid!, "SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }

  const result = {
    payments: PAYMENTS,
    logs,
    blocks: Number(head) - record.deployBlock + 1,
    seedSeconds: Number(seedSeconds.toFixed(1)),
    rawGetLogsMs: Math.round(median(rawMs)),
    backfillMs: Math.round(median(backfillMs)),
    ratio: Number((median(backfillMs) / median(rawMs)).toFixed(1)),
    newPaymentDelayMs: Math.round(median(delayMs)),
    runs: RUNS,
    database: "PGlite",
  };
  writeFileSync(path.join(here, "report.json"), JSON.stringify(result, null, 2) + "\n");
  writeFileSync(
    path.join(here, "report.md"),
    [
      `# Indexer: backfill of ${PAYMENTS.toLocaleString("en")} payments`,
      "",
      "Regenerate: `npm run bench --prefix indexer` (`BENCH_PAYMENTS`, `BENCH_RUNS`). The demo chain plus",
      `${PAYMENTS.toLocaleString("en")} referred ETH payments (${result.logs.toLocaleString("en")} logs over ${result.blocks} blocks); indexer on ${result.database}, medians of ${RUNS} runs,`,
      "times relative to a raw `eth_getLogs` of the same range measured in the same run.",
      "",
      "| measure | median |",
      "| --- | --- |",
      `| raw eth_getLogs, whole range (baseline) | ${result.rawGetLogsMs} ms |`,
      `| indexer start to backfill done (/ready) | ${result.backfillMs} ms (${result.ratio}x the baseline) |`,
      `| mined payment to its row in /payments | ${result.newPaymentDelayMs} ms |`,
      `| seeding the payments | ${result.seedSeconds} s |`,
      "",
    ].join("\n"),
  );
  console.log(JSON.stringify(result));
} finally {
  for (const child of children) {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGINT");
    } catch {
      // already gone
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  rmSync(work, { recursive: true, force: true });
}
