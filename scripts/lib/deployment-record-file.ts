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

export type WriteDeploymentRecordParameters = { dir?: string; record: DeploymentRecord };

/** Validates `record` and writes it to `<dir>/chain-<chainId>.json`; returns the path. */
export async function writeDeploymentRecord({ dir = DEFAULT_RECORDS_DIR, record }: WriteDeploymentRecordParameters): Promise<string> {
  const file = path.join(dir, recordFileName(record.chainId));
  parseDeploymentRecord({ json: JSON.parse(serializeDeploymentRecord(record)), source: file, expectedChainId: record.chainId });
  await mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, serializeDeploymentRecord(record));
  await rename(temporary, file);
  return file;
}
