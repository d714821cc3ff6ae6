/**
 * Signed mandates (EIP-712 `SetMandate`) collected in this browser, waiting for anyone to submit them with
 * `grantSignedMandate`. Kept in localStorage per chain, contract and network; shared between browsers as JSON
 * (bigints as decimal strings). A signed mandate carries its member's sequential mandate nonce: once that
 * member sets or revokes any mandate, the nonce is spent and the signature can never be submitted.
 */
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

import type { ChainMandate } from "./mandateForm";
import { bigintFrom } from "./termsJson";

export interface SignedMandate {
  member: Address;
  mandate: ChainMandate;
  /** The member's mandate nonce signed (decimal). */
  nonce: string;
  deadline: string;
  signature: Hex;
}

const key = (chainId: number, contract: Address, networkId: bigint) => `ecoshare.mandates.${chainId}.${contract.toLowerCase()}.${networkId}`;

/** The signed mandate as plain JSON: what "Copy" puts on the clipboard. */
export function serializeMandate(s: SignedMandate): string {
  return JSON.stringify({ ...s, mandate: { ...s.mandate, networkId: s.mandate.networkId.toString() } });
}

function whole(value: unknown, field: string, max: number): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= max) return value;
  throw new Error(`${field} is not a whole number up to ${max}.`);
}

/** A signed mandate from its JSON; throws a sentence naming what is wrong. */
export function parseMandate(text: string): SignedMandate {
  const fail = (why?: string) => new Error(`No signed mandate found${why ? ` (${why})` : ""}: paste the JSON its member shared.`);
  let value: Record<string, unknown> | null;
  try {
    value = JSON.parse(text) as Record<string, unknown> | null;
  } catch {
    throw fail("the text is not JSON");
  }
  if (!value || typeof value.member !== "string" || !isAddress(value.member) || typeof value.signature !== "string" || !isHex(value.signature)) throw fail();
  const m = value.mandate as Record<string, unknown> | undefined;
  if (typeof m !== "object" || m === null) throw fail("the mandate is missing");
  try {
    if (!Array.isArray(m.assets) || !m.assets.every((a) => typeof a === "string" && isAddress(a))) throw new Error("assets is not a list of addresses.");
    const u32 = 2 ** 32 - 1;
    return {
      member: getAddress(value.member),
      mandate: {
        networkId: bigintFrom(m.networkId, "networkId"),
        minShareBps: whole(m.minShareBps, "minShareBps", 65_535),
        maxReferralFeeBps: whole(m.maxReferralFeeBps, "maxReferralFeeBps", 65_535),
        maxNetworkFeeBps: whole(m.maxNetworkFeeBps, "maxNetworkFeeBps", 65_535),
        minHoldbackPeriod: whole(m.minHoldbackPeriod, "minHoldbackPeriod", u32),
        maxHoldbackPeriod: whole(m.maxHoldbackPeriod, "maxHoldbackPeriod", u32),
        maxValidity: whole(m.maxValidity, "maxValidity", u32),
        expiresAt: whole(m.expiresAt, "expiresAt", u32),
        assets: (m.assets as string[]).map((a) => getAddress(a)),
      },
      nonce: bigintFrom(value.nonce, "nonce").toString(),
      deadline: bigintFrom(value.deadline, "deadline").toString(),
      signature: value.signature,
    };
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
}

export function readMandates(chainId: number, contract: Address, networkId: bigint): SignedMandate[] {
  try {
    const list = JSON.parse(localStorage.getItem(key(chainId, contract, networkId)) ?? "[]") as string[];
    return list.map(parseMandate);
  } catch {
    return [];
  }
}

function write(chainId: number, contract: Address, networkId: bigint, list: SignedMandate[]) {
  localStorage.setItem(key(chainId, contract, networkId), JSON.stringify(list.map(serializeMandate)));
  window.dispatchEvent(new Event("ecoshare-signatures"));
}

export function saveMandate(chainId: number, contract: Address, s: SignedMandate) {
  const others = readMandates(chainId, contract, s.mandate.networkId).filter((x) => x.signature !== s.signature);
  write(chainId, contract, s.mandate.networkId, [...others, s]);
}

export function forgetMandate(chainId: number, contract: Address, s: SignedMandate) {
  write(chainId, contract, s.mandate.networkId, readMandates(chainId, contract, s.mandate.networkId).filter((x) => x.signature !== s.signature));
}
