/**
 * What the Payouts page shows, in one shape whichever source it is read from: the account's money per
 * asset (its balance and what each of its agreements lets it collect) and its incoming payouts, newest
 * first, a page at a time. From the RPC it is taken from the shared ledger (client/ledger.ts); from the
 * indexer from its API (client/indexer-client.ts), whose rows the same ledger rules wrote. So both
 * sources give the same page, which the e2e test `sources.e2e.test.ts` checks.
 */
import type { Address } from "viem";

import type { IndexerBalance, IndexerEarning } from "../../../client/indexer-client.js";
import { collectable, sameAddress, type Ledger, type LedgerPayment } from "../../../client/ledger.js";
import { ETH } from "../../../client/protocol.js";
import { isNamedIn } from "./agreements";

/** The account's part in one agreement: its share and whether it collects the network fees. */
export interface PayoutRole {
  shareBps: number;
  feeRecipient: boolean;
}

export interface PayoutAsset {
  asset: Address;
  /** Referral fees, collected earnings and refunds not yet withdrawn (the contract's `balanceOf`). */
  balance: bigint;
  /** Refunds credited to the account in all; undefined while only the contract's views are read (they do not say). */
  refunds: bigint | undefined;
  /** What each agreement that names the account lets it collect now, by agreement id. */
  agreements: { agreementId: bigint; amount: bigint }[];
  /** `balance` plus every agreement's collectable amount: what a withdrawal pays. */
  total: bigint;
}

export interface PayoutsSummary {
  assets: PayoutAsset[];
  /** By agreement id, for the agreements naming the account. */
  roles: Map<bigint, PayoutRole>;
}

/** ETH first, then by address: the same order from both sources. */
function byAsset(a: PayoutAsset, b: PayoutAsset): number {
  if (sameAddress(a.asset, b.asset)) return 0;
  if (sameAddress(a.asset, ETH)) return -1;
  if (sameAddress(b.asset, ETH)) return 1;
  return a.asset.toLowerCase() < b.asset.toLowerCase() ? -1 : 1;
}

function summarise(
  balances: { asset: Address; balance: bigint; refunds: bigint | undefined }[],
  agreements: { agreementId: bigint; asset: Address; amount: bigint }[],
  roles: Map<bigint, PayoutRole>,
): PayoutsSummary {
  const assets = new Map<string, PayoutAsset>();
  const entry = (asset: Address) => {
    const key = asset.toLowerCase();
    let found = assets.get(key);
    if (!found) assets.set(key, (found = { asset, balance: 0n, refunds: 0n, agreements: [], total: 0n }));
    return found;
  };
  for (const b of balances) Object.assign(entry(b.asset), { balance: b.balance, refunds: b.refunds });
  for (const a of [...agreements].sort((x, y) => (x.agreementId < y.agreementId ? -1 : 1))) entry(a.asset).agreements.push({ agreementId: a.agreementId, amount: a.amount });
  for (const a of assets.values()) a.total = a.balance + a.agreements.reduce((s, x) => s + x.amount, 0n);
  return { assets: [...assets.values()].sort(byAsset), roles };
}

/** The account's role in each agreement naming it (as a party or fee recipient), by agreement id. */
export function rolesOf(ledger: Pick<Ledger, "agreements">, account: Address): Map<bigint, PayoutRole> {
  const named = [...ledger.agreements.values()].filter((a) => isNamedIn(a, account));
  return new Map(named.map((a) => [a.id, { shareBps: a.parties.find((p) => sameAddress(p.account, account))?.shareBps ?? 0, feeRecipient: sameAddress(a.feeRecipient, account) }]));
}

/** The summary from the shared ledger, at the chain time `timestamp`. */
export function summaryFromLedger(ledger: Ledger, account: Address, timestamp: bigint): PayoutsSummary {
  const roles = rolesOf(ledger, account);
  const named = [...roles.keys()].map((id) => ledger.agreements.get(id)!);
  const balances = [...ledger.accounts.values()].filter((e) => sameAddress(e.account, account));
  return summarise(
    balances,
    named.map((a) => ({ agreementId: a.id, asset: a.asset, amount: collectable({ agreement: a, account, timestamp }) })),
    roles,
  );
}

/**
 * The summary from the contract's views at one block (`balanceOf` per asset, `collectable` per agreement
 * naming the account), shown before the account's history is read: every asset it has a balance in or an
 * agreement of; refunds unknown until the history is read.
 */
export function summaryFromViews(
  balances: readonly { asset: Address; balance: bigint }[],
  collectables: readonly { agreementId: bigint; asset: Address; amount: bigint }[],
  roles: Map<bigint, PayoutRole>,
): PayoutsSummary {
  return summarise(
    balances.filter((b) => b.balance > 0n).map((b) => ({ ...b, refunds: undefined })),
    [...collectables],
    roles,
  );
}

