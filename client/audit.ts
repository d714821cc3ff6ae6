/**
 * The audit: reads every Ecoshare event from the deployment block to one head block, rebuilds the ledger
 * from the log alone, and compares it with the contract's views and holdings at that block. Free of
 * Hardhat: give it any viem client (./rpc-client.ts).
 */
import type { Address } from "viem";
import { getBlock, getBlockNumber } from "viem/actions";

import { describeAssets, type AssetInfo } from "./assets.js";
import { readBlockTimes } from "./block-times.js";
import { decodeEcoshareLog, type EcoshareEvent } from "./decode-events.js";
import { streamLogs, type FetchLogsProgress } from "./fetch-logs.js";
import { ledgerBuilder, owedByAsset, type Ledger, type LedgerAnomaly } from "./ledger.js";
import { reconcile, type ChainReadings, type Holding, type Mismatch, type ViewAnswers } from "./reconcile.js";
import type { RpcClient } from "./rpc-client.js";

/** Blocks of the audit's first `eth_getLogs`: the range doubles from here while responses stay small. */
const FIRST_BLOCK_RANGE = 8n;

export type RunAuditParameters = {
  client: RpcClient;
  /** The Ecoshare contract. */
  ecoshare: Address;
  /** Its deployment block: no event can come before. */
  fromBlock: bigint;
  /** The last block to read; default the head when the audit starts. */
  toBlock?: bigint;
  /** The most blocks per `eth_getLogs` (the range starts small and grows towards it). Default 2,000. */
  blockRange?: bigint;
  onProgress?: (progress: FetchLogsProgress) => void;
};

export interface AuditReport {
  ecoshare: Address;
  fromBlock: bigint;
  toBlock: bigint;
  /** Timestamp of `toBlock`, which decides which agreements' windows are over. */
  timestamp: bigint;
  /** Timestamp (unix seconds) of every block an event came from, and of `toBlock`. */
  blockTimes: Map<bigint, bigint>;
  logs: number;
  events: EcoshareEvent[];
  /** Logs of the contract that are none of its events (there should be none). */
  unknownLogs: number;
  ledger: Ledger;
  readings: ChainReadings;
  assets: Map<string, AssetInfo>;
  /** What the audit could not read but worked around, in plain words (e.g. a token without `symbol()`). */
  warnings: string[];
  mismatches: Mismatch[];
  anomalies: LedgerAnomaly[];
  holdings: Holding[];
  /** Values compared with the chain. */
  checks: number;
  /** True when the log, the rules and the chain all agree and every asset is covered. */
  passed: boolean;
  /**
   * `fetchMs`: reading the log and rebuilding the ledger, from the first request to the ledger; `rebuildMs`:
   * the part of it spent decoding and applying events (done while the next range is read); `reconcileMs`: the
   * rest (the comparison with the chain, and the block times still on their way).
   */
  timings: { fetchMs: number; rebuildMs: number; reconcileMs: number };
}

