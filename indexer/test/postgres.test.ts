// The indexer against a real Postgres (Debian's postgresql, a throwaway cluster started here with initdb and
// pg_ctl on a loopback port) and a real Hardhat node seeded by the demo (payments, an order, held payments
// released, refunded and pending): its balances and per-party earnings must equal the contract's views,
// before and after a payment made while it runs.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import pg from "pg";
import { createPublicClient, createWalletClient, getAddress, http, parseEther, zeroAddress, zeroHash, type Address } from "viem";

import { ecoshareAbi } from "../../client/abis.generated.ts";
import { startPostgres, type PostgresCluster } from "./postgres-cluster.ts";
import { freePort, startUntil, stopping, waitFor } from "./processes.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const indexerDir = path.join(here, "..");
const root = path.join(indexerDir, "..");
const work = mkdtempSync(path.join(tmpdir(), "ecoshare-indexer-test-"));
const children: ChildProcess[] = [];
let postgres: PostgresCluster | undefined;
let databaseUrl = "";
let rpcUrl = "";
let apiUrl = "";
let ecoshare: Address;
let records = "";

const publicClient = () => createPublicClient({ transport: http(rpcUrl) });
const api = async <T>(route: string): Promise<T> => {
  const response = await fetch(`${apiUrl}${route}`);
  const body = await response.json();
  if (!response.ok) throw new Error(`${route}: ${response.status} ${JSON.stringify(body)}`);
  return body as T;
};

/** Waits until the indexer has indexed the chain's head. */
async function indexedHead(): Promise<bigint> {
  const head = await publicClient().getBlockNumber();
  await waitFor(`the indexer to reach block ${head}`, async () => {
    const status = await api<{ ecoshare?: { block?: { number: number } } }>("/status");
    return BigInt(status.ecoshare?.block?.number ?? -1) >= head ? true : undefined;
  });
  return head;
}

interface BalanceRow { account: Address; asset: Address; balance: string }
interface EarningRow { agreementId: string; account: Address; collectable: string }

/** Compares every balance and every earning the indexer serves with the contract's views at `block`. */
async function compareWithChain(block: bigint): Promise<{ balances: number; earnings: number; nonZero: number }> {
  const client = publicClient();
  const { timestamp } = await client.getBlock({ blockNumber: block });
  const [balances, earnings] = await Promise.all([api<BalanceRow[]>("/balances"), api<EarningRow[]>(`/earnings?at=${timestamp}`)]);
  let nonZero = 0;
  for (const row of balances) {
    const chain = await client.readContract({ address: ecoshare, abi: ecoshareAbi, functionName: "balanceOf", args: [getAddress(row.account), getAddress(row.asset)], blockNumber: block });
    assert.equal(row.balance, chain.toString(), `balanceOf(${row.account}, ${row.asset})`);
    if (chain !== 0n) nonZero++;
  }
  for (const row of earnings) {
    const chain = await client.readContract({ address: ecoshare, abi: ecoshareAbi, functionName: "collectable", args: [BigInt(row.agreementId), getAddress(row.account)], blockNumber: block });
    assert.equal(row.collectable, chain.toString(), `collectable(${row.agreementId}, ${row.account})`);
    if (chain !== 0n) nonZero++;
  }
  return { balances: balances.length, earnings: earnings.length, nonZero };
}

before(async () => {
  postgres = await startPostgres(work);
  databaseUrl = postgres.url;

  // The demo: a real Hardhat node, the protocol deployed, the story seeded (no app).
  const nodePort = await freePort();
  records = path.join(work, "records");
  const env = { ...process.env, CI: "true", HARDHAT_DISABLE_TELEMETRY: "true", ECOSHARE_DEMO_NO_APP: "1" };
  children.push(await startUntil(path.join(root, "node_modules", ".bin", "hardhat"), ["demo", "--port", String(nodePort), "--records-dir", records], { cwd: root, env }, /demo is ready/, "npm run demo"));
  rpcUrl = `http://127.0.0.1:${nodePort}`;
  const recordFile = path.join(records, "chain-31337.json");
  ecoshare = JSON.parse(readFileSync(recordFile, "utf8")).contracts.Ecoshare.address;

  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  children.push(await startUntil(process.execPath, ["start.mjs", "--port", String(apiPort)], {
    cwd: indexerDir,
    env: { ...process.env, DATABASE_URL: databaseUrl, ECOSHARE_RECORD: recordFile, ECOSHARE_INDEXER_SCHEMA: "ecoshare_test" },
  }, /Created HTTP server/, "the indexer"));
  await waitFor("the indexer's backfill", async () => ((await fetch(`${apiUrl}/ready`)).ok ? true : undefined));
});

