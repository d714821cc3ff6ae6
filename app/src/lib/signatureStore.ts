/**
 * Acceptance signatures collected in this browser, waiting to be submitted (by anyone) with
 * `acceptWithSignatures`. Kept in localStorage per chain, contract and agreement.
 */
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

export interface StoredAcceptance {
  signer: Address;
  deadline: string;
  signature: Hex;
}

const key = (chainId: number, contract: Address, agreementId: bigint) => `ecoshare.sigs.${chainId}.${contract.toLowerCase()}.${agreementId}`;

export function readAcceptances(chainId: number, contract: Address, agreementId: bigint): StoredAcceptance[] {
  try {
    const value = JSON.parse(localStorage.getItem(key(chainId, contract, agreementId)) ?? "[]") as unknown;
    return Array.isArray(value) ? value.filter(isStoredAcceptance) : [];
  } catch {
    return [];
  }
}

export function saveAcceptance(chainId: number, contract: Address, agreementId: bigint, acceptance: StoredAcceptance) {
  const others = readAcceptances(chainId, contract, agreementId).filter((a) => getAddress(a.signer) !== getAddress(acceptance.signer));
  localStorage.setItem(key(chainId, contract, agreementId), JSON.stringify([...others, acceptance]));
  window.dispatchEvent(new Event("ecoshare-signatures"));
}

export function clearAcceptances(chainId: number, contract: Address, agreementId: bigint) {
  localStorage.removeItem(key(chainId, contract, agreementId));
  window.dispatchEvent(new Event("ecoshare-signatures"));
}

/** Reads signatures pasted from another browser: a JSON object or array of {signer, deadline, signature}. */
export function parseSharedAcceptances(text: string): StoredAcceptance[] {
  const value = JSON.parse(text) as unknown;
  const list = Array.isArray(value) ? value : [value];
  const valid = list.filter(isStoredAcceptance);
  if (valid.length === 0) throw new Error("No signature found: paste the JSON a party shared.");
  return valid.map((a) => ({ ...a, signer: getAddress(a.signer) }));
}

function isStoredAcceptance(value: unknown): value is StoredAcceptance {
  const v = value as Partial<StoredAcceptance> | null;
  return Boolean(v && typeof v.signer === "string" && isAddress(v.signer) && typeof v.deadline === "string" && /^\d+$/.test(v.deadline) && typeof v.signature === "string" && isHex(v.signature));
}
