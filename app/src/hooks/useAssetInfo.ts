import { useQueries, useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { useConfig } from "wagmi";

import type { AssetInfo } from "../lib/format";
import { assetInfoQueryOptions } from "../queries/assetInfo";

export function useAssetInfo(asset: Address | undefined) {
  return useQuery(assetInfoQueryOptions(useConfig(), asset));
}

/** Symbol and decimals of several assets, keyed by lower-case address once all are known. */
export function useAssetInfos(assets: readonly Address[]): Map<string, AssetInfo> {
  const config = useConfig();
  const results = useQueries({ queries: assets.map((asset) => assetInfoQueryOptions(config, asset)) });
  const map = new Map<string, AssetInfo>();
  for (const r of results) if (r.data) map.set(r.data.address.toLowerCase(), r.data);
  return map;
}
