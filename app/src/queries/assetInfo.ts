/** Symbol and decimals of a payment asset, read from the token contract (ETH: the chain's currency). */
import { queryOptions } from "@tanstack/react-query";
import type { Address } from "viem";

import { readAssetInfo } from "../actions/readAssetInfo";
import { wagmiPublicClient } from "../actions/wagmiClients";
import type { AssetInfo } from "../lib/format";
import type { AppConfig } from "../wagmi/config";

export function assetInfoQueryOptions(config: AppConfig, asset: Address | undefined) {
  return queryOptions({
    queryKey: ["asset", config.chains[0].id, asset] as const,
    enabled: asset !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async (): Promise<AssetInfo> => {
      if (!asset) throw new Error("No asset.");
      return readAssetInfo(wagmiPublicClient(config), asset);
    },
  });
}
