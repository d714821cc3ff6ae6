/**
 * An order reference (`bytes32 orderRef` of `pay` and `payOrder`) as people read it: a short text such as
 * "CS-2026-0142" stored as its ASCII bytes right-padded with zeros, or any other 32 bytes shown as hex.
 * Written once for the seed, the audit and the app.
 */
import type { Hex } from "viem";

/** 32 zero bytes: no reference. */
export const NO_ORDER_REF: Hex = `0x${"00".repeat(32)}`;

/**
 * The text `ref` holds when it is printable ASCII (space to `~`) right-padded with zeros, e.g.
 * "CS-2026-0142"; otherwise `undefined` (a hash, zero, or bytes after a zero).
 */
export function orderRefText(ref: Hex): string | undefined {
  if (!/^0x[0-9a-fA-F]{64}$/.test(ref)) return undefined;
  const bytes = ref.slice(2).match(/../g)!.map((b) => parseInt(b, 16));
  const end = bytes.indexOf(0) === -1 ? 32 : bytes.indexOf(0);
  if (end === 0 || bytes.slice(end).some((b) => b !== 0)) return undefined;
  const text = bytes.slice(0, end);
  return text.every((b) => b >= 0x20 && b <= 0x7e) ? String.fromCharCode(...text) : undefined;
}

/** How the audit shows `ref`: its text when {@link orderRefText} finds one, else the 32 bytes in hex. */
export function formatOrderRef(ref: Hex): string {
  return orderRefText(ref) ?? ref.toLowerCase();
}

/** `text` as an order reference: 1 to 32 printable ASCII characters, right-padded with zeros. */
export function orderRefFromText(text: string): Hex {
  if (text.length === 0 || text.length > 32 || !/^[\x20-\x7e]+$/.test(text)) {
    throw new Error(`An order reference is 1 to 32 printable ASCII characters; "${text}" is not one.`);
  }
  const hex = Array.from(text, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  return `0x${hex.padEnd(64, "0")}`;
}
