/**
 * The negotiator: standing mandates in, terms out. Framework-free, shared by the app and the
 * `negotiate` CLI task. Two questions, one rule set (docs/architecture.md, "Mandates and the matching rule"):
 *
 * - `mandateFit(terms, mandates, now)`: which parties' mandates do these terms fit, and for each one that does
 *   not, why (the bounds the contract checks when a proposal counts as a mandate acceptance);
 * - `negotiate({ mandates, fixed, now })`: do any terms fit every mandate, and if so the terms in the middle
 *   of the overlap; if not, which bounds conflict and whose, in plain words.
 *
 * Every `negotiate` result passes `mandateFit` (test/tooling/negotiator.test.ts checks it on random mandates).
 */
import type { Address } from "viem";
import type { AgreementTerms, MandateStruct, Party, ReferralTier } from "./eip712.js";
import { ETH } from "./protocol.js";

/** Basis points in a whole (SplitMath.BPS). */
export const BPS = 10_000;
/** The contract's own ceilings (AgreementProposals, NetworkRegistry): no mandate can widen them. */
export const MAX_REFERRAL_FEE_BPS = 5_000;
export const MAX_NETWORK_FEE_BPS = 1_000;
export const MAX_HOLDBACK_PERIOD = 180 * 86_400;
/** The agreement length proposed when no mandate bounds it and none is given: one year. */
export const DEFAULT_VALIDITY = 365 * 86_400;
const ZERO_HASH = `0x${"0".repeat(64)}` as const;

/**
 * One member's standing mandate for one network: the contract's `IMandates.Mandate` (eip712.ts `MandateStruct`,
 * field for field, as `mandateOf` returns it) and the member it speaks for. The negotiator applies the
 * contract's own bounds. Two leniencies exist only for mandates written in a file, never on chain (where every
 * mandate names 1 to 8 assets, a length above 0 and a future expiry): `assets` empty means any asset,
 * `maxValidity` 0 no bound on the length and `expiresAt` 0 no expiry.
 */
export interface Mandate extends MandateStruct {
  /** The member the mandate speaks for. */
  account: Address;
  /** A display name for messages ("Ana"); the short address otherwise. */
  label?: string;
}

/** A mandate as the contract returns it: viem may give the expiry as a number and the assets read-only. */
export type ChainMandate = Omit<MandateStruct, "expiresAt" | "assets"> & { expiresAt: bigint | number; assets: readonly Address[] };

/** The contract's mandate of `account` as the negotiator takes it. */
export function partyMandate(mandate: ChainMandate, account: Address, label?: string): Mandate {
  return { ...mandateStruct(mandate), account, ...(label === undefined ? {} : { label }) };
}

/** The part of a mandate the contract stores (`grantMandate`'s argument), field for field: no account, no label. */
export function mandateStruct(mandate: ChainMandate): MandateStruct {
  return {
    networkId: mandate.networkId,
    minShareBps: mandate.minShareBps,
    maxReferralFeeBps: mandate.maxReferralFeeBps,
    maxNetworkFeeBps: mandate.maxNetworkFeeBps,
    minHoldbackPeriod: mandate.minHoldbackPeriod,
    maxHoldbackPeriod: mandate.maxHoldbackPeriod,
    maxValidity: mandate.maxValidity,
    expiresAt: BigInt(mandate.expiresAt),
    assets: [...mandate.assets],
  };
}

/** Why one party's mandate does not fit: a bound, and a sentence naming it. */
export interface MandateMiss {
  bound:
    | "missing"
    | "network"
    | "expired"
    | "notParty"
    | "asset"
    | "share"
    | "referralFee"
    | "tierFee"
    | "networkFee"
    | "holdbackMin"
    | "holdbackMax"
    | "validity";
  message: string;
}

export interface PartyFit {
  account: Address;
  fits: boolean;
  misses: MandateMiss[];
}

/** Percent for people: 3_000 bps -> "30%", 1_250 -> "12.5%". */
export function percent(bps: number): string {
  return `${Number((bps / 100).toFixed(2))}%`;
}

