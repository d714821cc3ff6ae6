import { useMemo } from "react";
import type { Address } from "viem";

import { riskFigures, riskOf, type RiskScope } from "../../../scripts/lib/risk.js";
import { useAssetInfos } from "../hooks/useAssetInfo";
import { useLedger } from "../hooks/useProtocolLog";
import { formatAmount, formatBps } from "../lib/format";
import { RiskChart } from "./RiskChart";

/**
 * The risk figures of one referrer, vendor or network (scripts/lib/risk.ts, the audit's rules), per asset:
 * paid, refunded, still held (the exposure), clean volume and the refund rate. Shown where a partner decides;
 * with `chart`, followed by the same figures over time.
 */
export function RiskFigures({ scope, subject, title, chart = false }: { scope: RiskScope; subject: string; title: string; chart?: boolean }) {
  const { ledger } = useLedger();
  const rows = useMemo(() => (ledger ? riskOf(riskFigures(ledger), scope, subject) : []), [ledger, scope, subject]);
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
