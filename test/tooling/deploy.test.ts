/**
 * Deploying: on Hardhat's in-process chain, and on a "real" chain (a node with another chain id) through
 * the `remote` network's configuration variables, as `npm run deploy` does it.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre, { network } from "hardhat";

import EcoshareModule from "../../ignition/modules/Ecoshare.js";
import { deployProtocol } from "../../scripts/deploy/deploy-protocol.js";
import { demoAccounts } from "../../scripts/lib/demo-cast.js";
import { readDeploymentRecord } from "../../scripts/lib/deployment-record-file.js";
import { createHttpTransport } from "../../scripts/lib/http-transport.js";
import { getCode } from "../../scripts/lib/rpc.js";
import { meaningfulLines, runHardhat } from "./helpers/cli.js";
import { sharedCheckout } from "./helpers/checkout.js";
import { startNode, type TestNode } from "./helpers/nodes.js";

describe("deploy", function () {
  this.timeout(90_000);

  it("deploys on the in-process network and records where, from which block and what built it", async function () {
    const connection = await network.create();
    const recordsDir = await mkdtemp(path.join(tmpdir(), "ecoshare-deploy-"));
    try {
      const { record, recordPath } = await deployProtocol({ hre, connection, networkName: "default", ignitionModule: EcoshareModule, recordsDir, build: false });
      expect(path.basename(recordPath)).to.equal("chain-31337.json");
      expect(await readDeploymentRecord({ dir: recordsDir, chainId: 31337 })).to.deep.equal(record);
      const ecoshare = record.contracts.Ecoshare!;
      expect(record.deployBlock).to.equal(ecoshare.blockNumber);
      const code = (block: number) => getCode({ transport: connection.provider, address: ecoshare.address, blockTag: BigInt(block) });
      expect(await code(record.deployBlock)).to.not.equal("0x");
      expect(await code(record.deployBlock - 1)).to.equal("0x");
      expect(record.compiler).to.deep.include({ evmVersion: "cancun" });
      expect(record.compiler.version).to.match(/^0\.8\.30\+commit\./);
      expect(record.commit?.hash).to.equal(execFileSync("git", ["rev-parse", "HEAD"], { cwd: hre.config.paths.root }).toString().trim());
      expect(record.ignitionDeploymentId).to.equal(null);
    } finally {
      await connection.close();
      await rm(recordsDir, { recursive: true, force: true });
    }
  });

  describe("to a chain given by ECOSHARE_RPC_URL and ECOSHARE_DEPLOYER_KEY", function () {
    const chainId = 4242;
    let node: TestNode;
    let recordsDir: string;
    // In a copy of the checkout: deploying compiles, which must not rewrite this test run's artifacts.
    let checkout: string;
    // The test build's settings equal production's: one compilation serves the demo test and these.
    const deploy = ["deploy", "--network", "remote", "--build-profile", "default"];
    const deployer = demoAccounts()[7]!;
    let env: Record<string, string>;

    before(async function () {
      checkout = await sharedCheckout(hre.config.paths.root);
      node = await startNode({ chainId });
      recordsDir = await mkdtemp(path.join(tmpdir(), "ecoshare-remote-"));
      env = { ECOSHARE_RPC_URL: node.url, ECOSHARE_DEPLOYER_KEY: deployer.privateKey };
    });
    after(async function () {
      await node?.close();
      await rm(recordsDir, { recursive: true, force: true });
    });

    it("asks for confirmation, and without a terminal says how to give it", async function () {
      const result = await runHardhat([...deploy, "--records-dir", recordsDir], { env, cwd: checkout });
      expect(result.code).to.equal(2);
      expect(meaningfulLines(result.stderr)).to.deep.equal([
        `Deploying to network "remote" (chain ${chainId}) needs confirmation: set HARDHAT_IGNITION_CONFIRM_DEPLOYMENT=1 to deploy without a prompt.`,
      ]);
    });

    it("deploys with the configured key, writes the record, prints no secret, and resumes from Ignition's journal", async function () {
      const confirmed = { ...env, HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "1" };
      const first = await runHardhat([...deploy, "--records-dir", recordsDir], { env: confirmed, cwd: checkout });
      expect(first.code, first.stderr + first.stdout).to.equal(0);
      const output = first.stdout + first.stderr;
      expect(output).to.not.include(deployer.privateKey.slice(2));
      expect(output).to.not.include(node.url);
      expect(output).to.include(`chain-${chainId}.json`);

      const record = await readDeploymentRecord({ dir: recordsDir, chainId });
      expect(record).to.deep.include({ chainId, network: "remote", ignitionDeploymentId: `chain-${chainId}` });
      expect(await getCode({ transport: createHttpTransport({ url: node.url }), address: record.contracts.Ecoshare!.address, blockTag: "latest" })).to.not.equal("0x");
      // Deployed from the configured key's account, not one of the node's.
      const journal = path.join(checkout, "ignition", "deployments", `chain-${chainId}`);
      const tx = JSON.parse(await readFile(path.join(journal, "journal.jsonl"), "utf8").then((t) => `[${t.trim().split("\n").join(",")}]`)) as { from?: string }[];
      expect(tx.some((m) => m.from?.toLowerCase() === deployer.address.toLowerCase())).to.equal(true);

      const second = await runHardhat([...deploy, "--records-dir", recordsDir], { env: confirmed, cwd: checkout });
      expect(second.code, second.stderr).to.equal(0);
      const again = await readDeploymentRecord({ dir: recordsDir, chainId });
      expect(again.contracts).to.deep.equal(record.contracts);
    });
  });
});
