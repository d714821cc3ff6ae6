/**
 * Reads a contract's logs between two blocks in bounded block ranges, never in one unbounded query:
 * public RPCs cap both the range and the result size. Transient failures (unreachable, throttled, timeout)
 * are retried with back-off (viem's `withRetry`, honouring `Retry-After`); a range the RPC refuses (a range
 * or result limit, or a response too large for the client) is halved at once, never retried as it was:
 * viem's own transport retries would retry it (a refusal often carries the "limit exceeded" code), so
 * they are turned off for these requests and this rule decides instead. The range adapts to what the previous responses
 * returned: it doubles while responses stay well under `targetLogs` and shrinks in proportion when one
 * goes over, so a sparse history takes few requests and a busy one stays under the RPC's limits.
 * Forward reads keep one range asked for ahead (two in flight, `readsInFlight`): the RPC reads it while this
 * side parses and the caller decodes the one before. Progress is reported after every range.
 */
import { HttpRequestError, numberToHex, withRetry, type Address, type Hex } from "viem";

import type { RpcClient } from "./rpc-client.js";
import { classifyRpcError, isTransientRpcFailure } from "./rpc-error.js";

/** One log, with the position that orders it in the chain. */
export interface RawLog {
  address: Address;
  topics: readonly Hex[];
  data: Hex;
  blockNumber: bigint;
  blockHash: Hex;
  /** The block's timestamp (unix seconds), when the RPC sends it with the log (recent nodes do; older ones leave it out). */
  blockTimestamp?: bigint;
  transactionHash: Hex;
  transactionIndex: number;
  logIndex: number;
}

/** Where the reading stands after one range. */
export interface FetchLogsProgress {
  /** The last block read so far. */
  toBlock: bigint;
  fromBlock: bigint;
  lastBlock: bigint;
  /** Share of the block span read, from 0 to 1. */
  fraction: number;
  /** Logs read so far. */
  logs: number;
  /** The width of the ranges asked for from here on (smaller than asked if the RPC refused a larger one). */
  blockRange: bigint;
  /** The last block already asked for, ranges still in flight included: `lastBlock` once nothing more is to be asked. */
  requestedThrough: bigint;
}

export type FetchLogsParameters = {
  client: RpcClient;
  address: Address;
  /**
   * `eth_getLogs` topic filters: per position a topic, a list of alternatives, or null for any
   * (e.g. `[[PaymentSplit], null, null, referrer]`). Default: every log of `address`.
   */
  topics?: readonly (Hex | readonly Hex[] | null)[];
  fromBlock: bigint;
  toBlock: bigint;
  /** Blocks of the first `eth_getLogs` request. Default 2,000 (most public RPCs accept it). */
  blockRange?: bigint;
  /** The widest range the reader grows to. Default `blockRange` (no growth past the first range). */
  maxBlockRange?: bigint;
  /** Logs per response the range adapts towards. Default 2,000 (well under viem's 10 MiB response limit). */
  targetLogs?: number;
  /** Retries of a transient failure. Default: the client transport's `retryCount` (viem's default 3). */
  retryCount?: number;
  /**
   * Ranges in flight at once, once one has been answered. Default 2: the next range is asked for before the one
   * in flight answers, so the RPC reads it while this side parses the one before and the caller decodes it. 1
   * asks one at a time (for a caller already running several reads at once).
   */
  readsInFlight?: number;
  onProgress?: (progress: FetchLogsProgress) => void;
};

export type FetchLogsReturnType = RawLog[];

/** All logs of `address` from `fromBlock` to `toBlock` inclusive, in chain order. */
export async function fetchLogs(parameters: FetchLogsParameters): Promise<FetchLogsReturnType> {
  const logs: RawLog[] = [];
  await streamLogs({
    ...parameters,
    onLogs: (range) => {
      for (const log of range) logs.push(log);
    },
  });
  return logs;
}

export type StreamLogsParameters = FetchLogsParameters & {
  /**
   * The logs of each range, in chain order, as soon as it arrives: the next range is already being read,
   * so work done here (decoding, say) overlaps the RPC's.
   */
  onLogs: (logs: readonly RawLog[]) => void;
};

/**
 * Reads like {@link fetchLogs} but keeps nothing: each range goes to `onLogs` and is dropped, so a long
 * history read once (the audit) is held in memory only as what the caller makes of it. Returns the number
 * of logs read.
 */
