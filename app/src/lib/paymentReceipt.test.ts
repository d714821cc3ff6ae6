import { encodeAbiParameters, encodeEventTopics, stringToHex, type AbiEvent, type Hex, type Log } from "viem";
import { describe, expect, it } from "vitest";

import { ecoshareAbi } from "../contracts/abis";
import { orderRefOf } from "../actions/payAgreement";
import { paymentReceiptOf } from "./paymentReceipt";
import { AIRLINE, HOTEL, ZERO } from "./issue13.fixtures";

function log(eventName: string, args: Record<string, unknown>, logIndex: number): Log<bigint, number, false> {
  const event = ecoshareAbi.find((item) => item.type === "event" && item.name === eventName) as AbiEvent;
  const unindexed = event.inputs.filter((i) => !i.indexed);
  return {
    address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    topics: encodeEventTopics({ abi: [event], eventName, args } as never) as [Hex],
    data: encodeAbiParameters(unindexed, unindexed.map((i) => args[i.name!])),
    blockNumber: 40n,
    blockHash: `0x${"11".repeat(32)}`,
    transactionHash: `0x${"22".repeat(32)}`,
    transactionIndex: 0,
    logIndex,
    removed: false,
  };
}

describe("the receipt shown after a payment (issue 13, point 3)", () => {
  const split = { agreementId: 7n, payer: AIRLINE, referrer: HOTEL, asset: ZERO, amount: 1000n, networkFee: 15n, referralFee: 100n, vendorShare: 885n, orderRef: orderRefOf("Booking 4711") };
  const receipt = (logs: Log<bigint, number, false>[]) => ({ logs, transactionHash: `0x${"22".repeat(32)}` as Hex, blockNumber: 40n });

  it("reads the split, the transaction and the order reference from the transaction's own events", () => {
    expect(paymentReceiptOf(receipt([log("PaymentSplit", split, 0)]), 7n)).toEqual({
      transactionHash: `0x${"22".repeat(32)}`,
      blockNumber: 40n,
      agreementId: 7n,
      referrer: HOTEL,
      amount: 1000n,
      networkFee: 15n,
      referralFee: 100n,
      vendorShare: 885n,
      orderRef: stringToHex("Booking 4711", { size: 32 }),
    });
    expect(paymentReceiptOf(receipt([log("PaymentSplit", split, 0)]), 8n)).toBeUndefined();
  });

  it("says when the payment is held, and until when", () => {
    const held = { holdId: 3n, agreementId: 7n, payer: AIRLINE, referrer: HOTEL, asset: ZERO, amount: 1000n, networkFee: 15n, referralFee: 100n, vendorShare: 885n, releaseAt: 1_750_000_000 };
    const paid = paymentReceiptOf(receipt([log("PaymentSplit", split, 0), log("PaymentHeld", { holdId: 3n, agreementId: 7n, held }, 1)]), 7n);
    expect(paid?.held).toEqual({ holdId: 3n, releaseAt: 1_750_000_000n });
  });
});
