/**
 * Query options for the protocol's event log: one cached copy per deployment, kept in IndexedDB across
 * visits and extended with only the new blocks (reorg-safe, src/lib/incrementalLog.ts), then extended live
 * as events arrive. While a long read runs, its progress is reported (src/lib/logProgress.ts).
 */
import { queryOptions, type QueryClient } from "@tanstack/react-query";
import { getPublicClient } from "wagmi/actions";

import type { Deployment } from "../lib/deployment";
import { extendLog } from "../lib/incrementalLog";
import { reportLogProgress } from "../lib/logProgress";
import { loadLog, saveLog } from "../lib/logStore";
import { fetchProtocolEvents, mergeEvents, type ProtocolEvent } from "../lib/protocolLog";
import type { AppConfig } from "../wagmi/config";

export interface ProtocolLog {
  events: ProtocolEvent[];
  /** The last block read (inclusive); live updates continue from the next one. */
  toBlock: bigint;
  /** The first block read from the chain on this visit (the deploy block when nothing was kept). */
  readFrom: bigint;
}

export function protocolLogQueryKey(deployment: Deployment) {
  return ["ecoshare", deployment.chainId, deployment.ecoshare, "log"] as const;
}

/** The progress key of a log read (`scope` "all" for the whole log). */
export function logProgressKey(deployment: Deployment, scope: string): string {
  return `${deployment.chainId}:${deployment.ecoshare.toLowerCase()}:${scope}`;
}

export type PersistedLogParameters = {
  config: AppConfig;
  deployment: Deployment;
  /** Names the log in the store and in progress reports: "all", or one partner's. */
  scope: string;
  /** Reads `[from, to]` given what is kept from before `from`; `onEvents` counts what was read. */
  read: (args: { from: bigint; to: bigint; kept: readonly ProtocolEvent[]; client: Parameters<typeof fetchProtocolEvents>[0]["client"]; onRead: (toBlock: bigint, events: number) => void }) => Promise<ProtocolEvent[]>;
};

/** Reads a log, starting from what an earlier visit kept, and keeps the result. */
export async function readPersistedLog({ config, deployment, scope, read }: PersistedLogParameters): Promise<ProtocolLog> {
  const client = getPublicClient(config, { chainId: deployment.chainId });
  if (!client) throw new Error(`No RPC client for chain ${deployment.chainId}.`);
  const [head, base] = await Promise.all([client.getBlockNumber({ cacheTime: 0 }), loadLog(deployment, scope)]);
  const key = logProgressKey(deployment, scope);
  try {
    const { snapshot, readFrom } = await extendLog({
      base,
      fromBlock: deployment.deployBlock,
      head,
      blockHash: async (n) => (await client.getBlock({ blockNumber: n }).catch(() => undefined))?.hash ?? undefined,
      read: (from, to, kept) =>
        read({
          from,
          to,
          kept,
          client,
          onRead: (readTo, events) => reportLogProgress(key, { fromBlock: from, readTo, lastBlock: to, events: kept.length + events }),
        }),
    });
    await saveLog(deployment, scope, snapshot);
    return { events: snapshot.events, toBlock: snapshot.toBlock, readFrom };
  } finally {
    reportLogProgress(key, undefined);
  }
}

export function protocolLogQueryOptions(config: AppConfig, deployment: Deployment) {
  return queryOptions({
    queryKey: protocolLogQueryKey(deployment),
    queryFn: (): Promise<ProtocolLog> =>
      readPersistedLog({
        config,
        deployment,
        scope: "all",
        read: ({ from, to, client, onRead }) =>
          fetchProtocolEvents({ client, address: deployment.ecoshare, fromBlock: from, toBlock: to, onProgress: (p) => onRead(p.toBlock, p.logs) }),
      }),
    // Kept fresh by the event watcher (ProtocolLogWatcher), not by refetching everything.
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
}

/** Adds freshly watched events to the cached log. */
export function appendToProtocolLog(queryClient: QueryClient, deployment: Deployment, incoming: ProtocolEvent[]) {
  queryClient.setQueryData<ProtocolLog>(protocolLogQueryKey(deployment), (old) => {
    if (!old) return old;
    const last = incoming.reduce((max, e) => (e.blockNumber > max ? e.blockNumber : max), old.toBlock);
    return { ...old, events: mergeEvents(old.events, incoming), toBlock: last };
  });
}
