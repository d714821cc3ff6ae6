/**
 * Reading logs backwards from the head, newest range first, from a real node through a proxy that behaves
 * like a strict public RPC (it refuses wide ranges).
 */
import { expect } from "chai";
import { getBlockNumber } from "viem/actions";

import { fetchLogs, fetchLogsBackward, type LogWindow } from "../../client/fetch-logs.js";
import { createRpcClient } from "../../client/rpc-client.js";
import { startFaultyProxy } from "./helpers/faulty-proxy.js";
import { seededChain, type SeededChain } from "./helpers/nodes.js";

describe("fetchLogsBackward", function () {
  this.timeout(60_000);
  let chain: SeededChain;
  let head: bigint;
  let deployBlock: bigint;

  before(async function () {
    chain = await seededChain({ days: 2, paymentsPerDay: 9 });
    head = await getBlockNumber(chain.client);
    deployBlock = BigInt(chain.record.deployBlock);
  });
  after(async () => chain?.close());

  const position = (l: { blockNumber: bigint; logIndex: number }) => l.blockNumber * 100_000n + BigInt(l.logIndex);

  it("reads every log once, newest window first, windows adjoining down to fromBlock", async function () {
    const forward = await fetchLogs({ client: chain.client, address: chain.ecoshare, fromBlock: deployBlock, toBlock: head, blockRange: 1_000_000n });
    const windows: LogWindow[] = [];
    for await (const w of fetchLogsBackward({ client: chain.client, address: chain.ecoshare, fromBlock: deployBlock, toBlock: head, blockRange: 3n, maxBlockRange: 3n })) windows.push(w);
    expect(windows[0]!.toBlock).to.equal(head);
    expect(windows.at(-1)!.fromBlock).to.equal(deployBlock);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.toBlock).to.equal(windows[i - 1]!.fromBlock - 1n);
    expect(windows.every((w) => w.toBlock - w.fromBlock + 1n <= 3n)).to.equal(true);
    // Within a window in chain order; the windows reversed give the forward read exactly.
    for (const w of windows) expect(w.logs.map(position)).to.deep.equal([...w.logs.map(position)].sort((a, b) => (a < b ? -1 : 1)));
    expect([...windows].reverse().flatMap((w) => w.logs.map(position))).to.deep.equal(forward.map(position));
  });

  it("stops requesting when the caller has enough", async function () {
    const proxy = await startFaultyProxy({ target: chain.node.url });
    try {
      let seen = 0;
      for await (const w of fetchLogsBackward({ client: createRpcClient({ url: proxy.url }), address: chain.ecoshare, fromBlock: deployBlock, toBlock: head, blockRange: 2n, maxBlockRange: 2n })) {
        seen += w.logs.length;
        if (seen > 0) break;
      }
      expect(seen).to.be.greaterThan(0);
      expect(proxy.logRanges.length).to.be.lessThan(Number(head - deployBlock) / 2);
      expect(proxy.logRanges[0]).to.deep.equal({ from: Number(head - 1n), to: Number(head) });
    } finally {
      await proxy.close();
    }
  });

  it("widens the window while responses are sparse, and says where to resume", async function () {
    const proxy = await startFaultyProxy({ target: chain.node.url });
    try {
      const windows: LogWindow[] = [];
      for await (const w of fetchLogsBackward({ client: createRpcClient({ url: proxy.url }), address: chain.ecoshare, fromBlock: deployBlock, toBlock: head, blockRange: 1n, maxBlockRange: 1_000_000n, targetLogs: 1_000_000 })) windows.push(w);
      const spans = proxy.logRanges.map(({ from, to }) => to - from + 1);
      expect(spans.slice(0, 3)).to.deep.equal([1, 2, 4]);
      expect(windows.slice(0, 3).map((w) => w.nextBlockRange)).to.deep.equal([2n, 4n, 8n]);
    } finally {
      await proxy.close();
    }
  });

  it("halves a refused range at once and never grows back to a refused span", async function () {
    const proxy = await startFaultyProxy({ target: chain.node.url, maxLogRange: 5 });
    try {
      const logs: number[] = [];
      for await (const w of fetchLogsBackward({ client: createRpcClient({ url: proxy.url }), address: chain.ecoshare, fromBlock: deployBlock, toBlock: head, blockRange: 64n, maxBlockRange: 1_000n })) logs.push(w.logs.length);
      const all = await fetchLogs({ client: chain.client, address: chain.ecoshare, fromBlock: deployBlock, toBlock: head, blockRange: 1_000_000n });
      expect(logs.reduce((a, b) => a + b, 0)).to.equal(all.length);
      const refused = proxy.logRanges.filter(({ from, to }) => to - from + 1 > 5);
      expect(refused.map(({ from, to }) => to - from + 1)).to.deep.equal([64, 32, 16, 8]);
      expect(proxy.logRanges.slice(refused.length).every(({ from, to }) => to - from + 1 <= 4)).to.equal(true);
    } finally {
      await proxy.close();
    }
  });
});
