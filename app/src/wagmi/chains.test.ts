import { describe, expect, it } from "vitest";

import { PUBLIC_CHAINS } from "../../../scripts/deploy/public-chains.js";
import { chainFor, deployedChains, KNOWN_CHAINS, LOCAL_CHAIN_ID } from "./chains";

describe("the app's chains", () => {
  it("are hardhat.config.ts's network presets, plus the local chain", () => {
    const presets = Object.values(PUBLIC_CHAINS).map((c) => c.chainId);
    expect(KNOWN_CHAINS.map((c) => c.id)).toEqual([...presets, LOCAL_CHAIN_ID]);
    expect(chainFor(84_532).name).toBe("Base Sepolia");
    expect(chainFor(421_614).name).toBe("Arbitrum Sepolia");
  });

  it("lists each chain that has a deployment record, once, with the record's RPC URL", () => {
    const chains = deployedChains([
      { chainId: 8453 },
      { chainId: LOCAL_CHAIN_ID, rpcUrl: "http://127.0.0.1:18545" },
      { chainId: 8453, rpcUrl: "http://127.0.0.1:1" },
      { chainId: 4242 },
    ]);
    expect(chains.map((c) => c.id)).toEqual([8453, LOCAL_CHAIN_ID, 4242]);
    expect(chains[1]!.rpcUrls.default.http).toEqual(["http://127.0.0.1:18545"]);
    expect(chains[0]!.rpcUrls.default.http).toEqual(chainFor(8453).rpcUrls.default.http);
    expect(chains[2]!.name).toBe("Chain 4242");
  });
});

