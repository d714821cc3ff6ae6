/**
 * Where the app finds the contracts: the deployment records written by the deploy step
 * (ignition/records/chain-<chainId>.json), served by the app's own origin under `records/`.
 *
 * Why fetched at run time rather than imported at build time: the local demo redeploys on every start,
 * and one production build must work against whichever deployment sits beside it. The records are
 * small and fetched once, before the wallet layer is built.
 */
import { getAddress, type Address } from "viem";

import { PROTOCOL_CONTRACTS } from "../../../client/protocol.js";

/** What the app needs from one deployment record. */
export interface Deployment {
  chainId: number;
  /** The Ecoshare contract. */
  ecoshare: Address;
  /** Block of the deployment: event history is read from here, never from genesis. */
  deployBlock: bigint;
  /** Tokens deployed with the protocol (e.g. the demo stablecoin), by name. */
  tokens: Record<string, Address>;
  /** Named demo accounts (local chain only), as written by the demo seed. */
  demoAccounts: DemoAccount[];
  /**
   * The indexer serving this deployment's ledger, if any: the app's configuration
   * (`VITE_ECOSHARE_INDEXER_URL`) or else the record's `indexerUrl`. Pages read from it, and from the RPC
   * when it is absent, unreachable or behind.
   */
  indexerUrl?: string;
}

export interface DemoAccount {
  address: Address;
  label: string;
  /** Its index in the test mnemonic, when the record says (the demo's records do). */
  index?: number;
}

/** One entry of `records/index.json`. */
export interface DeploymentIndexEntry {
  chainId: number;
  file: string;
  /** RPC endpoint the app reads through for this chain. */
  rpcUrl?: string;
}

export interface DeploymentIndex {
  deployments: DeploymentIndexEntry[];
}

/**
 * Reads a deployment record. Accepts the shared client's record shape and tolerates older field names,
 * so the app fails with a clear message rather than a blank page when a record is malformed.
 */
export function parseDeploymentRecord(json: unknown, configuredIndexerUrl: string | undefined = import.meta.env.VITE_ECOSHARE_INDEXER_URL): Deployment {
  if (typeof json !== "object" || json === null) throw new Error("The deployment record is not a JSON object.");
  const record = json as Record<string, unknown>;
  const contracts = (record.contracts ?? record.addresses ?? {}) as Record<string, unknown>;
  const addressOf = (value: unknown): Address | undefined => {
    if (typeof value === "string") return getAddress(value);
    if (typeof value === "object" && value !== null && "address" in value) return getAddress(String(value.address));
    return undefined;
  };
  const ecoshare = addressOf(contracts.Ecoshare ?? record.ecoshare);
  if (!ecoshare) throw new Error("The deployment record names no Ecoshare contract.");
  const chainId = Number(record.chainId);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new Error("The deployment record has no chain id.");
  const deployBlockValue = record.deployBlock ?? record.deploymentBlock ?? record.blockNumber;
  if (deployBlockValue === undefined) throw new Error("The deployment record has no deploy block.");
  const tokens: Record<string, Address> = {};
  for (const [name, value] of Object.entries(contracts)) {
    const address = addressOf(value);
    if (!(PROTOCOL_CONTRACTS as readonly string[]).includes(name) && address) tokens[name] = address;
  }
  const demo = (record.demo ?? {}) as { accounts?: unknown };
  const demoAccounts = Array.isArray(demo.accounts ?? record.demoAccounts)
    ? ((demo.accounts ?? record.demoAccounts) as { address: string; label?: string; name?: string; role?: string; index?: unknown }[]).map((a) => ({
        address: getAddress(a.address),
        label: a.label ?? a.name ?? a.role ?? "",
        ...(Number.isSafeInteger(a.index) ? { index: a.index as number } : {}),
      }))
    : [];
  const indexerUrl = configuredIndexerUrl || (typeof record.indexerUrl === "string" ? record.indexerUrl : undefined);
  if (indexerUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(indexerUrl)) throw new Error(`The indexer URL "${indexerUrl}" is not an http(s) URL: fix VITE_ECOSHARE_INDEXER_URL or the record's indexerUrl.`);
  return { chainId, ecoshare, deployBlock: BigInt(String(deployBlockValue)), tokens, demoAccounts, ...(indexerUrl ? { indexerUrl } : {}) };
}

/** Fetches `records/index.json` and every record it lists. */
export async function loadDeployments(base = import.meta.env.BASE_URL): Promise<
  { entry: DeploymentIndexEntry; deployment: Deployment }[]
> {
  const response = await fetch(`${base}records/index.json`, { cache: "no-store" });
  if (!response.ok) throw new Error(`No deployment index at ${base}records/index.json (HTTP ${response.status}).`);
  const index = (await response.json()) as DeploymentIndex;
  return Promise.all(
    index.deployments.map(async (entry) => {
      const res = await fetch(`${base}records/${entry.file}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`Deployment record ${entry.file} is missing (HTTP ${res.status}).`);
      return { entry, deployment: parseDeploymentRecord(await res.json()) };
    }),
  );
}
