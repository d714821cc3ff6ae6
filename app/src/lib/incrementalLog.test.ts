import { describe, expect, it } from "vitest";

import { extendLog, type LogSnapshot } from "./incrementalLog";
import type { ProtocolEvent } from "./protocolLog";

/** A chain in memory: one event per block, and block hashes that change where a fork replaced blocks. */
function chain(length: number, fork?: { from: number; tag: string }) {
  const hash = (n: bigint) => (`0x${(fork && n >= BigInt(fork.from) ? fork.tag : "aa").repeat(1)}${n.toString(16).padStart(62, "0")}` as `0x${string}`);
  const event = (n: bigint): ProtocolEvent =>
    ({ eventName: "Withdrawn", args: {}, blockNumber: n, transactionHash: hash(n), transactionIndex: 0, logIndex: 0 }) as unknown as ProtocolEvent;
  const reads: [bigint, bigint][] = [];
  return {
    head: BigInt(length - 1),
    reads,
    read: async (from: bigint, to: bigint) => {
      reads.push([from, to]);
      const out: ProtocolEvent[] = [];
      for (let n = from; n <= to && n < BigInt(length); n++) out.push(event(n));
      return out;
    },
    blockHash: async (n: bigint) => (n < BigInt(length) ? hash(n) : undefined),
  };
}

describe("a log kept across visits", () => {
  it("reads everything on the first visit, then only the blocks after its anchor", async () => {
    const first = chain(100);
    const cold = await extendLog({ base: undefined, fromBlock: 10n, head: first.head, read: first.read, blockHash: first.blockHash, reorgDepth: 5n });
    expect(cold.readFrom).toBe(10n);
    expect(cold.snapshot.events).toHaveLength(90);
    expect(cold.snapshot.anchor?.blockNumber).toBe(94n);

    const later = chain(120);
    const warm = await extendLog({ base: cold.snapshot, fromBlock: 10n, head: later.head, read: later.read, blockHash: later.blockHash, reorgDepth: 5n });
    expect(later.reads).toEqual([[95n, 119n]]);
    expect(warm.snapshot.events.map((e) => Number(e.blockNumber))).toEqual(Array.from({ length: 110 }, (_, i) => i + 10));
  });

  it("replaces the re-read blocks after a shallow reorg, and reads everything again after a deep one", async () => {
    const cold = await extendLog({ base: undefined, fromBlock: 0n, head: 99n, read: chain(100).read, blockHash: chain(100).blockHash, reorgDepth: 5n });
    const shallow = chain(100, { from: 97, tag: "bb" });
    const afterShallow = await extendLog({ base: cold.snapshot, fromBlock: 0n, head: 99n, read: shallow.read, blockHash: shallow.blockHash, reorgDepth: 5n });
    expect(shallow.reads).toEqual([[95n, 99n]]);
    expect(afterShallow.snapshot.events).toHaveLength(100);
    expect(afterShallow.snapshot.events.filter((e) => e.transactionHash.startsWith("0xbb"))).toHaveLength(3);

    const deep = chain(100, { from: 50, tag: "cc" });
    const afterDeep = await extendLog({ base: afterShallow.snapshot as LogSnapshot, fromBlock: 0n, head: 99n, read: deep.read, blockHash: deep.blockHash, reorgDepth: 5n });
    expect(deep.reads).toEqual([[0n, 99n]]);
    expect(afterDeep.readFrom).toBe(0n);
    expect(afterDeep.snapshot.events.filter((e) => e.transactionHash.startsWith("0xcc"))).toHaveLength(50);
  });
});
