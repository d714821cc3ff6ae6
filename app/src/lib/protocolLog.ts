/**
 * The protocol's event log for the app: read with the shared client's bounded-range reader
 * (client/fetch-logs.ts: ranges from the deploy block that adapt to the responses, retries of transient
 * failures only, refused or oversized ranges halved at once), decoded by the shared client's decoder
 * (client/decode-events.ts, viem's decodeEventLog: the one decoder of scripts, app and indexer), so
 * the shared ledger rules take them as is.
 */
import type { Address, Log } from "viem";

import { decodeEcoshareLog, type EcoshareEvent } from "../../../client/decode-events.js";
import { fetchLogsBackward, streamLogs, type FetchLogsParameters, type FetchLogsProgress, type RawLog } from "../../../client/fetch-logs.js";
import type { RpcClient } from "../../../client/rpc-client.js";

export type { EcoshareEvent as ProtocolEvent } from "../../../client/decode-events.js";
export type ProtocolEventName = EcoshareEvent["eventName"];
export type EventOf<N extends ProtocolEventName> = Extract<EcoshareEvent, { eventName: N }>;

export interface FetchProtocolEventsParameters {
  /** wagmi's viem client for the chain (the shared reader turns viem's own retries off for its requests). */
  client: RpcClient;
  address: Address;
  /** `eth_getLogs` topic filters (see the shared `fetchLogs`); default every log of `address`. */
  topics?: FetchLogsParameters["topics"];
  fromBlock: bigint;
  toBlock: bigint;
  blockRange?: bigint;
  /** Ranges in flight at once (see the shared `fetchLogs`); default 2. */
  readsInFlight?: number;
  onProgress?: (progress: FetchLogsProgress) => void;
}

/** Every Ecoshare event in `[fromBlock, toBlock]`, decoded, in chain order: each range as it arrives, while the next is read. */
export async function fetchProtocolEvents({ client, address, topics, fromBlock, toBlock, blockRange, readsInFlight, onProgress }: FetchProtocolEventsParameters): Promise<EcoshareEvent[]> {
  const events: EcoshareEvent[] = [];
  await streamLogs({
    client,
    address,
    topics,
    fromBlock,
    toBlock,
    blockRange,
    maxBlockRange: 1_000_000n,
    readsInFlight,
    onProgress,
    onLogs: (logs) => decodeInto(events, logs),
  });
  return events;
}

export type FetchProtocolEventsBackwardParameters = Omit<FetchProtocolEventsParameters, "onProgress"> & { blockRange: bigint; targetLogs?: number };

/** The Ecoshare events of `[fromBlock, toBlock]` newest window first (the shared `fetchLogsBackward`), decoded. */
export async function* fetchProtocolEventsBackward({ client, address, topics, fromBlock, toBlock, blockRange, targetLogs }: FetchProtocolEventsBackwardParameters) {
  for await (const window of fetchLogsBackward({ client, address, topics, fromBlock, toBlock, blockRange, maxBlockRange: 1_000_000n, targetLogs })) {
    const events: EcoshareEvent[] = [];
    decodeInto(events, window.logs);
    yield { fromBlock: window.fromBlock, events, nextBlockRange: window.nextBlockRange };
  }
}

/** Appends the Ecoshare events of `logs` to `events`, leaving out logs that are none of them. */
function decodeInto(events: EcoshareEvent[], logs: readonly RawLog[]): void {
  for (const log of logs) {
    const event = decodeProtocolLog(log);
    if (event) events.push(event);
  }
}

/** Turns a viem log (as `watchContractEvent` delivers it) into the shared client's raw log. */
export function toRawLog(log: Log): RawLog | undefined {
  if (log.blockNumber === null || log.logIndex === null || log.transactionHash === null || log.blockHash === null) return undefined;
  if (log.transactionIndex === null) return undefined;
  return {
    address: log.address,
    topics: log.topics,
    data: log.data,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    transactionIndex: log.transactionIndex,
    logIndex: log.logIndex,
  };
}

/** Decodes one raw log of the Ecoshare contract (the shared decoder); undefined for a log it does not know. */
export function decodeProtocolLog(log: RawLog): EcoshareEvent | undefined {
  return decodeEcoshareLog({ log });
}

/** A stable key for one log, to merge overlapping reads without duplicates. */
export function eventKey(event: Pick<EcoshareEvent, "transactionHash" | "logIndex">): string {
  return `${event.transactionHash}:${event.logIndex}`;
}

export function compareEvents(a: Pick<EcoshareEvent, "blockNumber" | "logIndex">, b: Pick<EcoshareEvent, "blockNumber" | "logIndex">) {
  if (a.blockNumber !== b.blockNumber) return a.blockNumber < b.blockNumber ? -1 : 1;
  return a.logIndex - b.logIndex;
}

/** Appends `incoming` to `known`, dropping duplicates and keeping chain order. */
export function mergeEvents(known: readonly EcoshareEvent[], incoming: readonly EcoshareEvent[]): EcoshareEvent[] {
  if (incoming.length === 0) return known as EcoshareEvent[];
  const seen = new Set(known.map(eventKey));
  const merged = [...known];
  let ordered = true;
  for (const event of incoming) {
    const key = eventKey(event);
    if (seen.has(key)) continue;
    seen.add(key);
    const last = merged[merged.length - 1];
    if (last && compareEvents(last, event) > 0) ordered = false;
    merged.push(event);
  }
  return ordered ? merged : merged.sort(compareEvents);
}
