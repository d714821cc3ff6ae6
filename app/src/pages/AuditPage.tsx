import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { Address } from "viem";
import { useConfig } from "wagmi";
import { getBlock, getPublicClient } from "wagmi/actions";

import { IndexerError, indexedBlock } from "../../../client/indexer-client.js";
import { compareIndexer, formatIndexerMismatch } from "../../../client/indexer-compare.js";

import { readBlockTimes } from "../../../client/block-times.js";

import { heldTotals, owedByAsset } from "../../../client/ledger.js";
import { ETH } from "../../../client/protocol.js";
import { LogReadProgress } from "../components/LogReadProgress";
import { Empty, ErrorNotice } from "../components/States";
import { useAssetInfos } from "../hooks/useAssetInfo";
import { useDeployment } from "../hooks/useDeployment";
import { useLedger } from "../hooks/useProtocolLog";
import { auditRows, describeArgs, filterRows, toCsv, type AuditFilter, type AuditRow } from "../lib/auditRows";
import { formatAmount } from "../lib/format";
import { readingsFromLedger } from "../lib/indexerCheck";
import { readMetadata } from "../lib/networks";
import { useReadSource } from "../hooks/usePayouts";
import { auditFirstRowsQueryOptions, type AuditFirstRows } from "../queries/auditFirstRows";
import { holdingsQueryOptions } from "../queries/holdings";

const PAGE = 100;

