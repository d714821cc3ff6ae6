/**
 * Compares a ledger rebuilt from the log with the contract's own views at one block, and the contract's
 * holdings of each asset with what it owes. Every difference becomes a {@link Mismatch} naming the
 * account, agreement or network and the amount; a surplus of holdings (money sent to the contract
 * outside of `pay`) is reported but is not a mismatch.
 */
import type { Address } from "viem";
import { getBalance } from "viem/actions";

import { collectable, entitledAccounts, lineageVersions, owedByAsset, referralStanding, sameAddress, type Ledger, type LedgerAgreement } from "./ledger.js";
import { ETH, MemberStatus } from "./protocol.js";
import { readContract } from "./read-contract.js";
import type { RpcClient } from "./rpc-client.js";

/** One difference between the log and the chain. `difference` is chain minus log. */
export interface Mismatch {
  kind: "balance" | "collectable" | "agreement" | "referral" | "risk" | "network" | "membership" | "counter" | "count" | "holdings";
  /** What differs, e.g. "vendorPool", "heldPayments", "balanceOf" or "referredVolume". */
  field: string;
  account?: Address;
  asset?: Address;
  agreementId?: bigint;
  networkId?: bigint;
  /** What the log gives. */
  ledger: bigint | string;
  /** What the chain says. */
  chain: bigint | string;
  difference?: bigint;
}

/** One asset's holdings against what the contract owes in it. */
export interface Holding {
  asset: Address;
  /** The contract's ETH balance or token balance. */
  held: bigint;
  /** Balances plus uncollected pools and fees plus payments still held, from the log. */
  owed: bigint;
  /** `held - owed`: positive is a surplus (reported), negative a shortfall (a mismatch). */
  difference: bigint;
}

/** The values read from the chain, kept for the ledger export. */
export interface ChainReadings {
  balances: Map<string, bigint>;
  collectables: Map<string, bigint>;
  /** `referredVolume(agreementId, referrer)`, keyed `${agreementId}/${referrer lower-case}`. */
  referrals: Map<string, { volume: bigint; tier: number; feeBps: number }>;
}

export type ReconcileParameters = {
  client: RpcClient;
  ecoshare: Address;
  ledger: Ledger;
  /** The block every view is read at: the last block whose logs the ledger holds. */
  blockNumber: bigint;
  /** That block's timestamp, which decides whether an agreement's window is over. */
  timestamp: bigint;
  /** Views in flight at once. Default 500: over HTTP they travel in JSON-RPC batches (./rpc-client.ts), so a few hundred views cost a few round trips. */
  concurrency?: number;
  /**
   * The answers of views already asked for at `blockNumber`, shared between reconciles of that block: each view
   * (function and arguments) is read once (one that failed, again). The audit runs a first reconcile over the ledger still being built,
   * so that the RPC answers most views while the last ranges of the log are decoded.
   */
  views?: ViewAnswers;
};

/** Views asked for at one block, by contract, function and arguments (see {@link ReconcileParameters.views}). */
export type ViewAnswers = Map<string, Promise<unknown>>;

export type ReconcileReturnType = {
  mismatches: Mismatch[];
  holdings: Holding[];
  readings: ChainReadings;
  /** Number of values compared. */
  checks: number;
};

