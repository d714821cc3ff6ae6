/**
 * Deploys an Ignition module and writes the chain's deployment record. The one place that learns
 * contract addresses: everything else reads them from the record.
 *
 * Every contract is deployed with Ignition's create2 strategy (./create2.ts): the same build has the same
 * address on every chain.
 *
 * On a development chain (id 31337: a Hardhat node or the in-process network, thrown away when it
 * stops) Ignition journals into a temporary folder, so every run is a fresh deployment. On any other
 * chain it journals into ignition/deployments/chain-<id>/, so an interrupted deployment resumes and a
 * repeated one reuses what is already there.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import {
  errorDeploymentResultToExceptionMessage,
  HardhatArtifactResolver,
  PrettyEventHandler,
} from "@nomicfoundation/hardhat-ignition/helpers";
import { deploy, listTransactions, type IgnitionModule } from "@nomicfoundation/ignition-core";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address, Hex } from "viem";
import { getBlock, getChainId, getCode } from "viem/actions";

import { CliError } from "../cli/cli-error.js";
import { DEFAULT_RECORDS_DIR, isSameChain, occupiedError, readExistingRecord, writeDeploymentRecord } from "../../client/deployment-record-file.js";
import { DEPLOYMENT_RECORD_FORMAT, recordFileName, type DeployedContract, type DeploymentRecord } from "../../client/deployment-record.js";
import { createRpcClient, providerClient, rpcRequest, type RpcClient } from "../../client/rpc-client.js";
import { compilerOf, gitCommitOf } from "./build-info.js";
import { withoutKnownWarnings } from "./compiler-warnings.js";
import { create2AddressOf, CREATEX_ADDRESS, ECOSHARE_SALT } from "./create2.js";

/** Hardhat's (and anvil's) development chain id. */
export const DEV_CHAIN_ID = 31337;

export type DeployProtocolParameters = {
  hre: HardhatRuntimeEnvironment;
  connection: NetworkConnection;
  /** The Hardhat network name, stored in the record. */
  networkName: string;
  ignitionModule: IgnitionModule;
  recordsDir?: string;
  /** Compile first with this build profile ("production" for real networks), or not at all with false. */
  build?: "production" | "default" | false;
  /** Show Ignition's progress display. Default false. */
  displayUi?: boolean;
  /** Demo accounts to name in the record (the demo only). */
  demo?: DeploymentRecord["demo"];
  /** The node's URL when it is a loopback one, kept in the record to tell local nodes apart. */
  localRpcUrl?: string | undefined;
  /** Overwrite the record of another chain with the same id even when that chain still runs (--force). */
  force?: boolean;
};

export type DeployProtocolReturnType = {
  record: DeploymentRecord;
  recordPath: string;
  /** The record of another chain with the same id that this one replaced (it had stopped, or --force). */
  replaced?: DeploymentRecord;
};

