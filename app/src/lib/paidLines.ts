/**
 * The lines a payment transaction paid, read from its receipt: each `PaymentSplit` with its split by the
 * shared rule (`splitPayment`) at the rate the contract applied: the `ReferralTierApplied` emitted with it
 * for a tiered agreement, the terms' rate otherwise, none without a referrer; held when a `PaymentHeld`
 * follows it. This is the ledger's reading (client/ledger.ts) for one transaction, for a checkout that
 * has the receipt but not the whole history (the embedded checkout).
 */
import { parseEventLogs, type Address, type Log } from "viem";

import { splitPayment } from "../../../client/split-math.js";
import { ecoshareAbi } from "../contracts/abis";
import { NATIVE_ASSET } from "./format";

export interface PaidLine {
  agreementId: bigint;
  asset: Address;
  referrer: Address;
  amount: bigint;
  networkFee: bigint;
  referralFee: bigint;
  vendorShare: bigint;
  /** Held for the agreement's holdback period (refundable until then). */
  held: boolean;
}

/** What the receipt reading needs of an agreement's terms. */
export interface PaidLineTerms {
  asset: Address;
  networkFeeBps: number;
  referralFeeBps: number;
}

export function paidLinesOf({ logs, ecoshare, termsOf }: { logs: readonly Log[]; ecoshare: Address; termsOf: (agreementId: bigint) => PaidLineTerms }): PaidLine[] {
  const ours = logs.filter((l) => l.address.toLowerCase() === ecoshare.toLowerCase());
  const events = parseEventLogs({ abi: ecoshareAbi, logs: ours, eventName: ["PaymentSplit", "ReferralTierApplied", "PaymentHeld"] });
  const lines: PaidLine[] = [];
  let tierRate: { agreementId: bigint; feeBps: number } | undefined;
  for (const event of events) {
    if (event.eventName === "ReferralTierApplied") tierRate = { agreementId: event.args.agreementId, feeBps: event.args.feeBps };
    else if (event.eventName === "PaymentHeld") {
      const last = lines.at(-1);
      if (last && last.agreementId === event.args.agreementId) last.held = true;
    } else {
      const { agreementId, referrer, amount } = event.args;
      const terms = termsOf(agreementId);
      const referred = referrer.toLowerCase() !== NATIVE_ASSET;
      const rate = !referred ? 0 : tierRate?.agreementId === agreementId ? tierRate.feeBps : terms.referralFeeBps;
      tierRate = undefined;
      lines.push({ agreementId, asset: terms.asset, referrer, amount, ...splitPayment({ amount, networkFeeBps: terms.networkFeeBps, referralFeeBps: rate }), held: false });
    }
  }
  return lines;
}

