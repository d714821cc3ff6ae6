import type { AgreementTerms } from "../../../client/eip712.js";
import type { LedgerAgreement } from "../../../client/ledger.js";

/** The shared terms as viem encodes them (the uint32 validity fields as numbers). */
export function termsForViem(terms: AgreementTerms) {
  return { ...terms, validFrom: Number(terms.validFrom), validUntil: Number(terms.validUntil) };
}

/** The full terms of a ledger agreement, as every party signed them (tiers, holdback and refunder included). */
export function termsOf(a: LedgerAgreement): AgreementTerms {
  return {
    networkId: a.networkId,
    asset: a.asset,
    parties: a.parties.map((p) => ({ account: p.account, shareBps: p.shareBps })),
    referralFeeBps: a.referralFeeBps,
    referralTiers: a.referralTiers.map((t) => ({ fromVolume: t.fromVolume, feeBps: t.feeBps, holdbackPeriod: t.holdbackPeriod })),
    referrerRoles: a.referrerRoles,
    networkFeeBps: a.networkFeeBps,
    feeRecipient: a.feeRecipient,
    validFrom: a.validFrom,
    validUntil: a.validUntil,
    holdbackPeriod: a.holdbackPeriod,
    refunder: a.refunder,
    termsHash: a.termsHash,
    termsURI: a.termsURI,
  };
}
