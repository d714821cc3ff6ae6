import { useMemo } from "react";
import type { Address } from "viem";

import { useAssetInfos } from "../hooks/useAssetInfo";
import { useLedger } from "../hooks/useProtocolLog";
import { cumulativeEarnings, networkPayments } from "../lib/earnings";
import { CumulativeChart } from "./EarningsChart";

/** For a network's operator: the payments its agreements received over time, one chart per asset. */
export function NetworkVolume({ networkId }: { networkId: bigint }) {
  const { ledger, data } = useLedger();
  const charts = useMemo(() => {
    if (!ledger || !data) return [];
    const payments = networkPayments(data.events, ledger, networkId);
    const assets = new Map<string, Address>();
    for (const p of payments) assets.set(p.asset.toLowerCase(), p.asset);
    return [...assets.values()].map((asset) => ({ asset, points: cumulativeEarnings(payments, asset) }));
  }, [ledger, data, networkId]);
  const infos = useAssetInfos(charts.map((c) => c.asset));
  if (charts.length === 0) return null;
  return (
    <section aria-labelledby="volume-title">
      <h2 id="volume-title">Payment volume over time</h2>
      <p className="muted small">Every payment to the network's agreements, cumulative, in each payment asset (held and refunded payments included).</p>
      {charts.map(({ asset, points }) => {
        const info = infos.get(asset.toLowerCase());
        return info ? <CumulativeChart key={asset} points={points} info={info} label="Volume" testId={`volume-chart-${info.symbol}`} /> : null;
      })}
    </section>
  );
}
