/**
 * The one factory for the app's wagmi config, used by the app and by the tests, so the type registered
 * with wagmi (`Register`, below) is the type both get.
 */
import type { Chain } from "viem";
import { createConfig, createStorage, http, type CreateConnectorFn, type Storage, type Transport } from "wagmi";

import { LOCAL_CHAIN_ID } from "./chains";

export interface AppConfigParameters {
  /** The chain the deployment lives on; the app works on this one chain. */
  chain: Chain;
  /**
   * The development wallet connector (see devWallet.ts). Ignored on any chain but the local one, so a
   * misconfiguration can never offer public test keys on a real chain.
   */
  devWallet?: CreateConnectorFn | undefined;
  /** Extra connectors (tests use wagmi's mock connector). */
  connectors?: readonly CreateConnectorFn[];
  /** EIP-6963 discovery of injected wallets (MetaMask, Rabby, ...). On by default. */
  discoverInjectedWallets?: boolean;
  storage?: Storage | null;
  /** How often to poll the node for new blocks and events, in ms. */
  pollingInterval?: number;
  /** The RPC transport; by default HTTP to the chain's default RPC URL (tests pass a custom one). */
  transport?: Transport;
}

export function createAppConfig({
  chain,
  devWallet,
  connectors = [],
  discoverInjectedWallets = true,
  storage = createStorage({ storage: globalThis.localStorage, key: `ecoshare.${chain.id}` }),
  pollingInterval = chain.id === LOCAL_CHAIN_ID ? 1_000 : 4_000,
  transport = http(chain.rpcUrls.default.http[0], { batch: { batchSize: 100, wait: 5 } }),
}: AppConfigParameters) {
  const all: CreateConnectorFn[] = [...connectors];
  if (devWallet && chain.id === LOCAL_CHAIN_ID) all.unshift(devWallet);
  return createConfig({
    chains: [chain],
    connectors: all,
    multiInjectedProviderDiscovery: discoverInjectedWallets,
    storage,
    pollingInterval,
    transports: { [chain.id]: transport },
  });
}

export type AppConfig = ReturnType<typeof createAppConfig>;

declare module "wagmi" {
  interface Register {
    config: AppConfig;
  }
}