/** Deploys `ignitionModule` through `connection` and writes the record. */
export async function deployProtocol({
  hre,
  connection,
  networkName,
  ignitionModule,
  recordsDir = path.join(hre.config.paths.root, DEFAULT_RECORDS_DIR),
  build = "production",
  displayUi = false,
  demo,
  localRpcUrl,
  force = false,
}: DeployProtocolParameters): Promise<DeployProtocolReturnType> {
  const client = providerClient(connection.provider);
  const chainId = await getChainId(client);
  const devChain = chainId === DEV_CHAIN_ID;
  const genesisHash = (await getBlock(client, { blockNumber: 0n })).hash;
  const recordPath = path.join(recordsDir, recordFileName(chainId));
  // Fail before deploying anything when the record could not be written.
  const existing = await readExistingRecord(recordPath);
  const replaced = existing !== undefined && !isSameChain(existing, { ...existing, genesisHash }) ? existing : undefined;
  // Another chain's record is replaced only with --force, or when it describes a local node that has stopped.
  if (replaced !== undefined && !force && !(replaced.chainId === DEV_CHAIN_ID && (await hasStopped(replaced)))) {
    throw occupiedError(recordPath, replaced);
  }
  if (!devChain) await confirmDeployment(networkName, chainId);

  if (build !== false) {
    await withoutKnownWarnings(() => hre.tasks.getTask("build").run({ quiet: true, noTests: true, defaultBuildProfile: build }));
  }

  const accounts = await rpcRequest<string[]>(client, "eth_accounts");
  if (accounts.length === 0) {
    throw new CliError(`Network "${networkName}" has no deployer account: set ECOSHARE_DEPLOYER_KEY (npx hardhat keystore set ECOSHARE_DEPLOYER_KEY).`);
  }

  const ignitionDeploymentId = devChain ? null : `chain-${chainId}`;
  const deploymentDir =
    ignitionDeploymentId === null
      ? await mkdtemp(path.join(tmpdir(), "ecoshare-ignition-"))
      : path.join(hre.config.paths.ignition, "deployments", ignitionDeploymentId);
  const artifactResolver = new HardhatArtifactResolver(hre.artifacts);
  const networkIgnition = connection.networkConfig.ignition;
  try {
    if (!existsSync(path.join(deploymentDir, "journal.jsonl"))) await assertNotDeployedYet({ hre, client, ignitionModule, chainId });
    const result = await deploy({
      config: hre.config.ignition,
      provider: connection.provider,
      deploymentDir,
      executionEventListener: displayUi ? new PrettyEventHandler(hre.interruptions) : undefined,
      artifactResolver,
      ignitionModule,
      deploymentParameters: {},
      accounts,
      strategy: "create2",
      strategyConfig: { salt: ECOSHARE_SALT },
      maxFeePerGasLimit: networkIgnition.maxFeePerGasLimit,
      maxFeePerGas: networkIgnition.maxFeePerGas,
      maxPriorityFeePerGas: networkIgnition.maxPriorityFeePerGas,
      gasPrice: networkIgnition.gasPrice,
      disableFeeBumping: hre.config.ignition.disableFeeBumping ?? networkIgnition.disableFeeBumping,
    });
    if (result.type !== "SUCCESSFUL_DEPLOYMENT") {
      const details = errorDeploymentResultToExceptionMessage(result).replace(/\s+/g, " ").trim();
      throw new CliError(`Ignition could not deploy ${ignitionModule.id}: ${details}`);
    }

    const transactions = await listTransactions(deploymentDir, artifactResolver);
    const contracts: Record<string, DeployedContract> = {};
    for (const deployed of Object.values(result.contracts)) {
      const sent = transactions.find((t) => t.address !== undefined && t.address.toLowerCase() === deployed.address.toLowerCase());
      if (sent === undefined) throw new Error(`Ignition's journal has no transaction creating ${deployed.contractName}.`);
      const receipt = await rpcRequest<{ blockNumber: Hex } | null>(client, "eth_getTransactionReceipt", [sent.txHash]);
      if (receipt === null) throw new Error(`No receipt for ${deployed.contractName}'s deployment ${sent.txHash}.`);
      const expected = create2AddressOf({ initCode: await create2InitCode(hre, deployed.contractName) });
      if (expected.toLowerCase() !== deployed.address.toLowerCase()) {
        throw new Error(`${deployed.contractName} was deployed at ${deployed.address}, not at its CREATE2 address ${expected}.`);
      }
      contracts[deployed.contractName] = {
        address: deployed.address as Address,
        blockNumber: Number(BigInt(receipt.blockNumber)),
        transactionHash: sent.txHash as Hex,
      };
    }
    const ecoshare = contracts.Ecoshare;
    if (ecoshare === undefined) throw new Error(`Module ${ignitionModule.id} deploys no Ecoshare contract.`);
    const deployBlock = Math.min(...Object.values(contracts).map((c) => c.blockNumber));
    const { timestamp } = await getBlock(client, { blockNumber: BigInt(deployBlock) });

    const record: DeploymentRecord = {
      format: DEPLOYMENT_RECORD_FORMAT,
      chainId,
      genesisHash,
      ...(localRpcUrl === undefined ? {} : { localRpcUrl }),
      network: networkName,
      deployment: { strategy: "create2", factory: CREATEX_ADDRESS, salt: ECOSHARE_SALT },
      contracts,
      deployBlock,
      deployedAt: new Date(Number(timestamp) * 1000).toISOString(),
      compiler: await compilerOf(hre, "Ecoshare"),
      commit: await gitCommitOf(hre.config.paths.root),
      ignitionDeploymentId,
      ...(demo === undefined ? {} : { demo }),
    };
    // Checked above; a record that appeared meanwhile is another deployment's and is not overwritten.
    await writeDeploymentRecord({ dir: recordsDir, record, replace: (current) => Promise.resolve(current.genesisHash === replaced?.genesisHash) });
    return { record, recordPath, ...(replaced === undefined ? {} : { replaced }) };
  } finally {
    if (ignitionDeploymentId === null) await rm(deploymentDir, { recursive: true, force: true });
  }
}

