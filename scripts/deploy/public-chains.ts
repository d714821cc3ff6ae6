/**
 * The public chains partners use, as hardhat.config.ts's network presets: name, chain id and Hardhat's
 * chain type. Free of Hardhat, so the app's tests check its chain list against it. Each network `<name>`
 * reads ECOSHARE_<NAME>_RPC_URL and ECOSHARE_<NAME>_DEPLOYER_KEY (`variablePrefixOf`).
 */
export const PUBLIC_CHAINS = {
  ethereum: { chainId: 1, chainType: "l1" },
  sepolia: { chainId: 11_155_111, chainType: "l1" },
  base: { chainId: 8453, chainType: "op" },
  "base-sepolia": { chainId: 84_532, chainType: "op" },
  optimism: { chainId: 10, chainType: "op" },
  "optimism-sepolia": { chainId: 11_155_420, chainType: "op" },
  arbitrum: { chainId: 42_161, chainType: "generic" },
  "arbitrum-sepolia": { chainId: 421_614, chainType: "generic" },
} as const;

/** The configuration variable prefix of network `name`: ECOSHARE_BASE_SEPOLIA for base-sepolia. */
export function variablePrefixOf(name: string): string {
  return `ECOSHARE_${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
}
