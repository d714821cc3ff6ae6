/**
 * The loyalty-tier rule of contracts/ReferralPayments.sol (`_tierFor`), written once in TypeScript for the
 * audit and the app. test/tooling/referral-tiers.test.ts checks it against the contract on random payments.
 *
 * A payment's referral rate is the rate of the highest tier whose threshold the referrer's referred volume
 * (per lineage, before this payment) has reached, or the base rate below the first threshold. Tier 0 is the
 * base rate; tier `i` is `referralTiers[i - 1]`. The same tier decides how long the payment is held: the tier's
 * `holdbackPeriod`, the agreement's at the base rate (trust only shortens it; 0 credits at once).
 */
import type { ReferralTier } from "./eip712.js";

export type ReferralTierForParameters = {
  /** The agreement's base referral rate. */
  referralFeeBps: number;
  /** The agreement's holdback (seconds), the base tier's; default 0. */
  holdbackPeriod?: number;
  /** Its tiers above the base rate, thresholds ascending. */
  referralTiers: readonly ReferralTier[];
  /** The referrer's volume before the payment. */
  volume: bigint;
};

/** The tier reached (0: the base rate), its rate and its holdback (0: credited at once). */
export type ReferralTierForReturnType = { tier: number; feeBps: number; holdbackPeriod: number };

/** The tier `volume` has reached, its rate and its holdback (ReferralPayments._tierFor). */
export function referralTierFor({ referralFeeBps, holdbackPeriod = 0, referralTiers, volume }: ReferralTierForParameters): ReferralTierForReturnType {
  let tier = 0;
  let feeBps = referralFeeBps;
  let holdback = holdbackPeriod;
  for (const [i, next] of referralTiers.entries()) {
    if (volume < next.fromVolume) break;
    tier = i + 1;
    feeBps = next.feeBps;
    holdback = next.holdbackPeriod;
  }
  return { tier, feeBps, holdbackPeriod: holdback };
}

export type NextReferralTierReturnType = {
  /** The next tier's number. */
  tier: number;
  feeBps: number;
  fromVolume: bigint;
  /** Volume still to refer before it applies, e.g. "3.2 ETH to the next tier". */
  remaining: bigint;
} | undefined;

/** The next tier above `volume`, or `undefined` when the highest one is reached (or there are no tiers). */
export function nextReferralTier({ referralTiers, volume }: Omit<ReferralTierForParameters, "referralFeeBps">): NextReferralTierReturnType {
  const index = referralTiers.findIndex((t) => volume < t.fromVolume);
  const next = index === -1 ? undefined : referralTiers[index];
  return next === undefined ? undefined : { tier: index + 1, feeBps: next.feeBps, fromVolume: next.fromVolume, remaining: next.fromVolume - volume };
}
