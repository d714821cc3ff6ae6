/**
 * Held payments on the Payouts page: what is pending (held), released and refunded for the connected
 * account; a release button for anyone once a holdback is over; a refund button for the refunder; the
 * refunds credited to a customer, which it withdraws; and the referrer's loyalty tiers.
 */
import { useMemo } from "react";
import { getAddress, type Address } from "viem";

import type { HeldPayment as HeldPaymentRecord } from "../../../client/decode-events.js";
import { referralKey, sameAddress, type LedgerHeldPayment } from "../../../client/ledger.js";
import { ecoshareAbi } from "../contracts/abis";
import { useAssetInfo, useAssetInfos } from "../hooks/useAssetInfo";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { useLedger } from "../hooks/useProtocolLog";
import { threadStatus } from "../lib/dynamic";
import { MemberRole, MemberStatus } from "../lib/enums";
import { formatAmount, formatTimestamp } from "../lib/format";
import { useWalletReady } from "./ChainGuard";
import { TierProgressView, useReferrerTier } from "./TierProgress";
import { TxStatus } from "./TxStatus";
import { AddressView } from "./AddressView";
import { ConfirmAction } from "./ConfirmAction";

type HeldState = LedgerHeldPayment["status"];
const STATE_TEXT: Record<HeldState, string> = { pending: "Pending (held)", released: "Released", refunded: "Refunded" };

/** The record as the contract takes it back (uint40 as a number), `refundTo` included: it is part of the hash. */
export function heldForViem(r: HeldPaymentRecord) {
  return {
    holdId: r.holdId,
    agreementId: r.agreementId,
    payer: r.payer,
    referrer: r.referrer,
    asset: r.asset,
    amount: r.amount,
    networkFee: r.networkFee,
    referralFee: r.referralFee,
    vendorShare: r.vendorShare,
    releaseAt: Number(r.releaseAt),
    refundTo: r.refundTo,
  };
}

