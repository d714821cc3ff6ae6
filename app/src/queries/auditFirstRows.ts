/**
 * Query options for the Audit page's first screen when nothing is kept in this browser: the newest events
 * of the log, read backwards from the head until a screen of rows is filled, and the network and asset of
 * each agreement they name, from the contract's `agreement` views at the same block (one batch: a read of
 * the setup events would scan the whole history, seconds on a long one). Every event of the blocks read is
 * there, so these rows are exactly the newest rows of the whole log; the totals and checks wait for the
 * whole log (src/queries/protocolLog.ts), read after this.
 */
import { queryOptions } from "@tanstack/react-query";
import { readContract } from "viem/actions";
import { getPublicClient } from "wagmi/actions";

import { ecoshareAbi } from "../contracts/abis";
import { rowAgreementId, type RowAgreements } from "../lib/auditRows";
import type { Deployment } from "../lib/deployment";
import { hasLog } from "../lib/logStore";
import { fetchProtocolEventsBackward, type ProtocolEvent } from "../lib/protocolLog";
import type { AppConfig } from "../wagmi/config";

/** A busy block holds hundreds of events: start with few blocks, widen while windows come back sparse. */
const FIRST_WINDOW_BLOCKS = 2n;

export type AuditFirstRows =
  | { kept: true }
  | {
      kept: false;
      /** Every event of `[fromBlock, toBlock]`, in chain order. */
      events: ProtocolEvent[];
      fromBlock: bigint;
      toBlock: bigint;
      /** The network and asset of each agreement the events name, at `toBlock`. */
      agreements: RowAgreements;
    };

export function auditFirstRowsQueryOptions(config: AppConfig, deployment: Deployment, rows: number) {
  return queryOptions({
    queryKey: ["ecoshare", deployment.chainId, deployment.ecoshare, "audit-first-rows", rows],
    queryFn: async (): Promise<AuditFirstRows> => {
      // A kept log is extended with only the new blocks, sooner than this.
      if (await hasLog(deployment, "all")) return { kept: true };
      const client = getPublicClient(config, { chainId: deployment.chainId });
      if (!client) throw new Error(`No RPC client for chain ${deployment.chainId}.`);
      const toBlock = await client.getBlockNumber({ cacheTime: 0 });
      const address = deployment.ecoshare;
      const windows: ProtocolEvent[][] = [];
      let count = 0;
      let fromBlock = toBlock + 1n;
      for await (const window of fetchProtocolEventsBackward({ client, address, fromBlock: deployment.deployBlock, toBlock, blockRange: FIRST_WINDOW_BLOCKS, targetLogs: rows })) {
        windows.unshift(window.events);
        count += window.events.length;
        fromBlock = window.fromBlock;
        if (count >= rows) break;
      }
      const events = windows.flat();
      const ids = [...new Set(events.map(rowAgreementId).filter((id) => id !== undefined))];
      const views = await Promise.all(ids.map((id) => readContract(client, { address, abi: ecoshareAbi, functionName: "agreement", args: [id], blockNumber: toBlock })));
      const agreements = new Map(ids.map((id, i) => [id, { networkId: views[i]!.networkId, asset: views[i]!.asset }] as const));
      return { kept: false, events, fromBlock, toBlock, agreements };
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
