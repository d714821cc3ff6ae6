/**
 * Reading logs in bounded block ranges from a real node, through a proxy that behaves like a strict
 * public RPC: throttling (HTTP 429) and refusing wide ranges.
 */
import { expect } from "chai";
import { HttpRequestError } from "viem";
import { getBlockNumber } from "viem/actions";

import { fetchLogs, nextRange, streamLogs, type FetchLogsParameters, type FetchLogsProgress, type RawLog } from "../../client/fetch-logs.js";
import { createRpcClient } from "../../client/rpc-client.js";
import { classifyRpcError } from "../../client/rpc-error.js";
import { startFaultyProxy, type FaultyProxy, type FaultyProxyParameters } from "./helpers/faulty-proxy.js";
import { seededChain, type SeededChain } from "./helpers/nodes.js";

describe("fetchLogs", function () {
  this.timeout(60_000);
  let chain: SeededChain;
  let head: bigint;
  let all: number;
  /** A client with quick retries, as a test can wait for. */
  const clientOf = (url: string, retryCount = 3) => createRpcClient({ url, retryCount, retryDelayMs: 10 });
  /** The whole history through the RPC at `url`, with `options` on top. */
  const readAll = (url: string, options: Partial<FetchLogsParameters>) =>
    fetchLogs({ client: clientOf(url), address: chain.ecoshare, fromBlock: 0n, toBlock: head, ...options });

  before(async function () {
    chain = await seededChain({ days: 2, paymentsPerDay: 9 });
    head = await getBlockNumber(chain.client);
    all = (await fetchLogs({ client: chain.client, address: chain.ecoshare, fromBlock: 0n, toBlock: head, blockRange: 1_000_000n })).length;
  });
  after(async () => chain?.close());

  /** Runs `use` against a faulty proxy in front of the chain's node (`options` as startFaultyProxy's), then closes it. */
  async function withProxy(options: Omit<FaultyProxyParameters, "target">, use: (proxy: FaultyProxy) => Promise<void>): Promise<void> {
    const proxy = await startFaultyProxy({ target: chain.node.url, ...options });
    try {
      await use(proxy);
    } finally {
      await proxy.close();
    }
  }

  /** In chain order, each log once. */
  function expectEachOnceInChainOrder(logs: readonly RawLog[]): void {
    const positions = logs.map((l) => l.blockNumber * 10_000n + BigInt(l.logIndex));
    expect(new Set(positions).size).to.equal(logs.length);
    expect(positions).to.deep.equal([...positions].sort((a, b) => (a < b ? -1 : 1)));
  }

  it("reads in ranges of at most blockRange blocks, reporting progress after each", async function () {
    await withProxy({}, async (proxy) => {
      const progress: FetchLogsProgress[] = [];
      const logs = await fetchLogs({
        client: clientOf(proxy.url),
        address: chain.ecoshare,
        fromBlock: BigInt(chain.record.deployBlock),
        toBlock: head,
        blockRange: 7n,
        onProgress: (p) => progress.push(p),
      });
      expect(logs).to.have.length(all);
      expect(proxy.logRanges.every(({ from, to }) => to - from + 1 <= 7)).to.equal(true);
      expect(progress.length).to.equal(proxy.logRanges.length);
      expect(progress.map((p) => p.toBlock)).to.deep.equal([...progress.map((p) => p.toBlock)].sort((a, b) => (a < b ? -1 : 1)));
      expect(progress.at(-1)).to.include({ toBlock: head, fraction: 1, logs: all });
      expectEachOnceInChainOrder(logs);
    });
  });

  it("asks for the next range before the one in flight is answered, never more than two at once", async function () {
    await withProxy({}, async (proxy) => {
      const logs = await readAll(proxy.url, { blockRange: 3n });
      expect(logs).to.have.length(all);
      expect(proxy.logRanges.length).to.be.greaterThan(4);
      expect(proxy.mostLogReadsInFlight).to.equal(2);
    });
  });

  it("streams the same logs range by range, returning their number", async function () {
    await withProxy({}, async (proxy) => {
      const ranges: RawLog[][] = [];
      const count = await streamLogs({ client: clientOf(proxy.url), address: chain.ecoshare, fromBlock: 0n, toBlock: head, blockRange: 5n, onLogs: (range) => ranges.push([...range]) });
      expect(ranges).to.have.length(proxy.logRanges.length);
      expect(count).to.equal(all);
      const whole = await readAll(chain.node.url, { blockRange: 5n });
      expect(ranges.flat()).to.deep.equal(whole);
    });
  });

  it("waits and retries when the RPC rate-limits, then succeeds", async function () {
    await withProxy({ rateLimit: { method: "eth_getLogs", count: 3 } }, async (proxy) => {
      const logs = await fetchLogs({ client: clientOf(proxy.url, 5), address: chain.ecoshare, fromBlock: 0n, toBlock: head });
      expect(logs).to.have.length(all);
      // Three throttled requests, retried, then every range answered once.
      expect(proxy.calls.get("eth_getLogs")).to.equal(proxy.logRanges.length + 3);
    });
  });

  it("gives up after its retries with a rate-limited error", async function () {
    await withProxy({ rateLimit: { method: "eth_getLogs", count: Infinity } }, async (proxy) => {
      const error = await fetchLogs({ client: clientOf(proxy.url, 2), address: chain.ecoshare, fromBlock: 0n, toBlock: head }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HttpRequestError);
      expect(error).to.include({ status: 429 });
      expect(classifyRpcError(error)).to.equal("rate-limited");
      expect(proxy.calls.get("eth_getLogs"), "the first attempt and two retries").to.equal(3);
    });
  });

  it("halves the range when the RPC refuses a wide one", async function () {
    await withProxy({ maxLogRange: 5 }, async (proxy) => {
      const logs = await fetchLogs({ client: clientOf(proxy.url), address: chain.ecoshare, fromBlock: 0n, toBlock: head, blockRange: 64n });
      expect(logs).to.have.length(all);
      const accepted = proxy.logRanges.filter(({ from, to }) => to - from + 1 <= 5);
      expect(accepted.at(-1)?.to).to.equal(Number(head));
    });
  });

  it("halves a refused range at once, without retrying it, and never grows back to a refused span", async function () {
    await withProxy({ maxLogRange: 5 }, async (proxy) => {
      const logs = await readAll(proxy.url, { blockRange: 64n, maxBlockRange: 1_000n });
      expect(logs).to.have.length(all);
      // Not retried: no span was asked twice in a row (neither by this reader nor by viem's transport).
      expect(proxy.logRanges.every((r, i) => i === 0 || r.from !== proxy.logRanges[i - 1]!.from || r.to !== proxy.logRanges[i - 1]!.to)).to.equal(true);
      // 64 -> 32 -> 16 -> 8 -> 4 refused-then-halved: four refusals, then no span over 4 is asked again.
      const refused = proxy.logRanges.filter(({ from, to }) => to - from + 1 > 5);
      expect(refused.map(({ from, to }) => to - from + 1)).to.deep.equal([64, 32, 16, 8]);
      expect(proxy.logRanges.slice(refused.length).every(({ from, to }) => to - from + 1 <= 4)).to.equal(true);
    });
  });

  it("drops the range read ahead of a refused one and reads on from the refused one, every log once", async function () {
    await withProxy({ maxLogRange: 5 }, async (proxy) => {
      const logs = await readAll(proxy.url, { blockRange: 2n, maxBlockRange: 1_000n, targetLogs: 1_000_000 });
      // 2, then 4 and 4 (one read ahead), then 8, refused while 16 is asked ahead of it. The 16 is dropped: aborted
      // before it leaves, or sent and its answer ignored. Reading goes on from the refused range, at most 4 wide.
      const spans = proxy.logRanges.map(({ from, to }) => to - from + 1);
      expect(spans.slice(0, 4)).to.deep.equal([2, 4, 4, 8]);
      const after = spans[4] === 16 ? 5 : 4;
      expect(proxy.logRanges[after]!.from).to.equal(proxy.logRanges[3]!.from);
      expect(spans.slice(after).every((span) => span <= 4)).to.equal(true);
      expect(logs).to.have.length(all);
      expectEachOnceInChainOrder(logs);
    });
  });

  it("reads one range at a time when told to", async function () {
    await withProxy({}, async (proxy) => {
      expect(await readAll(proxy.url, { blockRange: 3n, readsInFlight: 1 })).to.have.length(all);
      expect(proxy.mostLogReadsInFlight).to.equal(1);
    });
  });

  it("grows the range while responses are small and shrinks it when one holds more than the target", async function () {
    await withProxy({}, async (proxy) => {
      const logs = await readAll(proxy.url, { blockRange: 1n, maxBlockRange: 1_000_000n, targetLogs: 1_000_000 });
      expect(logs).to.have.length(all);
      const spans = proxy.logRanges.map(({ from, to }) => to - from + 1);
      // Doubling from one block: about log2(head) requests instead of one per block. The range read ahead is
      // asked for before the one in flight answers, so it grows one response later: 1, then 2 and 2, then 4.
      expect(spans.slice(0, 5)).to.deep.equal([1, 2, 2, 4, 8]);
      expect(spans.length).to.be.at.most(Math.ceil(Math.log2(Number(head) + 2)) + 1);
    });
    await withProxy({}, async (busy) => {
      const target = Math.max(1, Math.floor(all / 10));
      const logs = await readAll(busy.url, { blockRange: (head + 1n) / 2n, targetLogs: target });
      expect(logs).to.have.length(all);
      // The first response held about half the logs (5x the target): the next range is scaled down to the target.
      const [first, second] = busy.logRanges;
      const firstSpan = first!.to - first!.from + 1;
      const firstLogs = logs.filter((l) => l.blockNumber <= BigInt(first!.to)).length;
      expect(firstLogs).to.be.greaterThan(target);
      expect(second!.to - second!.from + 1).to.equal(Math.max(1, Math.floor((firstSpan * target) / firstLogs)));
    });
  });

  it("scales a crowded response's own span, not the range already changed by the response before it", function () {
    // 64 blocks asked ahead, answered with 5,000 logs, after the response before it had cut the range to 27.
    expect(nextRange({ range: 27n, answered: 64n, returned: 5_000, targetLogs: 2_000, maxBlockRange: 1_000n })).to.equal(25n);
    expect(nextRange({ range: 64n, returned: 5_000, targetLogs: 2_000, maxBlockRange: 1_000n })).to.equal(25n);
    // A sparse response grows the current range, whatever span it answered.
    expect(nextRange({ range: 32n, answered: 16n, returned: 10, targetLogs: 2_000, maxBlockRange: 1_000n })).to.equal(64n);
  });

  it("halves a range whose response is larger than the client accepts, and still reads every log", async function () {
    await withProxy({}, async (proxy) => {
      // More than the busiest block's logs, far less than the whole history's.
      const client = createRpcClient({ url: proxy.url, maxResponseBytes: 40_000 });
      const logs = await fetchLogs({ client, address: chain.ecoshare, fromBlock: 0n, toBlock: head, blockRange: 1_000n });
      expect(logs).to.have.length(all);
      const spans = proxy.logRanges.map(({ from, to }) => to - from + 1);
      // The whole history was asked first, then ranges small enough to fit.
      expect(spans[0]).to.equal(Number(head) + 1);
      expect(spans.length).to.be.greaterThan(2);
      expect(Math.max(...spans.slice(1))).to.be.lessThan(spans[0]!);
    });
  });

  it("treats viem's oversized-response error (it has no code) as a range to halve, not a failure to retry", function () {
    const tooLarge = Object.assign(new Error("HTTP response body exceeded the size limit."), { name: "ResponseBodyTooLargeError" });
    expect(classifyRpcError(new Error("HTTP request failed.", { cause: tooLarge }))).to.equal("range-too-large");
  });

  it("says the RPC is unreachable when nothing listens", async function () {
    const error = await fetchLogs({ client: clientOf("http://127.0.0.1:9", 1), address: chain.ecoshare, fromBlock: 0n, toBlock: 1n }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(HttpRequestError);
    expect(classifyRpcError(error)).to.equal("unreachable");
  });
});
