/**
 * The chains the app knows by id: the public networks of hardhat.config.ts (Ethereum, Base, Optimism,
 * Arbitrum and their Sepolia test networks) and the local chain, whose RPC URL comes from the deployment
 * index. The app offers each chain that has a deployment record (`deployedChains`).
 */
import type { Chain } from "viem";
import { arbitrum, arbitrumSepolia, base, baseSepolia, hardhat, mainnet, optimism, optimismSepolia, sepolia } from "viem/chains";

/** Hardhat's and anvil's chain id: the only chain where the development wallet exists. */
export const LOCAL_CHAIN_ID = 31337;

/** In the order hardhat.config.ts lists them: each mainnet, then its Sepolia test network. */
export const KNOWN_CHAINS: readonly Chain[] = [mainnet, sepolia, base, baseSepolia, optimism, optimismSepolia, arbitrum, arbitrumSepolia, hardhat];

/**
 * The chain for `chainId`, with `rpcUrl` as its default RPC URL when given (wallets and connectors
 * send to the default URL, so the local node's real port must be there).
 */
export function chainFor(chainId: number, rpcUrl?: string): Chain {
  const known = KNOWN_CHAINS.find((chain) => chain.id === chainId);
  const chain: Chain =
    known ??
    ({
      id: chainId,
      name: `Chain ${chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [] } },
    } as Chain);
  if (!rpcUrl) return chain;
  return { ...chain, rpcUrls: { ...chain.rpcUrls, default: { http: [rpcUrl] } } };
}

/** One chain per deployment record (the first record of a chain wins), each with its record's RPC URL. */
export function deployedChains(entries: readonly { chainId: number; rpcUrl?: string | undefined }[]): Chain[] {
  const seen = new Set<number>();
  const chains: Chain[] = [];
  for (const { chainId, rpcUrl } of entries) {
    if (seen.has(chainId)) continue;
    seen.add(chainId);
    chains.push(chainFor(chainId, rpcUrl));
  }
  return chains;
}