/** Runs the audit. Throws only when the RPC fails; disagreements are in the report. */
export async function runAudit({
  client,
  ecoshare,
  fromBlock,
  toBlock,
  blockRange = 2_000n,
  onProgress,
}: RunAuditParameters): Promise<AuditReport> {
  const head = toBlock ?? (await getBlockNumber(client, { cacheTime: 0 }));
  // The head's time (which decides which agreements' windows are over) is asked for beside the first ranges.
  const headBlock = getBlock(client, { blockNumber: head });
  headBlock.catch(() => undefined); // awaited below; a failure there must not go unhandled if the log read fails first

  // Each range is decoded and applied to the ledger as it arrives, while the RPC reads the next one, then dropped
  // (the events and the ledger are what the audit keeps). Block times come with the logs from recent nodes; the
  // times of blocks whose logs lack them are asked for at once, beside the next range.
  const builder = ledgerBuilder();
  const events: EcoshareEvent[] = [];
  const blockTimeReads: Promise<Map<bigint, bigint>>[] = [];
  const known = new Map<bigint, bigint>();
  const views: ViewAnswers = new Map();
  let assetsSoFar: Promise<Map<string, AssetInfo>> | undefined;
  let unknownLogs = 0;
  let rebuildMs = 0;
  let started = performance.now();
  const logs = await streamLogs({
    client,
    address: ecoshare,
    fromBlock,
    toBlock: head,
    // Small first, then adapting to what came back: a first range too large for the response limit would be
    // read whole by the node only to be refused, and smaller responses let decoding overlap the reading.
    blockRange: blockRange < FIRST_BLOCK_RANGE ? blockRange : FIRST_BLOCK_RANGE,
    maxBlockRange: blockRange,
    onProgress: (progress) => {
      onProgress?.(progress);
      // Once the last ranges are asked for, the views and assets the ledger so far names are asked for behind them:
      // the RPC answers them while this side decodes those ranges, and the comparison below finds them answered.
      // This comparison's findings are dropped (the ledger is not whole yet); a view that failed fails the one below.
      if (assetsSoFar === undefined && progress.requestedThrough === head && progress.toBlock < head) {
        void headBlock
          .then(({ timestamp }) => reconcile({ client, ecoshare, ledger: builder.soFar, blockNumber: head, timestamp, views }))
          .catch(() => undefined);
        assetsSoFar = describeAssets({ client, assets: owedByAsset(builder.soFar).keys(), blockTag: head }).catch(() => new Map());
      }
    },
    onLogs: (range) => {
      const t0 = performance.now();
      const untimed: bigint[] = [];
      for (const log of range) {
        const event = decodeEcoshareLog({ log });
        if (event === undefined) {
          unknownLogs++;
          continue;
        }
        events.push(event);
        builder.add(event);
        if (log.blockTimestamp !== undefined) known.set(log.blockNumber, log.blockTimestamp);
        else if (log.blockNumber !== head && !known.has(log.blockNumber)) untimed.push(log.blockNumber);
      }
      if (untimed.length > 0) {
        const read = readBlockTimes({ client, blocks: untimed, known });
        read.catch(() => undefined); // awaited below; a failure there must not go unhandled if the log read fails first
        blockTimeReads.push(read);
      }
      rebuildMs += performance.now() - t0;
    },
  });
  const ledger = builder.finish();
  const fetchMs = performance.now() - started;
  const { timestamp } = await headBlock;
  known.set(head, timestamp);

  started = performance.now();
  // Tokens that did not answer early are asked again.
  const described = new Map([...((await assetsSoFar) ?? [])].filter(([, info]) => info.unreadable === undefined));
  const [{ mismatches, holdings, readings, checks }, assets, blockTimeParts] = await Promise.all([
    reconcile({ client, ecoshare, ledger, blockNumber: head, timestamp, views }),
    describeAssets({ client, assets: owedByAsset(ledger).keys(), blockTag: head, known: described }),
    Promise.all(blockTimeReads),
  ]);
  const blockTimes = new Map(known);
  for (const part of blockTimeParts) for (const [block, time] of part) blockTimes.set(block, time);
  const warnings = [...assets.values()].flatMap((a) => (a.unreadable === undefined ? [] : [a.unreadable]));
  const anomalies = [...ledger.anomalies, ...holdbackAnomalies(ledger, blockTimes)];
  const reconcileMs = performance.now() - started;

  return {
    ecoshare,
    fromBlock,
    toBlock: head,
    timestamp,
    blockTimes,
    logs,
    events,
    unknownLogs,
    ledger,
    readings,
    assets,
    warnings,
    mismatches,
    anomalies,
    holdings,
    checks,
    passed: mismatches.length === 0 && anomalies.length === 0 && unknownLogs === 0,
    timings: { fetchMs, rebuildMs, reconcileMs },
  };
}

/**
 * Trust-based holdback, checked against the block times: each held payment must be releasable exactly its
 * holdback after the block that held it (the agreement's, or the holdback of the tier its referrer had earned).
 */
export function holdbackAnomalies(ledger: Ledger, blockTimes: ReadonlyMap<bigint, bigint>): LedgerAnomaly[] {
  const anomalies: LedgerAnomaly[] = [];
  for (const held of ledger.heldPayments.values()) {
    const payment = held.payment === undefined ? undefined : ledger.payments[held.payment];
    const heldAt = blockTimes.get(held.heldAtBlock);
    if (payment === undefined || heldAt === undefined) continue;
    const expected = heldAt + BigInt(payment.holdbackPeriod);
    if (held.releaseAt !== expected) {
      anomalies.push({
        message: `held payment ${held.holdId} of agreement ${held.agreementId} is releasable at ${held.releaseAt}; its holdback of ${payment.holdbackPeriod} s from block time ${heldAt} gives ${expected}`,
        blockNumber: held.heldAtBlock,
        transactionHash: held.heldIn,
        agreementId: held.agreementId,
      });
    }
  }
  return anomalies;
}