export function AuditPage() {
  const { deployment } = useDeployment();
  const config = useConfig();
  const firstRows = useQuery(auditFirstRowsQueryOptions(config, deployment, PAGE));
  // The whole log is read once the first screen is there, so its requests do not hold that screen up.
  const { ledger, data, isPending, error } = useLedger(firstRows.isSuccess || firstRows.isError);
  const [filter, setFilter] = useState<AuditFilter>({});
  const [page, setPage] = useState(0);
  const [exportState, setExport] = useState<{ busy: boolean; error?: string }>({ busy: false });

  const rows = useMemo(() => (ledger && data ? auditRows(data.events, ledger.agreements) : []), [ledger, data]);
  const filtered = useMemo(() => filterRows(rows, filter).reverse(), [rows, filter]);
  const owed = useMemo(() => (ledger ? owedByAsset(ledger) : new Map<Address, bigint>()), [ledger]);
  const held_ = useMemo(() => (ledger ? heldTotals(ledger) : []), [ledger]);
  const assets = useMemo(() => {
    const set = new Map<string, Address>([[ETH, ETH]]);
    for (const a of ledger?.agreements.values() ?? []) set.set(a.asset.toLowerCase(), a.asset);
    for (const k of owed.keys()) set.set(k.toLowerCase(), k);
    return [...set.values()];
  }, [ledger, owed]);
  const infos = useAssetInfos(assets);
  const holdings = useQuery(holdingsQueryOptions(config, deployment.ecoshare, assets, data?.toBlock));

  if (error) return <ErrorNotice error={error} />;
  if (isPending) {
    return firstRows.data && !firstRows.data.kept ? <NewestRows first={firstRows.data} /> : <LogReadProgress scope="all" what="the event log" />;
  }
  if (!ledger || !data) return null;

  /** Amounts of `asset` with its symbol and decimals, once they are known. */
  const amountFormatter = (asset: string | undefined) => {
    const info = asset === undefined ? undefined : infos.get(asset.toLowerCase());
    return info ? (value: bigint) => formatAmount(value, info) : undefined;
  };

  const update = (patch: AuditFilter) => {
    setFilter((f) => ({ ...f, ...patch }));
    setPage(0);
  };
  const download = async () => {
    setExport({ busy: true });
    let csv: string;
    try {
      // Each block's time is read once, a few at a time, only for the rows exported.
      const client = getPublicClient(config);
      if (client === undefined) throw new Error("no RPC is configured for this chain");
      const blockTimes = await readBlockTimes({ client, blocks: filtered.map((r) => r.event.blockNumber) });
      const known = new Map([...infos].map(([address, info]) => [address.toLowerCase(), info]));
      csv = toCsv(filtered, { assets: known, blockTimes });
    } catch (cause) {
      setExport({ busy: false, error: `The CSV could not be made: the node did not give the blocks' times (${cause instanceof Error ? cause.message : String(cause)}). Try again.` });
      return;
    }
    setExport({ busy: false });
    const blob = new Blob([csv], { type: "text/csv" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `ecoshare-events-${deployment.chainId}-block-${data.toBlock}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  };
  const eventNames = [...new Set(rows.map((r) => r.event.eventName))].sort();
  const pageRows = filtered.slice(page * PAGE, (page + 1) * PAGE);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE));

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <p className="muted">
        {data.events.length} events from block {deployment.deployBlock.toString()} to {data.toBlock.toString()}, read in bounded ranges and kept live
        {data.readFrom > deployment.deployBlock ? ` (kept in this browser; blocks from ${data.readFrom.toString()} read on this visit)` : ""}.
      </p>

      <IndexerCheck />

      <h2>Conservation check</h2>
      <p className="muted">
        For each asset, the contract must hold every balance plus every agreement's uncollected pool and fees plus every payment still held, rebuilt
        from the log by the shared ledger rules.
      </p>
      <div className="table-wrap">
        <table data-testid="conservation">
          <thead>
            <tr>
              <th scope="col">Asset</th>
              <th scope="col">Held by the contract</th>
              <th scope="col">Owed (from the log)</th>
              <th scope="col">of which held</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {assets.map((asset) => {
              const info = infos.get(asset.toLowerCase());
              const held = holdings.data?.get(asset.toLowerCase());
              const due = [...owed.entries()].find(([k]) => k.toLowerCase() === asset.toLowerCase())?.[1] ?? 0n;
              const fmt = (v: bigint) => (info ? formatAmount(v, info) : v.toString());
              return (
                <tr key={asset}>
                  <td>{info?.symbol ?? asset}</td>
                  <td>{held === undefined ? "…" : fmt(held)}</td>
                  <td>{fmt(due)}</td>
                  <td data-held={asset.toLowerCase()}>{fmt(held_.find((h) => h.asset.toLowerCase() === asset.toLowerCase())?.pending ?? 0n)}</td>
                  <td data-result={held === undefined ? "pending" : held >= due ? "ok" : "shortfall"}>
                    {held === undefined ? "…" : held === due ? "✓ Conserved" : held > due ? `✓ Conserved (surplus ${fmt(held - due)} sent unasked)` : `✗ Shortfall of ${fmt(due - held)}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {held_.length > 0 ? (
        <>
          <h2>Held payments</h2>
          <div className="table-wrap">
            <table data-testid="held-totals">
              <thead>
                <tr>
                  <th scope="col">Asset</th>
                  <th scope="col">Pending (held)</th>
                  <th scope="col">Released</th>
                  <th scope="col">Refunded</th>
                </tr>
              </thead>
              <tbody>
                {held_.map((h) => {
                  const info = infos.get(h.asset.toLowerCase());
                  const fmt = (v: bigint) => (info ? formatAmount(v, info) : v.toString());
                  return (
                    <tr key={h.asset}>
                      <td>{info?.symbol ?? h.asset}</td>
                      <td data-testid="audit-held-pending">
                        {fmt(h.pending)} ({h.pendingPayments})
                      </td>
                      <td data-testid="audit-held-released">
                        {fmt(h.released)} ({h.releasedPayments})
                      </td>
                      <td data-testid="audit-held-refunded">
                        {fmt(h.refunded)} ({h.refundedPayments})
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {ledger.anomalies.length > 0 ? (
        <div className="notice notice-error" role="alert">
          <strong>{ledger.anomalies.length} event(s) break the rules:</strong>
          <ul>
            {ledger.anomalies.slice(0, 20).map((a, i) => (
              <li key={i}>
                Block {a.blockNumber.toString()}: {a.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="notice notice-ok">Every event follows the split and entitlement rules.</p>
      )}

      <h2>Event log</h2>
      <div className="filters">
        <label>
          Network
          <select value={filter.networkId ?? ""} onChange={(e) => update({ networkId: e.target.value })}>
            <option value="">All</option>
            {[...ledger.networks.values()].map((n) => (
              <option key={n.id.toString()} value={n.id.toString()}>
                #{n.id.toString()} {readMetadata(n.metadataURI).name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Agreement
          <select value={filter.agreementId ?? ""} onChange={(e) => update({ agreementId: e.target.value })}>
            <option value="">All</option>
            {[...ledger.agreements.keys()].map((id) => (
              <option key={id.toString()} value={id.toString()}>
                #{id.toString()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Account
          <input value={filter.account ?? ""} onChange={(e) => update({ account: e.target.value })} placeholder="0x…" />
        </label>
        <label>
          Asset
          <select value={filter.asset ?? ""} onChange={(e) => update({ asset: e.target.value })}>
            <option value="">All</option>
            {assets.map((a) => (
              <option key={a} value={a.toLowerCase()}>
                {infos.get(a.toLowerCase())?.symbol ?? a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event
          <select value={filter.eventName ?? ""} onChange={(e) => update({ eventName: e.target.value })}>
            <option value="">All</option>
            {eventNames.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" onClick={() => void download()} disabled={filtered.length === 0 || exportState.busy}>
          {exportState.busy ? "Preparing the CSV…" : `Export CSV (${filtered.length})`}
        </button>
      </div>
      {exportState.error ? (
        <p className="notice notice-error" role="alert">
          {exportState.error}
        </p>
      ) : null}
      {filtered.length === 0 ? (
        <Empty>No event matches these filters.</Empty>
      ) : (
        <>
          <EventTable rows={pageRows} partial={false} amountFormatter={amountFormatter} />
          <nav className="pager" aria-label="Event pages">
            <button type="button" className="secondary" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
              Newer
            </button>
            <span>
              Page {page + 1} of {pages}
            </span>
            <button type="button" className="secondary" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)}>
              Older
            </button>
          </nav>
        </>
      )}
    </section>
  );
}

/** Rows of the event log, newest first; `partial` while only the newest part of the log is read. */
function EventTable({ rows, partial, amountFormatter }: { rows: readonly AuditRow[]; partial: boolean; amountFormatter: (asset: string | undefined) => ((value: bigint) => string) | undefined }) {
  return (
    <div className="table-wrap">
      <table className="events" data-testid="audit-events" data-partial={String(partial)}>
        <thead>
          <tr>
            <th scope="col">Block</th>
            <th scope="col">Event</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.event.transactionHash}:${r.event.logIndex}`}>
              <td>{r.event.blockNumber.toString()}</td>
              <td>{r.event.eventName}</td>
              <td className="args">{describeArgs(r.event, amountFormatter(r.asset))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The newest rows, shown while the whole log is read: exactly the first rows the whole log will show (every
 * event of the blocks they span was read). Filters, export, totals and checks need the whole log: they
 * follow it, and the page says so.
 */
function NewestRows({ first }: { first: Extract<AuditFirstRows, { kept: false }> }) {
  const rows = useMemo(() => auditRows(first.events, first.agreements).reverse().slice(0, PAGE), [first]);
  const assets = useMemo(() => [...new Map(rows.flatMap((r) => (r.asset === undefined ? [] : [[r.asset, r.asset as Address] as const]))).values()], [rows]);
  const infos = useAssetInfos(assets);
  const amountFormatter = (asset: string | undefined) => {
    const info = asset === undefined ? undefined : infos.get(asset);
    return info ? (value: bigint) => formatAmount(value, info) : undefined;
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <LogReadProgress scope="all" what="the whole event log for the totals and checks" />
      <h2>Event log</h2>
      <p className="muted" data-testid="audit-partial">
        The newest {rows.length} events (blocks {first.fromBlock.toString()} to {first.toBlock.toString()}). The filters, the export, the conservation check and
        the totals follow once the whole log is read.
      </p>
      {rows.length === 0 ? (
        <Empty>No event yet.</Empty>
      ) : (
        <EventTable rows={rows} partial amountFormatter={amountFormatter} />
      )}
    </section>
  );
}

/**
 * When the deployment names an indexer: are its balances and collectable amounts those of this log, at
 * the same block? Checked again as both move on.
 */
function IndexerCheck() {
  const source = useReadSource();
  const { ledger, data } = useLedger();
  const config = useConfig();
  const url = source.data?.kind === "indexer" ? source.data.url : undefined;
  const toBlock = data?.toBlock;
  const check = useQuery({
    queryKey: ["indexer-check", url, toBlock?.toString()],
    enabled: url !== undefined && ledger !== undefined && toBlock !== undefined,
    queryFn: async () => {
      const at = await indexedBlock({ url: url! });
      if (at !== toBlock) return { waiting: at };
      const block = await getBlock(config, { blockNumber: toBlock });
      try {
        return await compareIndexer({ url: url!, readings: readingsFromLedger(ledger!, block.timestamp), blockNumber: toBlock, timestamp: block.timestamp });
      } catch (error) {
        // It moved on while it was read: wait for the log to catch up with it.
        const now = await indexedBlock({ url: url! });
        if (error instanceof IndexerError && now !== toBlock) return { waiting: now };
        throw error;
      }
    },
    refetchInterval: (query) => (query.state.data && "waiting" in query.state.data ? 2_000 : false),
    retry: false,
  });
  if (!url) return null;
  if (check.error) return <ErrorNotice error={check.error} />;
  if (!check.data || "waiting" in check.data) {
    return (
      <p className="muted" data-testid="indexer-check" data-result="pending">
        Checking the indexer at {url} against this log{check.data ? ` (it is at block ${check.data.waiting}, the log at ${toBlock})` : ""}…
      </p>
    );
  }
  const { mismatches, checks } = check.data;
  return mismatches.length === 0 ? (
    <p className="notice notice-ok" data-testid="indexer-check" data-result="ok">
      The indexer at {url} agrees with this log at block {toBlock?.toString()}: {checks} balances and collectable amounts checked.
    </p>
  ) : (
    <div className="notice notice-error" role="alert" data-testid="indexer-check" data-result="mismatch">
      <strong>The indexer at {url} disagrees with this log at block {toBlock?.toString()} ({mismatches.length} of {checks}):</strong>
      <ul>
        {mismatches.slice(0, 20).map((m, i) => (
          <li key={i}>{formatIndexerMismatch(m).replace("the chain", "the log")}</li>
        ))}
      </ul>
    </div>
  );
}
