import { hardhat, sepolia } from "viem/chains";
import { describe, expect, it } from "vitest";

import { chainFor, LOCAL_CHAIN_ID } from "./chains";
import { createAppConfig } from "./config";
import { DEV_WALLET_ID, devAccounts, devWallet } from "./devWallet";

const local = chainFor(LOCAL_CHAIN_ID, "http://127.0.0.1:8545");

describe("the development wallet exists on the local chain only", () => {
  it("is offered on the local chain (31337)", () => {
    const config = createAppConfig({ chain: local, devWallet: devWallet({ chain: local, accounts: devAccounts() }), storage: null, discoverInjectedWallets: false });
    expect(config.connectors.map((c) => c.id)).toContain(DEV_WALLET_ID);
  });

  it("is never offered on another chain, even when passed by mistake", () => {
    const connector = devWallet({ chain: local, accounts: devAccounts() });
    for (const chain of [sepolia, chainFor(1), chainFor(8453)]) {
      const config = createAppConfig({ chain, devWallet: connector, storage: null, discoverInjectedWallets: false });
      expect(config.connectors.map((c) => c.id)).not.toContain(DEV_WALLET_ID);
    }
  });

  it("refuses to be built for another chain", () => {
    expect(() => devWallet({ chain: sepolia, accounts: [] })).toThrow(/only on the local chain/);
  });

  it("signs with the demo accounts of the public test mnemonic, labelled by role", () => {
    const accounts = devAccounts({ "0x70997970C51812dc3A010C7d01b50e0d17dc79C8": "Grand Plaza Hotel" }, 3);
    expect(accounts.map((a) => a.address)).toEqual([
      "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
      "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    ]);
    expect(accounts[1]!.label).toBe("Grand Plaza Hotel");
  });

  it("puts the local node's real RPC URL in the chain, where wallets send", () => {
    expect(local.rpcUrls.default.http[0]).toBe("http://127.0.0.1:8545");
    expect(chainFor(LOCAL_CHAIN_ID, "http://127.0.0.1:9999").rpcUrls.default.http[0]).toBe("http://127.0.0.1:9999");
    expect(chainFor(LOCAL_CHAIN_ID).name).toBe(hardhat.name);
  });
});
