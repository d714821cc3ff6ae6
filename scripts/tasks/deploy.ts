/** `npm run deploy -- --network <name>`: deploys Ecoshare and writes the chain's deployment record. */
import path from "node:path";

import EcoshareModule from "../../ignition/modules/Ecoshare.js";
import { displayPath } from "../cli/display-path.js";
import { cliAction } from "../cli/run-action.js";
import { openNetwork } from "../cli/open-network.js";
import { deployProtocol } from "../deploy/deploy-protocol.js";
import { describeRecord } from "../../client/deployment-record-file.js";

interface DeployArgs {
  rpcUrl: string | undefined;
  recordsDir: string;
  force: boolean;
}

export default cliAction<DeployArgs>(async ({ rpcUrl, recordsDir, force }, hre, context) => {
  const networkName = hre.globalOptions.network ?? "default";
  const { connection, chainId, description, inProcess } = await openNetwork({
    hre,
    network: networkName,
    rpcUrl,
    retries: 3,
    context,
  });
  try {
    console.log(`Deploying Ecoshare to network "${networkName}" (chain ${chainId}${description.endpoint ? `, ${description.endpoint}` : ""}).`);
    const { record, recordPath, replaced } = await deployProtocol({
      hre,
      connection,
      networkName,
      ignitionModule: EcoshareModule,
      recordsDir: path.resolve(hre.config.paths.root, recordsDir),
      displayUi: true,
      localRpcUrl: description.endpoint?.startsWith("http") === true ? description.endpoint : undefined,
      force,
    });
    console.log("");
    for (const [name, contract] of Object.entries(record.contracts)) {
      console.log(`${name.padEnd(16)} ${contract.address}  (block ${contract.blockNumber})`);
    }
    console.log(`Deployment record: ${displayPath(recordPath)} (deploy block ${record.deployBlock}, solc ${record.compiler.version}, commit ${record.commit ? record.commit.hash.slice(0, 12) + (record.commit.dirty ? " with uncommitted changes" : "") : "unknown"}).`);
    if (record.deployment?.strategy === "create2") {
      console.log(`Deployed with CREATE2 through CreateX ${record.deployment.factory}, salt ${record.deployment.salt}: the same address on every chain for this build.`);
    }
    if (replaced !== undefined) console.log(`Replaced the record of another chain with id ${record.chainId} (${describeRecord(replaced)}).`);
    if (inProcess) console.log("Note: Hardhat's in-process chain ends with this command; deploy to localhost or a real network to keep it.");
  } finally {
    await connection.close();
  }
});