after(() => {
  stopping.value = true;
  for (const child of children) {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  postgres?.stop();
  rmSync(work, { recursive: true, force: true });
});

test("the indexer's tables live in the Postgres it was given, one row per payment of the log", async () => {
  await indexedHead();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT count(*)::int AS n, count(*) FILTER (WHERE order_index IS NOT NULL)::int AS lines FROM ecoshare_test.payment");
    const logs = await publicClient().getContractEvents({ address: ecoshare, abi: ecoshareAbi, eventName: "PaymentSplit", fromBlock: 0n });
    assert.ok(logs.length > 10, `the demo made ${logs.length} payments`);
    assert.equal(rows[0].n, logs.length);
    assert.ok(rows[0].lines > 0, "the demo's order lines are indexed as such");
    const held = await client.query("SELECT status, count(*)::int AS n FROM ecoshare_test.held_payment GROUP BY status ORDER BY status");
    assert.deepEqual(held.rows.map((r) => r.status), ["pending", "refunded", "released"], "held payments pending, refunded and released");
  } finally {
    await client.end();
  }
});

test("every balance and every party's collectable equals the contract's balanceOf and collectable", async () => {
  const block = await indexedHead();
  const { balances, earnings, nonZero } = await compareWithChain(block);
  assert.ok(balances > 5 && earnings > 5 && nonZero > 5, `compared ${balances} balances and ${earnings} earnings, ${nonZero} non-zero`);
});

test("a payment made while the indexer runs shows in the API and moves the earnings as on chain", async () => {
  const [payer] = (await publicClient().request({ method: "eth_accounts" } as never)) as Address[];
  const earnings = await api<{ agreementId: string; asset: Address }[]>("/earnings");
  // An ETH agreement still taking payments (the demo's first weekend package was amended, the craft bundle terminated).
  let eth: (typeof earnings)[number] | undefined;
  for (const row of earnings.filter((e) => e.asset === zeroAddress)) {
    const view = await publicClient().readContract({ address: ecoshare, abi: ecoshareAbi, functionName: "agreement", args: [BigInt(row.agreementId)] });
    if (view.status === 2) {
      eth = row;
      break;
    }
  }
  assert.ok(eth, "the demo has an active ETH agreement");
  const before = await api<{ index: number }[]>("/payments?limit=1");
  const wallet = createWalletClient({ transport: http(rpcUrl), account: payer! });
  const hash = await wallet.writeContract({
    address: ecoshare,
    abi: ecoshareAbi,
    functionName: "pay",
    args: [BigInt(eth.agreementId), zeroAddress, parseEther("1.5"), zeroAddress, zeroHash, zeroAddress],
    value: parseEther("1.5"),
    chain: null,
  });
  const receipt = await publicClient().waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success");
  const newest = await waitFor("the new payment in /payments", async () => {
    const [row] = await api<{ index: number; transactionHash: string; amount: string }[]>(`/payments?agreementId=${eth.agreementId}&limit=1`);
    return row?.transactionHash === hash ? row : undefined;
  }, 30_000);
  assert.equal(newest.amount, parseEther("1.5").toString());
  assert.equal(newest.index, before[0]!.index + 1);
  await compareWithChain(await indexedHead());
});

/** `npm run audit -- --indexer <url>` on the demo chain: its exit code and output. */
function auditWithIndexer(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(root, "node_modules", ".bin", "hardhat"), ["audit", "--rpc-url", rpcUrl, "--records-dir", records, "--indexer", apiUrl], {
      cwd: root,
      env: { ...process.env, CI: "true", HARDHAT_DISABLE_TELEMETRY: "true" },
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ code, output }));
  });
}

test("the audit's --indexer comparison passes on the indexer, and fails loudly once a balance in its database is wrong", async () => {
  await indexedHead();
  const agrees = await auditWithIndexer();
  assert.equal(agrees.code, 0, agrees.output);
  assert.match(agrees.output, /Indexer http:\/\/127\.0\.0\.1:\d+: \d+ balances and collectable amounts equal the chain's/);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Ponder's triggers (for its live queries) expect its own session's tables: tamper without them.
    await client.query("SET session_replication_role = replica");
    const { rows } = await client.query("UPDATE ecoshare_test.balance SET balance = balance + 7 WHERE balance > 0 RETURNING account, asset");
    assert.ok(rows.length > 0);
  } finally {
    await client.end();
  }
  const disagrees = await auditWithIndexer();
  assert.equal(disagrees.code, 1, disagrees.output);
  assert.match(disagrees.output, /INDEXER MISMATCH: the indexer at .* disagrees with the chain/);
  assert.match(disagrees.output, /balanceOf\(0x[0-9a-fA-F]{40}, 0x[0-9a-fA-F]{40}\): the indexer says \d+, the chain \d+ \(difference -7\)/);
});

test("the API refuses bad input in plain words", async () => {
  const response = await fetch(`${apiUrl}/payments?payer=alice`);
  assert.equal(response.status, 400);
  assert.match(((await response.json()) as { error: string }).error, /payer must be a 0x-prefixed 20-byte address/);
  const limit = await fetch(`${apiUrl}/payments?limit=0`);
  assert.equal(limit.status, 400);
  assert.match(((await limit.json()) as { error: string }).error, /limit must be an integer from 1 to 1000/);
});
