import { describe, expect, it } from "vitest";

import { describeArgs, toCsv } from "./auditRows";
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

describe("the audit CSV", () => {
  const dUSD = "0x3333333333333333333333333333333333333333";
  const row = (event: ProtocolEvent, asset?: string) => ({ event, agreementId: 7n, networkId: 1n, asset, accounts: [] });
  const at = (eventName: string, args: Record<string, unknown>, blockNumber: bigint) =>
    ({ eventName, args, blockNumber, logIndex: 2, transactionHash: "0x" + "cd".repeat(32) }) as unknown as ProtocolEvent;
  const context = {
    assets: new Map([[dUSD, { symbol: "dUSD", decimals: 6 }], ["0x0000000000000000000000000000000000000000", { symbol: "ETH", decimals: 18 }]]),
    blockTimes: new Map([[10n, 1_800_000_000n], [11n, 1_800_000_012n]]),
  };
  const parse = (csv: string) => {
    const [header, ...lines] = csv.trim().split("\n");
    const names = header!.split(",");
    return lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [names[i], cell])));
  };

  it("gives each argument its column, amounts as decimals with their symbol and exact base units as text", () => {
    const orderRef = "0x" + Buffer.from("CS-0001").toString("hex").padEnd(64, "0");
    const csv = toCsv(
      [
        row(at("PaymentSplit", { agreementId: 7n, payer: "0x1111111111111111111111111111111111111111", amount: 35_813_524_000_039_835_871n, orderRef }, 10n), "0x0000000000000000000000000000000000000000"),
        row(at("PaymentHeld", { holdId: 3n, agreementId: 7n, held: { holdId: 3n, amount: 2_000_000n, releaseAt: 1_800_000_600n } }, 11n), dUSD),
      ],
      context,
    );
    const [payment, held] = parse(csv);
    expect(payment).toMatchObject({ block: "10", blockTime: "2027-01-15T08:00:00Z", event: "PaymentSplit", assetSymbol: "ETH", assetDecimals: "18" });
    expect(payment!.amount).toBe("35.813524000039835871");
    expect(payment!.amountBaseUnits).toBe("'35813524000039835871");
    expect(payment!.orderRef).toBe("CS-0001");
    expect(held).toMatchObject({ blockTime: "2027-01-15T08:00:12Z", assetSymbol: "dUSD", "held.amount": "2.000000", "held.amountBaseUnits": "'2000000", "held.releaseAt": "1800000600" });
    expect(held!.amount).toBe("");
  });
});
