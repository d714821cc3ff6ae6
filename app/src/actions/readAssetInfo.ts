/** Symbol and decimals of a payment asset, read from the token contract (ETH: the chain's currency). */
import { erc20Abi, type Address } from "viem";
import { readContract } from "viem/actions";

import { isNative, type AssetInfo } from "../lib/format";
import type { ReadClient } from "./clients";

export async function readAssetInfo(client: ReadClient, asset: Address): Promise<AssetInfo> {
  if (isNative(asset)) {
    const { symbol, decimals } = client.chain?.nativeCurrency ?? { symbol: "ETH", decimals: 18 };
    return { address: asset, symbol, decimals };
  }
  const [symbol, decimals] = await Promise.all([
    readContract(client, { address: asset, abi: erc20Abi, functionName: "symbol" }),
    readContract(client, { address: asset, abi: erc20Abi, functionName: "decimals" }),
  ]);
  return { address: asset, symbol, decimals };
}