/** The summary from the indexer's `/balances?account=` and `/earnings?account=&at=` rows. */
export function summaryFromIndexer(balances: readonly IndexerBalance[], earnings: readonly IndexerEarning[], account: Address): PayoutsSummary {
  const mine = earnings.filter((e) => sameAddress(e.account, account));
  const roles = new Map(mine.map((e) => [e.agreementId, { shareBps: e.shareBps, feeRecipient: sameAddress(e.feeRecipient, account) }]));
  return summarise(
    balances.filter((b) => sameAddress(b.account, account)),
    mine.map((e) => ({ agreementId: e.agreementId, asset: e.asset, amount: e.collectable })),
    roles,
  );
}

/** The fields of a payment the feed needs: a ledger payment and an indexer payment row both have them. */
export type FeedPayment = Pick<LedgerPayment, "agreementId" | "asset" | "referrer" | "networkFee" | "referralFee" | "vendorShare" | "status" | "blockNumber" | "transactionHash" | "logIndex">;
/** A feed payment with its place among all payments (the ledger's and the indexer's know it; a page read from the head does not). */
export type IndexedFeedPayment = FeedPayment & Pick<LedgerPayment, "index">;

export interface PayoutItem {
  key: string;
  kind: "referral" | "share" | "network-fee";
  /** The account's part of the payment. */
  amount: bigint;
  agreementId: bigint;
  asset: Address;
  status: LedgerPayment["status"];
  blockNumber: bigint;
}

/**
 * The account's parts of one payment: its referral fee, its share of the vendor share (as the held
 * payments panel counts it: `vendorShare × shareBps / 10,000`) and the network fee it collects.
 */
export function payoutItemsOf(payment: FeedPayment, account: Address, roles: ReadonlyMap<bigint, PayoutRole>): PayoutItem[] {
  const base = { agreementId: payment.agreementId, asset: payment.asset, status: payment.status, blockNumber: payment.blockNumber };
  const key = `${payment.transactionHash}:${payment.logIndex}`;
  const out: PayoutItem[] = [];
  if (sameAddress(payment.referrer, account) && !sameAddress(payment.referrer, ETH) && payment.referralFee > 0n) {
    out.push({ ...base, key: `${key}:r`, kind: "referral", amount: payment.referralFee });
  }
  const role = roles.get(payment.agreementId);
  const share = role ? (payment.vendorShare * BigInt(role.shareBps)) / 10_000n : 0n;
  if (share > 0n) out.push({ ...base, key: `${key}:s`, kind: "share", amount: share });
  if (role?.feeRecipient && payment.networkFee > 0n) out.push({ ...base, key: `${key}:n`, kind: "network-fee", amount: payment.networkFee });
  return out;
}

/** Whether the payment pays the account anything (as referrer, party or fee recipient). */
export function paysAccount(payment: FeedPayment, account: Address, roles: ReadonlyMap<bigint, PayoutRole>): boolean {
  return payoutItemsOf(payment, account, roles).length > 0;
}

/** One page of the feed: payments newest first, and where the next (older) page starts. */
export interface PayoutPage<P extends FeedPayment = FeedPayment> {
  payments: P[];
  /** The index to read below for the next page; undefined when there is none. */
  before: number | undefined;
}

/** The feed's page below `before` from the ledger's payments. */
export function payoutPageFromLedger(ledger: Ledger, account: Address, roles: ReadonlyMap<bigint, PayoutRole>, before: number | undefined, size: number): PayoutPage<IndexedFeedPayment> {
  const payments: IndexedFeedPayment[] = [];
  let i = Math.min(before ?? ledger.payments.length, ledger.payments.length) - 1;
  for (; i >= 0 && payments.length < size; i--) {
    const p = ledger.payments[i]!;
    if (paysAccount(p, account, roles)) payments.push(p);
  }
  return { payments, before: hasOlder(ledger.payments, i, account, roles) ? payments[payments.length - 1]!.index : undefined };
}

function hasOlder(payments: readonly IndexedFeedPayment[], from: number, account: Address, roles: ReadonlyMap<bigint, PayoutRole>): boolean {
  for (let i = from; i >= 0; i--) if (paysAccount(payments[i]!, account, roles)) return true;
  return false;
}

/**
 * Merges newest-first pages of several filtered streams (the payments referred by the account, and those
 * of each agreement naming it) into one newest-first page of `size`, without duplicates. Each stream must
 * have been read with at least `size` rows below the same `before` (or to its end, `complete`).
 */
export function mergePayoutStreams(streams: { rows: IndexedFeedPayment[]; complete: boolean }[], account: Address, roles: ReadonlyMap<bigint, PayoutRole>, size: number): PayoutPage<IndexedFeedPayment> {
  const seen = new Map<number, IndexedFeedPayment>();
  for (const s of streams) for (const row of s.rows) if (paysAccount(row, account, roles)) seen.set(row.index, row);
  // A stream that was cut at `size` rows may hide rows older than its last: the page cannot go below that.
  const floor = Math.max(-1, ...streams.filter((s) => !s.complete && s.rows.length > 0).map((s) => s.rows[s.rows.length - 1]!.index));
  const sorted = [...seen.values()].filter((p) => p.index >= floor).sort((a, b) => b.index - a.index);
  const payments = sorted.slice(0, size);
  const more = sorted.length > size || streams.some((s) => !s.complete);
  if (!more) return { payments, before: undefined };
  return { payments, before: payments.length > 0 ? payments[payments.length - 1]!.index : floor };
}
