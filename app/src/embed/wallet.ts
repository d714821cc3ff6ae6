/**
 * The customer's own browser wallet for the embedded checkout: EIP-6963 discovery (mipd, the store wagmi
 * uses), connecting, and getting the wallet onto the checkout's chain (switch, or add it first when the
 * wallet does not know it). The clients built here are the ones the shared wallet actions take.
 */
import { createStore, type EIP6963ProviderDetail, type Store } from "mipd";
import { BaseError, createClient, custom, defineChain, getAddress, http, type Chain } from "viem";
import { addChain, getChainId, switchChain } from "viem/actions";

import type { ActionClients, ReadClient } from "../actions/clients";

export type WalletDetail = EIP6963ProviderDetail;

let store: Store | undefined;

/** Calls `onChange` with the wallets announced so far and whenever another announces itself; returns the unsubscribe. */
export function watchWallets(onChange: (wallets: readonly WalletDetail[]) => void): () => void {
  store ??= createStore();
  return store.subscribe(onChange, { emitImmediately: true });
}

/** The checkout's chain: its id, and the RPC URL the page gave (used to read, and to add the chain to a wallet). */
export function checkoutChain(chainId: number, rpcUrl: string | undefined, name?: string): Chain {
  return defineChain({
    id: chainId,
    name: name ?? (chainId === 31337 ? "Hardhat (local)" : `Chain ${chainId}`),
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: rpcUrl ? [rpcUrl] : [] } },
  });
}

/** A client to read the chain with: the page's RPC URL when it gave one, else the wallet's own connection. */
export function readClient(chain: Chain, rpcUrl: string | undefined, wallet?: WalletDetail): ReadClient | undefined {
  if (rpcUrl) return createClient({ chain, transport: http(rpcUrl, { batch: { wait: 5 } }), pollingInterval: chain.id === 31337 ? 500 : 4_000 });
  if (wallet) return createClient({ chain, transport: custom(wallet.provider), pollingInterval: 4_000 });
  return undefined;
}

/** Asks the wallet for its account and builds the clients the payment actions take. */
export async function connectWallet(wallet: WalletDetail, chain: Chain, rpcUrl: string | undefined): Promise<ActionClients> {
  const accounts = (await wallet.provider.request({ method: "eth_requestAccounts" })) as string[];
  const first = accounts[0];
  if (!first) throw new Error(`${wallet.info.name} shared no account: unlock it, or allow this page, and connect again.`);
  const walletClient = createClient({ account: getAddress(first), chain, transport: custom(wallet.provider) });
  return { walletClient, publicClient: readClient(chain, rpcUrl, wallet)! };
}

/** The chain the wallet is on now. */
export function walletChainId(clients: ActionClients): Promise<number> {
  return getChainId(clients.walletClient);
}

/** Switches the wallet to `chain`, adding it first when the wallet does not know it (EIP-3085, code 4902). */
export async function switchWalletChain(clients: ActionClients, chain: Chain): Promise<void> {
  try {
    await switchChain(clients.walletClient, { id: chain.id });
  } catch (error) {
    const unknownChain = error instanceof BaseError && error.walk((e) => (e as { code?: number }).code === 4902);
    if (!unknownChain) throw error;
    if (chain.rpcUrls.default.http.length === 0) {
      throw new Error(`Your wallet does not know chain ${chain.id}, and this page gave no RPC URL to add it with: add the chain in your wallet, then try again.`);
    }
    await addChain(clients.walletClient, { chain });
    await switchChain(clients.walletClient, { id: chain.id });
  }
}
