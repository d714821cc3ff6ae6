/** Helpers for agreements; their state itself comes from the shared ledger (client/ledger.ts). */
import type { Address } from "viem";

import type { LedgerAgreement } from "../../../client/ledger.js";
import { sameAddress } from "../../../client/ledger.js";

/** Whether `account` is named in the agreement: as a party or as its fee recipient. */
export function isNamedIn(agreement: LedgerAgreement, account: Address | undefined): boolean {
  if (!account) return false;
  return isParty(agreement, account) || sameAddress(agreement.feeRecipient, account);
}

export function isParty(agreement: LedgerAgreement, account: Address | undefined): boolean {
  if (!account) return false;
  return agreement.parties.some((p) => sameAddress(p.account, account));
}

export function hasAccepted(agreement: LedgerAgreement, account: Address): boolean {
  return agreement.acceptedBy.some((a) => sameAddress(a, account));
}
