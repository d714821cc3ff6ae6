/**
 * Signed counter-proposals collected in this browser, waiting for anyone to submit them with
 * `counterProposeWithSignature`. Kept in localStorage per chain, contract and countered version; shared
 * between browsers as JSON. Each carries its unordered nonce, so its author can cancel it and anyone can see
 * whether it was already used (`isCounterNonceUsed`).
 */
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

import { bigintFrom, termsFromJson, termsToJson } from "./termsJson";
import type { AgreementTerms } from "../../../client/eip712.js";

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

/** The counter as plain JSON (bigints as decimal strings, see termsJson.ts): what "Copy" puts on the clipboard. */
export function serializeCounter(counter: SignedCounter): string {
  return JSON.stringify({ ...counter, terms: termsToJson(counter.terms) });
}

export function parseCounter(text: string): SignedCounter {
  const fail = (why?: string) => new Error(`No signed counter-proposal found${why ? ` (${why})` : ""}: paste the JSON its author shared.`);
  let value: Partial<Record<keyof SignedCounter, unknown>> | null;
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    throw fail("the text is not JSON");
  }
  if (!value || typeof value.author !== "string" || !isAddress(value.author) || typeof value.signature !== "string" || !isHex(value.signature) || !value.terms) {
    throw fail();
  }
  try {
    return {
      counteredId: bigintFrom(value.counteredId, "counteredId").toString(),
      author: getAddress(value.author),
      deadline: bigintFrom(value.deadline, "deadline").toString(),
      nonce: bigintFrom(value.nonce, "nonce").toString(),
      signature: value.signature,
      terms: termsFromJson(value.terms),
    };
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
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
