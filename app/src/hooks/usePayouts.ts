/**
 * The Payouts page's data from the source `useReadSource` picks: the indexer's API, or the chain's RPC
 * (the shared ledger rebuilt from the event log). Both give the shapes of src/lib/payouts.ts.
 */
import { useInfiniteQuery, useQuery, type InfiniteData, type UseInfiniteQueryResult, type UseQueryResult } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import type { Address } from "viem";
import { useConfig } from "wagmi";

import { indexerBalances, indexerEarnings, indexerPayments } from "../../../client/indexer-client.js";
import { mergePayoutStreams, payoutPageFromLedger, summaryFromIndexer, summaryFromLedger, type PayoutPage, type PayoutsSummary } from "../lib/payouts";
import { partnerLogQueryOptions } from "../queries/partnerLog";
import { payoutsStartQueryOptions, payoutsViewsQueryOptions, recentPayoutsQueryOptions, type PayoutsStart } from "../queries/recentPayouts";
import type { RecentPayoutPage } from "../lib/recentPayouts";
import type { ProtocolLog } from "../queries/protocolLog";
import { readSourceQueryOptions, type ReadSource } from "../queries/readSource";
import { useDeployment } from "./useDeployment";
import { ledgerOf } from "./useProtocolLog";

/** Payouts shown a page at a time. */
export const FEED_PAGE = 50;
/** How often the indexer's figures are read again while the page is open (the RPC path is pushed by the watcher). */
const INDEXER_REFRESH_MS = 2_000;

/** Where this page reads from, and why not from the indexer when one is named. Pending while it is being checked. */
export function useReadSource() {
  const config = useConfig();
  const { deployment } = useDeployment();
  return useQuery(readSourceQueryOptions(config, deployment));
}

/**
 * The account's part of the event log (read by the topics that name it, kept in the browser), from which
 * the Payouts page's RPC figures, held payments, tiers and chart come. Read only while `enabled`.
 */
export function usePartnerLog(account: Address, enabled: boolean): UseQueryResult<ProtocolLog> {
  const config = useConfig();
  const { deployment } = useDeployment();
  return useQuery({ ...partnerLogQueryOptions(config, deployment, account), enabled });
}

/** What the RPC gives first, before the account's part of the log: the contract's views and the newest payouts. */
export interface PayoutsFirstRead {
  start: UseQueryResult<PayoutsStart>;
  /** The account's figures from the contract's views. */
  views: UseQueryResult<PayoutsSummary>;
  recent: UseInfiniteQueryResult<InfiniteData<RecentPayoutPage>>;
  /** Whether the account's part of the log may be read now: after the first page, so that page is not slowed by it. */
  logMayStart: boolean;
}

/**
 * The Payouts page's first data from the RPC (see src/queries/recentPayouts.ts), read only while `enabled`
 * and until the account's part of the log is there.
 */
export function usePayoutsFirstRead(account: Address, enabled: boolean): PayoutsFirstRead {
  const config = useConfig();
  const { deployment } = useDeployment();
  const start = useQuery({ ...payoutsStartQueryOptions(config, deployment, account), enabled });
  // The views and the newest payouts are read side by side, both from the start's head.
  const views = useQuery(payoutsViewsQueryOptions(config, deployment, account, enabled ? start.data : undefined));
  const recent = useInfiniteQuery(recentPayoutsQueryOptions(config, deployment, account, enabled ? start.data : undefined, FEED_PAGE));
  const logMayStart = start.isError || start.data?.kept === true || recent.isSuccess || recent.isError;
  return { start, views, recent, logMayStart };
}

export interface PayoutsData {
  source: ReadSource | undefined;
  summary: PayoutsSummary | undefined;
  pages: PayoutPage[];
  hasOlder: boolean;
  loadOlder: () => void;
  loadingOlder: boolean;
  isPending: boolean;
  error: unknown;
}

/**
 * The account's balances, collectable amounts and incoming payouts (newest first, `FEED_PAGE` at a time),
 * from the indexer or, from the RPC, from `partnerLog` (see {@link usePartnerLog}).
 */
export function usePayouts(account: Address, timestamp: bigint, source: UseQueryResult<ReadSource>, partnerLog: UseQueryResult<ProtocolLog>, first: PayoutsFirstRead): PayoutsData {
  const kind = source.data?.kind;
  const rpc = usePayoutsFromRpc(account, timestamp, kind === "rpc", partnerLog, first);
  const indexer = usePayoutsFromIndexer(account, timestamp, source.data?.kind === "indexer" ? source.data.url : undefined);
  const chosen = kind === "indexer" ? indexer : rpc;
  return { ...chosen, source: source.data, isPending: source.isPending || chosen.isPending, error: source.error ?? chosen.error };
}

