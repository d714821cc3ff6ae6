/**
 * The deployment record: one JSON file per chain (ignition/records/chain-<chainId>.json), written only
 * by the deploy step (npm run deploy, npm run demo), read by the audit, the scripts and the app. It says
 * where the contracts are, from which block to read their history, and what built them.
 *
 * This module only describes and validates records, so the app can use it; reading and writing files
 * is in ./deployment-record-file.ts.
 */
import type { Address, Hex } from "viem";

/** The format tag every record carries; bump it when the shape changes. */
export const DEPLOYMENT_RECORD_FORMAT = "ecoshare-deployment-record-1" as const;

/** One deployed contract. */
export interface DeployedContract {
  address: Address;
  /** Block of the transaction that created it. */
  blockNumber: number;
  transactionHash: Hex | null;
}

/** A demo account, as the demo seed names it (local chain only). */
export interface RecordDemoAccount {
  index: number;
  address: Address;
  label: string;
  roles: string[];
}

/**
 * How the contracts were deployed: `create2` through the CreateX factory with one salt (the same address
 * on every chain for the same build), or `basic` (plain CREATE from the deployer: the address depends on
 * the deployer's nonce). Records written before this field existed have none.
 */
export type DeploymentMethod = { strategy: "create2"; factory: Address; salt: Hex } | { strategy: "basic" };

export interface DeploymentRecord {
  format: typeof DEPLOYMENT_RECORD_FORMAT;
  chainId: number;
  /**
   * Hash of the chain's block 0: tells apart two chains with the same id (every local node is 31337).
   * Absent from records written before it existed.
   */
  genesisHash?: Hex;
  /** The RPC it was deployed through, only when that is a loopback URL (local nodes; never a remote URL, which may hold a key). */
  localRpcUrl?: string;
  deployment?: DeploymentMethod;
  /** The Hardhat network name it was deployed through. */
  network: string;
  /** By contract name; always has `Ecoshare`. */
  contracts: Record<string, DeployedContract>;
  /** The earliest block of the protocol's contracts: read events from here, never from genesis. */
  deployBlock: number;
  /** Timestamp of the deploy block, ISO 8601. */
  deployedAt: string;
  compiler: { version: string; optimizer: { enabled: boolean; runs: number }; evmVersion: string };
  /** The source's commit, and whether the work tree had uncommitted changes; null outside a git checkout. */
  commit: { hash: string; dirty: boolean } | null;
  /** Hardhat Ignition's deployment id when it keeps a journal (ignition/deployments/<id>); null on dev chains. */
  ignitionDeploymentId: string | null;
  /** Written by the demo only. */
  demo?: { accounts: RecordDemoAccount[] };
  /**
   * The indexer (indexer/) serving this deployment's ledger over HTTP, when one runs: the app reads pages
   * from it instead of replaying the event log. Written by `npm run demo -- --indexer`.
   */
  indexerUrl?: string;
}

/** The file name of `chainId`'s record. */
export function recordFileName(chainId: number): string {
  return `chain-${chainId}.json`;
}

/** Why a record cannot be used: its path and a sentence. */
export class DeploymentRecordError extends Error {
  override readonly name = "DeploymentRecordError";
  /** `occupied`: the file holds the record of another deployment, which a write would overwrite. */
  readonly kind: "missing" | "invalid" | "wrong-chain" | "occupied";
  constructor(kind: DeploymentRecordError["kind"], message: string) {
    super(message);
    this.kind = kind;
  }
}

export type ParseDeploymentRecordParameters = {
  json: unknown;
  /** Where it came from, for error messages. */
  source: string;
  /** When given, the record must be for this chain. */
  expectedChainId?: number;
};

/**
 * Validates `json` as a deployment record.
 * @throws {DeploymentRecordError} naming the first field that is wrong.
 */
