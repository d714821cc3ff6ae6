/**
 * Every way a command can fail before doing its job ends in one sentence on stderr and a non-zero exit
 * code, never a stack trace. Each case runs the real command in a child process against real nodes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";

import EcoshareModule from "../../ignition/modules/Ecoshare.js";
import { deployProtocol } from "../../scripts/deploy/deploy-protocol.js";
import { writeDeploymentRecord } from "../../client/deployment-record-file.js";
import type { DeploymentRecord } from "../../client/deployment-record.js";
import { freePort, meaningfulLines, runHardhat, type CliResult } from "./helpers/cli.js";
import { startFaultyProxy, type FaultyProxy } from "./helpers/faulty-proxy.js";
import { connect, startNode, type TestNode } from "./helpers/nodes.js";

describe("command errors: one sentence, non-zero exit, no stack trace", function () {
  this.timeout(120_000);
  let node: TestNode;
  let otherChain: TestNode;
  let proxy: FaultyProxy;
  let record: DeploymentRecord;
  let dirs: { deployed: string; empty: string; other: string; stale: string };
  let busy: Server;
  let busyPort: number;
  const results = new Map<string, Promise<CliResult>>();

  before(async function () {
    node = await startNode();
    otherChain = await startNode({ chainId: 4242 });
    const connection = await connect(node.url);
    const mk = (name: string) => mkdtemp(path.join(tmpdir(), `ecoshare-cli-${name}-`));
    dirs = { deployed: await mk("deployed"), empty: await mk("empty"), other: await mk("other"), stale: await mk("stale") };
    ({ record } = await deployProtocol({ hre, connection, networkName: "localhost", ignitionModule: EcoshareModule, recordsDir: dirs.deployed, build: false }));
    await connection.close();
    await writeDeploymentRecord({ dir: dirs.other, record: { ...record, chainId: 4242 } });
    await writeDeploymentRecord({ dir: dirs.stale, record: { ...record, contracts: { Ecoshare: { ...record.contracts.Ecoshare!, address: "0x000000000000000000000000000000000000dEaD" } } } });
    proxy = await startFaultyProxy({ target: node.url, rateLimit: { method: "eth_getLogs", count: Infinity } });
    busy = createServer();
    busyPort = await freePort();
    await new Promise<void>((resolve) => busy.listen(busyPort, "127.0.0.1", resolve));
    const closed = await freePort();

    // All the commands run at once: each is a separate Hardhat process.
    const cases: Record<string, string[]> = {
      unknownNetworkAudit: ["audit", "--network", "nope"],
      unknownNetworkDeploy: ["deploy", "--network", "nope"],
      missingVariable: ["audit", "--network", "remote"],
      rpcDown: ["audit", "--rpc-url", `http://127.0.0.1:${closed}`],
      missingRecord: ["audit", "--rpc-url", node.url, "--records-dir", dirs.empty],
      wrongChain: ["audit", "--rpc-url", node.url, "--record", path.join(dirs.other, "chain-4242.json")],
      staleRecord: ["audit", "--rpc-url", node.url, "--records-dir", dirs.stale],
      rateLimited: ["audit", "--rpc-url", proxy.url, "--records-dir", dirs.deployed, "--retries", "1"],
      portTaken: ["demo", "--port", String(busyPort), "--records-dir", dirs.empty],
      appPortTaken: ["demo", "--port", String(closed), "--app-port", String(busyPort), "--records-dir", dirs.empty],
      appPortInvalid: ["demo", "--app-port", "51a73", "--records-dir", dirs.empty],
      missingDeployerKey: ["deploy", "--network", "remote", "--records-dir", dirs.empty],
      verifyWithoutKey: ["verify-deployment", "--network", "base"],
      verifyWithoutRecord: ["verify-deployment", "--network", "remote", "--records-dir", dirs.empty],
      verifyLocalChain: ["verify-deployment", "--rpc-url", node.url, "--network", "localhost", "--records-dir", dirs.deployed],
      verifyUnknownProvider: ["verify-deployment", "--network", "base", "--provider", "snowtrace"],
    };
    // Each case's configuration variables, as a user would export them.
    const envs: Record<string, Record<string, string>> = {
      missingDeployerKey: { ECOSHARE_RPC_URL: otherChain.url },
      verifyWithoutRecord: { ECOSHARE_RPC_URL: otherChain.url, ECOSHARE_ETHERSCAN_API_KEY: "not-a-real-key" },
      verifyLocalChain: { ECOSHARE_ETHERSCAN_API_KEY: "not-a-real-key" },
    };
    for (const [name, args] of Object.entries(cases)) results.set(name, runHardhat(args, { env: envs[name] ?? {} }));
    await Promise.all(results.values());
  });

  after(async function () {
    await proxy?.close();
    await node?.close();
    await otherChain?.close();
    busy?.close();
    for (const dir of Object.values(dirs ?? {})) await rm(dir, { recursive: true, force: true });
  });

  /** The command's only line on stderr (notices of refused answers aside), after checking it failed with code 2. */
  async function sentence(name: string): Promise<string> {
    const result = await results.get(name)!;
    const lines = meaningfulLines(result.stderr).filter((l) => !/^the RPC answered HTTP \d+/.test(l));
    expect(result.code, `${name}: ${result.stdout}${result.stderr}`).to.equal(2);
    expect(lines, `${name} printed more than one line on stderr`).to.have.length(1);
    expect(result.stdout + result.stderr).to.not.match(/^\s+at /m);
    return lines[0]!;
  }

  it("unknown network", async function () {
    expect(await sentence("unknownNetworkAudit")).to.match(/^Unknown network "nope": use one of ([\w-]+, )*localhost(, [\w-]+)* \(hardhat\.config\.ts\)\.$/);
    expect(await sentence("unknownNetworkDeploy")).to.match(/^Unknown network "nope"/);
  });

  it("remote network without its configuration variables", async function () {
    expect(await sentence("missingVariable")).to.equal(
      'Configuration variable ECOSHARE_RPC_URL is not set: set it with "npx hardhat keystore set ECOSHARE_RPC_URL" or as an environment variable (export ECOSHARE_RPC_URL=...).',
    );
    // Hardhat resolves the deployer key on the first request through the network: named, not an RPC error.
    expect(await sentence("missingDeployerKey")).to.equal(
      'Configuration variable ECOSHARE_DEPLOYER_KEY is not set: set it with "npx hardhat keystore set ECOSHARE_DEPLOYER_KEY" or as an environment variable (export ECOSHARE_DEPLOYER_KEY=...).',
    );
  });

  it("verify: no explorer key, no record for the network, a local chain, an unknown explorer", async function () {
    expect(await sentence("verifyWithoutKey")).to.equal(
      'Configuration variable ECOSHARE_ETHERSCAN_API_KEY is not set: set it with "npx hardhat keystore set ECOSHARE_ETHERSCAN_API_KEY" or as an environment variable (export ECOSHARE_ETHERSCAN_API_KEY=...).',
    );
    expect(await sentence("verifyWithoutRecord")).to.match(/^No deployment record for chain 4242 at .*chain-4242\.json: deploy first with npm run deploy -- --network remote\.$/);
    expect(await sentence("verifyLocalChain")).to.equal(
      'Network "localhost" is a local development chain (id 31337): no block explorer can see it. Verify after deploying to a public network, e.g. npm run verify -- --network base.',
    );
    expect(await sentence("verifyUnknownProvider")).to.equal("--provider snowtrace is not one of etherscan, blockscout, sourcify.");
  });

  it("RPC down", async function () {
    expect(await sentence("rpcDown")).to.match(/^Cannot reach the RPC of network "localhost" \(http:\/\/127\.0\.0\.1:\d+\) after 3 attempts: is the node running\?/);
  });

  it("RPC rate-limiting: retries, then gives up", async function () {
    expect(await sentence("rateLimited")).to.match(/^The RPC of network "localhost" \(http:\/\/127\.0\.0\.1:\d+\) was still rate-limiting after 2 attempts: wait a minute and retry/);
    // Each throttled answer is told as it comes: the first attempt and the one retry.
    expect((await results.get("rateLimited")!).stderr.match(/the RPC answered HTTP 429 Too Many Requests/g)).to.have.length(2);
  });

  it("missing deployment record", async function () {
    expect(await sentence("missingRecord")).to.match(/^No deployment record for chain 31337 at .*chain-31337\.json: deploy first with npm run deploy -- --network localhost\.$/);
  });

  it("wrong chain id", async function () {
    expect(await sentence("wrongChain")).to.match(/^The deployment record .*chain-4242\.json is for chain 4242, but the RPC serves chain 31337: /);
  });

  it("record that no longer matches the chain", async function () {
    expect(await sentence("staleRecord")).to.match(/^No contract at 0x000000000000000000000000000000000000dEaD on network "localhost" \(chain 31337\): the deployment record is stale/);
  });

  it("port taken", async function () {
    expect(await sentence("portTaken")).to.equal(
      `Port ${busyPort} on 127.0.0.1 is already in use (another demo or node?): stop it, or pick another port with npm run demo -- --port <port>.`,
    );
    expect(await sentence("appPortTaken")).to.equal(
      `Port ${busyPort} on 127.0.0.1 is already in use (another demo or node?): stop it, or pick another port with npm run demo -- --app-port <port>.`,
    );
    expect(await sentence("appPortInvalid")).to.equal("--app-port 51a73 is not a TCP port (1 to 65535).");
  });
});
