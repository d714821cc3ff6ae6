/**
 * Timestamps of the blocks events came from, for the audit's files: each distinct block is read once
 * (`eth_getBlockByNumber`), a bounded number of requests at a time (batched by the HTTP transport into a
 * few JSON-RPC batches), never one request per row.
 */
import { getBlock } from "viem/actions";

import type { RpcClient } from "./rpc-client.js";

export type ReadBlockTimesParameters = {
  client: RpcClient;
  blocks: Iterable<bigint>;
  /** Timestamps already known (e.g. the audited head block): not read again. */
  known?: ReadonlyMap<bigint, bigint>;
  /** Requests in flight at once. Default 500 (five batches of viem's `http` transport as ./rpc-client.ts sets it). */
  concurrency?: number;
};

/** Block number to its timestamp (unix seconds) for every distinct block in `blocks`. */
export async function readBlockTimes({ client, blocks, known, concurrency = 500 }: ReadBlockTimesParameters): Promise<Map<bigint, bigint>> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("concurrency must be a whole number of at least 1.");
  const times = new Map<bigint, bigint>(known);
  const missing = [...new Set(blocks)].filter((b) => !times.has(b)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let start = 0; start < missing.length; start += concurrency) {
    const batch = missing.slice(start, start + concurrency);
    const headers = await Promise.all(batch.map((blockNumber) => getBlock(client, { blockNumber })));
    for (const [i, header] of headers.entries()) times.set(batch[i]!, header.timestamp);
  }
  return times;
}

/** A unix timestamp (seconds) in ISO 8601 UTC, e.g. "2026-12-01T09:30:00Z". */
export function isoTime(timestamp: bigint): string {
  return new Date(Number(timestamp) * 1000).toISOString().replace(".000Z", "Z");
}
