/** The receipt a customer sees after paying: the split as the contract recorded it, read from the transaction's own events. */
import type { Address, Hash, Hex, TransactionReceipt } from "viem";

import { decodeProtocolLog, toRawLog } from "./protocolLog";

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
  /** Set when the agreement holds payments: the hold and when it can be released. */
  held?: { holdId: bigint; releaseAt: bigint };
}

/** The payment to `agreementId` recorded in `receipt` (its `PaymentSplit`, and `PaymentHeld` if held); undefined when there is none. */
export function paymentReceiptOf(receipt: Pick<TransactionReceipt, "logs" | "transactionHash" | "blockNumber">, agreementId: bigint): PaymentReceipt | undefined {
  let result: PaymentReceipt | undefined;
  for (const log of receipt.logs) {
    const raw = toRawLog(log);
    const event = raw ? decodeProtocolLog(raw) : undefined;
    if (event?.eventName === "PaymentSplit" && event.args.agreementId === agreementId) {
      const { referrer, amount, networkFee, referralFee, vendorShare, orderRef } = event.args;
      result = { transactionHash: receipt.transactionHash, blockNumber: receipt.blockNumber, agreementId, referrer, amount, networkFee, referralFee, vendorShare, orderRef };
    } else if (event?.eventName === "PaymentHeld" && event.args.agreementId === agreementId && result) {
      result.held = { holdId: event.args.holdId, releaseAt: event.args.held.releaseAt };
    }
  }
  return result;
}
