/**
 * The viem clients every wallet action takes: a public client to read and simulate, a wallet client (with
 * its account) to sign and send. The app gets them from wagmi (`wagmiClients.ts`); the embeddable checkout
 * builds them over the customer's EIP-6963 wallet. Same actions, one code path.
 */
import type { Account, Chain, PublicClient, Transport, WalletClient } from "viem";

export interface ActionClients {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
}
