/**
 * The indexer's configuration, from the deployment record (one source of truth for the address and the
 * first block) and the generated ABI (client/abis.generated.ts, from the compiled artifacts).
 *
 * - ECOSHARE_RECORD: the deployment record file (default ../ignition/records/chain-<ECOSHARE_CHAIN_ID>.json,
 *   chain id default 31337, the local demo node).
 * - PONDER_RPC_URL: the chain's RPC (default: the record's `localRpcUrl`, local nodes only).
 * - DATABASE_URL: Postgres; without it, PGlite embedded in .ponder/pglite.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createConfig } from "ponder";

import { ecoshareAbi } from "../client/abis.generated.js";
import { parseDeploymentRecord } from "../client/deployment-record.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const chainId = Number(process.env.ECOSHARE_CHAIN_ID ?? 31337);
if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new Error(`ECOSHARE_CHAIN_ID must be a positive chain id, not "${process.env.ECOSHARE_CHAIN_ID}".`);
const recordFile = process.env.ECOSHARE_RECORD ?? path.join(here, "..", "ignition", "records", `chain-${chainId}.json`);

let json: unknown;
try {
  json = JSON.parse(readFileSync(recordFile, "utf8"));
} catch (error) {
  const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
  throw new Error(
    missing
      ? `The indexer needs a deployment record and found none at ${recordFile}: deploy first (npm run deploy, or npm run demo), or set ECOSHARE_RECORD.`
      : `The deployment record ${recordFile} cannot be read as JSON: ${(error as Error).message}`,
  );
}
const record = parseDeploymentRecord({ json, source: recordFile, expectedChainId: chainId });
const rpc = process.env.PONDER_RPC_URL ?? record.localRpcUrl;
if (rpc === undefined) throw new Error(`The record ${recordFile} names no local RPC: set PONDER_RPC_URL to the chain's RPC.`);
const isLocal = chainId === 31337;

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.PONDER_PGLITE_DIR ?? path.join(here, ".ponder", "pglite") },
  chains: {
    ecoshare: {
      id: chainId,
      rpc,
      // A local node restarts from an empty chain with the same id: never cache its blocks.
      disableCache: isLocal,
      pollingInterval: isLocal ? 250 : 1_000,
    },
  },
  contracts: {
    Ecoshare: {
      chain: "ecoshare",
      abi: ecoshareAbi,
      address: record.contracts.Ecoshare!.address,
      startBlock: record.deployBlock,
    },
  },
});
