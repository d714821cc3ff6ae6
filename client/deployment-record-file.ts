/**
 * Reading and writing deployment records on disk (Node only; the app fetches or imports the JSON and
 * calls `parseDeploymentRecord`). Writes are atomic: a reader never sees half a record.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

import {
  DeploymentRecordError,
  parseDeploymentRecord,
  recordFileName,
  serializeDeploymentRecord,
  type DeploymentRecord,
} from "./deployment-record.js";

/** Where records live unless told otherwise, relative to the project root. */
export const DEFAULT_RECORDS_DIR = "ignition/records";

export type ReadDeploymentRecordParameters = {
  /** The record file; default `<dir>/chain-<chainId>.json`. */
  file?: string;
  dir?: string;
  /** The chain the RPC serves: the record must be for it. */
  chainId: number;
  /** How the user deploys to this network, for the "missing" message. */
  deployHint?: string;
};

/**
 * Reads and validates the record for `chainId`.
 * @throws {DeploymentRecordError} `missing`, `invalid` or `wrong-chain`, each with one sentence.
 */
export async function readDeploymentRecord({
  file,
  dir = DEFAULT_RECORDS_DIR,
  chainId,
  deployHint = "npm run deploy -- --network <name>",
}: ReadDeploymentRecordParameters): Promise<DeploymentRecord> {
  const source = file ?? path.join(dir, recordFileName(chainId));
  let text: string;
  try {
    text = await readFile(source, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new DeploymentRecordError("missing", `No deployment record for chain ${chainId} at ${source}: deploy first with ${deployHint}.`);
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DeploymentRecordError("invalid", `The deployment record ${source} is not valid JSON: redeploy to rewrite it.`);
  }
  return parseDeploymentRecord({ json, source, expectedChainId: chainId });
}

export type WriteDeploymentRecordParameters = {
  dir?: string;
  record: DeploymentRecord;
  /**
   * Whether to overwrite the record of another deployment on another chain with the same id (a
   * different genesis block: two local nodes are both 31337): true (--force), or a check of the
   * record already there (for example: is that chain still running?). Default false.
   */
  replace?: boolean | ((existing: DeploymentRecord) => Promise<boolean>);
};

/**
 * Validates `record` and writes it to `<dir>/chain-<chainId>.json`; returns the path. A record of the
 * same chain (same genesis block) is overwritten: it is a newer deployment there.
 * @throws {DeploymentRecordError} `occupied` when the file holds another chain's record and `replace` says no.
 */
export async function writeDeploymentRecord({ dir = DEFAULT_RECORDS_DIR, record, replace = false }: WriteDeploymentRecordParameters): Promise<string> {
  const file = path.join(dir, recordFileName(record.chainId));
  parseDeploymentRecord({ json: JSON.parse(serializeDeploymentRecord(record)), source: file, expectedChainId: record.chainId });
  const existing = await readExistingRecord(file);
  if (existing !== undefined && !isSameChain(existing, record)) {
    const allowed = typeof replace === "function" ? await replace(existing) : replace;
    if (!allowed) throw occupiedError(file, existing);
  }
  await mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, serializeDeploymentRecord(record));
  await rename(temporary, file);
  return file;
}

/** The error for a write that would overwrite `existing`, the record of another chain with the same id. */
export function occupiedError(file: string, existing: DeploymentRecord): DeploymentRecordError {
  return new DeploymentRecordError(
    "occupied",
    `${file} already holds the record of another chain with id ${existing.chainId} (${describeRecord(existing)}): ` +
      "keep both by writing this one elsewhere with --records-dir <folder>, or replace it with --force.",
  );
}

/** The valid record at `file`, or undefined when there is none (or only an unreadable one, which a write may replace). */
export async function readExistingRecord(file: string): Promise<DeploymentRecord | undefined> {
  try {
    return parseDeploymentRecord({ json: JSON.parse(await readFile(file, "utf8")), source: file });
  } catch {
    return undefined;
  }
}

/** Whether two records are of one chain: same id and, when both know it, the same genesis block. */
export function isSameChain(a: DeploymentRecord, b: DeploymentRecord): boolean {
  if (a.chainId !== b.chainId) return false;
  return a.genesisHash === undefined || b.genesisHash === undefined || a.genesisHash.toLowerCase() === b.genesisHash.toLowerCase();
}

/** A record in a few words, to tell one deployment from another. */
export function describeRecord(record: DeploymentRecord): string {
  const where = record.localRpcUrl === undefined ? `network "${record.network}"` : `network "${record.network}" at ${record.localRpcUrl}`;
  return `${where}, Ecoshare ${record.contracts.Ecoshare!.address}, deployed ${record.deployedAt}${record.demo === undefined ? "" : ", the demo"}`;
}
