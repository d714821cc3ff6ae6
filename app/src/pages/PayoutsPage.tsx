import { useMemo, useState } from "react";
import type { Address } from "viem";
import { useBlock } from "wagmi";

import { useWalletReady } from "../components/ChainGuard";
import { CumulativeChart } from "../components/EarningsChart";
import { LogReadProgress } from "../components/LogReadProgress";
import { Empty, ErrorNotice, Loading } from "../components/States";
import { TxStatus } from "../components/TxStatus";
import { ecoshareAbi } from "../contracts/abis";
import { useAssetInfos } from "../hooks/useAssetInfo";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { ScopedLogContext, useLedger } from "../hooks/useProtocolLog";
import { usePartnerLog, usePayouts, usePayoutsFirstRead, useReadSource } from "../hooks/usePayouts";
import { cumulativeEarnings, earningsOf } from "../lib/earnings";
import { payoutItemsOf, type PayoutAsset, type PayoutItem } from "../lib/payouts";
import { partnerLogScope } from "../queries/partnerLog";
import type { ReadSource } from "../queries/readSource";
import { formatAmount, type AssetInfo } from "../lib/format";
import { payoutCall } from "../lib/payoutCall";
import { HeldPaymentsPanel, MyTiers } from "../components/HeldPayments";

const KIND_TEXT: Record<PayoutItem["kind"], string> = {
  referral: "Referral fee",
  share: "Share of a payment",
  "network-fee": "Network fee",
};

export function PayoutsPage() {
  const { address } = useWalletReady();
  const block = useBlock({ watch: true, query: { staleTime: 0 } });
  if (!address) return <Empty>Connect a wallet to see your payouts.</Empty>;
  // The chain's time, so collectable amounts are the contract's (and the same from either source).
  if (!block.data) return <Loading what="the chain's latest block" />;
  return <Payouts account={address} timestamp={block.data.timestamp} />;
}

/** Says where the figures come from, and in plain words why not from the indexer when one is named. */
export function SourceNotice({ source }: { source: ReadSource | undefined }) {
  if (!source) return null;
  if (source.kind === "indexer") {
    return (
      <p className="muted small" data-testid="read-source" data-source="indexer">
        Read from the indexer at {source.url} (block {source.indexedBlock.toString()}).
      </p>
    );
  }
  if (!source.reason) return null;
  return (
    <p className="notice" role="status" data-testid="read-source" data-source="rpc">
      {source.reason}
    </p>
  );
}

