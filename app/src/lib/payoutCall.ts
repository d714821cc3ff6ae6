/**
 * Which call pays an account out in one asset: `claim(agreementId)` when everything waiting is one
 * agreement's earnings (the cheap path: paid straight out, the balance untouched), else
 * `withdraw(account, asset, agreementIds)`, which collects several agreements and the balance at once.
 */
import type { Address } from "viem";

export interface PayoutCallParameters {
  account: Address;
  asset: Address;
  /** The account's balance in `asset` (referral fees, collected earnings, refunds). */
  balance: bigint;
  /** What each agreement in `asset` owes the account now. */
  collectable: readonly { agreementId: bigint; amount: bigint }[];
}

export type PayoutCallReturnType =
  | { functionName: "claim"; args: readonly [bigint] }
  | { functionName: "withdraw"; args: readonly [Address, Address, readonly bigint[]] };

export function payoutCall({ account, asset, balance, collectable }: PayoutCallParameters): PayoutCallReturnType {
  const owing = collectable.filter((c) => c.amount > 0n).map((c) => c.agreementId);
  if (balance === 0n && owing.length === 1) return { functionName: "claim", args: [owing[0]!] };
  return { functionName: "withdraw", args: [account, asset, owing] };
}
