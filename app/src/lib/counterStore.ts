/**
 * Signed counter-proposals collected in this browser, waiting for anyone to submit them with
 * `counterProposeWithSignature`. Kept in localStorage per chain, contract and countered version; shared
 * between browsers as JSON. Each carries its unordered nonce, so its author can cancel it and anyone can see
 * whether it was already used (`isCounterNonceUsed`).
 */
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

import type { AgreementTerms } from "../../../scripts/lib/eip712.js";

export interface SignedCounter {
  counteredId: string;
  author: Address;
  deadline: string;
  /** The author's unordered counter nonce (decimal): cancelled with `invalidateCounterNonce`, spent on submission. */
  nonce: string;
  signature: Hex;
  terms: AgreementTerms;
}

const key = (chainId: number, contract: Address, counteredId: bigint) => `ecoshare.counters.${chainId}.${contract.toLowerCase()}.${counteredId}`;

/** JSON with bigints as decimal strings tagged `n`. */
export function serializeCounter(counter: SignedCounter): string {
  return JSON.stringify(counter, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

export function parseCounter(text: string): SignedCounter {
  const value = JSON.parse(text, (_, v: unknown) => (typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v)) as Partial<SignedCounter> | null;
  if (!value || typeof value.author !== "string" || !isAddress(value.author) || typeof value.signature !== "string" || !isHex(value.signature) || !value.terms || typeof value.deadline !== "string" || typeof value.counteredId !== "string" || typeof value.nonce !== "string" || !/^\d+$/.test(value.nonce)) {
    throw new Error("No signed counter-proposal found: paste the JSON its author shared.");
  }
  return { ...(value as SignedCounter), author: getAddress(value.author) };
}

export function readCounters(chainId: number, contract: Address, counteredId: bigint): SignedCounter[] {
  try {
    const list = JSON.parse(localStorage.getItem(key(chainId, contract, counteredId)) ?? "[]") as string[];
    return list.map(parseCounter);
  } catch {
    return [];
  }
}

export function saveCounter(chainId: number, contract: Address, counter: SignedCounter) {
  const id = BigInt(counter.counteredId);
  const others = readCounters(chainId, contract, id).filter((c) => c.signature !== counter.signature);
  localStorage.setItem(key(chainId, contract, id), JSON.stringify([...others, counter].map(serializeCounter)));
  window.dispatchEvent(new Event("ecoshare-signatures"));
}

export function forgetCounter(chainId: number, contract: Address, counter: SignedCounter) {
  const id = BigInt(counter.counteredId);
  const rest = readCounters(chainId, contract, id).filter((c) => c.signature !== counter.signature);
  localStorage.setItem(key(chainId, contract, id), JSON.stringify(rest.map(serializeCounter)));
  window.dispatchEvent(new Event("ecoshare-signatures"));
}
