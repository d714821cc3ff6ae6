/**
 * Load benchmark: 100,000 payments across 50 agreements and 500 accounts on a local Hardhat node, then the
 * audit must rebuild every balance exactly from the log. Writes bench/load.md and bench/load.json with the
 * time and the gas; fails (exit 1) if the audit finds any difference.
 *
 *   npm run bench:load            (BENCH_PAYMENTS, default 100,000)
 *
 * Every transaction goes through the demo seed's DevChain, which refuses any over EIP-7825's gas cap.
 * The story is random but seeded (the same every run): one open network of 500 members; 50 agreements of
 * 2 to 10 parties, half in ETH and half in the demo stablecoin, a third of them with loyalty tiers;
 * 100,000 payments by random customers, four in five naming a random referrer; 250 withdrawals.
 */
import { writeFile } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir } from "node:os";
import path from "node:path";
import { Interface, Wallet, keccak256, toBeHex, type TypedDataField } from "ethers";
import hre from "hardhat";

import EcoshareDemoModule from "../ignition/modules/EcoshareDemo.js";
import { DevChain, type DevTransaction } from "../scripts/demo/dev-chain.js";
import { deployProtocol } from "../scripts/deploy/deploy-protocol.js";
import { ecoshareAbi, mockStablecoinAbi } from "../client/abis.generated.js";
import { runAudit } from "../client/audit.js";
import type { Address, Hex } from "viem";
import { acceptanceTypes, domainFromErc5267, type AgreementTerms, type Party } from "../client/eip712.js";
import { createRpcClient, providerClient } from "../client/rpc-client.js";
import { readContract } from "../client/read-contract.js";
import { seededRandom } from "../client/seeded-random.js";

const ACCOUNTS = 500;
const AGREEMENTS = 50;
const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100_000);
const WITHDRAWALS = 250;
const PAYMENTS_PER_BLOCK = 200;
const ETH: Address = "0x0000000000000000000000000000000000000000";
const DUSD = 1_000_000n;
const PAY_GAS = 600_000n;
const ecoshareInterface = new Interface(ecoshareAbi);
const tokenInterface = new Interface(mockStablecoinAbi);
const random = seededRandom(2026);
if (!Number.isSafeInteger(PAYMENTS) || PAYMENTS < PAYMENTS_PER_BLOCK || PAYMENTS % PAYMENTS_PER_BLOCK !== 0) {
  throw new Error(`BENCH_PAYMENTS must be a whole multiple of ${PAYMENTS_PER_BLOCK}.`);
}

