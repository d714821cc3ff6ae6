/**
 * Mandates from a JSON file, for the `negotiate` command: `{ "mandates": [ { "account", "label"?,
 * "networkId", "minShareBps", "maxReferralFeeBps", "maxNetworkFeeBps", "minHoldbackPeriod",
 * "maxHoldbackPeriod", "maxValidity", "expiresAt", "assets" } ] }` (periods in seconds, rates in basis
 * points, bigints as numbers or decimal strings). Every bad field is reported by name, in one sentence.
 */
import { getAddress, isAddress, type Address } from "viem";

import { BPS, type Mandate } from "./negotiator.js";

function fail(where: string, what: string): never {
  throw new Error(`${where}: ${what}`);
}

function whole(where: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) fail(where, `must be a whole number from 0 to ${max}, got ${JSON.stringify(value)}.`);
  return value;
}

function big(where: string, value: unknown): bigint {
  if ((typeof value === "number" && Number.isSafeInteger(value) && value >= 0) || (typeof value === "string" && /^\d+$/.test(value))) return BigInt(value);
  return fail(where, `must be a whole number (or a decimal string), got ${JSON.stringify(value)}.`);
}

function address(where: string, value: unknown): Address {
  if (typeof value !== "string" || !isAddress(value)) fail(where, `must be an address (0x and 40 hex digits), got ${JSON.stringify(value)}.`);
  return getAddress(value) as Address;
}

/** The mandates in a parsed JSON document; throws naming the first bad field. */
export function parseMandates(document: unknown): Mandate[] {
  const list = typeof document === "object" && document !== null && "mandates" in document ? (document as { mandates: unknown }).mandates : undefined;
  if (!Array.isArray(list)) fail("The mandates file", `must be an object with a "mandates" list.`);
  return list.map((raw: unknown, i): Mandate => {
    const at = `mandates[${i}]`;
    if (typeof raw !== "object" || raw === null) fail(at, "must be an object.");
    const m = raw as Record<string, unknown>;
    const period = 2 ** 32 - 1;
    const assets = m.assets ?? [];
    if (!Array.isArray(assets)) fail(`${at}.assets`, "must be a list of addresses (empty: any asset).");
    if (m.label !== undefined && typeof m.label !== "string") fail(`${at}.label`, "must be text.");
    const mandate: Mandate = {
      account: address(`${at}.account`, m.account),
      networkId: big(`${at}.networkId`, m.networkId),
      minShareBps: whole(`${at}.minShareBps`, m.minShareBps ?? 0, BPS),
      maxReferralFeeBps: whole(`${at}.maxReferralFeeBps`, m.maxReferralFeeBps ?? BPS, BPS),
      maxNetworkFeeBps: whole(`${at}.maxNetworkFeeBps`, m.maxNetworkFeeBps ?? BPS, BPS),
      minHoldbackPeriod: whole(`${at}.minHoldbackPeriod`, m.minHoldbackPeriod ?? 0, period),
      maxHoldbackPeriod: whole(`${at}.maxHoldbackPeriod`, m.maxHoldbackPeriod ?? period, period),
      maxValidity: whole(`${at}.maxValidity`, m.maxValidity ?? 0, period),
      expiresAt: big(`${at}.expiresAt`, m.expiresAt ?? 0),
      assets: assets.map((a: unknown, j) => address(`${at}.assets[${j}]`, a)),
      ...(typeof m.label === "string" ? { label: m.label } : {}),
    };
    if (mandate.minHoldbackPeriod > mandate.maxHoldbackPeriod) fail(at, `its minimum holdback (${mandate.minHoldbackPeriod} s) is above its maximum (${mandate.maxHoldbackPeriod} s).`);
    return mandate;
  });
}
