import { useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { createContext, useContext, useMemo } from "react";
import { useConfig, useWatchContractEvent } from "wagmi";

import { ecoshareAbi } from "../contracts/abis";
import { buildLedger, type Ledger } from "../../../client/ledger.js";
import { decodeProtocolLog, toRawLog, type ProtocolEvent } from "../lib/protocolLog";
import { appendToProtocolLog, protocolLogQueryOptions, type ProtocolLog } from "../queries/protocolLog";
import { useDeployment } from "./useDeployment";

/** The protocol's event log (read in bounded ranges from the deploy block), kept live by the watcher. */
export function useProtocolLog(enabled = true): UseQueryResult<ProtocolLog> {
  const config = useConfig();
  const { deployment } = useDeployment();
  const scoped = useContext(ScopedLogContext);
  const whole = useQuery({ ...protocolLogQueryOptions(config, deployment), enabled: enabled && scoped === null });
  return scoped ?? whole;
}

/**
 * A part of the log that is enough for a subtree (one partner's, on its Payouts page): components inside
 * it read their ledger from that part, and the whole log is not read for them.
 */
export const ScopedLogContext = createContext<UseQueryResult<ProtocolLog> | null>(null);

/**
 * Watches the contract's events from the block after the last one read and appends them to the log:
 * every page that reads the log updates without a reload. Mount once, at the root.
 */
export function useProtocolLogWatcher() {
  const { deployment } = useDeployment();
  const queryClient = useQueryClient();
  const config = useConfig();
  // Never starts the read itself: a page that needs the whole log does (the Payouts page on an indexer does not).
  const { data } = useQuery({ ...protocolLogQueryOptions(config, deployment), enabled: false });
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
 * recomputed when new events arrive. With `enabled` false it reads nothing itself (it shows the log once a
 * page that needs it has read it).
 */
export function useLedger(enabled = true) {
  const log = useProtocolLog(enabled);
  const ledger = useMemo(() => (log.data ? ledgerOf(log.data) : undefined), [log.data]);
  return { ...log, ledger };
}

/**
 * One ledger per version of the log, shared by every component that asks for it: a page with a badge
 * per agreement must not rebuild the ledger from every event once per badge.
 */
const ledgers = new WeakMap<object, Ledger>();
export function ledgerOf(data: { events: Parameters<typeof buildLedger>[0]["events"] }): Ledger {
  let ledger = ledgers.get(data);
  if (!ledger) {
    ledger = buildLedger({ events: data.events });
    ledgers.set(data, ledger);
  }
  return ledger;
}
