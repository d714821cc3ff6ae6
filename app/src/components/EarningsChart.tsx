import type { ChartPoint } from "../lib/earnings";
import { formatAmount, type AssetInfo } from "../lib/format";

/** Cumulative earnings over blocks as a plain SVG line: no chart library for one line. */
export function EarningsChart({ points, info }: { points: ChartPoint[]; info: AssetInfo }) {
  if (points.length === 0) return null;
  const width = 600;
  const height = 160;
  const pad = 8;
  const first = points[0]!.blockNumber;
  const last = points[points.length - 1]!.blockNumber;
  const span = Number(last - first) || 1;
  const max = points[points.length - 1]!.total || 1n;
  const x = (b: bigint) => pad + ((Number(b - first) / span) * (width - 2 * pad));
  const y = (v: bigint) => height - pad - Number((v * 1000n) / max) / 1000 * (height - 2 * pad);
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${x(p.blockNumber).toFixed(1)},${y(p.total).toFixed(1)}`).join(" ");
  const total = formatAmount(points[points.length - 1]!.total, info);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Cumulative earnings in ${info.symbol}: ${total} from block ${first} to ${last}`} preserveAspectRatio="none">
        <path d={`${path} L${x(last).toFixed(1)},${height - pad} L${pad},${height - pad} Z`} className="chart-area" />
        <path d={path} className="chart-line" fill="none" />
      </svg>
      <figcaption>
        {info.symbol}: {total} earned, blocks {first.toString()}–{last.toString()}
      </figcaption>
    </figure>
  );
}
