/** Labels for the protocol's enums (the values themselves come from the shared client, client/protocol.ts). */
import { AgreementStatus, MemberRole, MemberStatus, NetworkKind } from "../../../client/protocol.js";

export { AgreementStatus, MemberRole, MemberStatus, NetworkKind };

export const NETWORK_KINDS = ["Peer-to-peer", "Vendor-led", "Distributor-led", "Marketplace"] as const;
export const MEMBER_ROLES = ["Vendor", "Referral partner", "Distributor"] as const;
export const MEMBER_STATUSES = ["None", "Pending", "Active", "Suspended"] as const;
export const AGREEMENT_STATUSES = ["None", "Pending", "Active", "Superseded", "Terminated"] as const;

/** Who may admit a newcomer in a network of this kind, in words. */
export function admissionRule(kind: NetworkKind): string {
  switch (kind) {
    case NetworkKind.PeerToPeer:
      return "any active member or the operator admits newcomers";
    case NetworkKind.VendorLed:
    case NetworkKind.DistributorLed:
      return "the operator admits newcomers";
    case NetworkKind.Marketplace:
      return "open: joining makes you an active member at once";
  }
}

export function label(names: readonly string[], index: number | bigint): string {
  return names[Number(index)] ?? `unknown (${index})`;
}