export function HeldPaymentsPanel({ account, timestamp }: { account: Address; timestamp: bigint }) {
  const { ledger } = useLedger();
  const { ready } = useWalletReady();
  const tx = useContractTransaction();
  const { deployment, labels } = useDeployment();
  const ecoshareAddress = deployment.ecoshare;
  const me = getAddress(account);

  const mine = useMemo(
    () =>
      [...(ledger?.heldPayments.values() ?? [])]
        .map((h) => {
          const r = h;
          const terms = ledger?.agreements.get(r.agreementId);
          const party = terms?.parties.find((p) => sameAddress(p.account, me));
          let part = 0n;
          const roles: string[] = [];
          if (sameAddress(r.referrer, me)) {
            part += r.referralFee;
            roles.push("referral fee");
          }
          if (party && party.shareBps > 0) {
            part += (r.vendorShare * BigInt(party.shareBps)) / 10_000n;
            roles.push("share");
          }
          if (terms && sameAddress(terms.feeRecipient, me)) {
            part += r.networkFee;
            roles.push("network fee");
          }
          const payer = sameAddress(r.payer, me);
          // A customer follows its own payments: held, released to the partners, or refunded to it.
          if (payer && roles.length === 0) part = r.amount;
          const refunder = Boolean(terms && terms.holdbackPeriod > 0 && sameAddress(terms.refunder, me));
          return { h, part, roles, payer, refunder };
        })
        .filter((x) => x.roles.length > 0 || x.payer || x.refunder),
    [ledger, me],
  );
  const assets = useMemo(() => [...new Set(mine.map((x) => x.h.asset))], [mine]);
  const infos = useAssetInfos(assets);
  if (mine.length === 0) return null;

  const totals = new Map<string, Record<HeldState, bigint>>();
  for (const { h, part } of mine) {
    const key = h.asset.toLowerCase();
    const t = totals.get(key) ?? { pending: 0n, released: 0n, refunded: 0n };
    t[h.status] += part;
    totals.set(key, t);
  }
  const releasable = mine.filter(({ h }) => h.status === "pending" && BigInt(h.releaseAt) <= timestamp).map(({ h }) => h);
  const release = (records: HeldPaymentRecord[]) =>
    void tx.send({ address: ecoshareAddress, abi: ecoshareAbi, functionName: "releaseHeldPayments", args: [records.map(heldForViem)] });

  return (
    <section aria-labelledby="held-title" className="held">
      <h2 id="held-title">Held payments</h2>
      <div className="cards">
        {[...totals.entries()].map(([asset, t]) => {
          const info = infos.get(asset);
          if (!info) return null;
          return (
            <article key={asset} className="card" data-testid={`held-totals-${info.symbol}`}>
              <p>
                Pending (held): <strong data-testid="held-pending">{formatAmount(t.pending, info)}</strong>
              </p>
              <p>
                Released: <strong data-testid="held-released">{formatAmount(t.released, info)}</strong>
              </p>
              <p>
                Refunded: <strong data-testid="held-refunded">{formatAmount(t.refunded, info)}</strong>
              </p>
              <p className="muted small">Your part of the payments held by agreements with a holdback (a customer: its own payments).</p>
            </article>
          );
        })}
      </div>
      {releasable.length > 0 ? (
        <p>
          <button type="button" disabled={!ready || tx.busy} onClick={() => release(releasable)}>
            Release {releasable.length} held payment{releasable.length === 1 ? "" : "s"} whose holdback is over
          </button>{" "}
          <span className="muted">Anyone may release them; the split is credited as recorded.</span>
        </p>
      ) : null}
      <div className="table-wrap">
        <table data-testid="held-payments">
          <thead>
            <tr>
              <th scope="col">Hold</th>
              <th scope="col">Agreement</th>
              <th scope="col">Payment</th>
              <th scope="col">Your part</th>
              <th scope="col">Held until</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {[...mine].reverse().map(({ h, part, roles, payer, refunder }) => {
              const info = infos.get(h.asset.toLowerCase());
              const fmt = (v: bigint) => (info ? formatAmount(v, info) : v.toString());
              const over = BigInt(h.releaseAt) <= timestamp;
              return (
                <tr key={h.holdId.toString()} data-hold={h.holdId.toString()} data-held-state={h.status}>
                  <td>#{h.holdId.toString()}</td>
                  <td>
                    <a href={`#/agreements/${h.agreementId}`}>#{h.agreementId.toString()}</a>
                  </td>
                  <td>{fmt(h.amount)}{payer ? " (yours)" : ""}</td>
                  <td>{roles.length > 0 ? `${fmt(part)} (${roles.join(", ")})` : payer ? `${fmt(part)} (your payment)` : "—"}</td>
                  <td>{formatTimestamp(h.releaseAt)}</td>
                  <td>
                    <span className={`status held-${h.status}`}>{STATE_TEXT[h.status]}</span>
                  </td>
                  <td>
                    {h.status === "pending" && over ? (
                      <button type="button" className="secondary" disabled={!ready || tx.busy} onClick={() => release([h])}>
                        Release
                      </button>
                    ) : null}
                    {h.status === "pending" && !over && refunder ? (
                      <ConfirmAction
                        label={`Refund ${fmt(h.amount)}`}
                        question={
                          <>
                            Refund {fmt(h.amount)} to <AddressView address={h.refundTo} label={labels.get(h.refundTo)} />
                            {sameAddress(h.refundTo, h.payer) ? " (the customer who paid)" : " (the refund recipient the payer named)"}? The whole payment is
                            credited to them and its split (network fee, referral fee, shares) is cancelled. This cannot be undone.
                          </>
                        }
                        confirmLabel={`Yes, refund ${fmt(h.amount)}`}
                        disabled={!ready || tx.busy}
                        onConfirm={() => void tx.send({ address: ecoshareAddress, abi: ecoshareAbi, functionName: "refundHeldPayment", args: [heldForViem(h)] })}
                      />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <TxStatus state={tx.state} what="Held payment" />
    </section>
  );
}

/** The account's loyalty tier in every active tiered agreement of the networks where it can refer. */
export function MyTiers({ account }: { account: Address }) {
  const { ledger } = useLedger();
  if (!ledger) return null;
  const me = getAddress(account);
  // Tiers concern referrers only: a referral partner or distributor of the network, or anyone who has referred under the agreement.
  const tiered = [...ledger.agreements.values()].filter((p) => {
    if (threadStatus(ledger, p) !== "active" || p.referralTiers.length === 0) return false;
    const member = ledger.networks.get(p.networkId)?.members.get(me);
    if (member?.status !== MemberStatus.Active) return false;
    const referred = (ledger.referrals.get(referralKey(p.lineageId, me))?.payments ?? 0) > 0;
    return member.role !== MemberRole.Vendor || referred;
  });
  if (tiered.length === 0) return null;
  return (
    <section aria-labelledby="tiers-title">
      <h2 id="tiers-title">My loyalty tiers</h2>
      <ul className="plain">
        {tiered.map((p) => (
          <li key={p.id.toString()} data-tier-agreement={p.id.toString()}>
            <a href={`#/agreements/${p.id}`}>Agreement #{p.id.toString()}</a>: <MyTier agreementId={p.id} base={p.referralFeeBps} tiers={p.referralTiers} asset={p.asset} account={me} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function MyTier({ agreementId, base, tiers, asset, account }: { agreementId: bigint; base: number; tiers: Parameters<typeof useReferrerTier>[2]; asset: Address; account: Address }) {
  const progress = useReferrerTier(agreementId, base, tiers, account);
  const info = useAssetInfo(asset).data;
  if (!progress || !info) return <span className="muted">…</span>;
  return <TierProgressView progress={progress} info={info} />;
}
