/** Query options for the protocol's event log: one cached copy per deployment, extended as events arrive. */
import { queryOptions, type QueryClient } from "@tanstack/react-query";
import { getPublicClient } from "wagmi/actions";

import type { Deployment } from "../lib/deployment";
import { fetchProtocolEvents, mergeEvents, type ProtocolEvent } from "../lib/protocolLog";
import type { AppConfig } from "../wagmi/config";

export interface ProtocolLog {
  events: ProtocolEvent[];
  /** The last block read (inclusive); live updates continue from the next one. */
  toBlock: bigint;
}

export function protocolLogQueryKey(deployment: Deployment) {
  return ["ecoshare", deployment.chainId, deployment.ecoshare, "log"] as const;
}

export function protocolLogQueryOptions(config: AppConfig, deployment: Deployment) {
  return queryOptions({
    queryKey: protocolLogQueryKey(deployment),
    queryFn: async (): Promise<ProtocolLog> => {
      const client = getPublicClient(config, { chainId: deployment.chainId });
      if (!client) throw new Error(`No RPC client for chain ${deployment.chainId}.`);
      const toBlock = await client.getBlockNumber({ cacheTime: 0 });
      const events = await fetchProtocolEvents({
        transport: client,
        address: deployment.ecoshare,
        fromBlock: deployment.deployBlock,
        toBlock,
      });
      return { events, toBlock };
    },
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
    return { events: mergeEvents(old.events, incoming), toBlock: last };
  });
}
