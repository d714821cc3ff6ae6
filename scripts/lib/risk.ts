/**
 * Risk figures from the ledger (scripts/lib/ledger.ts), by one set of rules for the audit and the app: for
 * each referrer, each vendor (every party of the agreement paid) and each network, per asset:
 *
 * - paid: the volume of its payments (credited at once or held), and their count;
 * - refunded: held payments refunded; released: held payments released; held: still held (the exposure);
 * - refundRateBps: `refunded * 10000 / paid`, rounded down (0 with nothing paid);
 * - clean: paid minus refunded minus still held, the volume that counts as trust.
 *
 * docs/architecture.md ("Risk figures") gives the same formulas.
 */
import type { Address } from "./eip1193.js";
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
}

export type RiskScope = "referrer" | "vendor" | "network";

/** `refunded * 10000 / paid`, rounded down; 0 with nothing paid. */
export function refundRateBps(refunded: bigint, paid: bigint): number {
  return paid === 0n ? 0 : Number((refunded * 10_000n) / paid);
}

function add(rows: Map<string, RiskRow>, scope: RiskScope, subject: string, p: LedgerPayment): void {
  const key = `${scope}/${subject.toLowerCase()}/${p.asset.toLowerCase()}`;
  const row = rows.get(key) ?? { scope, subject, asset: p.asset, payments: 0, paid: 0n, refundedPayments: 0, refunded: 0n, released: 0n, held: 0n, clean: 0n, refundRateBps: 0 };
  row.payments += 1;
  row.paid += p.amount;
  if (p.status === "refunded") {
    row.refundedPayments += 1;
    row.refunded += p.amount;
  } else if (p.status === "released") {
    row.released += p.amount;
  } else if (p.status === "pending") {
    row.held += p.amount;
  }
  row.clean = row.paid - row.refunded - row.held;
  row.refundRateBps = refundRateBps(row.refunded, row.paid);
  rows.set(key, row);
}

/** The risk figures of every referrer, vendor and network in `ledger`, in order of first payment. */
export function riskFigures(ledger: Ledger): RiskRow[] {
  const rows = new Map<string, RiskRow>();
  for (const p of ledger.payments) {
    const agreement = ledger.agreements.get(p.agreementId);
    if (p.referrer !== ETH) add(rows, "referrer", p.referrer, p);
    for (const party of agreement?.parties ?? []) add(rows, "vendor", party.account, p);
    if (agreement !== undefined) add(rows, "network", String(agreement.networkId), p);
  }
  return [...rows.values()];
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
