/**
 * A checkout order: lines from several active agreements (any network, ETH and tokens mixed), one referrer
 * for the whole order, paid in one `payOrder` transaction. Framework-free: the Checkout page drafts lines,
 * {@link planOrder} decides each line's referrer and exact split the way the contract will, and
 * {@link payOrderCall} / {@link tokenPulls} give what the transaction and its permits carry. After paying, the
 * receipt is the shared ledger's record of the order (its `orders` and `payments`).
 *
 * The rules are the shared ones (client/split-math.ts, referral-tiers.ts) applied line after line in
 * order, as ReferralPayments.payOrder does: a line's tier rate is the one the referrer's volume reached before
 * it (earlier non-held lines of the same lineage count), and a line's vendor share joins its agreement's pool
 * before the next line of the same agreement.
 */
import { getAddress, parseUnits, type Address, type Hex } from "viem";

import type { ReferralTier } from "../../../client/eip712.js";
import type { LedgerParty } from "../../../client/ledger.js";
import { orderRefFromText } from "../../../client/order-ref.js";
import { referralTierFor } from "../../../client/referral-tiers.js";
import { splitPayment, type SplitPaymentReturnType } from "../../../client/split-math.js";
import { AgreementStatus, MemberStatus } from "./enums";
import { clockPhase, paymentBlocker } from "./agreementPhase";
import { NATIVE_ASSET } from "./format";
import { allowedRoleNames, mayRefer } from "./referrerRoles";

/** What the order needs to know of an agreement: its terms and live state (status, pool, referrer roles). */
export interface OrderAgreement {
  id: bigint;
  networkId: bigint;
  lineageId: bigint;
  asset: Address;
  status: AgreementStatus;
  validFrom: bigint;
  validUntil: bigint;
  networkFeeBps: number;
  referralFeeBps: number;
  referralTiers: readonly ReferralTier[];
  referrerRoles: number;
  holdbackPeriod: number;
  vendorPool: bigint;
  parties: readonly LedgerParty[];
}

/** One line as the customer entered it. */
export interface OrderLineInput {
  agreement: OrderAgreement;
  amount: bigint;
  /** This line's own referrer (an embedded checkout's line may name one), instead of the order's. */
  referrer?: Address | undefined;
}

/** The referrer's membership of one network, as `membership(networkId, referrer)` reports it. */
export interface ReferrerStanding {
  role: number;
  status: MemberStatus;
}

export interface PlanOrderParameters {
  lines: readonly OrderLineInput[];
  /** The referral link's referrer, if any. */
  referrer?: Address | undefined;
  /** The connected account that will pay. */
  payer?: Address | undefined;
  /** The referrer's membership of a network (undefined: not a member); `referrer` is the line's. */
  standingOf: (networkId: bigint, referrer: Address) => ReferrerStanding | undefined;
  /** The referrer's referred volume in a lineage before this order (the contract's `referredVolume`). */
  volumeOf: (agreement: OrderAgreement, referrer: Address) => bigint;
  /** Seconds since the epoch (the latest block's time). */
  now: bigint;
}

export interface PlannedLine {
  agreement: OrderAgreement;
  amount: bigint;
  /** Who this line credits: the link's referrer, or address(0). */
  referrer: Address;
  /** Why the link's referrer earns nothing on this line (it would make the contract refuse the order). */
  referrerSkipped?: string;
  /** The tier the referrer reaches for this line (tiered agreements only) and the rate it is charged. */
  tier?: number;
  referralFeeBps: number;
  split: SplitPaymentReturnType;
  /** The agreement's vendor pool before this line: earlier lines of the same agreement included. */
  vendorPoolBefore: bigint;
  /** Held for the agreement's holdback period (refundable, credited on release). */
  held: boolean;
  /** Why this line cannot be paid now. */
  problem?: string;
}

