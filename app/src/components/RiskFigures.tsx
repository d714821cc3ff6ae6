import { useMemo } from "react";
import type { Address } from "viem";

import { releaseBlocksOf, riskFigures, riskOf, type RiskScope } from "../../../client/risk.js";
import { useAssetInfos } from "../hooks/useAssetInfo";
import { useBlockTimes } from "../hooks/useBlockTimes";
import { describeHoldback } from "../lib/dynamic";
import { useLedger } from "../hooks/useProtocolLog";
import { formatAmount, formatBps } from "../lib/format";
import { RiskChart } from "./RiskChart";

/**
 * The risk figures of one referrer, vendor or network (client/risk.ts, the audit's rules), per asset:
 * paid, refunded, still held (the exposure), clean volume, the refund rate and the time to release (median, by
 * the times of the blocks that held and released them, read for this subject only). Shown where a partner decides;
 * with `chart`, followed by the same figures over time.
 */
export function RiskFigures({ scope, subject, title, chart = false }: { scope: RiskScope; subject: string; title: string; chart?: boolean }) {
  const { ledger } = useLedger();
  const releaseBlocks = useMemo(() => (ledger ? releaseBlocksOf(ledger, scope, subject) : []), [ledger, scope, subject]);
  const blockTimes = useBlockTimes(releaseBlocks);
  const rows = useMemo(
    () => (ledger ? riskOf(riskFigures(ledger, blockTimes), scope, subject) : []),
    // Recomputed when another block's time arrives.
    [ledger, scope, subject, blockTimes.size],
  );
  const infos = useAssetInfos(rows.map((r) => r.asset as Address));
  if (!ledger) return null;
  // The chart sits beside the figures' section, not in it: its legend is a table of its own.
  return (
    <>
    <section aria-label={title} data-testid={`risk-${scope}`}>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted small">No payments yet: no track record.</p>
      ) : (
        <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Paid</th>
              <th>Refunded</th>
              <th>Refund rate</th>
              <th>Still held</th>
              <th>Clean</th>
              <th>Time to release</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const info = infos.get(r.asset.toLowerCase());
              const amount = (v: bigint) => (info ? formatAmount(v, info) : `${v} base units`);
              return (
                <tr key={r.asset}>
                  <td>
                    {amount(r.paid)} ({r.payments} payment{r.payments === 1 ? "" : "s"})
                  </td>
                  <td>{amount(r.refunded)}</td>
                  <td>{formatBps(r.refundRateBps)}</td>
                  <td>{amount(r.held)}</td>
                  <td>{amount(r.clean)}</td>
                  <td>{releaseTime(r.releasedPayments, r.medianReleaseSeconds)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      )}
    </section>
    {chart ? <RiskChart scope={scope} subject={subject} /> : null}
    </>
  );
}

/** "2 days (median of 3)", "none released yet", or "…" while the blocks' times are read. */
function releaseTime(released: number, medianSeconds: number | undefined): string {
  if (released === 0) return "none released yet";
  if (medianSeconds === undefined) return "…";
  return `${describeHoldback(medianSeconds)} (median of ${released})`;
}
