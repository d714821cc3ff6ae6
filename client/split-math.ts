/**
 * The rounding rules of a payment's split and of the parties' shares: contracts/libraries/SplitMath.sol,
 * written once in TypeScript for the audit and the app. test/tooling/split-math.test.ts checks both
 * agree on random payments.
 *
 * Fees round down per payment; the rest is the payment's vendor share. Party `i` owns the slice
 * `[start_i, start_i + share_i)` of 10,000 basis points. While the vendor pool can still grow a party may
 * collect `floor(V * share_i / 10_000)`; once the agreement is closed, its exact slice
 * `floor(V * (start_i + share_i) / 10_000) - floor(V * start_i / 10_000)`, so all slices add up to `V`.
 */

/** The whole, in basis points. */
export const BPS = 10_000n;

export type SplitPaymentParameters = {
  amount: bigint;
  networkFeeBps: number | bigint;
  /** The agreement's referral fee rate, or 0 when the customer named no referrer. */
  referralFeeBps: number | bigint;
};

/** `networkFee + referralFee + vendorShare === amount`, always. */
export type SplitPaymentReturnType = { networkFee: bigint; referralFee: bigint; vendorShare: bigint };

/** Splits one payment (SplitMath.splitPayment). */
export function splitPayment({ amount, networkFeeBps, referralFeeBps }: SplitPaymentParameters): SplitPaymentReturnType {
  const networkFee = (amount * BigInt(networkFeeBps)) / BPS;
  const referralFee = (amount * BigInt(referralFeeBps)) / BPS;
  return { networkFee, referralFee, vendorShare: amount - networkFee - referralFee };
}

export type OpenEntitlementParameters = { vendorPool: bigint; shareBps: number | bigint };

/** What a party may collect while the pool can still grow (SplitMath.openEntitlement). */
export function openEntitlement({ vendorPool, shareBps }: OpenEntitlementParameters): bigint {
  return (vendorPool * BigInt(shareBps)) / BPS;
}

export type FinalEntitlementParameters = { vendorPool: bigint; shareStart: number | bigint; shareBps: number | bigint };

/** What a party may collect from a final pool: its exact slice (SplitMath.finalEntitlement). */
export function finalEntitlement({ vendorPool, shareStart, shareBps }: FinalEntitlementParameters): bigint {
  const start = BigInt(shareStart);
  return (vendorPool * (start + BigInt(shareBps))) / BPS - (vendorPool * start) / BPS;
}

export type EntitlementParameters = FinalEntitlementParameters & {
  /** Whether the pool is final: the agreement was terminated or superseded, or its window is over. */
  closed: boolean;
};

/** What a party is entitled to in total, as the contract's `_owed` decides it. */
export function entitlement({ vendorPool, shareStart, shareBps, closed }: EntitlementParameters): bigint {
  return closed ? finalEntitlement({ vendorPool, shareStart, shareBps }) : openEntitlement({ vendorPool, shareBps });
}

/** Each party's slice start: the sum of the shares before it, in the order proposed. */
export function shareStarts(parties: readonly { shareBps: number }[]): number[] {
  let start = 0;
  return parties.map(({ shareBps }) => {
    const at = start;
    start += shareBps;
    return at;
  });
}
