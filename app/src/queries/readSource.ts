/**
 * Where pages read the ledger from: the indexer, when the deployment names one and it is reachable and
 * caught up with the chain, or else the chain's RPC (the event log, replayed by the shared ledger rules).
 * The reason for falling back is kept, so a page can say it in plain words.
 */
import { queryOptions } from "@tanstack/react-query";
import { getPublicClient } from "wagmi/actions";

import { indexedBlock } from "../../../client/indexer-client.js";
import type { Deployment } from "../lib/deployment";
import type { AppConfig } from "../wagmi/config";

/** How far behind the chain's head the indexer may be before pages read from the RPC instead. */
export const MAX_INDEXER_LAG_BLOCKS = 20n;

export type ReadSource =
  | { kind: "indexer"; url: string; indexedBlock: bigint; headBlock: bigint }
  | {
      kind: "rpc";
      /** Why not the indexer, when the deployment names one. */
      reason?: string;
    };

/** `?source=rpc` in the page's address forces the RPC (to compare both sources, or to skip a doubtful indexer). */
export function forcedRpc(search = typeof window === "undefined" ? "" : window.location.search): boolean {
  return new URLSearchParams(search).get("source") === "rpc";
}

export type ChooseReadSourceParameters = { url: string } & ({ indexed: bigint; head: bigint } | { error: unknown });

/** The indexer when it answered and is at most {@link MAX_INDEXER_LAG_BLOCKS} behind `head`; else the RPC, and why. */
export function chooseReadSource(parameters: ChooseReadSourceParameters): ReadSource {
  const { url } = parameters;
  if ("error" in parameters) {
    const { error } = parameters;
    return { kind: "rpc", reason: `${error instanceof Error ? error.message : String(error)} Reading from the chain's RPC instead, which is slower.` };
  }
  const { indexed, head } = parameters;
  if (head - indexed > MAX_INDEXER_LAG_BLOCKS) {
    return {
      kind: "rpc",
      reason: `The indexer at ${url} is ${head - indexed} blocks behind the chain (it is at block ${indexed}, the chain at ${head}): reading from the chain's RPC instead, which is slower.`,
    };
  }
  return { kind: "indexer", url, indexedBlock: indexed, headBlock: head };
}

export function readSourceQueryOptions(config: AppConfig, deployment: Deployment) {
  return queryOptions({
    queryKey: ["ecoshare", deployment.chainId, deployment.ecoshare, "read-source", deployment.indexerUrl ?? null],
    queryFn: async (): Promise<ReadSource> => {
      const url = deployment.indexerUrl;
      if (url === undefined) return { kind: "rpc" };
      if (forcedRpc()) return { kind: "rpc", reason: "Reading from the chain's RPC, as the address asks (?source=rpc)." };
      const client = getPublicClient(config, { chainId: deployment.chainId });
      if (!client) throw new Error(`No RPC client for chain ${deployment.chainId}.`);
      try {
        const [indexed, head] = await Promise.all([indexedBlock({ url, timeoutMs: 3_000 }), client.getBlockNumber({ cacheTime: 0 })]);
        return chooseReadSource({ url, indexed, head });
      } catch (error) {
        return chooseReadSource({ url, error });
      }
    },
    // Checked again now and then: an indexer that catches up (or falls behind) changes the source.
    staleTime: 30_000,
    refetchInterval: 30_000,
    retry: false,
  });
}
