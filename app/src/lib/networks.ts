/** Helpers for networks and members; their state itself comes from the shared ledger (scripts/lib/ledger.ts). */
import { getAddress, type Address } from "viem";

import type { LedgerNetwork } from "../../../scripts/lib/ledger.js";
import { MemberStatus, NetworkKind } from "./enums";
import type { ProtocolEvent } from "./protocolLog";

/** Whether `account` may admit or decline requests in `network` (see NetworkKind). */
export function canAdmit(network: LedgerNetwork, account: Address | undefined): boolean {
  if (!account) return false;
  const me = getAddress(account);
  if (me === getAddress(network.operator)) return true;
  return network.kind === NetworkKind.PeerToPeer && memberOf(network, me)?.status === MemberStatus.Active;
}

/** `account`'s membership of `network`, whatever the address's letter case. */
export function memberOf(network: LedgerNetwork, account: Address | undefined) {
  if (!account) return undefined;
  return network.members.get(getAddress(account));
}

/** Each member's latest metadata URI (profiles live in events only), keyed by `networkId/address`. */
export function memberProfiles(events: readonly ProtocolEvent[]): Map<string, string> {
  const profiles = new Map<string, string>();
  for (const e of events) {
    if (e.eventName === "MembershipRequested" || e.eventName === "MemberMetadataUpdated") {
      profiles.set(`${e.args.networkId}/${getAddress(e.args.account)}`, e.args.metadataURI);
    }
  }
  return profiles;
}

/** Name and description from a metadata URI: a `data:` JSON document, or else the URI itself. */
export function readMetadata(uri: string): { name: string; description?: string | undefined } {
  const json = decodeDataJson(uri);
  if (json && typeof json.name === "string") {
    return { name: json.name, description: typeof json.description === "string" ? json.description : undefined };
  }
  return { name: uri };
}

function decodeDataJson(uri: string): Record<string, unknown> | undefined {
  const match = /^data:application\/json(;base64)?,(.*)$/s.exec(uri);
  try {
    if (!match) {
      const value: unknown = JSON.parse(uri);
      return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
    }
    const body = match[1] ? atob(match[2] ?? "") : decodeURIComponent(match[2] ?? "");
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A network's co-branding in its metadata: a logo (image URL or data: URI) and brand colours. */
export interface NetworkBrand {
  logo?: string | undefined;
  colors?: { accent?: string | undefined; background?: string | undefined } | undefined;
}

/**
 * The metadata URI the app writes: a small `data:` JSON document, readable with no server. Check a brand
 * with `checkNetworkProfile` (lib/networkProfile.ts) first: this writes what it is given.
 */
export function metadataURI(name: string, description = "", { logo, colors }: NetworkBrand = {}): string {
  const accent = colors?.accent || undefined;
  const background = colors?.background || undefined;
  const json = {
    name,
    ...(description ? { description } : {}),
    ...(logo ? { logo } : {}),
    ...(accent || background ? { colors: { ...(accent ? { accent } : {}), ...(background ? { background } : {}) } } : {}),
  };
  return `data:application/json,${encodeURIComponent(JSON.stringify(json))}`;
}

/** "3 active members, 1 waiting", or "no members yet" for a network nobody has joined. */
export function memberCountText(network: Pick<LedgerNetwork, "members">): string {
  const all = [...network.members.values()];
  if (all.length === 0) return "no members yet";
  const active = all.filter((m) => m.status === MemberStatus.Active).length;
  const waiting = all.filter((m) => m.status === MemberStatus.Pending).length;
  const text = active === 0 ? "no active member yet" : `${active} active member${active === 1 ? "" : "s"}`;
  return waiting > 0 ? `${text}, ${waiting} waiting for admission` : text;
}
