/**
 * The demo's local Hardhat node: Hardhat's simulated chain served over HTTP on 127.0.0.1 only, inside
 * the demo's own process, so Ctrl-C stops it with everything else and no stray node survives.
 */
import { createServer } from "node:net";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { CliError } from "../cli/cli-error.js";

/** The only interface the demo binds: nothing it starts is reachable from another machine. */
export const LOOPBACK = "127.0.0.1";

export type StartLocalNodeParameters = {
  hre: HardhatRuntimeEnvironment;
  port: number;
  /** The chain's clock at genesis: the demo starts in the past so its simulated days end today. */
  initialDate: Date;
};

export interface LocalNode {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the node, or fails with one sentence when the port is taken. */
export async function startLocalNode({ hre, port, initialDate }: StartLocalNodeParameters): Promise<LocalNode> {
  await assertPortFree(port);
  const server = await hre.network.createServer(
    // FIFO keeps each block's transactions in the order the seed sent them.
    { network: "node", override: { initialDate, mining: { auto: true, mempool: { order: "fifo" } } } },
    LOOPBACK,
    port,
  );
  let address: { address: string; port: number };
  try {
    address = await server.listen();
  } catch (error) {
    throw portError(port, error);
  }
  return { url: `http://${LOOPBACK}:${address.port}`, port: address.port, close: () => server.close() };
}

/** `value` as a TCP port, or one sentence naming `flag`. */
export function parsePort(value: string, flag: string): number {
  const port = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new CliError(`${flag} ${value} is not a TCP port (1 to 65535).`);
  return port;
}

/** Throws one sentence when nothing may listen on `port` at 127.0.0.1; `flag` is the option that chose it. */
export async function assertPortFree(port: number, flag = "--port"): Promise<void> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`${flag} ${port} is not a TCP port (0 to 65535).`);
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error) => reject(portError(port, error, flag)));
    probe.listen({ port, host: LOOPBACK, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function portError(port: number, error: unknown, flag = "--port"): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    return new CliError(`Port ${port} on ${LOOPBACK} is already in use (another demo or node?): stop it, or pick another port with npm run demo -- ${flag} <port>.`);
  }
  if (code === "EACCES") return new CliError(`Not allowed to listen on port ${port}: pick a port above 1023 with npm run demo -- ${flag} <port>.`);
  return error instanceof Error ? error : new Error(String(error));
}
