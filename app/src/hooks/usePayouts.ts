/**
 * The Payouts page's data from the source `useReadSource` picks: the indexer's API, or the chain's RPC
 * (the shared ledger rebuilt from the event log). Both give the shapes of src/lib/payouts.ts.
 */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Address } from "viem";
import { useConfig } from "wagmi";

import { indexerBalances, indexerEarnings, indexerPayments } from "../../../scripts/lib/indexer-client.js";
import { mergePayoutStreams, payoutPageFromLedger, summaryFromIndexer, summaryFromLedger, type PayoutPage, type PayoutsSummary } from "../lib/payouts";
import { readSourceQueryOptions, type ReadSource } from "../queries/readSource";
import { useDeployment } from "./useDeployment";
import { useLedger } from "./useProtocolLog";

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

/** The account's balances, collectable amounts and incoming payouts (newest first, `FEED_PAGE` at a time). */
export function usePayouts(account: Address, timestamp: bigint): PayoutsData {
  const source = useReadSource();
  const kind = source.data?.kind;
  const rpc = usePayoutsFromRpc(account, timestamp, kind === "rpc");
  const indexer = usePayoutsFromIndexer(account, timestamp, source.data?.kind === "indexer" ? source.data.url : undefined);
  const chosen = kind === "indexer" ? indexer : rpc;
  return { ...chosen, source: source.data, isPending: source.isPending || chosen.isPending, error: source.error ?? chosen.error };
}

type SourceData = Omit<PayoutsData, "source">;

function usePayoutsFromRpc(account: Address, timestamp: bigint, enabled: boolean): SourceData {
  const { ledger, isPending, error } = useLedger(enabled);
  const summary = useMemo(() => (ledger ? summaryFromLedger(ledger, account, timestamp) : undefined), [ledger, account, timestamp]);
  const feed = useInfiniteQuery({
    queryKey: ["payout-feed", "ledger", account, ledger?.payments.length ?? -1, summary?.roles.size ?? -1],
    enabled: enabled && ledger !== undefined && summary !== undefined,
    initialPageParam: undefined as number | undefined,
    queryFn: async ({ pageParam }) => payoutPageFromLedger(ledger!, account, summary!.roles, pageParam, FEED_PAGE),
    getNextPageParam: (last) => last.before,
    // The ledger is in memory and every version of it has its own key: nothing to keep.
    gcTime: 0,
    placeholderData: (previous) => previous,
  });
  return feedData(summary, feed, isPending || feed.isPending, error ?? feed.error);
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
