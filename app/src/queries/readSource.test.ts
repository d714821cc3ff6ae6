import { describe, expect, it } from "vitest";

import { IndexerError } from "../../../client/indexer-client.js";
import { chooseReadSource, forcedRpc, MAX_INDEXER_LAG_BLOCKS } from "./readSource";

const url = "http://127.0.0.1:42069";

describe("where pages read from", () => {
  it("reads from an indexer that is caught up, or at most 20 blocks behind", () => {
    expect(chooseReadSource({ url, indexed: 100n, head: 100n })).toEqual({ kind: "indexer", url, indexedBlock: 100n, headBlock: 100n });
    expect(chooseReadSource({ url, indexed: 100n - MAX_INDEXER_LAG_BLOCKS, head: 100n }).kind).toBe("indexer");
  });

  it("says in words why it reads from the RPC when the indexer is behind or does not answer", () => {
    const behind = chooseReadSource({ url, indexed: 50n, head: 100n });
    expect(behind).toEqual({
      kind: "rpc",
      reason: `The indexer at ${url} is 50 blocks behind the chain (it is at block 50, the chain at 100): reading from the chain's RPC instead, which is slower.`,
    });
    const down = chooseReadSource({ url, error: new IndexerError("unreachable", `Cannot reach the indexer at ${url} (connection refused): is it running (npm start --prefix indexer)?`) });
    expect(down.kind === "rpc" && down.reason).toBe(`Cannot reach the indexer at ${url} (connection refused): is it running (npm start --prefix indexer)? Reading from the chain's RPC instead, which is slower.`);
  });

  it("reads from the RPC when the address says ?source=rpc", () => {
    expect(forcedRpc("?source=rpc")).toBe(true);
    expect(forcedRpc("?chain=31337")).toBe(false);
  });
});