/**
 * Whether the local chain a record describes has stopped: its node no longer answers at the recorded URL
 * with the recorded genesis block. A record without a URL (Hardhat's in-process chain) has always stopped.
 */
async function hasStopped(record: DeploymentRecord): Promise<boolean> {
  if (record.localRpcUrl === undefined) return true;
  try {
    const client = createRpcClient({ url: record.localRpcUrl, timeoutMs: 2_000, retryCount: 0 });
    const genesis = await getBlock(client, { blockNumber: 0n });
    return genesis.hash !== record.genesisHash;
  } catch {
    return true;
  }
}

/**
 * CREATE2 puts a build at one address per chain, once: when the module's Ecoshare is already there (on a
 * local node deployed before, or by anyone on a real chain), deploying again would only revert in CreateX.
 */
async function assertNotDeployedYet({
  hre,
  client,
  ignitionModule,
  chainId,
}: {
  hre: HardhatRuntimeEnvironment;
  client: RpcClient;
  ignitionModule: IgnitionModule;
  chainId: number;
}): Promise<void> {
  const address = create2AddressOf({ initCode: await create2InitCode(hre, "Ecoshare") });
  if ((await getCode(client, { address })) === undefined) return;
  throw new CliError(
    `This build of Ecoshare is already deployed at ${address} on chain ${chainId} (CREATE2: one address per build and chain), ` +
      `so ${ignitionModule.id} cannot deploy it again: use that deployment's record, or deploy to a fresh chain.`,
  );
}

/**
 * `contractName`'s init code as CREATE2 deploys it: linked to its libraries at their own CREATE2 addresses
 * (Ecoshare links AgreementProposals), so the address of every contract follows from the build alone.
 */
export async function create2InitCode(hre: HardhatRuntimeEnvironment, contractName: string): Promise<Hex> {
  const artifact = await hre.artifacts.readArtifact(contractName);
  let code = artifact.bytecode;
  for (const libraries of Object.values(artifact.linkReferences ?? {})) {
    for (const [libraryName, references] of Object.entries(libraries)) {
      const library = create2AddressOf({ initCode: await create2InitCode(hre, libraryName) }).slice(2).toLowerCase();
      for (const { start, length } of references) {
        code = code.slice(0, 2 + start * 2) + library + code.slice(2 + (start + length) * 2);
      }
    }
  }
  return code as Hex;
}

/**
 * Real chains need a yes: HARDHAT_IGNITION_CONFIRM_DEPLOYMENT=1 (as for `hardhat ignition deploy`),
 * or an answer at the prompt when there is a terminal.
 */
async function confirmDeployment(networkName: string, chainId: number): Promise<void> {
  if (process.env.HARDHAT_IGNITION_CONFIRM_DEPLOYMENT !== undefined) return;
  if (process.stdin.isTTY !== true) {
    throw new CliError(
      `Deploying to network "${networkName}" (chain ${chainId}) needs confirmation: set HARDHAT_IGNITION_CONFIRM_DEPLOYMENT=1 to deploy without a prompt.`,
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`Deploy Ecoshare to network "${networkName}" (chain ${chainId})? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("Deployment cancelled.");
  } finally {
    prompt.close();
  }
}