export interface OrderPlan {
  lines: PlannedLine[];
  /** Total per asset, in the order the assets first appear. */
  totals: { asset: Address; amount: bigint }[];
  /** The ETH the transaction carries: the sum of the ETH lines. */
  value: bigint;
  /** Problems that stop the whole order, one sentence each. */
  problems: string[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Each line's referrer, tier rate and exact split, in the order the contract splits them. */
export function planOrder({ lines, referrer, payer, standingOf, volumeOf, now }: PlanOrderParameters): OrderPlan {
  const pools = new Map<bigint, bigint>();
  const volumes = new Map<string, bigint>();
  const totals: { asset: Address; amount: bigint }[] = [];
  const problems: string[] = [];
  if (lines.length === 0) problems.push("Add at least one line to the order.");

  const planned = lines.map(({ agreement: a, amount, referrer: lineReferrer }, index): PlannedLine => {
    const problem = lineProblem(a, amount, now);
    if (problem) problems.push(`Line ${index + 1}: ${problem}`);

    let credited: Address = NATIVE_ASSET;
    let referrerSkipped: string | undefined;
    const who = lineReferrer ?? referrer;
    if (who) {
      const standing = standingOf(a.networkId, who);
      if (payer && same(who, payer)) referrerSkipped = "You cannot refer yourself: no referrer is credited.";
      else if (standing?.status !== MemberStatus.Active) referrerSkipped = `The referrer is not an active member of this agreement's network: no referrer is credited on this line.`;
      else if (!mayRefer(a.referrerRoles, standing.role)) referrerSkipped = `This agreement lets only ${allowedRoleNames(a.referrerRoles).join(" and ")} refer: no referrer is credited on this line.`;
      else credited = getAddress(who);
    }

    let holdbackPeriod = a.holdbackPeriod;
    let referralFeeBps = 0;
    let tier: number | undefined;
    if (credited !== NATIVE_ASSET) {
      if (a.referralTiers.length === 0) referralFeeBps = a.referralFeeBps;
      else {
        // Volume is per lineage and referrer, as the contract counts it.
        const key = `${a.lineageId}:${credited}`;
        const volume = volumes.get(key) ?? volumeOf(a, credited);
        // Trust decides the holdback too: the tier's (0: credited at once).
        ({ tier, feeBps: referralFeeBps, holdbackPeriod } = referralTierFor({ ...a, volume }));
        // Volume is earned: a held line counts only when released, so it does not lift the next line's tier.
        volumes.set(key, holdbackPeriod > 0 ? volume : volume + amount);
      }
    }
    const held = holdbackPeriod > 0;
    const split = splitPayment({ amount, networkFeeBps: a.networkFeeBps, referralFeeBps });
    const vendorPoolBefore = pools.get(a.id) ?? a.vendorPool;
    if (!held) pools.set(a.id, vendorPoolBefore + split.vendorShare);

    const total = totals.find((t) => same(t.asset, a.asset));
    if (total) total.amount += amount;
    else totals.push({ asset: a.asset, amount });

    return {
      agreement: a,
      amount,
      referrer: credited,
      ...(referrerSkipped ? { referrerSkipped } : {}),
      ...(tier !== undefined ? { tier } : {}),
      referralFeeBps,
      split,
      vendorPoolBefore,
      held,
      ...(problem ? { problem } : {}),
    };
  });
  const value = totals.find((t) => t.asset === NATIVE_ASSET)?.amount ?? 0n;
  return { lines: planned, totals, value, problems };
}

/**
 * Why agreement `a` cannot take `amount` at `now`, as the contract would refuse it; undefined when it can.
 * The validity window is judged as everywhere in the app (lib/agreementPhase.ts): by the chain's clock, and
 * already expired at `validUntil` since the next block comes later.
 */
function lineProblem(a: OrderAgreement, amount: bigint, now: bigint): string | undefined {
  if (amount <= 0n) return "enter an amount above zero.";
  if (a.status !== AgreementStatus.Active) return `agreement #${a.id} does not take payments (it is not active).`;
  return paymentBlocker(a, clockPhase(a, now));
}

/** IReferralPayments.OrderLine, as viem encodes it. */
export interface OrderLine {
  agreementId: bigint;
  asset: Address;
  amount: bigint;
  referrer: Address;
}

/** The lines and ETH value of the `payOrder` transaction for `plan`. */
export function payOrderCall(plan: OrderPlan): { lines: OrderLine[]; value: bigint } {
  return {
    lines: plan.lines.map((l) => ({ agreementId: l.agreement.id, asset: l.agreement.asset, amount: l.amount, referrer: l.referrer })),
    value: plan.value,
  };
}

/** What the contract pulls of each token: once per token, the sum of its lines (what a permit or approval must cover). */
export function tokenPulls(plan: OrderPlan): { token: Address; amount: bigint }[] {
  return plan.totals.filter((t) => t.asset !== NATIVE_ASSET).map((t) => ({ token: t.asset, amount: t.amount }));
}

/** How the order pays one token: nothing to do, a signed permit (no gas), or an approval transaction first. */
export type TokenStep = "allowance" | "permit" | "approve";

/** The step for a token pulled for `amount`, given what the contract may already spend and whether it has EIP-2612. */
export function tokenStep({ amount, allowance, permit }: { amount: bigint; allowance: bigint; permit: boolean }): TokenStep {
  if (allowance >= amount) return "allowance";
  return permit ? "permit" : "approve";
}

// ---------------------------------------------------------------------------------------------------------
// Amounts and the order reference

/** An amount typed by the customer in whole units ("99.5", "1,5"), or why it is not one. */
export function parseAmountText(text: string, asset: { symbol: string; decimals: number }): { amount: bigint } | { error: string } | undefined {
  const trimmed = text.trim().replace(",", ".");
  if (trimmed === "") return undefined;
  if (!/^\d*\.?\d*$/.test(trimmed) || trimmed === ".") return { error: `Enter an amount in ${asset.symbol}, e.g. 120 or 99.5.` };
  const fraction = trimmed.split(".")[1] ?? "";
  if (fraction.length > asset.decimals) return { error: `${asset.symbol} has at most ${asset.decimals} decimals.` };
  const amount = parseUnits(trimmed, asset.decimals);
  return amount > 0n ? { amount } : { error: "Enter an amount above zero." };
}

/**
 * The longest order reference the checkout takes: printable ASCII (the shared rule, client/order-ref.ts,
 * so the audit shows it as text), at most 31 characters.
 */
export const MAX_ORDER_REF_BYTES = 31;

/** The order reference as bytes32 (shared `orderRefFromText`), or why the text does not fit. */
export function encodeOrderRef(text: string): { orderRef: Hex } | { error: string } {
  if (text.trim() === "") return { error: "Enter an order reference or leave it empty to have one generated." };
  if (!/^[\x20-\x7e]+$/.test(text)) return { error: "An order reference uses plain letters, digits, spaces and punctuation (ASCII) only." };
  if (text.length > MAX_ORDER_REF_BYTES) return { error: `An order reference has at most ${MAX_ORDER_REF_BYTES} characters; this one has ${text.length}.` };
  return { orderRef: orderRefFromText(text) };
}

/** A fresh order reference: `ORD-YYYYMMDD-` and 8 random hex digits (22 bytes). */
export function generateOrderRef(now: Date = new Date(), random: Uint8Array = crypto.getRandomValues(new Uint8Array(4))): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `ORD-${day}-${Array.from(random.slice(0, 4), (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase()}`;
}
