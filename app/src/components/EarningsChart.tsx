import { useMemo } from "react";

import { useBlockTimes } from "../hooks/useBlockTimes";
import { timeSeriesOf, type ChartPoint } from "../lib/earnings";
import { formatAmount, formatTimestamp, type AssetInfo } from "../lib/format";
import { TimeChart } from "./TimeChart";

/** A cumulative amount of one asset (earnings, a network's volume) over time, placed by its blocks' timestamps. */
export function CumulativeChart({ points, info, label, testId }: { points: ChartPoint[]; info: AssetInfo; label: string; testId?: string }) {
  const times = useBlockTimes(points.map((p) => p.blockNumber));
  const known = points.filter((p) => times.has(p.blockNumber)).length;
  // Recomputed only when another block's time arrives, so the chart is not rebuilt on every render.
  const series = useMemo(() => timeSeriesOf(points, times, info.decimals), [points, known, info.decimals]);
  if (points.length === 0) return null;
  // Drawn once every point's time is known, so the chart is built once rather than at every block read.
  if (known < points.length) {
    return (
      <figure className="chart" data-testid={testId} data-loading="true">
        <div className="chart-placeholder" role="status">
          Loading the chart…
        </div>
      </figure>
    );
  }
  const last = points[points.length - 1]!;
  const first = series.times[0];
  const end = series.times[series.times.length - 1];
  const caption =
    first !== undefined && end !== undefined
      ? `${info.symbol}: ${formatAmount(last.total, info)} in all, from ${formatTimestamp(first)} to ${formatTimestamp(end)}.`
      : `${info.symbol}: ${formatAmount(last.total, info)} in all.`;
  return <TimeChart series={series} unit={info.symbol} label={label} caption={caption} testId={testId} />;
}
