/** The chains the app knows by id, and the local chain with its RPC URL taken from the deployment index. */
import type { Chain } from "viem";
import { arbitrum, base, baseSepolia, hardhat, mainnet, optimism, polygon, sepolia } from "viem/chains";

/** Hardhat's and anvil's chain id: the only chain where the development wallet exists. */
export const LOCAL_CHAIN_ID = 31337;

const KNOWN: readonly Chain[] = [mainnet, sepolia, base, baseSepolia, optimism, arbitrum, polygon, hardhat];

/**
 * The chain for `chainId`, with `rpcUrl` as its default RPC URL when given (wallets and connectors
 * send to the default URL, so the local node's real port must be there).
 */
export function chainFor(chainId: number, rpcUrl?: string): Chain {
  const known = KNOWN.find((chain) => chain.id === chainId);
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
