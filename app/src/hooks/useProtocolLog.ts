import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useConfig, useWatchContractEvent } from "wagmi";

import { ecoshareAbi } from "../contracts/abis";
import { buildLedger } from "../../../scripts/lib/ledger.js";
import { decodeProtocolLog, toRawLog, type ProtocolEvent } from "../lib/protocolLog";
import { appendToProtocolLog, protocolLogQueryOptions } from "../queries/protocolLog";
import { useDeployment } from "./useDeployment";

/** The protocol's event log (read in bounded ranges from the deploy block), kept live by the watcher. */
export function useProtocolLog() {
  const config = useConfig();
  const { deployment } = useDeployment();
  return useQuery(protocolLogQueryOptions(config, deployment));
}

/**
 * Watches the contract's events from the block after the last one read and appends them to the log:
 * every page that reads the log updates without a reload. Mount once, at the root.
 */
export function useProtocolLogWatcher() {
  const { deployment } = useDeployment();
  const queryClient = useQueryClient();
  const { data } = useProtocolLog();
  const fromBlock = data ? data.toBlock + 1n : undefined;
  useWatchContractEvent({
    address: deployment.ecoshare,
    abi: ecoshareAbi,
    chainId: deployment.chainId,
    fromBlock,
    enabled: fromBlock !== undefined,
    onLogs: (logs) => {
      const events = logs
        .map((log) => {
          const raw = toRawLog(log);
          return raw ? decodeProtocolLog(raw) : undefined;
        })
        .filter((e): e is ProtocolEvent => e !== undefined);
      appendToProtocolLog(queryClient, deployment, events);
    },
  });
}

/**
 * The shared ledger (networks, agreements, balances) rebuilt from the log with the shared ledger rules,
 * recomputed when new events arrive.
 */
export function useLedger() {
  const log = useProtocolLog();
  const ledger = useMemo(() => (log.data ? buildLedger({ events: log.data.events }) : undefined), [log.data]);
  return { ...log, ledger };
}
