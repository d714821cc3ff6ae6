/**
 * What a paid order recorded: its transaction, reference, and each line's split, as the shared ledger reads
 * them from the order's events (its `orders` and `payments`: one source for the app, the audit and the seed).
 */
import type { Hash } from "viem";

import { formatOrderRef } from "../../../client/order-ref.js";
import { useAssetInfos } from "../hooks/useAssetInfo";
import { useDeployment } from "../hooks/useDeployment";
import { useLedger } from "../hooks/useProtocolLog";
import { formatAmount, formatBps, shortAddress } from "../lib/format";
import { Loading } from "./States";

export function OrderReceiptView({ hash, onClose }: { hash: Hash; onClose: () => void }) {
  const { labels } = useDeployment();
  const { ledger } = useLedger();
  const order = ledger?.orders.find((o) => o.transactionHash.toLowerCase() === hash.toLowerCase());
  const lines = order && ledger ? order.lines.map((i) => ledger.payments[i]!) : [];
  const infos = useAssetInfos([...new Set(lines.map((l) => l.asset))]);
  const name = (a: `0x${string}`) => labels.get(a) ?? shortAddress(a);
  if (!order) return <Loading what={`the receipt of ${hash.slice(0, 10)}…`} />;
  return (
    <section className="panel notice-ok order-receipt" aria-labelledby="receipt-title" data-testid="order-receipt" role="status">
      <h2 id="receipt-title">Order paid</h2>
      <p>
        Reference <strong data-testid="receipt-ref">{formatOrderRef(order.orderRef)}</strong> · transaction <code className="hash">{hash}</code>
        <br />
        {order.lineCount} lines paid by {name(order.payer)}; a refund of a held line goes to {name(order.refundTo)}.
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Amount</th>
              <th scope="col">Network fee</th>
              <th scope="col">Referral fee</th>
              <th scope="col">Vendor share</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, i) => {
              const info = infos.get(line.asset.toLowerCase());
              const amount = (v: bigint) => (info ? formatAmount(v, info) : v.toString());
              return (
                <tr key={i} data-receipt-line={i + 1}>
                  <th scope="row">
                    {i + 1}. <a href={`#/agreements/${line.agreementId}`}>Agreement #{line.agreementId.toString()}</a>
                    {line.status === "pending" ? " (held)" : ""}
                  </th>
                  <td>{amount(line.amount)}</td>
                  <td data-split="networkFee">{amount(line.networkFee)}</td>
                  <td data-split="referralFee">
                    {amount(line.referralFee)}
                    {line.referralFeeBps > 0 ? ` (${formatBps(line.referralFeeBps)} to ${name(line.referrer)})` : ""}
                  </td>
                  <td data-split="vendorShare">{amount(line.vendorShare)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {order.totals.map((t) => {
        const info = infos.get(t.asset.toLowerCase());
        return (
          <p key={t.asset} className="muted small">
            Total {info ? formatAmount(t.amount, info) : t.amount.toString()}
          </p>
        );
      })}
      <button type="button" className="secondary" onClick={onClose}>
        Close the receipt
      </button>
    </section>
  );
}
