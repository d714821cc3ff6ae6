import { useMemo, useState } from "react";
import type { Address } from "viem";
import { useBlock } from "wagmi";

import { collectable, sameAddress, type LedgerAgreement } from "../../../scripts/lib/ledger.js";
import { useWalletReady } from "../components/ChainGuard";
import { CumulativeChart } from "../components/EarningsChart";
import { Empty, ErrorNotice, Loading } from "../components/States";
import { TxStatus } from "../components/TxStatus";
import { ecoshareAbi } from "../contracts/abis";
import { useAssetInfos } from "../hooks/useAssetInfo";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { useLedger } from "../hooks/useProtocolLog";
import { isNamedIn } from "../lib/agreements";
import { cumulativeEarnings, earningsOf, type Earning } from "../lib/earnings";
import { formatAmount, type AssetInfo } from "../lib/format";
import { payoutCall } from "../lib/payoutCall";
import { HeldPaymentsPanel, MyTiers } from "../components/HeldPayments";

const FEED_PAGE = 50;
const KIND_TEXT: Record<Earning["kind"], string> = {
  referral: "Referral fee",
  share: "Share of a payment",
  "network-fee": "Network fee",
  withdrawal: "Withdrawal",
  refund: "Refund credited to you",
};

export function PayoutsPage() {
  const { address } = useWalletReady();
  const { ledger, data, isPending, error } = useLedger();
  const block = useBlock({ watch: true, query: { staleTime: 0 } });
  if (!address) return <Empty>Connect a wallet to see your payouts.</Empty>;
  if (isPending) return <Loading what="your payouts" />;
  if (error) return <ErrorNotice error={error} />;
  if (!ledger || !data) return null;
  return <Payouts account={address} timestamp={block.data?.timestamp ?? BigInt(Math.floor(Date.now() / 1000))} />;
}

