/**
 * The receipt a customer sees after paying: the payment as the shared ledger recorded it from the
 * transaction's events. Since v2, `PaymentSplit` carries no split: the ledger derives it from the terms (and
 * the tier event) by the shared rules, so the receipt reads it there rather than working it out again.
 */
import type { Address, Hash, Hex } from "viem";

import type { Ledger } from "../../../client/ledger.js";

export interface PaymentReceipt {
  transactionHash: Hash;
  blockNumber: bigint;
  agreementId: bigint;
  referrer: Address;
  amount: bigint;
  networkFee: bigint;
  referralFee: bigint;
  vendorShare: bigint;
  orderRef: Hex;
  /** Set when the agreement holds payments: the hold, when it can be released, and who a refund credits. */
  held?: { holdId: bigint; releaseAt: bigint; refundTo: Address };
}

/**
 * The payment to `agreementId` made by transaction `transactionHash`, as `ledger` recorded it; undefined
 * until the ledger has read that transaction (or when it paid another agreement).
 */
export function paymentReceiptOf(ledger: Ledger, transactionHash: Hash, agreementId: bigint): PaymentReceipt | undefined {
  const hash = transactionHash.toLowerCase();
  const payment = ledger.payments.filter((p) => p.agreementId === agreementId && p.transactionHash.toLowerCase() === hash).at(-1);
  if (!payment) return undefined;
  const { blockNumber, referrer, amount, networkFee, referralFee, vendorShare, orderRef, holdId } = payment;
  const receipt: PaymentReceipt = { transactionHash, blockNumber, agreementId, referrer, amount, networkFee, referralFee, vendorShare, orderRef };
  const held = holdId === undefined ? undefined : ledger.heldPayments.get(holdId);
  if (held) receipt.held = { holdId: held.holdId, releaseAt: held.releaseAt, refundTo: held.refundTo };
  return receipt;
}