export async function streamLogs({
  client,
  address,
  topics,
  fromBlock,
  toBlock,
  blockRange = 2_000n,
  maxBlockRange = blockRange,
  targetLogs = 2_000,
  retryCount = client.transport.retryCount ?? 3,
  readsInFlight = 2,
  onProgress,
  onLogs,
}: StreamLogsParameters): Promise<number> {
  checkRangeOptions({ blockRange, maxBlockRange, targetLogs });
  if (!Number.isInteger(readsInFlight) || readsInFlight < 1) throw new Error("readsInFlight must be a whole number of at least 1.");
  let logs = 0;
  let range = blockRange;
  // Never grow past half a span the RPC has refused: probing upwards would cost refused requests.
  let ceiling = maxBlockRange;
  const span = toBlock - fromBlock + 1n;
  const read = (from: bigint, to: bigint, signal: AbortSignal): Promise<JsonRpcLog[]> => {
    const reading = readRange({ client, address, topics, from, to, retryCount, signal });
    // Awaited in the loop below; marked handled so a failure while the caller's callback runs is not reported twice.
    reading.catch(() => undefined);
    return reading;
  };
  const lastOf = (from: bigint) => (from + range - 1n < toBlock ? from + range - 1n : toBlock);
  // Ranges are read ahead once one has been answered; at the start, and again after a refusal, one at a time, so
  // that the widths read ahead come from answers and a refusal costs at most the range read ahead of it.
  const inFlight: { from: bigint; to: bigint; reading: Promise<JsonRpcLog[]>; abort: AbortController }[] = [];
  let next = fromBlock;
  let answered = false;
  const askAhead = () => {
    while (inFlight.length < (answered ? readsInFlight : 1) && next <= toBlock) {
      const to = lastOf(next);
      const abort = new AbortController();
      inFlight.push({ from: next, to, abort, reading: read(next, to, abort.signal) });
      next = to + 1n;
    }
  };
  try {
    askAhead();
    while (inFlight.length > 0) {
      const { from, to, reading } = inFlight[0]!;
      let page: JsonRpcLog[];
      try {
        page = await reading;
      } catch (error) {
        if (classifyRpcError(error) === "range-too-large" && to > from) {
          range = (to - from + 1n) / 2n;
          if (range < ceiling) ceiling = range;
          // The range read ahead of it was asked as wide or wider: dropped, and read again from here.
          for (const later of inFlight) later.abort.abort();
          inFlight.length = 0;
          answered = false;
          next = from;
          askAhead();
          continue;
        }
        throw error;
      }
      inFlight.shift();
      answered = true;
      const arrived: RawLog[] = [];
      for (const log of page) if (log.removed !== true) arrived.push(parseLog(log));
      logs += arrived.length;
      range = nextRange({ range, answered: to - from + 1n, returned: page.length, targetLogs, maxBlockRange: ceiling });
      // Ask for the next range before handing this one over, so the RPC works while the caller does.
      askAhead();
      onLogs(arrived);
      onProgress?.({
        fromBlock,
        toBlock: to,
        lastBlock: toBlock,
        fraction: Number(to - fromBlock + 1n) / Number(span),
        logs,
        blockRange: range,
        requestedThrough: next - 1n,
      });
    }
  } finally {
    // However the read ends (an RPC error, the caller's callback throwing), nothing is left running.
    for (const left of inFlight) left.abort.abort();
  }
  return logs;
}

/** One block range read by {@link fetchLogsBackward}: its logs in chain order. */
export interface LogWindow {
  fromBlock: bigint;
  toBlock: bigint;
  logs: RawLog[];
  /** The range the next (older) window starts from: pass it back as `blockRange` to resume where this left off. */
  nextBlockRange: bigint;
}

export type FetchLogsBackwardParameters = Omit<FetchLogsParameters, "onProgress">;

/**
 * The logs of `address` from `toBlock` back to `fromBlock`, newest range first: for a page that shows the
 * latest events and stops reading once it has enough (break out of the loop: nothing more is requested).
 * Same rules as {@link fetchLogs}: a refused or oversized range is halved at once, never retried as it was,
 * and the range adapts to what the previous responses returned ({@link nextRange}).
 */