function Payouts({ account, timestamp }: { account: Address; timestamp: bigint }) {
  const { deployment } = useDeployment();
  const { ledger, data } = useLedger();
  const { ready } = useWalletReady();
  const tx = useContractTransaction();
  const [shown, setShown] = useState(FEED_PAGE);

  const agreements = useMemo(() => [...(ledger?.agreements.values() ?? [])].filter((a) => isNamedIn(a, account)), [ledger, account]);
  const earnings = useMemo(() => (ledger && data ? earningsOf(data.events, ledger, account) : []), [ledger, data, account]);
  const assets = useMemo(() => {
    const set = new Map<string, Address>();
    for (const a of agreements) set.set(a.asset.toLowerCase(), a.asset);
    for (const e of earnings) set.set(e.asset.toLowerCase(), e.asset);
    return [...set.values()];
  }, [agreements, earnings]);
  const infos = useAssetInfos(assets);
  // Only assets with earnings get a chart: a customer's refunds are not earnings, and an empty chart says nothing.
  const charts = useMemo(() => assets.map((asset) => ({ asset, points: cumulativeEarnings(earnings, asset) })).filter((c) => c.points.length > 0), [assets, earnings]);
  if (!ledger) return null;

  const rows = assets.map((asset) => {
    const entry = ledger.accounts.get(`${account.toLowerCase()}/${asset.toLowerCase()}`);
    const balance = entry?.balance ?? 0n;
    const refunds = entry?.refunds ?? 0n;
    const perAgreement = agreements
      .filter((a) => sameAddress(a.asset, asset))
      .map((a) => ({ agreement: a, amount: collectable({ agreement: a, account, timestamp }) }));
    const uncollected = perAgreement.reduce((s, p) => s + p.amount, 0n);
    return { asset, balance, refunds, perAgreement, total: balance + uncollected };
  });

  const withdraw = (asset: Address, perAgreement: { agreement: LedgerAgreement; amount: bigint }[], balance: bigint) =>
    tx.send({
      address: deployment.ecoshare,
      abi: ecoshareAbi,
      ...payoutCall({ account, asset, balance, collectable: perAgreement.map((p) => ({ agreementId: p.agreement.id, amount: p.amount })) }),
    });

  const feed = [...earnings].reverse();
  return (
    <section aria-labelledby="payouts-title">
      <h1 id="payouts-title">Payouts</h1>
      {rows.length === 0 ? <Empty>Nothing earned yet: share a referral link or join an agreement.</Empty> : null}
      <div className="cards">
        {rows.map(({ asset, balance, refunds, perAgreement, total }) => {
          const info = infos.get(asset.toLowerCase());
          if (!info) return <Loading key={asset} what="the token" />;
          return (
            <article key={asset} className="card balance" data-asset={info.symbol}>
              <h2>
                <span data-testid={`withdrawable-${info.symbol}`}>{formatAmount(total, info)}</span>
                <small> ready to withdraw</small>
              </h2>
              <p className="muted">
                {refunds > 0n ? "Referral fees, collected earnings and refunds" : "Referral fees and collected earnings"}: {formatAmount(balance, info)}
              </p>
              {refunds > 0n ? (
                <p data-testid={`refunded-${info.symbol}`}>
                  Refunded to you in all: {formatAmount(refunds, info)} <span className="muted small">(withdrawn with the rest of this balance)</span>
                </p>
              ) : null}
              {perAgreement.length > 0 ? (
                <ul className="plain">
                  {perAgreement.map(({ agreement, amount }) => (
                    <li key={agreement.id.toString()}>
                      <a href={`#/agreements/${agreement.id}`}>Agreement #{agreement.id.toString()}</a>: {formatAmount(amount, info)} to collect
                    </li>
                  ))}
                </ul>
              ) : null}
              <button type="button" disabled={!ready || tx.busy || total === 0n} onClick={() => withdraw(asset, perAgreement, balance)}>
                Withdraw {info.symbol}
              </button>
            </article>
          );
        })}
      </div>
      <TxStatus state={tx.state} what="Withdrawal" />

      <HeldPaymentsPanel account={account} timestamp={timestamp} />
      <MyTiers account={account} />

      {charts.length > 0 ? (
        <>
          <h2>Earnings over time</h2>
          {charts.map(({ asset, points }) => {
            const info = infos.get(asset.toLowerCase());
            return info ? <CumulativeChart key={asset} points={points} info={info} label="Earned" testId={`earnings-chart-${info.symbol}`} /> : null;
          })}
        </>
      ) : null}

      <h2>
        Incoming payouts <span className="live" aria-hidden="true">● live</span>
      </h2>
      {feed.length === 0 ? (
        <Empty>No payout yet. New ones appear here as they happen.</Empty>
      ) : (
        <ol className="feed" aria-live="polite" data-testid="payout-feed">
          {feed.slice(0, shown).map((e) => (
            <FeedItem key={e.key} earning={e} info={infos.get(e.asset.toLowerCase())} />
          ))}
        </ol>
      )}
      {feed.length > shown ? (
        <button type="button" className="secondary" onClick={() => setShown((n) => n + FEED_PAGE)}>
          Show {Math.min(FEED_PAGE, feed.length - shown)} more of {feed.length - shown}
        </button>
      ) : null}
    </section>
  );
}

function FeedItem({ earning: e, info }: { earning: Earning; info: AssetInfo | undefined }) {
  return (
    <li className={`feed-item feed-${e.kind}`} data-kind={e.kind}>
      <span className="feed-amount">{info ? formatAmount(e.amount < 0n ? -e.amount : e.amount, info) : e.amount.toString()}</span>{" "}
      <span>
        {KIND_TEXT[e.kind]}
        {e.released ? " (released)" : ""}
      </span>
      {e.agreementId !== undefined ? (
        <>
          {" "}
          · <a href={`#/agreements/${e.agreementId}`}>#{e.agreementId.toString()}</a>
        </>
      ) : null}{" "}
      <span className="muted">block {e.blockNumber.toString()}</span>
    </li>
  );
}
