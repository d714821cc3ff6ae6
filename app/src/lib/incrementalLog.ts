/**
 * An event log kept across visits and extended with only the new blocks. Reorg-safe: the last
 * `reorgDepth` blocks read are read again on every extension (their events replaced), and the block just
 * below them, the anchor, must still have the hash it had, or the whole log is read again (a reorg deeper
 * than that, or another chain under the same id: every restarted local node is 31337).
 */
import type { Hex } from "viem";

import { mergeEvents, type ProtocolEvent } from "./protocolLog";

/** Blocks read again on every extension. */
export const REORG_DEPTH = 12n;

export interface LogSnapshot {
  events: ProtocolEvent[];
  /** The last block read (inclusive). */
  toBlock: bigint;
  /** A block below which nothing is read again, and its hash when it was read. */
  anchor?: { blockNumber: bigint; hash: Hex };
}

export type ExtendLogParameters = {
  /** What a previous visit read, if anything. */
  base: LogSnapshot | undefined;
  /** The deploy block: nothing is read below it. */
  fromBlock: bigint;
  /** The chain's head now. */
  head: bigint;
  /** The events of `[from, to]`, in chain order, knowing the events kept from before `from`. */
  read: (from: bigint, to: bigint, kept: readonly ProtocolEvent[]) => Promise<ProtocolEvent[]>;
  /** The hash of block `n`, or undefined when the chain has no such block. */
  blockHash: (n: bigint) => Promise<Hex | undefined>;
  reorgDepth?: bigint;
};

export type ExtendLogReturnType = {
  snapshot: LogSnapshot;
  /** The first block read this time (`fromBlock` on a cold read). */
  readFrom: bigint;
};

/** `base` extended to `head`: the blocks after its anchor read again, the rest kept. */
export async function extendLog({ base, fromBlock, head, read, blockHash, reorgDepth = REORG_DEPTH }: ExtendLogParameters): Promise<ExtendLogReturnType> {
  let from = fromBlock;
  let kept: ProtocolEvent[] = [];
  if (base?.anchor !== undefined && base.anchor.blockNumber <= head && (await blockHash(base.anchor.blockNumber)) === base.anchor.hash) {
    from = base.anchor.blockNumber + 1n;
    kept = base.events.filter((e) => e.blockNumber < from);
  }
  const fresh = from <= head ? await read(from, head, kept) : [];
  const anchorBlock = head - reorgDepth > fromBlock ? head - reorgDepth : fromBlock;
  const anchorHash = await blockHash(anchorBlock);
  return {
    snapshot: { events: mergeEvents(kept, fresh), toBlock: head, ...(anchorHash === undefined ? {} : { anchor: { blockNumber: anchorBlock, hash: anchorHash } }) },
    readFrom: from,
  };
}
