/**
 * Deploys an Ignition module and writes the chain's deployment record. The one place that learns
 * contract addresses: everything else reads them from the record.
 *
 * On a development chain (id 31337: a Hardhat node or the in-process network, thrown away when it
 * stops) Ignition journals into a temporary folder, so every run is a fresh deployment. On any other
 * chain it journals into ignition/deployments/chain-<id>/, so an interrupted deployment resumes and a
 * repeated one reuses what is already there.
 */
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

import { CliError } from "../cli/cli-error.js";
import type { Address, Eip1193Transport, Hex } from "../lib/eip1193.js";
import { DEFAULT_RECORDS_DIR, writeDeploymentRecord } from "../lib/deployment-record-file.js";
import { DEPLOYMENT_RECORD_FORMAT, type DeployedContract, type DeploymentRecord } from "../lib/deployment-record.js";
import { getBlockHeader, getChainId, rpcRequest } from "../lib/rpc.js";
import { compilerOf, gitCommitOf } from "./build-info.js";

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
};

export type DeployProtocolReturnType = { record: DeploymentRecord; recordPath: string };

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
}: DeployProtocolParameters): Promise<DeployProtocolReturnType> {
  const transport: Eip1193Transport = connection.provider;
  const chainId = await getChainId({ transport });
  const devChain = chainId === DEV_CHAIN_ID;
  if (!devChain) await confirmDeployment(networkName, chainId);

  if (build !== false) await hre.tasks.getTask("build").run({ quiet: true, noTests: true, defaultBuildProfile: build });

  const accounts = await rpcRequest<string[]>({ transport, method: "eth_accounts" });
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
    const result = await deploy({
      config: hre.config.ignition,
      provider: connection.provider,
      deploymentDir,
      executionEventListener: displayUi ? new PrettyEventHandler(hre.interruptions) : undefined,
      artifactResolver,
      ignitionModule,
      deploymentParameters: {},
      accounts,
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
      const receipt = await rpcRequest<{ blockNumber: Hex } | null>({ transport, method: "eth_getTransactionReceipt", params: [sent.txHash] });
      if (receipt === null) throw new Error(`No receipt for ${deployed.contractName}'s deployment ${sent.txHash}.`);
      contracts[deployed.contractName] = {
        address: deployed.address as Address,
        blockNumber: Number(BigInt(receipt.blockNumber)),
        transactionHash: sent.txHash as Hex,
      };
    }
    const ecoshare = contracts.Ecoshare;
    if (ecoshare === undefined) throw new Error(`Module ${ignitionModule.id} deploys no Ecoshare contract.`);
    const deployBlock = Math.min(...Object.values(contracts).map((c) => c.blockNumber));
    const { timestamp } = await getBlockHeader({ transport, blockTag: BigInt(deployBlock) });

    const record: DeploymentRecord = {
      format: DEPLOYMENT_RECORD_FORMAT,
      chainId,
      network: networkName,
      contracts,
      deployBlock,
      deployedAt: new Date(Number(timestamp) * 1000).toISOString(),
      compiler: await compilerOf(hre, "Ecoshare"),
      commit: await gitCommitOf(hre.config.paths.root),
      ignitionDeploymentId,
      ...(demo === undefined ? {} : { demo }),
    };
    const recordPath = await writeDeploymentRecord({ dir: recordsDir, record });
    return { record, recordPath };
  } finally {
    if (ignitionDeploymentId === null) await rm(deploymentDir, { recursive: true, force: true });
  }
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