const server = await hre.network.createServer({ network: "node" }, "127.0.0.1", 0);
const { port } = await server.listen();
const url = `http://127.0.0.1:${port}`;
const connection = await hre.network.create({ network: "localhost", override: { url } });
const recordsDir = await mkdtemp(path.join(tmpdir(), "ecoshare-load-"));
try {
  const { record } = await deployProtocol({ hre, connection, networkName: "localhost", ignitionModule: EcoshareDemoModule, recordsDir, build: false });
  const ecoshare = record.contracts.Ecoshare!.address as Address;
  const token = record.contracts.MockStablecoin!.address as Address;
  const chain = new DevChain(providerClient(connection.provider));
  const call = (fn: string, args: readonly unknown[]) => ecoshareInterface.encodeFunctionData(fn, args) as Hex;

  // 500 accounts with known keys (they sign acceptances), funded and unlocked on the node.
  const started = performance.now();
  const wallets = Array.from({ length: ACCOUNTS }, (_, i) => new Wallet(keccak256(toBeHex(i + 1, 32))));
  const address = (i: number) => wallets[i]!.address as Address;
  for (let i = 0; i < ACCOUNTS; i++) {
    await chain.request("hardhat_setBalance", [address(i), toBeHex(10n ** 24n)]);
    await chain.request("hardhat_impersonateAccount", [address(i)]);
  }
  let now = await chain.latestTimestamp();
  // One minute after the latest block (blocks mined one by one move the clock on by themselves).
  const nextBlock = async () => (now = (await chain.latestTimestamp()) + 60n);

  // One open network everyone joins; its operator (account 0) takes a 1% fee.
  await chain.send({ from: address(0), to: ecoshare, data: call("createNetwork", [3, address(0), 100, "ipfs://load"]) });
  const networkId = 1n;
  await chain.sendInBlock(
    wallets.map((_, i) => ({ from: address(i), to: ecoshare, data: call("join", [networkId, i % 3, ""]), gas: 200_000n })),
    await nextBlock(),
  );

  // 50 agreements: 2 to 10 parties each; every other one in dUSD; a third with loyalty tiers.
  const domain = domainFromErc5267((await readContract({ client: providerClient(connection.provider), address: ecoshare, abi: "ecoshare", functionName: "eip712Domain" })) as unknown[]);
  const types = Object.fromEntries(Object.entries(acceptanceTypes).map(([k, v]) => [k, [...v]])) as Record<string, TypedDataField[]>;
  const agreements: { id: bigint; asset: Address }[] = [];
  for (let a = 0; a < AGREEMENTS; a++) {
    const count = 2 + Math.floor(random() * 9);
    const members = pickDistinct(count);
    const each = Math.floor(10_000 / count);
    const parties: Party[] = members.map((m, i) => ({ account: address(m), shareBps: i === 0 ? 10_000 - each * (count - 1) : each }));
    const asset = a % 2 === 0 ? ETH : token;
    const terms: AgreementTerms = {
      networkId,
      asset,
      parties,
      referralFeeBps: 300 + Math.floor(random() * 500),
      referralTiers: a % 3 === 0 ? [{ fromVolume: asset === ETH ? 10n ** 18n : 1_000n * DUSD, feeBps: 900, holdbackPeriod: 0 }] : [],
      referrerRoles: 0,
      networkFeeBps: 100,
      feeRecipient: address(0),
      validFrom: now,
      validUntil: now + 400n * 86_400n,
      holdbackPeriod: 0,
      refunder: ETH,
      termsHash: keccak256(toBeHex(a, 32)) as Hex,
      termsURI: `ipfs://load/${a}`,
    };
    await chain.send({ from: parties[0]!.account, to: ecoshare, data: call("propose", [terms]) });
    const id = BigInt(a + 1);
    const acceptances = [];
    for (const m of members.slice(1)) {
      // Each acceptance names its signer (AcceptAgreement.signer).
      const message = { signer: address(m), agreementId: id, version: 1, previousId: 0n, terms, deadline: terms.validUntil };
      acceptances.push({ signer: address(m), deadline: terms.validUntil, signature: await wallets[m]!.signTypedData(domain, types, message) });
    }
    await chain.send({ from: address(0), to: ecoshare, data: call("acceptWithSignatures", [id, acceptances]), gas: 3_000_000n });
    agreements.push({ id, asset });
  }

  // Customers paying in dUSD hold and approve enough of it.
  await chain.sendInBlock(
    wallets.flatMap((_, i) => [
      { from: address(i), to: token, data: tokenInterface.encodeFunctionData("mint", [address(i), 10n ** 9n * DUSD]) as Hex, gas: 100_000n },
      { from: address(i), to: token, data: tokenInterface.encodeFunctionData("approve", [ecoshare, 2n ** 255n]) as Hex, gas: 100_000n },
    ]),
    await nextBlock(),
  );
  const setupSeconds = (performance.now() - started) / 1000;

  // The payments, 200 to a block; four in five name a referrer.
  const paymentStart = performance.now();
  const hashes: Hex[] = [];
  let referred = 0;
  for (let done = 0; done < PAYMENTS; done += PAYMENTS_PER_BLOCK) {
    const batch: DevTransaction[] = [];
    for (let k = 0; k < PAYMENTS_PER_BLOCK; k++) {
      const { id, asset } = agreements[Math.floor(random() * AGREEMENTS)]!;
      const payer = Math.floor(random() * ACCOUNTS);
      let referrer: Address = ETH;
      if (random() < 0.8) {
        const r = (payer + 1 + Math.floor(random() * (ACCOUNTS - 1))) % ACCOUNTS;
        referrer = address(r);
        referred++;
      }
      const amount = asset === ETH ? BigInt(1 + Math.floor(random() * 1_000)) * 10n ** 15n : BigInt(1 + Math.floor(random() * 500_000)) * 1_000n;
      batch.push({
        from: address(payer),
        to: ecoshare,
        data: call("pay", [id, asset, amount, referrer, keccak256(toBeHex(done + k, 32)), ETH]),
        value: asset === ETH ? amount : 0n,
        gas: PAY_GAS,
      });
    }
    hashes.push(...(await chain.sendInBlock(batch, await nextBlock())));
  }
  const paymentSeconds = (performance.now() - paymentStart) / 1000;

  // 250 withdrawals: referrers' fees, and parties collecting the agreements they are in.
  const withdrawals: DevTransaction[] = [];
  const withdrawing = new Set<string>();
  for (let w = 0; withdrawals.length < WITHDRAWALS && w < 10 * WITHDRAWALS; w++) {
    const account = address(Math.floor(random() * ACCOUNTS));
    const asset = w % 2 === 0 ? ETH : token;
    // One withdrawal per account and asset: it pays out the whole balance.
    if (withdrawing.has(`${account}:${asset}`)) continue;
    withdrawing.add(`${account}:${asset}`);
    const balance = (await readContract({ client: providerClient(connection.provider), address: ecoshare, abi: "ecoshare", functionName: "balanceOf", args: [account, asset] })) as bigint;
    if (balance > 0n) withdrawals.push({ from: account, to: ecoshare, data: call("withdraw", [account, asset, []]), gas: 300_000n });
  }
  await chain.sendInBlock(withdrawals, await nextBlock());

  // Gas of the payments, from their receipts.
  const gas: bigint[] = [];
  for (let from = 0; from < hashes.length; from += 256) {
    const receipts = await Promise.all(hashes.slice(from, from + 256).map((hash) => chain.request<{ gasUsed: Hex }>("eth_getTransactionReceipt", [hash])));
    gas.push(...receipts.map((r) => BigInt(r.gasUsed)));
  }
  const totalGas = gas.reduce((s, g) => s + g, 0n);
  const sorted = [...gas].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

  // The audit, over HTTP from the deploy block, must agree with the contract on every value.
  const auditStart = performance.now();
  const report = await runAudit({ client: createRpcClient({ url }), ecoshare, fromBlock: BigInt(record.deployBlock) });
  const auditSeconds = (performance.now() - auditStart) / 1000;
  const machine = `${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${availableParallelism()} cores, Node ${process.versions.node}`;
  const result = {
    generatedAt: new Date().toISOString(),
    machine,
    note: "Gas is exact; timings vary with the machine and its load.",
    accounts: ACCOUNTS,
    agreements: AGREEMENTS,
    payments: hashes.length,
    referredPayments: referred,
    withdrawals: withdrawals.length,
    gas: { total: totalGas.toString(), mean: Number(totalGas / BigInt(gas.length)), min: Number(sorted[0]), max: Number(sorted.at(-1)) },
    seconds: { setup: setupSeconds, payments: paymentSeconds, audit: auditSeconds },
    audit: { passed: report.passed, events: report.logs, checks: report.checks, mismatches: report.mismatches.length },
  };
  const fmt = (n: number | bigint) => n.toLocaleString("en-US");
  const md = [
    `# Load: ${fmt(hashes.length)} payments, 50 agreements, 500 accounts`,
    "",
    "Regenerated by `npm run bench:load` (bench/load.ts) on a local Hardhat node over HTTP (127.0.0.1). Gas is exact;",
    `**timings vary** with the machine and its load. Measured on: ${machine}, ${result.generatedAt.slice(0, 10)}. JSON: bench/load.json.`,
    "",
    `${fmt(ACCOUNTS)} members of one open network; ${AGREEMENTS} agreements of 2 to 10 parties (half ETH, half dUSD, a third tiered);`,
    `${fmt(hashes.length)} payments by random customers (${fmt(referred)} with a referrer), ${PAYMENTS_PER_BLOCK} a block; ${withdrawals.length} withdrawals.`,
    "",
    "| measure | value |",
    "| --- | ---: |",
    `| gas of all payments | ${fmt(totalGas)} |`,
    `| gas per payment: mean / min / max | ${fmt(result.gas.mean)} / ${fmt(result.gas.min)} / ${fmt(result.gas.max)} |`,
    `| set-up (accounts, network, agreements) | ${setupSeconds.toFixed(1)} s |`,
    `| sending and mining the payments | ${paymentSeconds.toFixed(1)} s (${fmt(Math.round(hashes.length / paymentSeconds))} payments/s) |`,
    `| audit: events read and rebuilt | ${fmt(report.logs)} events in ${auditSeconds.toFixed(2)} s (${fmt(Math.round(report.logs / auditSeconds))} events/s) |`,
    `| audit: values compared with the contract | ${fmt(report.checks)}, ${report.mismatches.length} mismatches |`,
    `| audit result | ${report.passed ? "passed: every balance rebuilt exactly" : "FAILED"} |`,
    "",
  ].join("\n");
  await writeFile(new URL("./load.md", import.meta.url), md);
  await writeFile(new URL("./load.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  console.log(md);
  if (!report.passed) {
    for (const m of report.mismatches.slice(0, 20)) console.error(m);
    process.exitCode = 1;
  }
} finally {
  await connection.close();
  await server.close();
  await rm(recordsDir, { recursive: true, force: true });
}

function pickDistinct(count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * ACCOUNTS));
  return [...chosen];
}

