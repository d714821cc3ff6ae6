/**
 * Where read event logs persist in the browser: IndexedDB (through idb-keyval), one entry per chain,
 * contract, deploy block and scope (the whole log, or one partner's), so a returning visitor reads only
 * new blocks. IndexedDB stores bigints as they are (structured clone). Entries of another deployment on
 * the same chain are dropped when a new one is written: a redeployed contract's history is not ours.
 * Without IndexedDB (a private window may refuse it) the app reads the chain as if nothing were kept.
 */
import { createStore, del, get, keys, set, type UseStore } from "idb-keyval";

import type { Deployment } from "./deployment";
import type { LogSnapshot } from "./incrementalLog";

let store: UseStore | null | undefined;
function logStore(): UseStore | null {
  if (store === undefined) store = typeof indexedDB === "undefined" ? null : createStore("ecoshare-logs", "logs");
  return store;
}

/** The deployment's part of a key: a change of contract or deploy block starts afresh. */
function deploymentPrefix(deployment: Pick<Deployment, "chainId" | "ecoshare" | "deployBlock">): string {
  return `${deployment.chainId}:${deployment.ecoshare.toLowerCase()}:${deployment.deployBlock}:`;
}

export function logStoreKey(deployment: Pick<Deployment, "chainId" | "ecoshare" | "deployBlock">, scope: string): string {
  return `${deploymentPrefix(deployment)}${scope}`;
}

/** The snapshot kept for `scope`, if any (a store that cannot be read counts as empty). */
export async function loadLog(deployment: Pick<Deployment, "chainId" | "ecoshare" | "deployBlock">, scope: string): Promise<LogSnapshot | undefined> {
  const s = logStore();
  if (!s) return undefined;
  try {
    return await get<LogSnapshot>(logStoreKey(deployment, scope), s);
  } catch {
    return undefined;
  }
}

/** Whether a snapshot is kept for `scope` (its keys only are read, not the snapshot). */
export async function hasLog(deployment: Pick<Deployment, "chainId" | "ecoshare" | "deployBlock">, scope: string): Promise<boolean> {
  const s = logStore();
  if (!s) return false;
  try {
    return (await keys<string>(s)).includes(logStoreKey(deployment, scope));
  } catch {
    return false;
  }
}

/** Keeps `snapshot` for `scope`, and drops what other deployments on the same chain left. */
export async function saveLog(deployment: Pick<Deployment, "chainId" | "ecoshare" | "deployBlock">, scope: string, snapshot: LogSnapshot): Promise<void> {
  const s = logStore();
  if (!s) return;
  try {
    await set(logStoreKey(deployment, scope), snapshot, s);
    const prefix = deploymentPrefix(deployment);
    const chain = `${deployment.chainId}:`;
    for (const key of await keys<string>(s)) if (key.startsWith(chain) && !key.startsWith(prefix)) await del(key, s);
  } catch {
    // A full or refused store only costs the next visit a longer read.
  }
}
