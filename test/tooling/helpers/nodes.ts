/**
 * Real Hardhat nodes for the tooling tests: Hardhat's simulated chain served over HTTP on 127.0.0.1
 * (the same server `hardhat node` runs), started inside the test process on a free port.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import EcoshareDemoModule from "../../../ignition/modules/EcoshareDemo.js";
import { deployProtocol } from "../../../scripts/deploy/deploy-protocol.js";
import { seedDemo, type SeedDemoReturnType } from "../../../scripts/demo/seed.js";
import { demoAccounts } from "../../../scripts/lib/demo-cast.js";
import type { DeploymentRecord } from "../../../scripts/lib/deployment-record.js";
import type { Address, Eip1193Transport } from "../../../scripts/lib/eip1193.js";
import { createHttpTransport } from "../../../scripts/lib/http-transport.js";

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
  /** Plain JSON-RPC over HTTP, as the audit reads. */
  transport: Eip1193Transport;
  record: DeploymentRecord;
  recordsDir: string;
  ecoshare: Address;
  stablecoin: Address;
  seed: SeedDemoReturnType;
  close(): Promise<void>;
}

/** A node with the demo deployed (record in a temporary folder) and a short version of the story seeded. */
export async function seededChain({ days = 4, paymentsPerDay = 12 }: { days?: number; paymentsPerDay?: number } = {}): Promise<SeededChain> {
  const node = await startNode();
  const connection = await connect(node.url);
  const close = async () => {
    await connection.close();
    await node.close();
  };
  try {
    return await deployAndSeed({ node, connection, close, days, paymentsPerDay });
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
}: {
  node: TestNode;
  connection: NetworkConnection;
  close: () => Promise<void>;
  days: number;
  paymentsPerDay: number;
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
  const seed = await seedDemo({ transport: connection.provider, ecoshare, stablecoin, accounts, days, paymentsPerDay });
  return {
    node,
    connection,
    transport: createHttpTransport({ url: node.url }),
    record,
    recordsDir,
    ecoshare,
    stablecoin,
    seed,
    close,
  };
}
