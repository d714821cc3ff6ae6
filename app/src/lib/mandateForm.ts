/**
 * A member's standing mandate in plain words: the editor's raw input, its checks (the contract's own, so a
 * mandate that passes here is not refused on-chain: IMandates' InvalidMandateShare, InvalidMandateHoldback,
 * InvalidMandateAssets, MandateExpiryPassed) and the sentences that describe a mandate (the conversion to
 * the shared negotiator's `Mandate` is the negotiator's own `partyMandate`). Framework-free.
 */
import { getAddress, isAddress, type Address, type ContractFunctionArgs } from "viem";

import type { ecoshareAbi } from "../contracts/abis";

import { formatBps, NATIVE_ASSET, shortAddress } from "./format";
import { percentError, percentToBps } from "./termsForm";

/** The contract's `IMandates.Mandate` struct as viem gives and takes it (uint16/uint32 as numbers), from the ABI. */
export type ChainMandate = ContractFunctionArgs<typeof ecoshareAbi, "nonpayable", "grantMandate">[0];

/** What the editor holds: text as typed, assets as the ticked addresses (ETH is the zero address). */
export interface MandateFormInput {
  /** Percent of the vendor pool, at least. */
  minShare: string;
  /** Percent of each payment, at most (the base rate and every tier). */
  maxReferralFee: string;
  /** Percent of each payment, at most. */
  maxNetworkFee: string;
  /** Days, decimals allowed. */
  minHoldbackDays: string;
  maxHoldbackDays: string;
  assets: string[];
  /** Whole months an agreement may run, at most. */
  maxValidityMonths: string;
  /** `YYYY-MM-DD` (a date input's value): the mandate accepts nothing from that day's start on. */
  expiresOn: string;
}

export type MandateErrors = Partial<Record<"minShare" | "maxReferralFee" | "maxNetworkFee" | "holdback" | "assets" | "maxValidity" | "expiresOn", string>>;

export interface MandateLimits {
  networkId: bigint;
  /** The chain's time, unix seconds. */
  now: number;
  /** MAX_MANDATE_ASSETS and MAX_HOLDBACK_PERIOD, read from the contract. */
  maxAssets: number;
  maxHoldbackPeriod: number;
}

export interface MandateCheck {
  errors: MandateErrors;
  mandate?: ChainMandate;
}

/** A month for agreement lengths: a twelfth of 365 days, so "12 months" is exactly one 365-day year. */
export const MONTH = 2_628_000;
const DAY = 86_400;
const MAX_UINT32 = 2 ** 32 - 1;

function daysToSeconds(text: string): number | undefined {
  const t = text.trim().replace(",", ".");
  if (t === "") return 0;
  return /^\d+(\.\d+)?$/.test(t) ? Math.round(Number(t) * DAY) : undefined;
}

/** A date input's `YYYY-MM-DD` → unix seconds of that day's local midnight. */
export function dateToSeconds(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = new Date(`${value}T00:00`).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** Unix seconds → a date input's `YYYY-MM-DD` (local). */
export function secondsToDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Checks the editor's input; `mandate` is set only when every field is valid. */
export function checkMandate(input: MandateFormInput, limits: MandateLimits): MandateCheck {
  const errors: MandateErrors = {};
  const minShareBps = percentToBps(input.minShare);
  if (minShareBps === undefined) errors.minShare = percentError(input.minShare, "30");
  else if (minShareBps > 10_000) errors.minShare = "Your share can be at most 100% of the vendor pool.";
  const maxReferralFeeBps = percentToBps(input.maxReferralFee);
  if (maxReferralFeeBps === undefined) errors.maxReferralFee = percentError(input.maxReferralFee, "8");
  else if (maxReferralFeeBps > 10_000) errors.maxReferralFee = "A referral fee can be at most 100%.";
  const maxNetworkFeeBps = percentToBps(input.maxNetworkFee);
  if (maxNetworkFeeBps === undefined) errors.maxNetworkFee = percentError(input.maxNetworkFee, "2");
  else if (maxNetworkFeeBps > 10_000) errors.maxNetworkFee = "A network fee can be at most 100%.";

  const minHoldbackPeriod = daysToSeconds(input.minHoldbackDays);
  const maxHoldbackPeriod = daysToSeconds(input.maxHoldbackDays);
  const maxDays = limits.maxHoldbackPeriod / DAY;
  if (minHoldbackPeriod === undefined || maxHoldbackPeriod === undefined) errors.holdback = "Enter the holdback in days, e.g. 0 and 14 (decimals allowed).";
  else if (minHoldbackPeriod > maxHoldbackPeriod) errors.holdback = `The shortest holdback (${input.minHoldbackDays.trim()} days) is longer than the longest (${input.maxHoldbackDays.trim() || "0"} days): swap them.`;
  else if (maxHoldbackPeriod > limits.maxHoldbackPeriod) errors.holdback = `A holdback can be at most ${maxDays} days.`;

  const assets = [...new Set(input.assets.filter((a) => isAddress(a)).map((a) => getAddress(a)))];
  if (assets.length === 0) errors.assets = "Tick at least one asset you accept payments in.";
  else if (assets.length > limits.maxAssets) errors.assets = `A mandate names at most ${limits.maxAssets} assets.`;

  const months = input.maxValidityMonths.trim();
  const maxValidity = /^\d+$/.test(months) ? Number(months) * MONTH : undefined;
  if (maxValidity === undefined || maxValidity === 0) errors.maxValidity = "Enter how many whole months an agreement may run, at least 1, e.g. 12.";
  else if (maxValidity > MAX_UINT32) errors.maxValidity = `At most ${Math.floor(MAX_UINT32 / MONTH)} months.`;

  const expiresAt = dateToSeconds(input.expiresOn);
  if (expiresAt === undefined) errors.expiresOn = "Choose the date this mandate expires on.";
  else if (expiresAt <= limits.now) errors.expiresOn = "The expiry date must be in the future.";
  else if (expiresAt > MAX_UINT32) errors.expiresOn = "The expiry can be at most 7 February 2106 (the contract stores seconds in 32 bits).";

  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    mandate: {
      networkId: limits.networkId,
      minShareBps: minShareBps!,
      maxReferralFeeBps: maxReferralFeeBps!,
      maxNetworkFeeBps: maxNetworkFeeBps!,
      minHoldbackPeriod: minHoldbackPeriod!,
      maxHoldbackPeriod: maxHoldbackPeriod!,
      maxValidity: maxValidity!,
      expiresAt: expiresAt!,
      assets,
    },
  };
}