export async function* fetchLogsBackward({
  client,
  address,
  topics,
  fromBlock,
  toBlock,
  blockRange = 2_000n,
  maxBlockRange = blockRange,
  targetLogs = 2_000,
  retryCount = client.transport.retryCount ?? 3,
}: FetchLogsBackwardParameters): AsyncGenerator<LogWindow, void, undefined> {
  checkRangeOptions({ blockRange, maxBlockRange, targetLogs });
  let range = blockRange;
  let ceiling = maxBlockRange;
  let to = toBlock;
  while (to >= fromBlock) {
    const from = to - range + 1n > fromBlock ? to - range + 1n : fromBlock;
    let page: JsonRpcLog[];
    try {
      page = await readRange({ client, address, topics, from, to, retryCount });
    } catch (error) {
      if (classifyRpcError(error) === "range-too-large" && to > from) {
        range = (to - from + 1n) / 2n;
        if (range < ceiling) ceiling = range;
        continue;
      }
      throw error;
    }
    range = nextRange({ range, returned: page.length, targetLogs, maxBlockRange: ceiling });
    yield { fromBlock: from, toBlock: to, logs: page.filter((log) => log.removed !== true).map(parseLog), nextBlockRange: range };
    to = from - 1n;
  }
}

/** The range options both readers take, checked once for both. */
function checkRangeOptions({ blockRange, maxBlockRange, targetLogs }: { blockRange: bigint; maxBlockRange: bigint; targetLogs: number }): void {
  if (blockRange < 1n) throw new Error("blockRange must be at least 1.");
  if (maxBlockRange < blockRange) throw new Error("maxBlockRange must be at least blockRange.");
  if (!(targetLogs >= 1)) throw new Error("targetLogs must be at least 1.");
}

/**
 * The range of the next request after a response of `returned` logs: doubled while the response holds under
 * half the target, scaled down to the target when it held more, else unchanged. `answered` is the span that
 * response covered when it differs from `range` (a range read ahead was asked before the one before it
 * answered): a response over the target scales that span, so the density it measured is not applied twice.
 * A sparse response doubles the current range, so with a range read ahead the next may reach four times the
 * span last answered; a response over the target then brings it back to the density it measured.
 */
export function nextRange({ range, answered = range, returned, targetLogs, maxBlockRange }: { range: bigint; answered?: bigint; returned: number; targetLogs: number; maxBlockRange: bigint }): bigint {
  if (returned > targetLogs) {
    const scaled = (answered * BigInt(targetLogs)) / BigInt(returned);
    return scaled < 1n ? 1n : scaled;
  }
  if (returned * 2 < targetLogs) {
    const doubled = range * 2n;
    return doubled > maxBlockRange ? (range > maxBlockRange ? range : maxBlockRange) : doubled;
  }
  return range;
}

/** One range's `eth_getLogs`, transient failures retried with back-off (see the top of this file). */
function readRange({ client, address, topics, from, to, retryCount, signal }: { client: RpcClient; address: Address; topics: FetchLogsParameters["topics"]; from: bigint; to: bigint; retryCount: number; signal?: AbortSignal }): Promise<JsonRpcLog[]> {
  const filter = { address, ...(topics === undefined ? {} : { topics }), fromBlock: numberToHex(from), toBlock: numberToHex(to) };
  return withRetry(() => request(client, filter, signal), {
    retryCount,
    signal,
    delay: ({ count, error }) => retryDelay({ count, error, baseMs: client.transport.retryDelay ?? 150 }),
    shouldRetry: ({ error }) => isTransientRpcFailure(classifyRpcError(error)),
  });
}

/** One `eth_getLogs` request without viem's transport retries (see the top of this file). */
function request(client: RpcClient, filter: Record<string, unknown>, signal = new AbortController().signal): Promise<JsonRpcLog[]> {
  const send = client.request as (args: { method: "eth_getLogs"; params: [Record<string, unknown>] }, options: { retryCount: number; signal: AbortSignal }) => Promise<JsonRpcLog[]>;
  return send({ method: "eth_getLogs", params: [filter] }, { retryCount: 0, signal });
}

/** The wait before retry `count + 1`: what the RPC asked for (`Retry-After`, in seconds), else exponential back-off. */
function retryDelay({ count, error, baseMs }: { count: number; error: Error; baseMs: number }): number {
  const header = error instanceof HttpRequestError ? error.headers?.get("retry-after") : undefined;
  const seconds = header ? Number(header) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : 2 ** count * baseMs;
}

interface JsonRpcLog {
  address: string;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  blockTimestamp?: Hex | null;
  transactionHash: Hex;
  transactionIndex: Hex;
  logIndex: Hex;
  removed?: boolean;
}

function parseLog(log: JsonRpcLog): RawLog {
  const parsed: RawLog = {
    address: log.address as Address,
    topics: log.topics,
    data: log.data,
    blockNumber: BigInt(log.blockNumber),
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    transactionIndex: Number.parseInt(log.transactionIndex, 16),
    logIndex: Number.parseInt(log.logIndex, 16),
  };
  if (log.blockTimestamp != null) parsed.blockTimestamp = BigInt(log.blockTimestamp);
  return parsed;
}
