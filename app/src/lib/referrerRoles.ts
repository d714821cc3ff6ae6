/**
 * Who may refer customers under an agreement: the terms' `referrerRoles`, a bitmask of `1 << MemberRole`
 * (IRevenueAgreements.AgreementTerms). 0 lets any active member of the network refer; a role outside the
 * mask makes the contract refuse the payment (ReferrerRoleNotAllowed).
 */
import { mayRefer } from "../../../client/protocol.js";
import { MEMBER_ROLES, MemberRole } from "./enums";

export { mayRefer };

/** The highest valid mask: every role. Above it the contract refuses the terms (InvalidReferrerRoles). */
export const ALL_REFERRER_ROLES = (1 << MemberRole.Vendor) | (1 << MemberRole.ReferralPartner) | (1 << MemberRole.Distributor);

/** The form's choices, most common first. */
export const REFERRER_ROLE_CHOICES: readonly { value: number; text: string }[] = [
  { value: 0, text: "Anyone in the network" },
  { value: 1 << MemberRole.ReferralPartner, text: "Referral partners only" },
  { value: (1 << MemberRole.ReferralPartner) | (1 << MemberRole.Distributor), text: "Referral partners and distributors" },
  { value: 1 << MemberRole.Distributor, text: "Distributors only" },
  { value: (1 << MemberRole.Vendor) | (1 << MemberRole.ReferralPartner), text: "Vendors and referral partners" },
  { value: 1 << MemberRole.Vendor, text: "Vendors only" },
  { value: (1 << MemberRole.Vendor) | (1 << MemberRole.Distributor), text: "Vendors and distributors" },
];


/** `referrerRoles` in words: "Anyone in the network", "Referral partners only"… */
export function describeReferrerRoles(referrerRoles: number): string {
  const choice = REFERRER_ROLE_CHOICES.find((c) => c.value === referrerRoles);
  if (choice) return choice.text;
  if (referrerRoles === ALL_REFERRER_ROLES) return "Any role (vendors, referral partners, distributors)";
  return `Invalid (${referrerRoles})`;
}

/** The role names a mask allows, plural, for sentences ("referral partners"). */
export function allowedRoleNames(referrerRoles: number): string[] {
  return MEMBER_ROLES.filter((_, role) => mayRefer(referrerRoles, role)).map((name) => `${name.toLowerCase()}s`);
}