/** Seconds for people: 1_209_600 -> "14 days", 3_600 -> "1 hour", 90 -> "90 seconds". */
export function duration(seconds: number): string {
  const units: [number, string][] = [[86_400, "day"], [3_600, "hour"], [60, "minute"], [1, "second"]];
  if (seconds === 0) return "0 days";
  for (const [size, name] of units) {
    if (seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} seconds`;
}

function nameOf(m: Pick<Mandate, "account" | "label">): string {
  return m.label ?? `${m.account.slice(0, 6)}…${m.account.slice(-4)}`;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Whether a mandate is live at `now` (unix seconds): not past its expiry. Revocation removes it outright. */
export function isLive(mandate: Pick<Mandate, "expiresAt">, now: bigint): boolean {
  return mandate.expiresAt === 0n || now < mandate.expiresAt;
}

/** Why `mandate` does not cover `terms` for its member (empty: it does). */
export function mandateMisses(terms: AgreementTerms, mandate: Mandate, now: bigint): MandateMiss[] {
  const who = nameOf(mandate);
  const misses: MandateMiss[] = [];
  if (mandate.networkId !== terms.networkId) {
    misses.push({ bound: "network", message: `${who}'s mandate is for network ${mandate.networkId}, these terms are for network ${terms.networkId}.` });
  }
  if (!isLive(mandate, now)) {
    misses.push({ bound: "expired", message: `${who}'s mandate expired at ${new Date(Number(mandate.expiresAt) * 1000).toISOString()}.` });
  }
  const party = terms.parties.find((p) => sameAddress(p.account, mandate.account));
  if (party === undefined) {
    misses.push({ bound: "notParty", message: `${who} is not a party to these terms.` });
  } else if (party.shareBps < mandate.minShareBps) {
    misses.push({ bound: "share", message: `${who}'s share is ${percent(party.shareBps)}, below ${who}'s floor of ${percent(mandate.minShareBps)}.` });
  }
  if (mandate.assets.length > 0 && !mandate.assets.some((a) => sameAddress(a, terms.asset))) {
    misses.push({ bound: "asset", message: `${who} accepts only ${mandate.assets.join(", ")}, not ${terms.asset}.` });
  }
  if (terms.referralFeeBps > mandate.maxReferralFeeBps) {
    misses.push({ bound: "referralFee", message: `The referral fee ${percent(terms.referralFeeBps)} is above ${who}'s limit of ${percent(mandate.maxReferralFeeBps)}.` });
  }
  // Tiers carry their own holdback (trust tiers); the same holdback bounds apply to every one.
  const tiers = terms.referralTiers;
  for (const [i, tier] of tiers.entries()) {
    if (tier.feeBps > mandate.maxReferralFeeBps) {
      misses.push({ bound: "tierFee", message: `Tier ${i + 1}'s referral fee ${percent(tier.feeBps)} is above ${who}'s limit of ${percent(mandate.maxReferralFeeBps)}.` });
    }
  }
  if (terms.networkFeeBps > mandate.maxNetworkFeeBps) {
    misses.push({ bound: "networkFee", message: `The network fee ${percent(terms.networkFeeBps)} is above ${who}'s limit of ${percent(mandate.maxNetworkFeeBps)}.` });
  }
  const holdbacks: [string, number][] = [["The holdback", terms.holdbackPeriod], ...tiers.map((t, i): [string, number] => [`Tier ${i + 1}'s holdback`, t.holdbackPeriod])];
  for (const [what, period] of holdbacks) {
    if (period < mandate.minHoldbackPeriod) {
      misses.push({ bound: "holdbackMin", message: `${what} of ${duration(period)} is shorter than ${who}'s minimum of ${duration(mandate.minHoldbackPeriod)}.` });
    }
    if (period > mandate.maxHoldbackPeriod) {
      misses.push({ bound: "holdbackMax", message: `${what} of ${duration(period)} is longer than ${who}'s maximum of ${duration(mandate.maxHoldbackPeriod)}.` });
    }
  }
  const validity = terms.validUntil - terms.validFrom;
  if (mandate.maxValidity !== 0 && validity > BigInt(mandate.maxValidity)) {
    misses.push({ bound: "validity", message: `The agreement runs ${duration(Number(validity))}, longer than ${who}'s limit of ${duration(mandate.maxValidity)}.` });
  }
  return misses;
}