export function parseDeploymentRecord({ json, source, expectedChainId }: ParseDeploymentRecordParameters): DeploymentRecord {
  const fail = (what: string): never => {
    throw new DeploymentRecordError("invalid", `The deployment record ${source} is invalid: ${what}.`);
  };
  if (!isObject(json)) return fail("it is not a JSON object");
  if (json.format !== DEPLOYMENT_RECORD_FORMAT) fail(`"format" is ${JSON.stringify(json.format)}, expected "${DEPLOYMENT_RECORD_FORMAT}"`);
  const chainId = positiveInteger(json.chainId) ?? fail('"chainId" is not a positive integer');
  if (typeof json.network !== "string" || json.network === "") fail('"network" is not a name');
  if (!isObject(json.contracts)) return fail('"contracts" is not an object');
  const contracts: Record<string, DeployedContract> = {};
  for (const [name, value] of Object.entries(json.contracts)) {
    if (!isObject(value)) return fail(`"contracts.${name}" is not an object`);
    if (!isAddress(value.address)) fail(`"contracts.${name}.address" is not an address`);
    const blockNumber = nonNegativeInteger(value.blockNumber) ?? fail(`"contracts.${name}.blockNumber" is not a block number`);
    const hash = value.transactionHash;
    if (hash !== null && !isHash(hash)) fail(`"contracts.${name}.transactionHash" is not a hash`);
    contracts[name] = { address: value.address as Address, blockNumber, transactionHash: hash as Hex | null };
  }
  if (contracts.Ecoshare === undefined) fail('"contracts" has no Ecoshare');
  const deployBlock = nonNegativeInteger(json.deployBlock) ?? fail('"deployBlock" is not a block number');
  if (typeof json.deployedAt !== "string" || Number.isNaN(Date.parse(json.deployedAt))) fail('"deployedAt" is not a date');
  const compiler = json.compiler;
  if (!isObject(compiler) || typeof compiler.version !== "string" || typeof compiler.evmVersion !== "string" || !isObject(compiler.optimizer)) {
    fail('"compiler" lacks version, optimizer or evmVersion');
  }
  const commit = json.commit;
  if (commit !== null && !(isObject(commit) && typeof commit.hash === "string" && typeof commit.dirty === "boolean")) {
    fail('"commit" is neither null nor { hash, dirty }');
  }
  if (json.ignitionDeploymentId !== null && typeof json.ignitionDeploymentId !== "string") fail('"ignitionDeploymentId" is not a string or null');
  if (json.demo !== undefined && !(isObject(json.demo) && Array.isArray(json.demo.accounts))) fail('"demo" has no accounts list');
  if (json.genesisHash !== undefined && !isHash(json.genesisHash)) fail('"genesisHash" is not a block hash');
  if (json.localRpcUrl !== undefined && !(typeof json.localRpcUrl === "string" && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(json.localRpcUrl))) {
    fail('"localRpcUrl" is not a loopback http URL');
  }
  if (json.indexerUrl !== undefined && !isHttpUrl(json.indexerUrl)) fail('"indexerUrl" is not an http(s) URL');
  const deployment = json.deployment;
  if (deployment !== undefined) {
    const valid =
      isObject(deployment) &&
      (deployment.strategy === "basic" || (deployment.strategy === "create2" && isAddress(deployment.factory) && isHash(deployment.salt)));
    if (!valid) fail('"deployment" is neither { strategy: "basic" } nor { strategy: "create2", factory, salt }');
  }
  if (expectedChainId !== undefined && chainId !== expectedChainId) {
    throw new DeploymentRecordError(
      "wrong-chain",
      `The deployment record ${source} is for chain ${chainId}, but the RPC serves chain ${expectedChainId}: point --network at the chain the record describes, or use that chain's record.`,
    );
  }
  return { ...(json as unknown as DeploymentRecord), chainId, contracts, deployBlock };
}

/** The record as the file holds it: stable key order, two-space indent, final newline. */
export function serializeDeploymentRecord(record: DeploymentRecord): string {
  return JSON.stringify(record, null, 2) + "\n";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAddress(value: unknown): boolean {
  return typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value);
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function isHash(value: unknown): boolean {
  return typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value);
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function nonNegativeInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
