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
import { getCode } from "viem/actions";

import EcoshareModule from "../../ignition/modules/Ecoshare.js";
import { create2InitCode, deployProtocol } from "../../scripts/deploy/deploy-protocol.js";
import { demoAccounts } from "../../client/demo-cast.js";
import { readDeploymentRecord } from "../../client/deployment-record-file.js";
import { createRpcClient, providerClient } from "../../client/rpc-client.js";
import { meaningfulLines, runHardhat } from "./helpers/cli.js";
import { sharedCheckout } from "./helpers/checkout.js";
import { installCreateX, startAnvil, startNode, type TestNode } from "./helpers/nodes.js";
import { create2AddressOf, CREATEX_ADDRESS, ECOSHARE_SALT } from "../../scripts/deploy/create2.js";

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
      const library = record.contracts.AgreementProposals!;
      // History starts at the first contract deployed: the linked library, then Ecoshare.
      expect(record.deployBlock).to.equal(Math.min(library.blockNumber, ecoshare.blockNumber));
      const code = (address: `0x${string}`, block: number) => getCode(providerClient(connection.provider), { address, blockNumber: BigInt(block) });
      expect(await code(ecoshare.address, ecoshare.blockNumber)).to.not.equal(undefined);
      expect(await code(library.address, library.blockNumber)).to.not.equal(undefined);
      expect(await code(ecoshare.address, record.deployBlock - 1), "no code before the deploy block").to.equal(undefined);
      expect(await code(library.address, record.deployBlock - 1)).to.equal(undefined);
      expect(record.compiler).to.deep.include({ evmVersion: "cancun" });
      expect(record.compiler.version).to.match(/^0\.8\.30\+commit\./);
      expect(record.commit?.hash).to.equal(execFileSync("git", ["rev-parse", "HEAD"], { cwd: hre.config.paths.root }).toString().trim());
      expect(record.ignitionDeploymentId).to.equal(null);
      expect(record.deployment).to.deep.equal({ strategy: "create2", factory: CREATEX_ADDRESS, salt: ECOSHARE_SALT });
      expect(ecoshare.address).to.equal(create2AddressOf({ initCode: await create2InitCode(hre, "Ecoshare") }));
      expect(library.address).to.equal(create2AddressOf({ initCode: await create2InitCode(hre, "AgreementProposals") }));
      expect(record.genesisHash).to.match(/^0x[0-9a-f]{64}$/);
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
      // Like any chain partners use, this one has CreateX (Ignition installs it by itself only on 31337).
      await installCreateX(node.url);
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
      expect(record.localRpcUrl, "a URL from a configuration variable may hold a key: never recorded").to.equal(undefined);
      expect(await getCode(createRpcClient({ url: node.url }), { address: record.contracts.Ecoshare!.address })).to.not.equal(undefined);
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

  describe("the same address on every chain, and one record per chain", function () {
    this.timeout(300_000);
    let hardhatNode: TestNode;
    let anvil: TestNode;
    let checkout: string;
    let recordsDir: string;
    const deploy = (url: string, ...extra: string[]) =>
      runHardhat(["deploy", "--network", "localhost", "--rpc-url", url, "--build-profile", "default", "--records-dir", recordsDir, ...extra], {
        cwd: checkout,
        timeoutMs: 240_000,
      });

    before(async function () {
      checkout = await sharedCheckout(hre.config.paths.root);
      [hardhatNode, anvil] = await Promise.all([startNode(), startAnvil()]);
      recordsDir = await mkdtemp(path.join(tmpdir(), "ecoshare-two-nodes-"));
    });
    after(async function () {
      await Promise.all([hardhatNode?.close(), anvil?.close()]);
      await rm(recordsDir, { recursive: true, force: true });
    });

    it("deploys Ecoshare to a Hardhat node and to anvil (both chain 31337) at the same address, without one record clobbering the other", async function () {
      const first = await deploy(hardhatNode.url);
      expect(first.code, first.stderr + first.stdout).to.equal(0);
      const onHardhat = await readDeploymentRecord({ dir: recordsDir, chainId: 31337 });
      expect(onHardhat).to.deep.include({ localRpcUrl: hardhatNode.url, deployment: { strategy: "create2", factory: CREATEX_ADDRESS, salt: ECOSHARE_SALT } });

      // Anvil is another chain with the same id: its record would overwrite the running node's.
      const refused = await deploy(anvil.url);
      expect(refused.code, refused.stdout).to.equal(2);
      const file = path.join(recordsDir, "chain-31337.json");
      expect(meaningfulLines(refused.stderr)).to.deep.equal([
        `${file} already holds the record of another chain with id 31337 (network "localhost" at ${hardhatNode.url}, Ecoshare ${onHardhat.contracts.Ecoshare!.address}, deployed ${onHardhat.deployedAt}): keep both by writing this one elsewhere with --records-dir <folder>, or replace it with --force.`,
      ]);
      const anvilClient = createRpcClient({ url: anvil.url });
      expect(await getCode(anvilClient, { address: onHardhat.contracts.Ecoshare!.address }), "refused before deploying").to.equal(undefined);
      expect(await readDeploymentRecord({ dir: recordsDir, chainId: 31337 })).to.deep.equal(onHardhat);

      const forced = await deploy(anvil.url, "--force");
      expect(forced.code, forced.stderr + forced.stdout).to.equal(0);
      expect(forced.stdout).to.include(`Replaced the record of another chain with id 31337 (network "localhost" at ${hardhatNode.url}`);
      const onAnvil = await readDeploymentRecord({ dir: recordsDir, chainId: 31337 });
      expect(onAnvil.localRpcUrl).to.equal(anvil.url);
      expect(onAnvil.genesisHash).to.not.equal(onHardhat.genesisHash);
      expect(onAnvil.contracts.Ecoshare!.address).to.equal(onHardhat.contracts.Ecoshare!.address);
      expect(await getCode(anvilClient, { address: onAnvil.contracts.Ecoshare!.address })).to.equal(
        await getCode(createRpcClient({ url: hardhatNode.url }), { address: onHardhat.contracts.Ecoshare!.address }),
      );

      // CREATE2 gives one address per build and chain: a second deploy there says so instead of reverting.
      const again = await deploy(anvil.url, "--force");
      expect(again.code).to.equal(2);
      expect(meaningfulLines(again.stderr)).to.deep.equal([
        `This build of Ecoshare is already deployed at ${onAnvil.contracts.Ecoshare!.address} on chain 31337 (CREATE2: one address per build and chain), so Ecoshare cannot deploy it again: use that deployment's record, or deploy to a fresh chain.`,
      ]);
    });
  });
});
