import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import { loadLog, saveLog } from "./logStore";

const deployment = { chainId: 31337, ecoshare: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const, deployBlock: 3n };

describe("logs kept in IndexedDB", () => {
  it("keeps a snapshot per deployment and scope, bigints included, and drops another deployment's on the same chain", async () => {
    const snapshot = { events: [], toBlock: 2n ** 70n, anchor: { blockNumber: 9n, hash: `0x${"ab".repeat(32)}` as const } };
    await saveLog(deployment, "all", snapshot);
    expect(await loadLog(deployment, "all")).toEqual(snapshot);
    expect(await loadLog(deployment, "partner:0xabc")).toBeUndefined();

    const redeployed = { ...deployment, ecoshare: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as const };
    expect(await loadLog(redeployed, "all")).toBeUndefined();
    await saveLog(redeployed, "all", { ...snapshot, toBlock: 5n });
    expect(await loadLog(deployment, "all"), "the old deployment's log is gone").toBeUndefined();
    expect((await loadLog(redeployed, "all"))?.toBlock).toBe(5n);
  });
});
