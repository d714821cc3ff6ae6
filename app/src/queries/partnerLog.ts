/**
 * Query options for one partner's part of the event log (src/lib/partnerLog.ts): kept in IndexedDB like
 * the whole log, and extended with the new blocks every few seconds while a page shows it.
 */
import { queryOptions } from "@tanstack/react-query";
import type { Address } from "viem";

import type { Deployment } from "../lib/deployment";
import { readPartnerLog } from "../lib/partnerLog";
import { fetchProtocolEvents } from "../lib/protocolLog";
import type { AppConfig } from "../wagmi/config";
import { readPersistedLog, type ProtocolLog } from "./protocolLog";

/** How often the partner's log is extended with new blocks (the whole log is pushed by the event watcher). */
const PARTNER_REFRESH_MS = 3_000;

export function partnerLogScope(account: Address): string {
  return `partner:${account.toLowerCase()}`;
}

export function partnerLogQueryOptions(config: AppConfig, deployment: Deployment, account: Address) {
  return queryOptions({
    queryKey: ["ecoshare", deployment.chainId, deployment.ecoshare, "partner-log", account.toLowerCase()],
    queryFn: (): Promise<ProtocolLog> =>
      readPersistedLog({
        config,
        deployment,
        scope: partnerLogScope(account),
        read: ({ from, to, kept, client, onRead }) => {
          let events = 0;
          let readTo = from;
          return readPartnerLog({
            account,
            from,
            to,
            deployBlock: deployment.deployBlock,
            kept,
            read: (topics, fromBlock, toBlock) => {
              let logsOfThisRead = 0;
              return fetchProtocolEvents({
                client,
                address: deployment.ecoshare,
                topics,
                fromBlock,
                toBlock,
                // The partner's reads (one per topic it can be named by) already run side by side: none reads ahead.
                readsInFlight: 1,
                onProgress: (p) => {
                  if (p.toBlock > readTo) readTo = p.toBlock;
                  // p.logs counts this read's logs so far; several reads add to one total.
                  events += p.logs - logsOfThisRead;
                  logsOfThisRead = p.logs;
                  onRead(readTo, events);
                },
              });
            },
          });
        },
      }),
    refetchInterval: PARTNER_REFRESH_MS,
    staleTime: PARTNER_REFRESH_MS,
    placeholderData: (previous) => previous,
  });
}
