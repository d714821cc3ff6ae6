/**
 * `npm run verify -- --network <name>`: after a deploy, publishes the sources of every contract in the
 * chain's deployment record on a block explorer, with Hardhat's verify plugin (Etherscan by default;
 * Blockscout and Sourcify need no key). The record says where the contracts are and which transaction
 * created them; the plugin matches the on-chain bytecode with the local build and submits its
 * standard-JSON compiler input.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { verifyContract } from "@nomicfoundation/hardhat-verify/verify";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { CliError } from "../cli/cli-error.js";
import { displayPath } from "../cli/display-path.js";
import { openNetwork } from "../cli/open-network.js";
import { cliAction } from "../cli/run-action.js";
import { DEV_CHAIN_ID } from "../deploy/deploy-protocol.js";
import { standardJsonInputOf } from "../deploy/standard-json-input.js";
import { readDeploymentRecord } from "../../client/deployment-record-file.js";

interface VerifyArgs {
  provider: string;
  inputOut: string | undefined;
  rpcUrl: string | undefined;
  recordsDir: string;
}

const PROVIDERS = ["etherscan", "blockscout", "sourcify"] as const;
type Provider = (typeof PROVIDERS)[number];

/** verifyContract's optional fourth and fifth parameters (log and HTTP dispatcher, provider): not in its public type. */
type VerifyWithProvider = (
  args: Parameters<typeof verifyContract>[0],
  hre: HardhatRuntimeEnvironment,
  consoleLog?: (text: string) => void,
  dispatcher?: undefined,
  provider?: unknown,
) => Promise<boolean>;

export default cliAction<VerifyArgs>(async ({ provider, inputOut, rpcUrl, recordsDir }, hre, context) => {
  const networkName = hre.globalOptions.network ?? "default";
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new CliError(`--provider ${provider} is not one of ${PROVIDERS.join(", ")}.`);
  }
  // The key first: a missing one is reported before anything goes over the network.
  if (provider === "etherscan") await hre.config.verify.etherscan.apiKey.get();

  const { connection, chainId } = await openNetwork({ hre, network: networkName, rpcUrl, retries: 3, context });
  try {
    if (chainId === DEV_CHAIN_ID) {
      throw new CliError(
        `Network "${networkName}" is a local development chain (id ${DEV_CHAIN_ID}): no block explorer can see it. Verify after deploying to a public network, e.g. npm run verify -- --network base.`,
      );
    }
    const record = await readDeploymentRecord({
      dir: path.resolve(hre.config.paths.root, recordsDir),
      chainId,
      deployHint: `npm run deploy -- --network ${networkName}`,
    });
    for (const [name, contract] of Object.entries(record.contracts)) {
      const artifact = await hre.artifacts.readArtifact(name);
      const fullyQualifiedName = `${artifact.sourceName}:${artifact.contractName}`;
      if (inputOut !== undefined) {
        const file = path.resolve(inputOut, `${name}.chain-${chainId}.input.json`);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, JSON.stringify(await standardJsonInputOf({ hre, sourceName: artifact.sourceName }), null, 2) + "\n");
        console.log(`Standard-JSON input for ${name}: ${displayPath(file)}`);
      }
      console.log(`Verifying ${name} at ${contract.address} on ${provider} (chain ${chainId})…`);
      await (verifyContract as VerifyWithProvider)(
        {
          address: contract.address,
          contract: fullyQualifiedName,
          provider: provider as Provider,
          ...(contract.transactionHash === null ? {} : { creationTxHash: contract.transactionHash }),
        },
        hre,
        console.log,
        undefined,
        // The connection opened above, so --rpc-url applies to the bytecode check too.
        connection.provider,
      );
    }
  } finally {
    await connection.close();
  }
});
