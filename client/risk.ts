/**
 * Risk figures from the ledger (client/ledger.ts), by one set of rules for the audit and the app: for
 * each referrer, each vendor (every party of the agreement paid) and each network, per asset:
 *
 * - paid: the volume of its payments (credited at once or held), and their count;
 * - refunded: held payments refunded; released: held payments released; held: still held (the exposure);
 * - refundRateBps: `refunded * 10000 / paid`, rounded down (0 with nothing paid);
 * - clean: paid minus refunded minus still held, the volume that counts as trust;
 * - time to release: for each released payment, the seconds from the block that held it to the block that
 *   released it; their median (the mean of the two middle ones for an even count, rounded down) and mean
 *   (rounded down), given the blocks' times (undefined with none released or without block times).
 *
 * docs/architecture.md ("Risk figures") gives the same formulas.
 */
import type { Address } from "viem";
import type { Ledger, LedgerPayment } from "./ledger.js";
import { ETH } from "./protocol.js";

export interface RiskRow {
  /** "referrer", "vendor" or "network". */
  scope: RiskScope;
  /** The referrer's or vendor's address, or the network id. */
  subject: string;
  asset: Address;
  payments: number;
  paid: bigint;
  refundedPayments: number;
  refunded: bigint;
  released: bigint;
  held: bigint;
  clean: bigint;
  refundRateBps: number;
  releasedPayments: number;
  /** Seconds from held to released, median and mean (rounded down); undefined with none to measure. */
  medianReleaseSeconds: number | undefined;
  meanReleaseSeconds: number | undefined;
}

export type RiskScope = "referrer" | "vendor" | "network";

/** `refunded * 10000 / paid`, rounded down; 0 with nothing paid. */
export function refundRateBps(refunded: bigint, paid: bigint): number {
  return paid === 0n ? 0 : Number((refunded * 10_000n) / paid);
}

/** The median and mean of `values` (seconds), rounded down; undefined for none. */
export function releaseTimes(values: readonly number[]): { median: number | undefined; mean: number | undefined } {
  if (values.length === 0) return { median: undefined, mean: undefined };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : Math.floor((sorted[middle - 1]! + sorted[middle]!) / 2);
  return { median, mean: Math.floor(sorted.reduce((sum, v) => sum + v, 0) / sorted.length) };
}

function add(rows: Map<string, RiskRow>, times: Map<RiskRow, number[]>, scope: RiskScope, subject: string, p: LedgerPayment, releaseSeconds: number | undefined): void {
  const key = `${scope}/${subject.toLowerCase()}/${p.asset.toLowerCase()}`;
  const row = rows.get(key) ?? {
    scope, subject, asset: p.asset, payments: 0, paid: 0n, refundedPayments: 0, refunded: 0n, released: 0n, held: 0n, clean: 0n, refundRateBps: 0,
    releasedPayments: 0, medianReleaseSeconds: undefined, meanReleaseSeconds: undefined,
  };
  row.payments += 1;
  row.paid += p.amount;
  if (p.status === "refunded") {
    row.refundedPayments += 1;
    row.refunded += p.amount;
  } else if (p.status === "released") {
    row.released += p.amount;
    row.releasedPayments += 1;
    if (releaseSeconds !== undefined) {
      const list = times.get(row) ?? [];
      list.push(releaseSeconds);
      times.set(row, list);
      const { median, mean } = releaseTimes(list);
      Object.assign(row, { medianReleaseSeconds: median, meanReleaseSeconds: mean });
    }
  } else if (p.status === "pending") {
    row.held += p.amount;
  }
  row.clean = row.paid - row.refunded - row.held;
  row.refundRateBps = refundRateBps(row.refunded, row.paid);
  rows.set(key, row);
}

/** Seconds from the block that held `p` to the block that released it, when both blocks' times are known. */
function releaseSecondsOf(ledger: Ledger, p: LedgerPayment, blockTimes: ReadonlyMap<bigint, bigint> | undefined): number | undefined {
  const held = p.holdId === undefined ? undefined : ledger.heldPayments.get(p.holdId);
  if (held?.settledAtBlock === undefined || blockTimes === undefined) return undefined;
  const from = blockTimes.get(held.heldAtBlock);
  const to = blockTimes.get(held.settledAtBlock);
  return from === undefined || to === undefined ? undefined : Number(to - from);
}

/**
 * The risk figures of every referrer, vendor and network in `ledger`, in order of first payment. Give the
 * times of the blocks events came from (the audit's `blockTimes`) for the time to release.
 */
export function riskFigures(ledger: Ledger, blockTimes?: ReadonlyMap<bigint, bigint>): RiskRow[] {
  const rows = new Map<string, RiskRow>();
  const times = new Map<RiskRow, number[]>();
  for (const p of ledger.payments) {
    const seconds = p.status === "released" ? releaseSecondsOf(ledger, p, blockTimes) : undefined;
    for (const [scope, subject] of riskSubjectsOf(ledger, p)) add(rows, times, scope, subject, p, seconds);
  }
  return [...rows.values()];
}

/**
 * The blocks whose times the time to release of one subject needs (where each of its released payments was
 * held and released), so that a page reads only those blocks' times before calling {@link riskFigures}.
 */
export function releaseBlocksOf(ledger: Ledger, scope: RiskScope, subject: string): bigint[] {
  const blocks = new Set<bigint>();
  for (const p of ledger.payments) {
    if (p.status !== "released" || p.holdId === undefined) continue;
    if (!riskSubjectsOf(ledger, p).some(([s, who]) => s === scope && who.toLowerCase() === subject.toLowerCase())) continue;
    const held = ledger.heldPayments.get(p.holdId);
    if (held?.settledAtBlock === undefined) continue;
    blocks.add(held.heldAtBlock).add(held.settledAtBlock);
  }
  return [...blocks];
}

/** The rows of one subject (e.g. a referrer's figures per asset), for the app. */
export function riskOf(rows: readonly RiskRow[], scope: RiskScope, subject: string): RiskRow[] {
  return rows.filter((r) => r.scope === scope && r.subject.toLowerCase() === subject.toLowerCase());
}

/** Whose figures a payment counts in, as in `riskFigures`: its referrer's, every party's of its agreement (as vendors), its network's. */
export function riskSubjectsOf(ledger: Ledger, p: LedgerPayment): [RiskScope, string][] {
  const agreement = ledger.agreements.get(p.agreementId);
  const subjects: [RiskScope, string][] = [];
  if (p.referrer !== ETH) subjects.push(["referrer", p.referrer]);
  for (const party of agreement?.parties ?? []) subjects.push(["vendor", party.account]);
  if (agreement !== undefined) subjects.push(["network", String(agreement.networkId)]);
  return subjects;
}
