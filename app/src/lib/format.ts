/** Formatting of addresses, amounts, rates and dates for display. Framework-free. */
import { formatUnits, getAddress, type Address } from "viem";

/** `0x1234…abcd`: the first 4 and last 4 hex digits of a checksummed address. */
export function shortAddress(address: Address): string {
  const checksummed = getAddress(address);
  return `${checksummed.slice(0, 6)}…${checksummed.slice(-4)}`;
}

/** The zero address stands for native ETH in every Ecoshare call and event. */
export const NATIVE_ASSET: Address = "0x0000000000000000000000000000000000000000";

export function isNative(asset: Address): boolean {
  return asset.toLowerCase() === NATIVE_ASSET;
}

export interface AssetInfo {
  address: Address;
  symbol: string;
  decimals: number;
}

/**
 * `1,234.5 dUSD`: an amount in base units shown in whole units with its symbol, grouped by thousands,
 * without trailing zeros and with at most `maxFraction` fraction digits (never rounding to a false 0).
 */
export function formatAmount(amount: bigint, asset: Pick<AssetInfo, "symbol" | "decimals">, maxFraction = 6): string {
  return `${formatNumber(amount, asset.decimals, maxFraction)} ${asset.symbol}`;
}

/** The number part of {formatAmount}. */
export function formatNumber(amount: bigint, decimals: number, maxFraction = 6): string {
  const negative = amount < 0n;
  const text = formatUnits(negative ? -amount : amount, decimals);
  const [whole = "0", fraction = ""] = text.split(".");
  let shown = fraction.slice(0, maxFraction).replace(/0+$/, "");
  if (shown === "" && /[1-9]/.test(fraction)) shown = `${"0".repeat(Math.max(0, maxFraction - 1))}1`;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const prefix = negative ? "-" : "";
  if (shown !== "" && shown !== fraction.slice(0, maxFraction).replace(/0+$/, "")) return `< ${grouped}.${shown}`;
  return `${prefix}${grouped}${shown ? `.${shown}` : ""}`;
}

/** `2.5%` from 250 basis points. */
export function formatBps(bps: number | bigint): string {
  const value = Number(bps) / 100;
  return `${Number.isInteger(value) ? value : value.toFixed(2).replace(/0+$/, "")}%`;
}

/** A unix time in seconds as a short local date and time. */
export function formatTimestamp(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** A unix time in seconds as `YYYY-MM-DD` (UTC), for date inputs and CSV. */
export function isoDate(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
}
