/** Symbol and decimals of a payment asset, read from the token contract (ETH: the chain's currency). */
import { queryOptions } from "@tanstack/react-query";
import { erc20Abi, type Address } from "viem";
import { readContract } from "wagmi/actions";

import { isNative, type AssetInfo } from "../lib/format";
import type { AppConfig } from "../wagmi/config";

export function assetInfoQueryOptions(config: AppConfig, asset: Address | undefined) {
  return queryOptions({
    queryKey: ["asset", config.chains[0].id, asset] as const,
    enabled: asset !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async (): Promise<AssetInfo> => {
      if (!asset) throw new Error("No asset.");
      if (isNative(asset)) {
        const { symbol, decimals } = config.chains[0].nativeCurrency;
        return { address: asset, symbol, decimals };
      }
      const [symbol, decimals] = await Promise.all([
        readContract(config, { address: asset, abi: erc20Abi, functionName: "symbol" }),
        readContract(config, { address: asset, abi: erc20Abi, functionName: "decimals" }),
      ]);
      return { address: asset, symbol, decimals };
    },
  });
}
