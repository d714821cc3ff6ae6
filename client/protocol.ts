/**
 * The protocol's enums and constants as the contracts define them (contracts/interfaces/), as plain
 * `as const` objects so they work the same in Node, Vite and type-stripping runtimes.
 */
import type { Address } from "viem";

/** address(0): the asset id of native ETH, and "no referrer". */
export const ETH = "0x0000000000000000000000000000000000000000" as const satisfies Address;

/**
 * The contracts a deployment record lists that are the protocol itself (Ecoshare and the library it is
 * linked to), as opposed to tokens deployed beside it (the demo stablecoin).
 */
export const PROTOCOL_CONTRACTS = ["Ecoshare", "AgreementProposals"] as const;

/** INetworkRegistry.NetworkKind. */
export const NetworkKind = { PeerToPeer: 0, VendorLed: 1, DistributorLed: 2, Marketplace: 3 } as const;
export type NetworkKind = (typeof NetworkKind)[keyof typeof NetworkKind];

/** INetworkRegistry.MemberRole. */
export const MemberRole = { Vendor: 0, ReferralPartner: 1, Distributor: 2 } as const;
export type MemberRole = (typeof MemberRole)[keyof typeof MemberRole];

/** INetworkRegistry.MemberStatus. */
export const MemberStatus = { None: 0, Pending: 1, Active: 2, Suspended: 3 } as const;
export type MemberStatus = (typeof MemberStatus)[keyof typeof MemberStatus];

/** IRevenueAgreements.AgreementStatus. */
export const AgreementStatus = { None: 0, Pending: 1, Active: 2, Superseded: 3, Terminated: 4 } as const;
export type AgreementStatus = (typeof AgreementStatus)[keyof typeof AgreementStatus];

/**
 * Whether a member in `role` may be named as referrer under an agreement's `referrerRoles` (a bitmask of
 * `1 << MemberRole`; 0 lets any role refer), as ReferralPayments._checkReferrer decides.
 */
export function mayRefer(referrerRoles: number, role: number): boolean {
  return referrerRoles === 0 || ((referrerRoles >> role) & 1) === 1;
}

/** The name of an enum value, e.g. `enumName(AgreementStatus, 3) === "Superseded"`. */
export function enumName<const E extends Record<string, number>>(values: E, value: number): keyof E & string {
  const entry = Object.entries(values).find(([, v]) => v === value);
  if (entry === undefined) throw new Error(`Unknown enum value ${value}.`);
  return entry[0] as keyof E & string;
}