/** Compares `ledger` with the contract's views and holdings at `blockNumber`. */
export async function reconcile({
  client,
  ecoshare,
  ledger,
  blockNumber,
  timestamp,
  concurrency = 500,
  views = new Map(),
}: ReconcileParameters): Promise<ReconcileReturnType> {
  const blockTag = blockNumber;
  const once = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
    let answer = views.get(key);
    if (answer === undefined) {
      const asked = ask();
      views.set(key, (answer = asked));
      // A view that could not be read is asked again by the next reconcile, not failed from memory.
      asked.catch(() => {
        if (views.get(key) === asked) views.delete(key);
      });
    }
    return answer as Promise<T>;
  };
  const mismatches: Mismatch[] = [];
  const readings: ChainReadings = { balances: new Map(), collectables: new Map(), referrals: new Map() };
  let checks = 0;
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    once(`${functionName}(${args.map((a) => String(a).toLowerCase()).join(",")})`, () => readContract<T>({ client, abi: "ecoshare", address: ecoshare, functionName, args, blockTag }));
  const compare = (m: Omit<Mismatch, "difference">) => {
    checks++;
    if (m.ledger === m.chain) return;
    const difference = typeof m.ledger === "bigint" && typeof m.chain === "bigint" ? m.chain - m.ledger : undefined;
    mismatches.push(difference === undefined ? m : { ...m, difference });
  };

  // Every view is asked for in one go (in JSON-RPC batches), none waiting for another's answer.
  const tasks: (() => Promise<void>)[] = [
    async () => {
      const [networkCount, agreementCount] = await Promise.all([read<bigint>("networkCount"), read<bigint>("agreementCount")]);
      compare({ kind: "count", field: "networkCount", ledger: BigInt(ledger.networks.size), chain: networkCount });
      compare({ kind: "count", field: "agreementCount", ledger: BigInt(ledger.agreements.size), chain: agreementCount });
    },
  ];

  for (const net of ledger.networks.values()) {
    tasks.push(async () => {
      const view = await read<{ operator: Address; kind: number; feeBps: number; feeRecipient: Address; pendingOperator: Address }>(
        "network",
        [net.id],
      );
      for (const field of ["operator", "kind", "feeBps", "feeRecipient", "pendingOperator"] as const) {
        compare({ kind: "network", field, networkId: net.id, ledger: String(net[field]), chain: String(view[field]) });
      }
    });
    for (const [account, member] of net.members) {
      tasks.push(async () => {
        const view = await read<{ status: number; role: number; awaitsReinstatement?: boolean }>("membership", [net.id, account]);
        compare({ kind: "membership", field: "status", networkId: net.id, account, ledger: String(member.status), chain: String(view.status) });
        if (member.status !== MemberStatus.None) {
          compare({ kind: "membership", field: "role", networkId: net.id, account, ledger: String(member.role), chain: String(view.role) });
        }
        if (view.awaitsReinstatement !== undefined) {
          const field = "awaitsReinstatement";
          compare({ kind: "membership", field, networkId: net.id, account, ledger: String(member.awaitsReinstatement), chain: String(view.awaitsReinstatement) });
        }
      });
    }
  }

  // Every (account, asset) the log gives money to, and every party and fee recipient of every agreement.
  const pairs = new Map<string, { account: Address; asset: Address }>();
  const addPair = (account: Address, asset: Address) => pairs.set(`${account.toLowerCase()}/${asset.toLowerCase()}`, { account, asset });
  for (const entry of ledger.accounts.values()) addPair(entry.account, entry.asset);
  // Refund recipients of held payments: a refund the log lacks would credit an account the log knows nothing of.
  for (const held of ledger.heldPayments.values()) addPair(held.refundTo, held.asset);

  for (const agreement of ledger.agreements.values()) {
    tasks.push(() => compareAgreement(agreement));
    for (const account of entitledAccounts(agreement)) {
      addPair(account, agreement.asset);
      tasks.push(async () => {
        const chain = await read<bigint>("collectable", [agreement.id, account]);
        const expected = collectable({ agreement, account, timestamp });
        readings.collectables.set(`${agreement.id}/${account.toLowerCase()}`, chain);
        compare({ kind: "collectable", field: "collectable", agreementId: agreement.id, account, asset: agreement.asset, ledger: expected, chain });
      });
    }
  }

  // Loyalty: every referrer's volume, tier and rate, under every version of each lineage it referred in.
  for (const referral of ledger.referrals.values()) {
    for (const version of lineageVersions(ledger, referral.lineageId)) {
      tasks.push(async () => {
        const [[volume, tier, feeBps], record] = await Promise.all([
          read<[bigint, number, number]>("referredVolume", [version.id, referral.referrer]),
          // The risk counters the contract keeps (per lineage) and the holdback trust gives the referrer.
          read<{ paid: bigint; earned: bigint; released: bigint; refunded: bigint; held: bigint; holdbackPeriod: number }>("referralRecord", [version.id, referral.referrer]),
        ]);
        readings.referrals.set(`${version.id}/${referral.referrer.toLowerCase()}`, { volume, tier, feeBps });
        const expected = referralStanding({ ledger, agreementId: version.id, referrer: referral.referrer })!;
        const subject = { kind: "referral", agreementId: version.id, account: referral.referrer, asset: version.asset } as const;
        compare({ ...subject, field: "referredVolume", ledger: expected.volume, chain: volume });
        compare({ ...subject, field: "tier", ledger: String(expected.tier), chain: String(tier) });
        compare({ ...subject, field: "feeBps", ledger: String(expected.feeBps), chain: String(feeBps) });
        const risk = { ...subject, kind: "risk" } as const;
        compare({ ...risk, field: "paid", ledger: expected.paid, chain: record.paid });
        compare({ ...risk, field: "earned", ledger: expected.volume, chain: record.earned });
        compare({ ...risk, field: "released", ledger: expected.released, chain: record.released });
        compare({ ...risk, field: "refunded", ledger: expected.refunded, chain: record.refunded });
        compare({ ...risk, field: "held", ledger: expected.held, chain: record.held });
        compare({ ...risk, field: "holdbackPeriod", ledger: String(expected.holdbackPeriod), chain: String(record.holdbackPeriod) });
      });
    }
  }
  // Counter-proposal nonces cancelled in the log must be used on chain.
  for (const { author, nonce } of ledger.cancelledCounterNonces) {
    tasks.push(async () => {
      const used = await read<boolean>("isCounterNonceUsed", [author, nonce]);
      compare({ kind: "counter", field: "isCounterNonceUsed", account: author, ledger: `nonce ${nonce} used: true`, chain: `nonce ${nonce} used: ${used}` });
    });
  }
  for (const lineage of ledger.lineages.values()) {
    tasks.push(async () => {
      const chain = await read<bigint>("activeVersionOf", [lineage.lineageId]);
      compare({ kind: "agreement", field: "activeVersionOf", agreementId: lineage.lineageId, ledger: String(lineage.activeId), chain: String(chain) });
    });
  }

  for (const { account, asset } of pairs.values()) {
    tasks.push(async () => {
      const chain = await read<bigint>("balanceOf", [account, asset]);
      const key = `${account.toLowerCase()}/${asset.toLowerCase()}`;
      readings.balances.set(key, chain);
      const expected = ledger.accounts.get(key)?.balance ?? 0n;
      compare({ kind: "balance", field: "balanceOf", account, asset, ledger: expected, chain });
    });
  }

  const holdings: Holding[] = [];
  const owed = owedByAsset(ledger);
  for (const agreement of ledger.agreements.values()) if (!owed.has(agreement.asset)) owed.set(agreement.asset, 0n);
  // The holdings are read beside the views: the same block, one round trip fewer.
  const [heldByAsset] = await Promise.all([
    Promise.all(
      [...owed.keys()].map((asset) =>
        once(`holdings(${asset.toLowerCase()})`, () =>
          sameAddress(asset, ETH)
            ? getBalance(client, { address: ecoshare, blockNumber })
            : readContract<bigint>({ client, abi: "erc20", address: asset, functionName: "balanceOf", args: [ecoshare], blockTag }),
        ),
      ),
    ),
    runWithConcurrency(tasks, concurrency),
  ]);
  for (const [i, [asset, amount]] of [...owed].entries()) {
    const held = heldByAsset[i]!;
    holdings.push({ asset, held, owed: amount, difference: held - amount });
    checks++;
    if (held < amount) mismatches.push({ kind: "holdings", field: "holdings", asset, ledger: amount, chain: held, difference: held - amount });
  }
  holdings.sort((a, b) => a.asset.localeCompare(b.asset));

  return { mismatches: sortMismatches(mismatches), holdings, readings, checks };

  async function compareAgreement(agreement: LedgerAgreement): Promise<void> {
    type Tier = { fromVolume: bigint; feeBps: number; holdbackPeriod: number };
    const [view, tiers] = await Promise.all([
      read<Record<string, unknown>>("agreement", [agreement.id]),
      agreement.referralTiers.length > 0 ? read<Tier[]>("referralTiersOf", [agreement.id]) : undefined,
    ]);
    if (tiers !== undefined) {
      const text = (list: readonly Tier[]) =>
        list.map((t) => `${t.feeBps} bps held ${t.holdbackPeriod} s from ${t.fromVolume}`).join(", ");
      compare({ kind: "agreement", field: "referralTiers", agreementId: agreement.id, ledger: text(agreement.referralTiers), chain: text(tiers) });
    }
    const expected: Record<string, unknown> = {
      networkId: agreement.networkId,
      asset: agreement.asset,
      status: agreement.status,
      version: agreement.version,
      previousId: agreement.previousId,
      referralFeeBps: agreement.referralFeeBps,
      networkFeeBps: agreement.networkFeeBps,
      feeRecipient: agreement.feeRecipient,
      validFrom: agreement.validFrom,
      validUntil: agreement.validUntil,
      referrerRoles: agreement.referrerRoles,
      partyCount: agreement.parties.length,
      pendingAcceptances: agreement.parties.length - agreement.acceptedBy.length,
      lineageId: agreement.lineageId,
      holdbackPeriod: agreement.holdbackPeriod,
      refunder: agreement.refunder,
      heldPayments: agreement.heldPayments,
      vendorPool: agreement.vendorPool,
      networkFees: agreement.networkFees,
      networkFeesCollected: agreement.networkFeesCollected,
    };
    for (const [field, value] of Object.entries(expected)) {
      const chain = view[field];
      const bothBig = typeof value === "bigint" && typeof chain === "bigint";
      compare({
        kind: "agreement",
        field,
        agreementId: agreement.id,
        asset: agreement.asset,
        ledger: bothBig ? value : String(value),
        chain: bothBig ? chain : String(chain),
      });
    }
  }
}


async function runWithConcurrency(tasks: readonly (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      if (task) await task();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker));
}

const KIND_ORDER: Mismatch["kind"][] = ["holdings", "balance", "collectable", "agreement", "referral", "risk", "network", "membership", "counter", "count"];

function sortMismatches(mismatches: Mismatch[]): Mismatch[] {
  return mismatches.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}
