/**
 * Real Hardhat nodes for the tooling tests: Hardhat's simulated chain served over HTTP on 127.0.0.1
 * (the same server `hardhat node` runs), started inside the test process on a free port.
 */
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address } from "viem";

import EcoshareDemoModule from "../../../ignition/modules/EcoshareDemo.js";
import { deployProtocol } from "../../../scripts/deploy/deploy-protocol.js";
import { seedDemo, type SeedDemoReturnType } from "../../../scripts/demo/seed.js";
import { demoAccounts } from "../../../client/demo-cast.js";
import type { DeploymentRecord } from "../../../client/deployment-record.js";
import { createRpcClient, providerClient, rpcRequest, type RpcClient } from "../../../client/rpc-client.js";
import { freePort } from "./cli.js";

export interface TestNode {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts a node on a free loopback port; `chainId` other than 31337 makes it look like a real chain. */
export async function startNode({ chainId }: { chainId?: number } = {}): Promise<TestNode> {
  const server = await hre.network.createServer(
    { network: "node", override: { ...(chainId === undefined ? {} : { chainId }), mining: { auto: true, mempool: { order: "fifo" } } } },
    "127.0.0.1",
    0,
  );
  const { port } = await server.listen();
  return { url: `http://127.0.0.1:${port}`, port, close: () => server.close() };
}

/** A Hardhat connection to the node at `url` (its accounts are the node's unlocked ones). */
export function connect(url: string): Promise<NetworkConnection> {
  return hre.network.create({ network: "localhost", override: { url } });
}

export interface SeededChain {
  node: TestNode;
  connection: NetworkConnection;
  /** A viem client over HTTP, as the audit reads. */
  client: RpcClient;
  record: DeploymentRecord;
  recordsDir: string;
  ecoshare: Address;
  stablecoin: Address;
  seed: SeedDemoReturnType;
  close(): Promise<void>;
}

/** A node with the demo deployed (record in a temporary folder) and a short version of the story seeded. */
export async function seededChain({ days = 4, paymentsPerDay = 12, gasCap }: { days?: number; paymentsPerDay?: number; gasCap?: bigint } = {}): Promise<SeededChain> {
  const node = await startNode();
  const connection = await connect(node.url);
  const close = async () => {
    await connection.close();
    await node.close();
  };
  try {
    return await deployAndSeed({ node, connection, close, days, paymentsPerDay, gasCap });
  } catch (error) {
    await close();
    throw error;
  }
}

async function deployAndSeed({
  node,
  connection,
  close,
  days,
  paymentsPerDay,
  gasCap,
}: {
  node: TestNode;
  connection: NetworkConnection;
  close: () => Promise<void>;
  days: number;
  paymentsPerDay: number;
  gasCap: bigint | undefined;
}): Promise<SeededChain> {
  const recordsDir = await mkdtemp(path.join(tmpdir(), "ecoshare-records-"));
  const accounts = demoAccounts();
  const { record } = await deployProtocol({
    hre,
    connection,
    networkName: "localhost",
    ignitionModule: EcoshareDemoModule,
    recordsDir,
    build: false,
    demo: { accounts: accounts.map((a) => ({ index: a.index, address: a.address, label: a.name, roles: a.roles })) },
  });
  const ecoshare = record.contracts.Ecoshare!.address;
  const stablecoin = record.contracts.MockStablecoin!.address;
  const seed = await seedDemo({ client: providerClient(connection.provider), ecoshare, stablecoin, accounts, days, paymentsPerDay, ...(gasCap === undefined ? {} : { gasCap }) });
  return {
    node,
    connection,
    client: createRpcClient({ url: node.url }),
    record,
    recordsDir,
    ecoshare,
    stablecoin,
    seed,
    close,
  };
}

/** Anvil (Foundry's node, from the npm package @foundry-rs/anvil) on a free loopback port: chain 31337 too. */
export async function startAnvil(): Promise<TestNode> {
  const port = await freePort();
  const bin = path.join(hre.config.paths.root, "node_modules", "@foundry-rs", "anvil", "bin.mjs");
  const child = spawn(process.execPath, [bin, "--host", "127.0.0.1", "--port", String(port), "--silent"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const client = createRpcClient({ url, retryCount: 0 });
  for (let attempt = 0; ; attempt++) {
    try {
      await rpcRequest(client, "eth_chainId");
      break;
    } catch (error) {
      if (attempt >= 100 || child.exitCode !== null) {
        child.kill("SIGKILL");
        throw new Error(`anvil did not start on ${url}: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    port,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Puts the CreateX factory on a node whose chain id is not 31337 (Ignition installs it itself on 31337),
 * the way it reaches any new chain: its presigned, chain-independent deployment transaction, broadcast by
 * anyone once its one-time deployer has the gas money.
 */
export async function installCreateX(url: string): Promise<void> {
  const ignitionCore = path.dirname(createRequire(import.meta.url).resolve("@nomicfoundation/ignition-core/package.json"));
  const artifactFile = path.join(ignitionCore, "dist", "src", "internal", "execution", "strategy", "createx-artifact.js");
  const { presignedTx } = (await import(pathToFileURL(artifactFile).href)) as { presignedTx: string };
  const client = createRpcClient({ url });
  await rpcRequest(client, "hardhat_setBalance", ["0xeD456e05CaAb11d66C4c797dD6c1D6f9A7F352b5", "0x58d15e176280000"]);
  await rpcRequest(client, "eth_sendRawTransaction", [presignedTx]);
}
