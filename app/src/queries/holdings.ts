/** What the contract holds of each asset at one block, read with viem: the other half of the conservation check. */
import { queryOptions } from "@tanstack/react-query";
import { erc20Abi, type Address } from "viem";
import { getBalance, readContract } from "wagmi/actions";

import { isNative } from "../lib/format";
import type { AppConfig } from "../wagmi/config";

export function holdingsQueryOptions(config: AppConfig, ecoshare: Address, assets: readonly Address[], blockNumber: bigint | undefined) {
  return queryOptions({
    queryKey: ["holdings", ecoshare, assets.join(","), blockNumber?.toString()] as const,
    enabled: blockNumber !== undefined,
    queryFn: async () => {
      const entries = await Promise.all(
        assets.map(async (asset) => {
          const held = isNative(asset)
            ? (await getBalance(config, { address: ecoshare, blockNumber })).value
            : await readContract(config, { address: asset, abi: erc20Abi, functionName: "balanceOf", args: [ecoshare], blockNumber });
          return [asset.toLowerCase(), held] as const;
        }),
      );
      return new Map<string, bigint>(entries);
    },
  });
}
