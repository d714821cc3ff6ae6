/**
 * Agreement terms as plain JSON, to copy between browsers and keep in localStorage: the uint256 and uint32
 * fields (network id, window, tier thresholds) as decimal strings, because JSON numbers lose digits past
 * 2^53 and JSON has no bigint. Read back field by field, so the result has exactly the types signing needs.
 */
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

import type { AgreementTerms } from "../../../client/eip712.js";

export interface TermsJson {
  networkId: string;
  asset: string;
  parties: { account: string; shareBps: number }[];
  referralFeeBps: number;
  referralTiers: { fromVolume: string; feeBps: number; holdbackPeriod: number }[];
  referrerRoles: number;
  networkFeeBps: number;
  feeRecipient: string;
  validFrom: string;
  validUntil: string;
  holdbackPeriod: number;
  refunder: string;
  termsHash: string;
  termsURI: string;
}

export function termsToJson(t: AgreementTerms): TermsJson {
  return {
    networkId: t.networkId.toString(),
    asset: t.asset,
    parties: t.parties.map((p) => ({ account: p.account, shareBps: p.shareBps })),
    referralFeeBps: t.referralFeeBps,
    referralTiers: t.referralTiers.map((x) => ({ fromVolume: x.fromVolume.toString(), feeBps: x.feeBps, holdbackPeriod: x.holdbackPeriod })),
    referrerRoles: t.referrerRoles,
    networkFeeBps: t.networkFeeBps,
    feeRecipient: t.feeRecipient,
    validFrom: t.validFrom.toString(),
    validUntil: t.validUntil.toString(),
    holdbackPeriod: t.holdbackPeriod,
    refunder: t.refunder,
    termsHash: t.termsHash,
    termsURI: t.termsURI,
  };
}

class TermsJsonError extends Error {}

/** A whole number written as a decimal string (the older `"123n"` form is read too). */
export function bigintFrom(value: unknown, field: string): bigint {
  if (typeof value === "string" && /^\d+n?$/.test(value)) return BigInt(value.replace(/n$/, ""));
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new TermsJsonError(`${field} is not a whole number.`);
}

function uint(value: unknown, field: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw new TermsJsonError(`${field} is not a whole number.`);
}

function address(value: unknown, field: string): Address {
  if (typeof value === "string" && isAddress(value, { strict: false })) return getAddress(value);
  throw new TermsJsonError(`${field} is not an address.`);
}

/** Terms from their JSON form; throws a sentence naming the first field that is wrong. */
export function termsFromJson(value: unknown): AgreementTerms {
  if (typeof value !== "object" || value === null) throw new TermsJsonError("The terms are missing.");
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.parties)) throw new TermsJsonError("The parties are missing.");
  if (!Array.isArray(v.referralTiers)) throw new TermsJsonError("The referral tiers are missing.");
  if (typeof v.termsHash !== "string" || !isHex(v.termsHash) || v.termsHash.length !== 66) throw new TermsJsonError("termsHash is not a 32-byte hash.");
  if (typeof v.termsURI !== "string") throw new TermsJsonError("termsURI is not text.");
  return {
    networkId: bigintFrom(v.networkId, "networkId"),
    asset: address(v.asset, "asset"),
    parties: v.parties.map((p: { account?: unknown; shareBps?: unknown }, i) => ({
      account: address(p?.account, `party ${i + 1}`),
      shareBps: uint(p?.shareBps, `party ${i + 1}'s share`),
    })),
    referralFeeBps: uint(v.referralFeeBps, "referralFeeBps"),
    referralTiers: v.referralTiers.map((t: { fromVolume?: unknown; feeBps?: unknown; holdbackPeriod?: unknown }, i) => ({
      fromVolume: bigintFrom(t?.fromVolume, `tier ${i + 1}'s threshold`),
      feeBps: uint(t?.feeBps, `tier ${i + 1}'s rate`),
      holdbackPeriod: uint(t?.holdbackPeriod, `tier ${i + 1}'s holdback`),
    })),
    referrerRoles: uint(v.referrerRoles, "referrerRoles"),
    networkFeeBps: uint(v.networkFeeBps, "networkFeeBps"),
    feeRecipient: address(v.feeRecipient, "feeRecipient"),
    validFrom: bigintFrom(v.validFrom, "validFrom"),
    validUntil: bigintFrom(v.validUntil, "validUntil"),
    holdbackPeriod: uint(v.holdbackPeriod, "holdbackPeriod"),
    refunder: address(v.refunder, "refunder"),
    termsHash: v.termsHash as Hex,
    termsURI: v.termsURI,
  };
}
