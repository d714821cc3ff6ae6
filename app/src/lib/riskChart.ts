/**
 * A subject's risk figures over time (the shared `riskSeries`, client/risk-series.ts) as chart lines:
 * paid, refunded and still held, placed by their blocks' timestamps, in whole units of the asset.
 */
import { formatUnits } from "viem";

import type { RiskPoint } from "../../../client/risk-series.js";
import type { ChartLine, TimeSeries } from "./earnings";

export interface RiskChartLines {
  /** Paid, the main line. */
  paid: TimeSeries;
  /** Refunded and still held, on the same times. */
  more: ChartLine[];
}

export const RISK_COLOURS = { refunded: "#b3261e", held: "#b26a00" } as const;

/** The lines of `points` whose block time is known (the others are left out until it is). */
export function riskChartLines(points: readonly RiskPoint[], blockTimes: ReadonlyMap<bigint, bigint>, decimals: number): RiskChartLines {
  const known = points.filter((p) => blockTimes.has(p.blockNumber));
  const units = (v: bigint) => Number(formatUnits(v, decimals));
  return {
    paid: { times: known.map((p) => Number(blockTimes.get(p.blockNumber))), values: known.map((p) => units(p.paid)) },
    more: [
      { label: "Refunded", values: known.map((p) => units(p.refunded)), stroke: RISK_COLOURS.refunded },
      { label: "Still held", values: known.map((p) => units(p.held)), stroke: RISK_COLOURS.held },
    ],
  };
}
