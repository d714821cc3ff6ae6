/**
 * Reads a contract's logs between two blocks in bounded block ranges, never in one unbounded query:
 * public RPCs cap both the range and the result size. Transient failures are retried with back-off;
 * a range the RPC refuses is halved until it passes. Progress is reported after every range.
 */
import type { Address, Eip1193Transport, Hex } from "./eip1193.js";
import { toQuantity } from "./eip1193.js";
import { rpcRequest, type RetryOptions } from "./rpc.js";
import { RpcRequestError } from "./rpc-error.js";

/** One log, with the position that orders it in the chain. */
export interface RawLog {
  address: Address;
  topics: readonly Hex[];
  data: Hex;
  blockNumber: bigint;
  blockHash: Hex;
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
  /** The block range currently used (smaller than asked if the RPC refused a larger one). */
  blockRange: bigint;
}

export type FetchLogsParameters = {
  transport: Eip1193Transport;
  address: Address;
  fromBlock: bigint;
  toBlock: bigint;
  /** Blocks per `eth_getLogs` request. Default 2,000 (most public RPCs accept it). */
  blockRange?: bigint;
  retry?: RetryOptions;
  onProgress?: (progress: FetchLogsProgress) => void;
};

export type FetchLogsReturnType = RawLog[];

/** All logs of `address` from `fromBlock` to `toBlock` inclusive, in chain order. */
export async function fetchLogs({
  transport,
  address,
  fromBlock,
  toBlock,
  blockRange = 2_000n,
  retry,
  onProgress,
}: FetchLogsParameters): Promise<FetchLogsReturnType> {
  if (blockRange < 1n) throw new Error("blockRange must be at least 1.");
  const logs: RawLog[] = [];
  let range = blockRange;
  let from = fromBlock;
  while (from <= toBlock) {
    const to = from + range - 1n < toBlock ? from + range - 1n : toBlock;
    let page: JsonRpcLog[];
    try {
      page = await rpcRequest<JsonRpcLog[]>({
        transport,
        method: "eth_getLogs",
        params: [{ address, fromBlock: toQuantity(from), toBlock: toQuantity(to) }],
        retry,
      });
    } catch (error) {
      if (error instanceof RpcRequestError && error.kind === "range-too-large" && to > from) {
        range = (to - from + 1n) / 2n;
        continue;
      }
      throw error;
    }
    for (const log of page) if (log.removed !== true) logs.push(parseLog(log));
    const span = toBlock - fromBlock + 1n;
    onProgress?.({
      fromBlock,
      toBlock: to,
      lastBlock: toBlock,
      fraction: Number(to - fromBlock + 1n) / Number(span),
      logs: logs.length,
      blockRange: range,
    });
    from = to + 1n;
  }
  return logs;
}

interface JsonRpcLog {
  address: string;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  logIndex: Hex;
  removed?: boolean;
}

function parseLog(log: JsonRpcLog): RawLog {
  return {
    address: log.address as Address,
    topics: log.topics,
    data: log.data,
    blockNumber: BigInt(log.blockNumber),
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    transactionIndex: Number(BigInt(log.transactionIndex)),
    logIndex: Number(BigInt(log.logIndex)),
  };
}
