/**
 * The agreement proposal form: its raw input, and the checks run on every keystroke. Mirrors the checks the
 * contract makes at proposal (RevenueAgreements._checkTerms/_storeParties) so a proposal that passes here
 * is not refused on-chain, except for a race (someone changed the network in the meantime).
 */
import { formatUnits, getAddress, isAddress, keccak256, parseUnits, stringToHex, type Address } from "viem";

import type { AgreementTerms } from "../../../client/eip712.js";
import { MemberStatus } from "./enums";
import { NATIVE_ASSET } from "./format";
import { ALL_REFERRER_ROLES } from "./referrerRoles";
import { termsTextOf } from "./termsText";
import type { LedgerNetwork } from "../../../client/ledger.js";

export interface PartyInput {
  account: string;
  /** Percent of the vendor pool, up to two decimals ("62.5"). */
  share: string;
}

export interface TermsFormInput {
  networkId: string;
  /** "ETH" or a token address. */
  asset: string;
  parties: PartyInput[];
  /** Percent of each payment for the referrer, up to two decimals. */
  referralFee: string;
  /** `YYYY-MM-DDTHH:mm` local time, as a datetime-local input gives it. */
  validFrom: string;
  validUntil: string;
  termsText: string;
  termsURI: string;
  /**
   * Loyalty and trust tiers above the base rate: from a referrer's earned volume (in the asset's units), a rate in
   * percent and a holdback in days (never longer than the tier below's).
   */
  tiers: TierInput[];
  /** Days each payment stays refundable before it is credited ("0" or "" for none; decimals allowed). */
  holdbackDays: string;
  /** The party that may refund held payments; required exactly when there is a holdback. */
  refunder: string;
  /** Who may refer customers: a `referrerRoles` mask as text ("0" = anyone in the network; see lib/referrerRoles.ts). */
  referrerRoles?: string;
}

export interface TierInput {
  fromVolume: string;
  fee: string;
  /** Days this tier's payments are held ("" keeps the holdback of the tier below, "0" credits them at once). */
  holdbackDays?: string;
}

export interface TermsLimits {
  maxReferralFeeBps: number;
  maxParties: number;
  /** MAX_REFERRAL_TIERS and MAX_HOLDBACK_PERIOD (seconds), read from the contract. */
  maxReferralTiers?: number;
  maxHoldbackPeriod?: number;
  /** Decimals of the payment asset, to read tier thresholds (18 for ETH). */
  decimals?: number;
  /** Seconds since the epoch. */
  now: number;
}

export type TermsErrors = Partial<Record<"networkId" | "asset" | "parties" | "referralFee" | "validFrom" | "validUntil" | "terms" | "tiers" | "holdback" | "refunder" | "referrerRoles", string>> & {
  /** Per party row: what is wrong with its address, and with its share (each shown at its own field). */
  partyAccounts?: Record<number, string>;
  partyShares?: Record<number, string>;
  tierRows?: Record<number, string>;
};

export interface TermsCheck {
  errors: TermsErrors;
  /** Basis points the parties' shares add up to, for the running total. */
  shareSumBps: number;
  terms?: AgreementTerms;
}

/** The largest validity bound the contract stores (uint32 seconds). */
const MAX_UINT32 = 2 ** 32 - 1;

