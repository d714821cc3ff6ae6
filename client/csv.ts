/**
 * CSV that a spreadsheet opens without losing anything (RFC 4180, one header row):
 * - an amount is two columns: `x`, the decimal amount in the asset's units with all its decimals
 *   ("35.813524000039835871"), and `xBaseUnits`, the exact integer in base units written as text: an
 *   apostrophe then the digits ("'35813524000039835871"), which no spreadsheet reads as a number (so none
 *   rounds it to 15 digits) and any program reads back with {@link parseBaseUnitsText};
 * - a text cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
 *   carriage return, other than a plain negative number) gets the same apostrophe in front, so a hostile
 *   terms URI or label stays text.
 */
import { decimalAmount, type AssetInfo } from "./asset-amounts.js";

export type Cell = string | number | bigint | boolean | undefined;

/** The mark that keeps a cell text in a spreadsheet. */
export const TEXT_MARK = "'";

/** `value` in base units as a text cell, e.g. "'35813524000039835871" (negative: "'-1"). */
export function baseUnitsText(value: bigint): string {
  return `${TEXT_MARK}${value}`;
}

/** The exact amount a {@link baseUnitsText} cell holds; also accepts the bare digits. */
export function parseBaseUnitsText(text: string): bigint {
  const digits = text.startsWith(TEXT_MARK) ? text.slice(1) : text;
  if (!/^-?\d+$/.test(digits)) throw new Error(`"${text}" is not an amount in base units (an apostrophe and digits, e.g. '1500).`);
  return BigInt(digits);
}

/**
 * The cells of one amount: `name` (decimal, empty when the asset's decimals are unknown) and
 * `${name}BaseUnits` (exact, as text). An absent amount ("" or undefined) leaves both empty.
 */
export function amountCells(name: string, amount: bigint | "" | undefined, asset: AssetInfo | undefined): Record<string, Cell> {
  if (amount === undefined || amount === "") return { [name]: "", [`${name}BaseUnits`]: "" };
  return { [name]: decimalAmount(amount, asset) ?? "", [`${name}BaseUnits`]: baseUnitsText(amount) };
}

/** The header names {@link amountCells} writes for `names`, in order. */
export function amountColumns(...names: string[]): string[] {
  return names.flatMap((name) => [name, `${name}BaseUnits`]);
}

/** The asset's columns: `asset` (address), `assetSymbol`, `assetDecimals` (empty when the token did not tell them). */
export function assetCells(address: string, asset: AssetInfo | undefined): Record<string, Cell> {
  const known = asset !== undefined && asset.unreadable === undefined;
  return { asset: address, assetSymbol: known ? asset.symbol : "", assetDecimals: known ? asset.decimals : "" };
}

export const ASSET_COLUMNS = ["asset", "assetSymbol", "assetDecimals"] as const;

/** RFC 4180 CSV with a header row; `columns` fixes the header (and its order). Absent cells are empty. */
export function toCsv(rows: readonly Record<string, Cell>[], columns?: readonly string[]): string {
  const header = columns ?? Object.keys(rows[0] ?? {});
  return [header.join(","), ...rows.map((row) => header.map((c) => csvCell(row[c])).join(","))].join("\n") + "\n";
}

function csvCell(value: Cell): string {
  let text = value === undefined ? "" : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text) && !/^-\d+(\.\d+)?$/.test(text)) text = `${TEXT_MARK}${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
