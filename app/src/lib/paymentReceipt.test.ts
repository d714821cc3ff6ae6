import { stringToHex, type Hash } from "viem";
import { describe, expect, it } from "vitest";

import { orderRefOf } from "../actions/payAgreement";
import { paymentReceiptOf } from "./paymentReceipt";
import { AIRLINE, build, eventFactory, HOTEL, terms, ZERO } from "./issue13.fixtures";
import type { ProtocolEvent } from "./protocolLog";

const GUEST = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const ROUTER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";

/** Agreement `id` proposed, accepted by both parties and active. */
function active(ev: ReturnType<typeof eventFactory>, id: bigint, extra: Parameters<typeof terms>[1] = {}): ProtocolEvent[] {
  return [
    ev("AgreementProposed", { agreementId: id, networkId: 1n, proposer: HOTEL, previousId: 0n, version: 1, terms: terms(6000, extra) }),
    ev("AgreementAccepted", { agreementId: id, party: HOTEL, bySignature: false }),
    ev("AgreementAccepted", { agreementId: id, party: AIRLINE, bySignature: false }),
    ev("AgreementActivated", { agreementId: id, previousId: 0n }),
  ];
}

describe("the receipt shown after a payment (issue 13, point 3)", () => {
  const orderRef = orderRefOf("Booking 4711");

  it("reads the split the shared ledger derived from the terms, with the transaction and the order reference", () => {
    const ev = eventFactory();
    const paid = ev("PaymentSplit", { agreementId: 7n, payer: GUEST, referrer: AIRLINE, amount: 1000n, orderRef });
    const ledger = build([...active(ev, 7n), paid]);
    const hash = paid.transactionHash as Hash;
    // terms(): network fee 1%, referral fee 5%, both floored; the vendors get the rest.
    expect(paymentReceiptOf(ledger, hash, 7n)).toEqual({
      transactionHash: hash,
      blockNumber: paid.blockNumber,
      agreementId: 7n,
      referrer: AIRLINE,
      amount: 1000n,
      networkFee: 10n,
      referralFee: 50n,
      vendorShare: 940n,
      orderRef: stringToHex("Booking 4711", { size: 32 }),
    });
    expect(paymentReceiptOf(ledger, hash, 8n)).toBeUndefined();
    expect(paymentReceiptOf(ledger, `0x${"99".repeat(32)}`, 7n)).toBeUndefined();
  });

  it("says when the payment is held, until when, and who a refund credits", () => {
    const ev = eventFactory();
    const setup = active(ev, 7n, { holdbackPeriod: 86400, refunder: HOTEL });
    const split = ev("PaymentSplit", { agreementId: 7n, payer: GUEST, referrer: ZERO, amount: 1000n, orderRef });
    const record = { holdId: 3n, agreementId: 7n, payer: GUEST, referrer: ZERO, asset: ZERO, amount: 1000n, networkFee: 10n, referralFee: 0n, vendorShare: 990n, releaseAt: 1_750_000_000n, refundTo: ROUTER };
    // The hold is an event of the same transaction as the split.
    const held = { ...ev("PaymentHeld", { holdId: 3n, agreementId: 7n, held: record }), transactionHash: split.transactionHash, blockNumber: split.blockNumber, logIndex: 1 } as ProtocolEvent;
    const receipt = paymentReceiptOf(build([...setup, split, held]), split.transactionHash as Hash, 7n);
    expect(receipt?.vendorShare).toBe(990n);
    expect(receipt?.held).toEqual({ holdId: 3n, releaseAt: 1_750_000_000n, refundTo: ROUTER });
  });
});
