/**
 * The viem clients every wallet action takes: a public client to read and simulate, a wallet client (with
 * its account) to sign and send. The app gets them from wagmi (`wagmiClients.ts`); the embeddable checkout
 * builds them over the customer's EIP-6963 wallet. Same actions, one code path.
 */
import type { Account, Chain, Client, Transport } from "viem";

/**
 * A client to read and simulate with. The actions call viem's tree-shakable actions (`viem/actions`) on it
 * rather than a full `PublicClient`'s methods, so the embedded checkout's bundle carries only what it uses.
 */
export type ReadClient = Client<Transport, Chain | undefined>;

/** A client of the customer's wallet, with its account, to sign and send with. */
export type SignerClient = Client<Transport, Chain | undefined, Account>;

export interface ActionClients {
  publicClient: ReadClient;
  walletClient: SignerClient;
}
