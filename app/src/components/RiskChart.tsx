import { useMemo } from "react";
import type { Address } from "viem";

import { riskSeries, type RiskPoint } from "../../../client/risk-series.js";
import { refundRateBps, type RiskScope } from "../../../client/risk.js";
import { useAssetInfos } from "../hooks/useAssetInfo";
import { useBlockTimes } from "../hooks/useBlockTimes";
import { useLedger } from "../hooks/useProtocolLog";
import { formatAmount, formatBps, type AssetInfo } from "../lib/format";
import { riskChartLines } from "../lib/riskChart";
import { TimeChart } from "./TimeChart";

/**
 * One referrer's, vendor's or network's paid, refunded and still-held volume over time, one chart per asset
 * (the shared `riskSeries`: the audit's risk rules, placed in time).
 */
export function RiskChart({ scope, subject }: { scope: RiskScope; subject: string }) {
  const { ledger, data } = useLedger();
  const series = useMemo(() => (ledger && data ? riskSeries({ ledger, events: data.events, scope, subject }) : []), [ledger, data, scope, subject]);
  const infos = useAssetInfos(series.map((s) => s.asset));
  if (series.length === 0) return null;
  return (
    <div data-testid={`risk-chart-${scope}`}>
      {series.map(({ asset, points }) => {
        const info = infos.get(asset.toLowerCase());
        return info ? <RiskAssetChart key={asset} points={points} info={info} /> : null;
      })}
    </div>
  );
}

function RiskAssetChart({ points, info }: { points: RiskPoint[]; info: AssetInfo }) {
  const times = useBlockTimes(points.map((p) => p.blockNumber));
  const known = points.filter((p) => times.has(p.blockNumber)).length;
  // Rebuilt only when another block's time arrives.
  const lines = useMemo(() => riskChartLines(points, times, info.decimals), [points, known, info.decimals]);
  if (known < points.length) {
    return (
      <figure className="chart" data-loading="true">
        <div className="chart-placeholder" role="status">
          Loading the chart…
        </div>
      </figure>
    );
  }
  const last = points[points.length - 1]!;
  const caption = `${info.symbol}: ${formatAmount(last.paid, info)} paid, ${formatAmount(last.refunded, info)} refunded (${formatBps(refundRateBps(last.refunded, last.paid))}), ${formatAmount(last.held, info)} still held.`;
  return <TimeChart series={lines.paid} more={lines.more} unit={info.symbol} label="Paid" caption={caption} testId={`risk-chart-${info.symbol}`} />;
}
