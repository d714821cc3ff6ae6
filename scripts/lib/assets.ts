/**
 * Names and decimals of the assets agreements use, for people-facing output: ETH for address(0), and
 * the token's own `symbol()` and `decimals()` otherwise (with safe fallbacks for tokens that lack them).
 */
import { formatUnits } from "ethers";

import type { Address, BlockTag, Eip1193Transport } from "./eip1193.js";
import { ETH } from "./protocol.js";
import { readContract } from "./read-contract.js";
import type { RetryOptions } from "./rpc.js";

export interface AssetInfo {
  address: Address;
  symbol: string;
  decimals: number;
}

export const ETH_INFO: AssetInfo = { address: ETH, symbol: "ETH", decimals: 18 };

export type DescribeAssetsParameters = {
  transport: Eip1193Transport;
  assets: Iterable<Address>;
  blockTag: BlockTag;
  retry?: RetryOptions | undefined;
};

/** Symbol and decimals of each asset, keyed by lower-case address. */
export async function describeAssets({ transport, assets, blockTag, retry }: DescribeAssetsParameters): Promise<Map<string, AssetInfo>> {
  const infos = new Map<string, AssetInfo>();
  for (const address of assets) {
    if (infos.has(address.toLowerCase())) continue;
    if (address.toLowerCase() === ETH) {
      infos.set(ETH, ETH_INFO);
      continue;
    }
    const read = <T>(functionName: string) => readContract<T>({ transport, abi: "erc20", address, functionName, blockTag, retry }).catch(() => undefined);
    const [symbol, decimals] = await Promise.all([read<string>("symbol"), read<number>("decimals")]);
    infos.set(address.toLowerCase(), { address, symbol: symbol ?? `token ${address.slice(0, 10)}…`, decimals: decimals ?? 18 });
  }
  return infos;
}

/** `amount` of `asset` for people, e.g. "12.5 dUSD"; signed amounts keep their sign. */
export function formatAmount(amount: bigint, asset: AssetInfo | undefined): string {
  const info = asset ?? { symbol: "units", decimals: 0 };
  return `${formatUnits(amount, info.decimals)} ${info.symbol}`;
}