/** Percent text with at most two decimals → basis points, or undefined when it is not one. */
export function percentToBps(text: string): number | undefined {
  const match = /^\s*(\d{1,5})(?:[.,](\d{0,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** Why `text` is not a percent with at most two decimals, naming the limit ("33.333" has three). */
export function percentError(text: string, example: string): string {
  if (/^\s*\d+[.,]\d{3,}\s*$/.test(text)) return `At most two decimals (0.01% steps): ${text.trim()} has more. Enter e.g. ${text.trim().replace(/([.,]\d{2})\d+/, "$1")}.`;
  return `Enter a percent with at most two decimals, e.g. ${example}.`;
}

/** A datetime-local value → seconds since the epoch. */
export function localDateTimeToSeconds(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

export function checkTerms(input: TermsFormInput, network: LedgerNetwork | undefined, limits: TermsLimits): TermsCheck {
  const errors: TermsErrors = {};
  const partyAccounts: Record<number, string> = {};
  const partyShares: Record<number, string> = {};
  if (!network) errors.networkId = "Choose a network.";

  let asset: Address | undefined = NATIVE_ASSET;
  if (input.asset !== "ETH") {
    if (isAddress(input.asset)) asset = getAddress(input.asset);
    else {
      asset = undefined;
      errors.asset = "Choose ETH or a token address (0x followed by 40 hex digits).";
    }
  }

  let shareSumBps = 0;
  const seen = new Set<Address>();
  const parties: { account: Address; shareBps: number }[] = [];
  if (input.parties.length === 0) errors.parties = "Name at least one party.";
  if (input.parties.length > limits.maxParties) errors.parties = `An agreement has at most ${limits.maxParties} parties.`;
  input.parties.forEach((row, i) => {
    const bps = percentToBps(row.share);
    if (bps === undefined) partyShares[i] = percentError(row.share, "40 or 12.5");
    else shareSumBps += bps;
    const text = row.account.trim();
    if (text === "") {
      partyAccounts[i] = "Enter the party's address.";
      return;
    }
    if (!isAddress(text)) {
      partyAccounts[i] = /^0x[0-9a-fA-F]{40}$/.test(text)
        ? `${text} is not a valid address: its mixed-case checksum does not match, so it probably has a typo.`
        : `${text} is not a valid address: an address is 0x followed by 40 hex digits.`;
      return;
    }
    const account = getAddress(text);
    if (seen.has(account)) {
      partyAccounts[i] = "This party is already named above: name each party once.";
      return;
    }
    seen.add(account);
    const status = network?.members.get(account)?.status;
    if (network && status !== MemberStatus.Active) {
      partyAccounts[i] = status === MemberStatus.Suspended ? "This member is suspended." : status === MemberStatus.Pending ? "This member is not admitted yet." : "Not a member of this network.";
    }
    if (bps !== undefined) parties.push({ account, shareBps: bps });
  });
  if (!errors.parties && shareSumBps !== 10_000) {
    errors.parties = `Shares add up to ${shareSumBps / 100}%; they must add up to exactly 100%.`;
  }
  if (Object.keys(partyAccounts).length > 0) errors.partyAccounts = partyAccounts;
  if (Object.keys(partyShares).length > 0) errors.partyShares = partyShares;

  const referralFeeBps = percentToBps(input.referralFee);
  if (referralFeeBps === undefined) errors.referralFee = percentError(input.referralFee, "10 or 2.5");
  else if (referralFeeBps > limits.maxReferralFeeBps) {
    errors.referralFee = `The referral fee can be at most ${limits.maxReferralFeeBps / 100}%.`;
  } else if (network && referralFeeBps + network.feeBps > 10_000) {
    errors.referralFee = "The referral fee and the network fee together exceed 100%.";
  }

  // Loyalty tiers: thresholds strictly ascending and above 0, rates within the cap (as the contract checks).
  const tierRows: Record<number, string> = {};
  const referralTiers: { fromVolume: bigint; feeBps: number; holdbackPeriod: number; row: number }[] = [];
  const maxTiers = limits.maxReferralTiers ?? 8;
  if (input.tiers.length > maxTiers) errors.tiers = `At most ${maxTiers} tiers.`;
  let lastVolume = 0n;
  input.tiers.forEach((row, i) => {
    let fromVolume: bigint | undefined;
    try {
      fromVolume = parseUnits(row.fromVolume.trim().replace(",", "."), limits.decimals ?? 18);
    } catch {
      fromVolume = undefined;
    }
    const feeBps = percentToBps(row.fee);
    if (row.fromVolume.trim() === "" || fromVolume === undefined) tierRows[i] = "Enter the referred volume this tier starts at, e.g. 10.";
    else if (fromVolume <= 0n) tierRows[i] = "A tier starts above 0.";
    else if (fromVolume <= lastVolume) tierRows[i] = "Thresholds must rise from one tier to the next.";
    else if (feeBps === undefined) tierRows[i] = percentError(row.fee, "7");
    else if (feeBps > limits.maxReferralFeeBps) tierRows[i] = `A tier's rate can be at most ${limits.maxReferralFeeBps / 100}%.`;
    else if (network && feeBps + network.feeBps > 10_000) tierRows[i] = "This rate and the network fee together exceed 100%.";
    if (fromVolume !== undefined && fromVolume > lastVolume) lastVolume = fromVolume;
    if (!tierRows[i] && fromVolume !== undefined && feeBps !== undefined) referralTiers.push({ fromVolume, feeBps, holdbackPeriod: 0, row: i });
  });

  // Holdback and refunder: a refunder, one of the parties, exactly when there is a holdback.
  let holdbackPeriod = 0;
  const holdbackText = input.holdbackDays.trim().replace(",", ".");
  if (holdbackText !== "") {
    const days = /^\d+(\.\d+)?$/.test(holdbackText) ? Number(holdbackText) : NaN;
    if (!Number.isFinite(days)) errors.holdback = "Enter the holdback in days, e.g. 14 or 0.5 (0 for none).";
    else {
      holdbackPeriod = Math.round(days * 86400);
      const max = limits.maxHoldbackPeriod ?? 180 * 86400;
      if (holdbackPeriod > max) errors.holdback = `The holdback can be at most ${max / 86400} days.`;
    }
  }
  // Trust tiers: each tier's holdback at most the one below's (the agreement's for the first), as the contract checks.
  let belowHoldback = holdbackPeriod;
  for (const tier of referralTiers) {
    const text = (input.tiers[tier.row]?.holdbackDays ?? "").trim().replace(",", ".");
    const days = text === "" ? belowHoldback / 86400 : /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    const below = tier.row === 0 ? "the agreement's holdback" : `tier ${tier.row}'s`;
    if (!Number.isFinite(days)) tierRows[tier.row] = "Enter this tier's holdback in days, e.g. 3 (0: credited at once; empty: as the tier below).";
    else if (Math.round(days * 86400) > belowHoldback) {
      tierRows[tier.row] = `This tier's holdback (${days} days) is longer than ${below} (${belowHoldback / 86400} days): earned trust may only shorten it.`;
    } else belowHoldback = tier.holdbackPeriod = Math.round(days * 86400);
  }
  if (Object.keys(tierRows).length > 0) errors.tierRows = tierRows;

  let refunder: Address = NATIVE_ASSET;
  const refunderText = input.refunder.trim();
  if (holdbackPeriod > 0) {
    if (!isAddress(refunderText)) errors.refunder = "Choose the party that may refund held payments.";
    else if (!parties.some((p) => p.account === getAddress(refunderText))) errors.refunder = "The refunder must be one of the parties.";
    else refunder = getAddress(refunderText);
  } else if (refunderText !== "" && !errors.holdback) {
    errors.refunder = "Without a holdback there is nothing to refund: clear the refunder or set a holdback.";
  }

  // Who may refer: a mask of the three roles (the contract refuses anything above with InvalidReferrerRoles).
  const rolesText = (input.referrerRoles ?? "0").trim();
  const referrerRoles = /^\d+$/.test(rolesText) ? Number(rolesText) : NaN;
  if (!(referrerRoles >= 0 && referrerRoles <= ALL_REFERRER_ROLES)) errors.referrerRoles = "Choose who may refer customers.";

  // Validity is uint32 seconds in the contract: up to 2106-02-07.
  const validFrom = localDateTimeToSeconds(input.validFrom);
  const validUntil = localDateTimeToSeconds(input.validUntil);
  if (validFrom === undefined) errors.validFrom = "Choose when the agreement starts.";
  if (validUntil === undefined) errors.validUntil = "Choose when the agreement ends.";
  else if (validFrom !== undefined && validUntil <= validFrom) errors.validUntil = "The end must be after the start.";
  else if (validUntil <= limits.now) errors.validUntil = "The end must be in the future.";
  else if (validUntil > MAX_UINT32) errors.validUntil = "The end can be at most 7 February 2106 (the contract stores seconds in 32 bits).";
  if (validFrom !== undefined && !errors.validFrom && validFrom < 0) errors.validFrom = "The start must be after 1 January 1970.";
  else if (validFrom !== undefined && validFrom > MAX_UINT32) errors.validFrom = "The start can be at most 7 February 2106.";

  if (input.termsText.trim() === "" && input.termsURI.trim() === "") {
    errors.terms = "Describe the agreement or link to its text.";
  }

  const valid = Object.keys(errors).length === 0;
  if (!valid || !network || !asset || referralFeeBps === undefined || validFrom === undefined || validUntil === undefined) {
    return { errors, shareSumBps };
  }
  return {
    errors,
    shareSumBps,
    terms: {
      networkId: network.id,
      asset,
      parties,
      referralFeeBps,
      referralTiers: referralTiers.map(({ fromVolume, feeBps, holdbackPeriod: period }) => ({ fromVolume, feeBps, holdbackPeriod: period })),
      referrerRoles,
      networkFeeBps: network.feeBps,
      feeRecipient: network.feeRecipient,
      validFrom: BigInt(validFrom),
      validUntil: BigInt(validUntil),
      holdbackPeriod,
      refunder,
      termsHash: keccak256(stringToHex(input.termsText)),
      termsURI: input.termsURI.trim() || `data:text/plain,${encodeURIComponent(input.termsText)}`,
    },
  };
}

/**
 * A form prefilled from existing terms: to counter or amend a version, the user starts from it and changes
 * what it negotiates. `termsText` is the decoded data: URI text when the terms were written inline.
 */
export function inputFromTerms(terms: AgreementTerms, decimals: number, toLocal: (seconds: number) => string): TermsFormInput {
  const { inline } = termsTextOf(terms.termsURI);
  return {
    networkId: terms.networkId.toString(),
    asset: terms.asset === NATIVE_ASSET ? "ETH" : terms.asset,
    parties: terms.parties.map((p) => ({ account: p.account, share: String(p.shareBps / 100) })),
    referralFee: String(terms.referralFeeBps / 100),
    validFrom: toLocal(Number(terms.validFrom)),
    validUntil: toLocal(Number(terms.validUntil)),
    termsText: inline ?? "",
    termsURI: inline !== undefined ? "" : terms.termsURI,
    tiers: terms.referralTiers.map((t) => ({ fromVolume: formatUnits(t.fromVolume, decimals), fee: String(t.feeBps / 100), holdbackDays: String(t.holdbackPeriod / 86400) })),
    holdbackDays: terms.holdbackPeriod === 0 ? "" : String(terms.holdbackPeriod / 86400),
    refunder: terms.holdbackPeriod === 0 ? "" : terms.refunder,
    referrerRoles: String(terms.referrerRoles),
  };
}