type SourceData = Omit<PayoutsData, "source">;

function usePayoutsFromRpc(account: Address, timestamp: bigint, enabled: boolean, log: UseQueryResult<ProtocolLog>, first: PayoutsFirstRead): SourceData {
  const ledger = useMemo(() => (log.data ? ledgerOf(log.data) : undefined), [log.data]);
  const fullSummary = useMemo(() => (ledger ? summaryFromLedger(ledger, account, timestamp) : undefined), [ledger, account, timestamp]);
  // The ledger is in memory: pages are cut from it as they are asked for, and follow it as it grows.
  const [pagesWanted, setPagesWanted] = useState(1);
  const recentPages = first.recent.data?.pages;
  // The pages read from the head before the ledger was there stay shown when it takes over.
  useEffect(() => {
    if (recentPages && recentPages.length > pagesWanted) setPagesWanted(recentPages.length);
  }, [recentPages, pagesWanted]);
  const start = first.start.data;
  const early = !ledger && start && !start.kept ? { summary: first.views.data, pages: recentPages } : undefined;
  const summary = fullSummary ?? early?.summary;
  const isPending = !summary || (!ledger && early?.pages === undefined);
  // A failed first read is not the page's failure: the account's part of the log is read after it anyway
  // (see logMayStart), and the page waits for that; only the log's own failure is shown.
  const error = log.error;
  const pages = useMemo(() => {
    if (!enabled || !summary) return [];
    if (!ledger) return (early?.pages ?? []).map((page) => ({ payments: page.payments, before: undefined }));
    const out: PayoutPage[] = [];
    let before: number | undefined;
    for (let i = 0; i < pagesWanted; i++) {
      const page = payoutPageFromLedger(ledger, account, summary.roles, before, FEED_PAGE);
      out.push(page);
      if (page.before === undefined) break;
      before = page.before;
    }
    return out;
  }, [enabled, ledger, summary, account, pagesWanted, early?.pages]);
  if (!ledger) {
    return { summary, pages, hasOlder: first.recent.hasNextPage, loadOlder: () => void first.recent.fetchNextPage(), loadingOlder: first.recent.isFetchingNextPage, isPending, error };
  }
  const hasOlder = pages.length > 0 && pages[pages.length - 1]!.before !== undefined;
  return { summary, pages, hasOlder, loadOlder: () => setPagesWanted((n) => n + 1), loadingOlder: false, isPending, error };
}

function usePayoutsFromIndexer(account: Address, timestamp: bigint, url: string | undefined): SourceData {
  const figures = useQuery({
    queryKey: ["indexer", url, "payouts-summary", account, timestamp.toString()],
    enabled: url !== undefined,
    queryFn: async () => {
      const [balances, earnings] = await Promise.all([indexerBalances({ url: url!, account }), indexerEarnings({ url: url!, account, at: timestamp })]);
      return summaryFromIndexer(balances, earnings, account);
    },
    refetchInterval: INDEXER_REFRESH_MS,
    placeholderData: (previous) => previous,
  });
  const summary = figures.data;
  const agreements = summary ? [...summary.roles.keys()].join(",") : undefined;
  const feed = useInfiniteQuery({
    queryKey: ["indexer", url, "payout-feed", account, agreements],
    enabled: url !== undefined && summary !== undefined,
    initialPageParam: undefined as number | undefined,
    queryFn: async ({ pageParam }) => {
      const roles = summary!.roles;
      const limit = FEED_PAGE;
      // The account's referrals, and the payments of each agreement naming it, merged newest first.
      const streams = await Promise.all([
        indexerPayments({ url: url!, referrer: account, before: pageParam, limit }),
        ...[...roles.keys()].map((agreementId) => indexerPayments({ url: url!, agreementId, before: pageParam, limit })),
      ]);
      return mergePayoutStreams(streams.map((rows) => ({ rows, complete: rows.length < limit })), account, roles, FEED_PAGE);
    },
    getNextPageParam: (last) => last.before,
    refetchInterval: INDEXER_REFRESH_MS,
  });
  return feedData(summary, feed, figures.isPending || feed.isPending, figures.error ?? feed.error);
}

function feedData(
  summary: PayoutsSummary | undefined,
  feed: { data?: { pages: PayoutPage[] }; hasNextPage: boolean; fetchNextPage: () => unknown; isFetchingNextPage: boolean },
  isPending: boolean,
  error: unknown,
): SourceData {
  return {
    summary,
    pages: feed.data?.pages ?? [],
    hasOlder: feed.hasNextPage,
    loadOlder: () => void feed.fetchNextPage(),
    loadingOlder: feed.isFetchingNextPage,
    isPending,
    error,
  };
}
