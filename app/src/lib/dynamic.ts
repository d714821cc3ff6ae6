/**
 * Dynamic revenue sharing, as the app shows it: negotiation threads (offers, counters and amendments of one
 * lineage), the differences between versions side by side, held payments and loyalty tier progress. The
 * rules themselves (lineages, which version is outrun, held/released/refunded, tiers) are the shared
 * ledger's (client/ledger.ts, referral-tiers.ts); this module only arranges them for the screen.
 */
import type { Address, Hex } from "viem";

import type { AgreementTerms, ReferralTier } from "../../../client/eip712.js";
import { lineageVersions, type Ledger, type LedgerAgreement } from "../../../client/ledger.js";
import { duration, percent } from "../../../client/negotiator.js";
import { nextReferralTier, referralTierFor } from "../../../client/referral-tiers.js";
import { AgreementStatus } from "./enums";
import { describeReferrerRoles } from "./referrerRoles";
import { termsTextOf } from "./termsText";
import type { ProtocolEvent } from "./protocolLog";

type LooseEvent = { eventName: string; args: Record<string, unknown>; transactionHash: Hex };
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export type ThreadStatus = "pending" | "active" | "closed" | "superseded" | "terminated";

/** Who authored a version: the counter's author (maybe by signature) or its proposer. */
export function authorOf(a: LedgerAgreement): Address {
  return a.counterAuthor ?? a.proposer;
}

/**
 * Where a version stands in its thread: "closed" when a competing version of its negotiation activated
 * first (outrun, never active), "superseded" when an amendment replaced it after it was active.
 */
export function threadStatus(ledger: Ledger, a: LedgerAgreement): ThreadStatus {
  switch (a.status) {
    case AgreementStatus.Active:
      return "active";
    case AgreementStatus.Terminated:
      return "terminated";
    case AgreementStatus.Superseded:
      return ledger.agreements.get(a.supersededBy)?.previousId === a.id ? "superseded" : "closed";
    default:
      return "pending";
  }
}

/** Every version of `a`'s lineage, oldest first. */
export function threadOf(ledger: Ledger, a: LedgerAgreement): LedgerAgreement[] {
  return lineageVersions(ledger, a.lineageId);
}

export interface DiffRow {
  field: string;
  values: string[];
  /** Whether the values differ between the versions. */
  changed: boolean;
}

export interface DiffFormat {
  amount: (value: bigint) => string;
  name: (account: Address) => string;
  date: (seconds: bigint) => string;
}


export function describeTiers(base: number, tiers: readonly ReferralTier[], amount: (v: bigint) => string): string {
  if (tiers.length === 0) return percent(base);
  return [percent(base), ...tiers.map((t) => `${percent(t.feeBps)} from ${amount(t.fromVolume)}`)].join(", ");
}

export function describeHoldback(seconds: number): string {
  return seconds === 0 ? "none" : duration(seconds);
}

/** The terms of several versions side by side, one row per field. */
export function diffTerms(versions: readonly AgreementTerms[], f: DiffFormat): DiffRow[] {
  const accounts: Address[] = [];
  for (const t of versions) for (const p of t.parties) if (!accounts.some((a) => same(a, p.account))) accounts.push(p.account);
  const rows: { field: string; values: string[] }[] = [
    ...accounts.map((account) => ({
      field: `Share: ${f.name(account)}`,
      values: versions.map((t) => {
        const p = t.parties.find((x) => same(x.account, account));
        return p ? percent(p.shareBps) : "not a party";
      }),
    })),
    { field: "Referral rate", values: versions.map((t) => percent(t.referralFeeBps)) },
    {
      field: "Tiers",
      values: versions.map((t) => (t.referralTiers.length === 0 ? "none" : t.referralTiers.map((x) => `${percent(x.feeBps)} from ${f.amount(x.fromVolume)}, ${x.holdbackPeriod === 0 ? "credited at once" : `held ${describeHoldback(x.holdbackPeriod)}`}`).join(", "))),
    },
    { field: "Who may refer", values: versions.map((t) => describeReferrerRoles(t.referrerRoles)) },
    { field: "Network fee", values: versions.map((t) => percent(t.networkFeeBps)) },
    { field: "Window", values: versions.map((t) => `${f.date(t.validFrom)} to ${f.date(t.validUntil)}`) },
    { field: "Holdback", values: versions.map((t) => describeHoldback(t.holdbackPeriod)) },
    { field: "Refunder", values: versions.map((t) => (t.holdbackPeriod === 0 ? "none" : f.name(t.refunder))) },
    { field: "Terms text", values: versions.map((t) => termsTextOf(t.termsURI).shown) },
  ];
  return rows.map((r) => ({ ...r, changed: new Set(r.values).size > 1 }));
}

// ---------------------------------------------------------------------------------------------------------
// Held payments

/** The keys `${transaction}:${agreementId}` of payments that were held: their PaymentSplit credits nobody yet. */
export function heldSplitKeys(events: readonly ProtocolEvent[]): Set<string> {
  const keys = new Set<string>();
  for (const raw of events) {
    const e = raw as unknown as LooseEvent;
    if (e.eventName === "PaymentHeld") keys.add(`${e.transactionHash}:${String(e.args.agreementId)}`);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------------------
// Loyalty tiers

export interface TierProgress {
  /** 0 is the base rate. */
  tier: number;
  feeBps: number;
  volume: bigint;
  next?: { tier: number; feeBps: number; fromVolume: bigint; remaining: bigint };
}

/** The rate a referrer with `volume` referred gets on its next payment, and how far the next tier is (shared rule). */
export function tierProgress(baseBps: number, tiers: readonly ReferralTier[], volume: bigint): TierProgress {
  const { tier, feeBps } = referralTierFor({ referralFeeBps: baseBps, referralTiers: tiers, volume });
  const next = nextReferralTier({ referralTiers: tiers, volume });
  return next ? { tier, feeBps, volume, next } : { tier, feeBps, volume };
}
