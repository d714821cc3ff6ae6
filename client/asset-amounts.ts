/**
 * An asset's symbol and decimals, and exact decimal amounts: plain code with no ABI library, so the app's
 * CSV export (./csv.ts) can use it without pulling the chain-reading code into the browser bundle
 * (./assets.ts reads the symbols and decimals from the chain).
 */
import type { Address } from "viem";

export interface AssetInfo {
  address: Address;
  symbol: string;
  decimals: number;
  /**
   * Why `symbol()` or `decimals()` could not be read (a revert, or the RPC failed), in plain words; then
   * `symbol` is a placeholder, `decimals` is not known, and amounts are shown in base units only.
   */
  unreadable?: string;
}

/**
 * `amount` in whole units with every one of the asset's decimals, e.g. "35.813524000039835871" (ETH) or
 * "12.500000" (a 6-decimal token): exact, and a number to a spreadsheet. Undefined when the decimals are not known.
 */
export function decimalAmount(amount: bigint, asset: AssetInfo | undefined): string | undefined {
  if (asset === undefined || asset.unreadable !== undefined) return undefined;
  const sign = amount < 0n ? "-" : "";
  const digits = (amount < 0n ? -amount : amount).toString().padStart(asset.decimals + 1, "0");
  if (asset.decimals === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -asset.decimals)}.${digits.slice(-asset.decimals)}`;
}