/**
 * For each party of `terms`, whether its mandate (the one in `mandates` for its account) covers the terms, and
 * if not, why. A party without a mandate is not covered ("missing"): it accepts by hand.
 */
export function mandateFit(terms: AgreementTerms, mandates: readonly Mandate[], now: bigint): PartyFit[] {
  return terms.parties.map(({ account }) => {
    const mandate = mandates.find((m) => sameAddress(m.account, account) && m.networkId === terms.networkId) ?? mandates.find((m) => sameAddress(m.account, account));
    const misses = mandate === undefined ? [{ bound: "missing" as const, message: `${account} has no mandate for network ${terms.networkId}: it accepts by hand.` }] : mandateMisses(terms, mandate, now);
    return { account, fits: misses.length === 0, misses };
  });
}

/** Inputs the negotiator must not choose: it checks them against the mandates instead. */
export interface FixedTerms {
  asset?: Address;
  /** The network's fee (its registry setting); 0 when not given. */
  networkFeeBps?: number;
  feeRecipient?: Address;
  /** An exact referral rate, or a floor the proposal must not go under (the referrer's ask). */
  referralFeeBps?: number;
  minReferralFeeBps?: number;
  referralTiers?: readonly ReferralTier[];
  referrerRoles?: number;
  holdbackPeriod?: number;
  /** Defaults to the first party when the proposal holds payments back. */
  refunder?: Address;
  /** Defaults to `now`. */
  validFrom?: bigint;
  /** The agreement's length in seconds; defaults to the shortest mandate limit (or DEFAULT_VALIDITY). */
  validity?: number;
  termsHash?: `0x${string}`;
  termsURI?: string;
}

export interface NegotiateParameters {
  /** One mandate per party, in party order (the share split gives any leftover basis points in this order). */
  mandates: readonly Mandate[];
  fixed?: FixedTerms;
  /** Unix seconds. */
  now: bigint;
}

/** A conflict: the bound, the members whose mandates clash on it, and a sentence naming them. */
export interface Conflict {
  bound: MandateMiss["bound"] | "parties" | "fees";
  accounts: Address[];
  message: string;
}

export type NegotiateReturnType = { ok: true; terms: AgreementTerms } | { ok: false; conflicts: Conflict[] };

