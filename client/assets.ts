/**
 * Names and decimals of the assets agreements use, for people-facing output: ETH for address(0), and
 * the token's own `symbol()` and `decimals()` otherwise. A token that does not answer them is marked
 * unreadable (with the reason), so nothing guesses its decimals.
 */
import { formatUnits, type Address } from "viem";

import { ETH } from "./protocol.js";
import { readContract } from "./read-contract.js";
import { firstMessage } from "./rpc-error.js";
import type { AssetInfo } from "./asset-amounts.js";
import type { AtBlock, RpcClient } from "./rpc-client.js";

export { decimalAmount, type AssetInfo } from "./asset-amounts.js";

export const ETH_INFO: AssetInfo = { address: ETH, symbol: "ETH", decimals: 18 };

export type DescribeAssetsParameters = {
  client: RpcClient;
  assets: Iterable<Address>;
  blockTag: AtBlock;
  /** Assets already described (keyed by lower-case address): not read again. */
  known?: ReadonlyMap<string, AssetInfo>;
};

/** Symbol and decimals of each asset, keyed by lower-case address; the tokens are asked at once. */
export async function describeAssets({ client, assets, blockTag, known }: DescribeAssetsParameters): Promise<Map<string, AssetInfo>> {
  const infos = new Map<string, AssetInfo | Promise<AssetInfo>>();
  for (const address of assets) {
    const key = address.toLowerCase();
    if (!infos.has(key)) infos.set(key, key === ETH ? ETH_INFO : (known?.get(key) ?? readAssetInfo({ client, address, blockTag })));
  }
  return new Map(await Promise.all([...infos].map(async ([key, info]) => [key, await info] as const)));
}

/** A token's own `symbol()` and `decimals()`; marked unreadable, with the reason, when it does not answer them. */
async function readAssetInfo({ client, address, blockTag }: { client: RpcClient; address: Address; blockTag: AtBlock }): Promise<AssetInfo> {
  const failures: string[] = [];
  const read = <T>(functionName: string) =>
    readContract<T>({ client, abi: "erc20", address, functionName, blockTag }).catch((error: unknown) => {
      failures.push(`${functionName}() failed: ${firstMessage(error)}`);
      return undefined;
    });
  const [symbol, decimals] = await Promise.all([read<string>("symbol"), read<number>("decimals")]);
  const info: AssetInfo = { address, symbol: symbol ?? `token ${address.slice(0, 10)}…`, decimals: decimals ?? 0 };
  if (symbol === undefined || decimals === undefined) {
    info.unreadable = `The token ${address} did not tell its symbol or decimals (${failures.join("; ")}); its amounts are written in base units only.`;
  }
  return info;
}

/** `amount` of `asset` for people, e.g. "12.5 dUSD"; signed amounts keep their sign. */
export function formatAmount(amount: bigint, asset: AssetInfo | undefined): string {
  if (asset === undefined) return `${amount} units`;
  if (asset.unreadable !== undefined) return `${amount} base units of ${asset.symbol}`;
  return `${formatUnits(amount, asset.decimals)} ${asset.symbol}`;
}

