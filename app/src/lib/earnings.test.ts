import { describe, expect, it } from "vitest";

import { cumulativeEarnings, timeSeriesOf, type Earning } from "./earnings";

const ZERO = "0x0000000000000000000000000000000000000000";
const TOKEN = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const earning = (blockNumber: bigint, amount: bigint, asset: `0x${string}` = ZERO, kind: Earning["kind"] = "referral"): Earning => ({
  key: `${blockNumber}:${amount}`,
  kind,
  asset,
  amount,
  blockNumber,
  transactionHash: `0x${"00".repeat(32)}`,
});

describe("earnings over time, per asset (issue 13, point 10)", () => {
  const earnings = [earning(10n, 10n ** 18n), earning(10n, 5n * 10n ** 17n), earning(12n, 2_500_000n, TOKEN), earning(15n, -(10n ** 18n), ZERO, "withdrawal"), earning(20n, 10n ** 18n)];

  it("adds up each asset on its own, leaving withdrawals out, one point per block", () => {
    expect(cumulativeEarnings(earnings, ZERO)).toEqual([
      { blockNumber: 10n, total: 15n * 10n ** 17n },
      { blockNumber: 20n, total: 25n * 10n ** 17n },
    ]);
    expect(cumulativeEarnings(earnings, TOKEN)).toEqual([{ blockNumber: 12n, total: 2_500_000n }]);
  });

  it("places the points at their blocks' times, in whole units for the chart's axis", () => {
    const times = new Map([
      [10n, 1_700_000_000n],
      [20n, 1_700_086_400n],
    ]);
    expect(timeSeriesOf(cumulativeEarnings(earnings, ZERO), times, 18)).toEqual({ times: [1_700_000_000, 1_700_086_400], values: [1.5, 2.5] });
    expect(timeSeriesOf(cumulativeEarnings(earnings, TOKEN), new Map([[12n, 5n]]), 6)).toEqual({ times: [5], values: [2.5] });
  });
});
