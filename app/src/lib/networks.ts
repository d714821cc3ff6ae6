/** Helpers for networks and members; their state itself comes from the shared ledger (client/ledger.ts). */
import { getAddress, type Address } from "viem";

import type { LedgerNetwork } from "../../../client/ledger.js";
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

/** A network's metadata as the app and the embedded checkout show it (co-branding). */
export interface NetworkMetadata {
  name: string;
  description?: string | undefined;
  /** An image URL (https:, http: or a data:image/ URI); anything else is dropped. */
  logo?: string | undefined;
  /** Brand colours, as hex colours only (#rgb, #rrggbb, #rrggbbaa): they go into a stylesheet, so nothing else passes. */
  colors?: { accent?: string | undefined; background?: string | undefined } | undefined;
}

/** The colours and logos the reader keeps (and so the only ones the app writes: lib/networkProfile.ts). */
export const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
export const IMAGE_URL = /^(?:https?:\/\/[^\s"'()<>]+|data:image\/(?:png|jpeg|gif|webp|svg\+xml)(?:;base64)?,[^\s"'()<>]+)$/;

/**
 * Name and description (and optional `logo` and `colors` {accent, background}) from a metadata URI: a
 * `data:` JSON document, or else the URI itself as the name. Metadata is anyone's text: a logo that is no
 * image URL and a colour that is no hex colour are dropped.
 */
export function readMetadata(uri: string): NetworkMetadata {
  const json = decodeDataJson(uri);
  if (json && typeof json.name === "string") {
    const metadata: NetworkMetadata = { name: json.name, description: typeof json.description === "string" ? json.description : undefined };
    if (typeof json.logo === "string" && IMAGE_URL.test(json.logo)) metadata.logo = json.logo;
    const colors = typeof json.colors === "object" && json.colors !== null ? (json.colors as Record<string, unknown>) : {};
    const color = (value: unknown) => (typeof value === "string" && HEX_COLOR.test(value) ? value : undefined);
    const accent = color(colors.accent);
    const background = color(colors.background);
    if (accent || background) metadata.colors = { ...(accent ? { accent } : {}), ...(background ? { background } : {}) };
    return metadata;
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
export type NetworkBrand = Pick<NetworkMetadata, "logo" | "colors">;

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
