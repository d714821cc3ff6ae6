import { describe, expect, it } from "vitest";

import { describeArgs } from "./auditRows";
import { formatAmount } from "./format";
import type { ProtocolEvent } from "./protocolLog";

const payment = {
  eventName: "PaymentSplit",
  args: {
    agreementId: 7n,
    payer: "0x1111111111111111111111111111111111111111",
    referrer: "0x2222222222222222222222222222222222222222",
    asset: "0x3333333333333333333333333333333333333333",
    amount: 12_500_000n,
    networkFee: 125_000n,
    referralFee: 625_000n,
    vendorShare: 11_750_000n,
    orderRef: "0x" + "ab".repeat(32),
  },
} as unknown as ProtocolEvent;

describe("describeArgs", () => {
  it("keeps base units without a formatter (the CSV: nothing rounded)", () => {
    expect(describeArgs(payment)).toContain("amount=12500000; networkFee=125000; referralFee=625000; vendorShare=11750000");
  });

  it("shows the asset's amounts with its symbol and decimals, and leaves ids alone", () => {
    const text = describeArgs(payment, (v) => formatAmount(v, { symbol: "dUSD", decimals: 6 }));
    expect(text).toContain("agreementId=7;");
    expect(text).toContain("amount=12.5 dUSD; networkFee=0.125 dUSD; referralFee=0.625 dUSD; vendorShare=11.75 dUSD");
  });

  it("formats the amounts inside a held payment's record too", () => {
    const held = {
      eventName: "PaymentHeld",
      args: { holdId: 3n, agreementId: 7n, held: { holdId: 3n, amount: 2_000_000n, releaseAt: 1_800_000_000n } },
    } as unknown as ProtocolEvent;
    const text = describeArgs(held, (v) => formatAmount(v, { symbol: "dUSD", decimals: 6 }));
    expect(text).toContain("held={holdId: 3, amount: 2 dUSD, releaseAt: 1800000000}");
  });
});