function Payouts({ account, timestamp }: { account: Address; timestamp: bigint }) {
  const { deployment } = useDeployment();
  const { ready } = useWalletReady();
  const tx = useContractTransaction();
  const [showLedger, setShowLedger] = useState(false);
  const source = useReadSource();
  // From the RPC, everything on the page comes from the account's part of the log; on the indexer, only
  // the held payments, tiers and chart do, once asked for.
  const fromRpc = source.data?.kind === "rpc";
  // From the RPC the balances and newest payouts come first (the contract's views, a backward read), then
  // the account's part of the log for everything else.
  const first = usePayoutsFirstRead(account, fromRpc);
  const partnerLog = usePartnerLog(account, (fromRpc && first.logMayStart) || showLedger);
  const data = usePayouts(account, timestamp, source, partnerLog, first);
  const summary = data.summary;
  const assets = useMemo(() => summary?.assets.map((a) => a.asset) ?? [], [summary]);
  const infos = useAssetInfos(assets);
  const feed = useMemo(
    () => (summary ? data.pages.flatMap((page) => page.payments.flatMap((p) => payoutItemsOf(p, account, summary.roles))) : []),
    [data.pages, summary, account],
  );
  if (data.error) return <ErrorNotice error={data.error} />;
  if (data.isPending || !summary) {
    return (
      <>
        <SourceNotice source={data.source} />
        {data.source?.kind === "rpc" ? <LogReadProgress scope={partnerLogScope(account)} what="your payouts from the event log" /> : <Loading what="your payouts" />}
      </>
    );
  }
  const fromIndexer = data.source?.kind === "indexer";

  const withdraw = (row: PayoutAsset) =>
    tx.send({
      address: deployment.ecoshare,
      abi: ecoshareAbi,
      ...payoutCall({ account, asset: row.asset, balance: row.balance, collectable: row.agreements }),
    });

  return (
    <section aria-labelledby="payouts-title" data-testid="payouts" data-log={fromIndexer || partnerLog.data ? "complete" : "reading"}>
      <h1 id="payouts-title">Payouts</h1>
      <SourceNotice source={data.source} />
      {summary.assets.length === 0 ? <Empty>Nothing earned yet: share a referral link or join an agreement.</Empty> : null}
      <div className="cards" data-testid="payout-balances">
        {summary.assets.map((row) => {
          const { asset, balance, refunds, agreements, total } = row;
          const info = infos.get(asset.toLowerCase());
          if (!info) return <Loading key={asset} what="the token" />;
          return (
            <article key={asset} className="card balance" data-asset={info.symbol}>
              <h2>
                <span data-testid={`withdrawable-${info.symbol}`}>{formatAmount(total, info)}</span>
                <small> ready to withdraw</small>
              </h2>
              <p className="muted">
                {refunds === undefined ? "In your balance" : refunds > 0n ? "Referral fees, collected earnings and refunds" : "Referral fees and collected earnings"}: {formatAmount(balance, info)}
              </p>
              {refunds !== undefined && refunds > 0n ? (
                <p data-testid={`refunded-${info.symbol}`}>
                  Refunded to you in all: {formatAmount(refunds, info)} <span className="muted small">(withdrawn with the rest of this balance)</span>
                </p>
              ) : null}
              {agreements.length > 0 ? (
                <ul className="plain">
                  {agreements.map(({ agreementId, amount }) => (
                    <li key={agreementId.toString()}>
                      <a href={`#/agreements/${agreementId}`}>Agreement #{agreementId.toString()}</a>: {formatAmount(amount, info)} to collect
                    </li>
                  ))}
                </ul>
              ) : null}
              <button type="button" disabled={!ready || tx.busy || total === 0n} onClick={() => withdraw(row)}>
                Withdraw {info.symbol}
              </button>
            </article>
          );
        })}
      </div>
      <TxStatus state={tx.state} what="Withdrawal" />

      {fromIndexer && !showLedger ? (
        <p>
          <button type="button" className="secondary" onClick={() => setShowLedger(true)}>
            Show held payments, loyalty tiers and the earnings chart
          </button>{" "}
          <span className="muted small">They are rebuilt from the chain's whole event log, which takes longer than the indexer.</span>
        </p>
      ) : (
        <ScopedLogContext.Provider value={partnerLog}>
          <LedgerPanels account={account} timestamp={timestamp} />
        </ScopedLogContext.Provider>
      )}

      <h2>
        Incoming payouts <span className="live" aria-hidden="true">● live</span>
      </h2>
      {feed.length === 0 ? (
        <Empty>No payout yet. New ones appear here as they happen.</Empty>
      ) : (
        <ol className="feed" aria-live="polite" data-testid="payout-feed">
          {feed.map((item) => (
            <FeedItem key={item.key} item={item} info={infos.get(item.asset.toLowerCase())} />
          ))}
        </ol>
      )}
      {data.hasOlder ? (
        <button type="button" className="secondary" disabled={data.loadingOlder} onClick={data.loadOlder}>
          {data.loadingOlder ? "Loading older payouts…" : "Load older payouts"}
        </button>
      ) : null}
    </section>
  );
}

/** What only the whole event log gives: held payments, loyalty tiers, the earnings chart. */
function LedgerPanels({ account, timestamp }: { account: Address; timestamp: bigint }) {
  const { ledger, data, isPending, error } = useLedger();
  const earnings = useMemo(() => (ledger && data ? earningsOf(data.events, ledger, account) : []), [ledger, data, account]);
  const assets = useMemo(() => [...new Map(earnings.map((e) => [e.asset.toLowerCase(), e.asset])).values()], [earnings]);
  const infos = useAssetInfos(assets);
  // Only assets with earnings get a chart: a customer's refunds are not earnings, and an empty chart says nothing.
  const charts = useMemo(() => assets.map((asset) => ({ asset, points: cumulativeEarnings(earnings, asset) })).filter((c) => c.points.length > 0), [assets, earnings]);
  if (error) return <ErrorNotice error={error} />;
  if (isPending) return <LogReadProgress scope={partnerLogScope(account)} what="your part of the event log" />;
  return (
    <>
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
    </>
  );
}

const STATUS_TEXT: Record<PayoutItem["status"], string> = { credited: "", pending: " (held)", released: " (released)", refunded: " (refunded)" };

function FeedItem({ item, info }: { item: PayoutItem; info: AssetInfo | undefined }) {
  return (
    <li className={`feed-item feed-${item.kind}`} data-kind={item.kind} data-status={item.status}>
      <span className="feed-amount">{info ? formatAmount(item.amount, info) : item.amount.toString()}</span>{" "}
      <span>
        {KIND_TEXT[item.kind]}
        {STATUS_TEXT[item.status]}
      </span>{" "}
      · <a href={`#/agreements/${item.agreementId}`}>#{item.agreementId.toString()}</a> <span className="muted">block {item.blockNumber.toString()}</span>
    </li>
  );
}