function list(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** The midpoint of [lo, hi], rounded down. */
function mid(lo: number, hi: number): number {
  return Math.floor((lo + hi) / 2);
}

/**
 * The terms in the middle of the mandates' overlap, or the conflicts that leave no overlap. The rule
 * (docs/architecture.md): shares = each floor plus an equal split of the slack (leftover bps in party order);
 * referral fee = midpoint of [floor, lowest maximum]; holdback = midpoint of [highest minimum, lowest maximum];
 * length = the lowest maximum; asset = the first of the first restricting mandate's list that every mandate
 * accepts (ETH when none restricts). Fixed inputs are taken as given and checked.
 */
export function negotiate({ mandates, fixed = {}, now }: NegotiateParameters): NegotiateReturnType {
  const conflicts: Conflict[] = [];
  const first = mandates[0];
  if (first === undefined) return { ok: false, conflicts: [{ bound: "parties", accounts: [], message: "No mandates given: name at least one party." }] };
  const networkId = first.networkId;
  const seen = new Set<string>();
  for (const m of mandates) {
    if (seen.has(m.account.toLowerCase())) conflicts.push({ bound: "parties", accounts: [m.account], message: `${nameOf(m)} is listed twice.` });
    seen.add(m.account.toLowerCase());
    if (m.networkId !== networkId) {
      conflicts.push({ bound: "network", accounts: [m.account], message: `${nameOf(m)}'s mandate is for network ${m.networkId}, the others' for network ${networkId}.` });
    }
    if (!isLive(m, now)) conflicts.push({ bound: "expired", accounts: [m.account], message: `${nameOf(m)}'s mandate has expired.` });
  }
  const accounts = mandates.map((m) => m.account);

  // Shares.
  const floorSum = mandates.reduce((s, m) => s + m.minShareBps, 0);
  let parties: Party[] = [];
  if (floorSum > BPS) {
    const floors = mandates.map((m) => `${nameOf(m)}'s ${percent(m.minShareBps)}`);
    conflicts.push({ bound: "share", accounts, message: `The share floors ${list(floors)} add up to ${percent(floorSum)}, more than 100%.` });
  } else {
    const slack = BPS - floorSum;
    const each = Math.floor(slack / mandates.length);
    const extra = slack - each * mandates.length;
    parties = mandates.map((m, i) => ({ account: m.account, shareBps: m.minShareBps + each + (i < extra ? 1 : 0) }));
  }

  // The tightest maximum of one bound, and whose it is.
  const lowest = (pick: (m: Mandate) => number): { value: number; who: Mandate } => mandates.reduce((best, m) => (pick(m) < best.value ? { value: pick(m), who: m } : best), { value: pick(first), who: first });
  const highest = (pick: (m: Mandate) => number): { value: number; who: Mandate } => mandates.reduce((best, m) => (pick(m) > best.value ? { value: pick(m), who: m } : best), { value: pick(first), who: first });

  // Network fee: given by the network, only checked.
  const networkFeeBps = fixed.networkFeeBps ?? 0;
  const netMax = lowest((m) => m.maxNetworkFeeBps);
  if (networkFeeBps > netMax.value) {
    conflicts.push({ bound: "networkFee", accounts: [netMax.who.account], message: `The network's fee ${percent(networkFeeBps)} is above ${nameOf(netMax.who)}'s limit of ${percent(netMax.value)}.` });
  }

  // Referral fee.
  const refMax = lowest((m) => Math.min(m.maxReferralFeeBps, MAX_REFERRAL_FEE_BPS));
  let referralFeeBps = 0;
  if (fixed.referralFeeBps !== undefined) {
    referralFeeBps = fixed.referralFeeBps;
    if (referralFeeBps > refMax.value) {
      conflicts.push({ bound: "referralFee", accounts: [refMax.who.account], message: `The referral fee ${percent(referralFeeBps)} asked for is above ${nameOf(refMax.who)}'s limit of ${percent(refMax.value)}.` });
    }
  } else {
    const floor = fixed.minReferralFeeBps ?? 0;
    if (floor > refMax.value) {
      conflicts.push({ bound: "referralFee", accounts: [refMax.who.account], message: `The referrer asks at least ${percent(floor)}, above ${nameOf(refMax.who)}'s limit of ${percent(refMax.value)}.` });
    }
    referralFeeBps = mid(floor, refMax.value);
  }
  for (const [i, tier] of (fixed.referralTiers ?? []).entries()) {
    if (tier.feeBps > refMax.value) {
      conflicts.push({ bound: "tierFee", accounts: [refMax.who.account], message: `Tier ${i + 1}'s referral fee ${percent(tier.feeBps)} is above ${nameOf(refMax.who)}'s limit of ${percent(refMax.value)}.` });
    }
  }
  if (networkFeeBps + referralFeeBps > BPS) {
    conflicts.push({ bound: "fees", accounts: [], message: `The network fee and referral fee add up to more than 100%.` });
  }

  // Holdback.
  const holdMin = highest((m) => m.minHoldbackPeriod);
  const holdMax = lowest((m) => Math.min(m.maxHoldbackPeriod, MAX_HOLDBACK_PERIOD));
  let holdbackPeriod = 0;
  if (holdMin.value > holdMax.value) {
    conflicts.push({
      bound: "holdbackMin",
      accounts: [holdMin.who.account, holdMax.who.account],
      message: `${nameOf(holdMin.who)} wants payments held at least ${duration(holdMin.value)}, but ${nameOf(holdMax.who)} accepts at most ${duration(holdMax.value)}.`,
    });
  } else if (fixed.holdbackPeriod !== undefined) {
    holdbackPeriod = fixed.holdbackPeriod;
    if (holdbackPeriod < holdMin.value) conflicts.push({ bound: "holdbackMin", accounts: [holdMin.who.account], message: `The holdback of ${duration(holdbackPeriod)} asked for is shorter than ${nameOf(holdMin.who)}'s minimum of ${duration(holdMin.value)}.` });
    if (holdbackPeriod > holdMax.value) conflicts.push({ bound: "holdbackMax", accounts: [holdMax.who.account], message: `The holdback of ${duration(holdbackPeriod)} asked for is longer than ${nameOf(holdMax.who)}'s maximum of ${duration(holdMax.value)}.` });
  } else {
    holdbackPeriod = mid(holdMin.value, holdMax.value);
  }
  // Fixed tiers keep their holdbacks: inside every mandate's bounds, and (the contract's rule) never longer than
  // the tier's below, the agreement's for the first.
  let below = holdbackPeriod;
  for (const [i, tier] of (fixed.referralTiers ?? []).entries()) {
    const what = `Tier ${i + 1}'s holdback of ${duration(tier.holdbackPeriod)}`;
    if (tier.holdbackPeriod < holdMin.value) conflicts.push({ bound: "holdbackMin", accounts: [holdMin.who.account], message: `${what} is shorter than ${nameOf(holdMin.who)}'s minimum of ${duration(holdMin.value)}.` });
    if (tier.holdbackPeriod > holdMax.value) conflicts.push({ bound: "holdbackMax", accounts: [holdMax.who.account], message: `${what} is longer than ${nameOf(holdMax.who)}'s maximum of ${duration(holdMax.value)}.` });
    if (tier.holdbackPeriod > below) conflicts.push({ bound: "holdbackMax", accounts: [], message: `${what} is longer than the ${duration(below)} of the ${i === 0 ? "agreement" : `tier ${i}`}: earned trust may only shorten the holdback.` });
    below = tier.holdbackPeriod;
  }

  // Validity.
  const bounded = mandates.filter((m) => m.maxValidity !== 0);
  const lenMax = bounded.length === 0 ? undefined : bounded.reduce((best, m) => (m.maxValidity < best.maxValidity ? m : best));
  let validity = fixed.validity ?? lenMax?.maxValidity ?? DEFAULT_VALIDITY;
  if (validity <= 0) {
    conflicts.push({ bound: "validity", accounts: [], message: `The agreement's length must be more than 0 seconds.` });
    validity = 1;
  }
  if (lenMax !== undefined && validity > lenMax.maxValidity) {
    conflicts.push({ bound: "validity", accounts: [lenMax.account], message: `An agreement of ${duration(validity)} is longer than ${nameOf(lenMax)}'s limit of ${duration(lenMax.maxValidity)}.` });
  }

  // Asset.
  const accepts = (m: Mandate, asset: string): boolean => m.assets.length === 0 || m.assets.some((a) => sameAddress(a, asset));
  let asset: Address = fixed.asset ?? ETH;
  if (fixed.asset !== undefined) {
    const refusing = mandates.filter((m) => !accepts(m, fixed.asset!));
    if (refusing.length > 0) conflicts.push({ bound: "asset", accounts: refusing.map((m) => m.account), message: `${list(refusing.map(nameOf))} ${refusing.length === 1 ? "does" : "do"} not accept the asset ${fixed.asset}.` });
  } else {
    const restricting = mandates.filter((m) => m.assets.length > 0);
    if (restricting.length > 0) {
      const common = restricting[0]!.assets.find((a) => mandates.every((m) => accepts(m, a)));
      if (common === undefined) {
        const lists = restricting.map((m) => `${nameOf(m)} only ${m.assets.join(", ")}`);
        conflicts.push({ bound: "asset", accounts: restricting.map((m) => m.account), message: `No asset is accepted by all: ${list(lists)}.` });
      } else {
        asset = common;
      }
    }
  }

  if (conflicts.length > 0) return { ok: false, conflicts };
  const validFrom = fixed.validFrom ?? now;
  const terms: AgreementTerms = {
    networkId,
    asset,
    parties,
    referralFeeBps,
    referralTiers: [...(fixed.referralTiers ?? [])],
    referrerRoles: fixed.referrerRoles ?? 0,
    networkFeeBps,
    feeRecipient: fixed.feeRecipient ?? ETH,
    validFrom,
    validUntil: validFrom + BigInt(validity),
    holdbackPeriod,
    refunder: holdbackPeriod === 0 ? ETH : (fixed.refunder ?? parties[0]!.account),
    termsHash: fixed.termsHash ?? ZERO_HASH,
    termsURI: fixed.termsURI ?? "",
  };
  return { ok: true, terms };
}
