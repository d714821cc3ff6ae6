import { describe, expect, it } from "vitest";

import type { RiskPoint } from "../../../client/risk-series.js";
import { riskChartLines } from "./riskChart";

const point = (blockNumber: bigint, paid: bigint, refunded: bigint, held: bigint): RiskPoint => ({ blockNumber, paid, refunded, released: 0n, held, clean: paid - refunded - held });

describe("riskChartLines", () => {
  it("places paid, refunded and held volume at their blocks' times, in whole units", () => {
    const points = [point(5n, 1_500_000n, 0n, 1_500_000n), point(9n, 2_000_000n, 500_000n, 0n), point(12n, 3_000_000n, 500_000n, 0n)];
    const times = new Map([
      [5n, 1_700_000_000n],
      [9n, 1_700_086_400n],
    ]);
    const lines = riskChartLines(points, times, 6);
    expect(lines.paid).toEqual({ times: [1_700_000_000, 1_700_086_400], values: [1.5, 2] });
    expect(lines.more.map((l) => [l.label, l.values])).toEqual([
      ["Refunded", [0, 0.5]],
      ["Still held", [1.5, 0]],
    ]);
  });
});