/** The editor prefilled from a mandate on-chain (to change it), or with the example bounds. */
export function mandateInput(mandate: ChainMandate | undefined, defaults: { networkFeeBps: number; assets: Address[]; now: number }): MandateFormInput {
  if (mandate === undefined) {
    return {
      minShare: "30",
      maxReferralFee: "8",
      maxNetworkFee: String(defaults.networkFeeBps / 100),
      minHoldbackDays: "0",
      maxHoldbackDays: "14",
      assets: defaults.assets,
      maxValidityMonths: "12",
      expiresOn: secondsToDate(defaults.now + 365 * DAY),
    };
  }
  return {
    minShare: String(mandate.minShareBps / 100),
    maxReferralFee: String(mandate.maxReferralFeeBps / 100),
    maxNetworkFee: String(mandate.maxNetworkFeeBps / 100),
    minHoldbackDays: String(mandate.minHoldbackPeriod / DAY),
    maxHoldbackDays: String(mandate.maxHoldbackPeriod / DAY),
    assets: [...mandate.assets],
    maxValidityMonths: String(Math.max(1, Math.round(mandate.maxValidity / MONTH))),
    expiresOn: secondsToDate(mandate.expiresAt),
  };
}

function days(seconds: number): string {
  const n = Number((seconds / DAY).toFixed(2));
  return `${n} day${n === 1 ? "" : "s"}`;
}

function months(seconds: number): string {
  if (seconds % MONTH !== 0) return days(seconds);
  const n = seconds / MONTH;
  return `${n} month${n === 1 ? "" : "s"}`;
}

/** "dUSD or ETH", "dUSD, EURC or ETH". */
export function orList(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/**
 * A mandate in plain words, one sentence per bound: "My share at least 30% of the vendor pool." and so on.
 * `assetName` names an asset ("ETH", "dUSD"); `date` writes the expiry.
 */
export function describeMandate(m: ChainMandate, assetName: (asset: Address) => string, date: (seconds: number) => string): string[] {
  const holdback =
    m.minHoldbackPeriod === m.maxHoldbackPeriod
      ? m.maxHoldbackPeriod === 0
        ? "No holdback: payments credited at once."
        : `Holdback of exactly ${days(m.maxHoldbackPeriod)}.`
      : `Holdback between ${m.minHoldbackPeriod === 0 ? "0" : days(m.minHoldbackPeriod).replace(/ days?$/, "")} and ${days(m.maxHoldbackPeriod)}.`;
  return [
    `My share at least ${formatBps(m.minShareBps)} of the vendor pool.`,
    `Referral fee at most ${formatBps(m.maxReferralFeeBps)}, loyalty tiers included.`,
    `Network fee at most ${formatBps(m.maxNetworkFeeBps)}.`,
    holdback,
    `Only ${orList(m.assets.map(assetName))}.`,
    `Agreements valid at most ${months(m.maxValidity)}.`,
    `This mandate expires on ${date(m.expiresAt)}.`,
  ];
}

/** The asset list's names: ETH for the zero address, else the deployment's token name, else the address. */
export function assetNamer(tokens: Record<string, Address>): (asset: Address) => string {
  return (asset) => {
    if (asset.toLowerCase() === NATIVE_ASSET) return "ETH";
    const named = Object.entries(tokens).find(([, a]) => a.toLowerCase() === asset.toLowerCase());
    return named ? named[0] : asset;
  };
}

/** Names for the sentences: an account's label, ETH or a token's name, else the short address. */
export function plainNamer(labels: ReadonlyMap<Address, string>, tokens: Record<string, Address>): (address: Address) => string {
  const assetName = assetNamer(tokens);
  return (address) => {
    const checksummed = getAddress(address);
    const asset = assetName(checksummed);
    return labels.get(checksummed) ?? (asset !== checksummed ? asset : shortAddress(checksummed));
  };
}
