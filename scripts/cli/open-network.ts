/**
 * Opens a connection to a configured Hardhat network, optionally at another URL, and checks the RPC
 * answers: the first step of every command, so an unknown network, a missing configuration variable
 * or a node that is down each end in one clear sentence.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import { createRpcClient, providerClient, rpcRequest, type RpcClient } from "../../client/rpc-client.js";
import { CliError, type NetworkDescription } from "./cli-error.js";
import type { ActionContext } from "./run-action.js";

export type OpenNetworkParameters = {
  hre: HardhatRuntimeEnvironment;
  /** A network of hardhat.config.ts. */
  network: string;
  /** Use this URL instead of the network's (http networks only). */
  rpcUrl?: string | undefined;
  /** Retries of a transient RPC failure (unreachable, throttled, timed out). Default 3. */
  retries?: number | undefined;
  /** Called with each HTTP response that is not a success (e.g. to say why the command waits). */
  onErrorResponse?: ((response: Response) => void) | undefined;
  /** Filled in with the network's description as soon as it is known. */
  context: ActionContext;
};

export interface OpenedNetwork {
  /** Hardhat's connection: its provider signs with the network's accounts (deployments, the demo). */
  connection: NetworkConnection;
  /**
   * For reading: a viem client straight over HTTP for http networks (batching, and retrying as `retries`
   * says), over Hardhat's provider for the in-process chain.
   */
  client: RpcClient;
  chainId: number;
  description: NetworkDescription;
  /** Whether the chain lives only in this process (Hardhat's in-process network). */
  inProcess: boolean;
}

/** Connects to `network` and reads its chain id (with retries). */
export async function openNetwork({ hre, network, rpcUrl, retries = 3, onErrorResponse, context }: OpenNetworkParameters): Promise<OpenedNetwork> {
  context.network = { name: network };
  const config = hre.config.networks[network];
  if (rpcUrl !== undefined && config !== undefined && config.type !== "http") {
    throw new CliError(`--rpc-url needs an http network, and "${network}" is Hardhat's in-process chain: add --network localhost.`);
  }
  const connection = await hre.network.create(rpcUrl === undefined ? { network } : { network, override: { url: rpcUrl } });
  const inProcess = connection.networkConfig.type === "edr-simulated";
  const description: NetworkDescription = { name: network };
  let client = providerClient(connection.provider);
  if (inProcess) description.endpoint = "Hardhat's in-process chain";
  else if (connection.networkConfig.type === "http") {
    const url = rpcUrl ?? (await connection.networkConfig.url.getUrl());
    // A URL from a configuration variable may carry an API key: never print it, wherever it points.
    const configured = hre.userConfig.networks?.[network];
    const fromVariable = rpcUrl === undefined && configured?.type === "http" && typeof configured.url !== "string";
    if (isLoopback(url) && !fromVariable) description.endpoint = url;
    client = createRpcClient({ url, headers: connection.networkConfig.httpHeaders, timeoutMs: connection.networkConfig.timeout, retryCount: retries, onErrorResponse });
  }
  // A node that does not answer at all is rarely back within seconds: the first request gives up sooner.
  const probeRetries = inProcess ? 0 : Math.min(retries, 2);
  context.network = { ...description, attempts: probeRetries + 1 };
  const chainId = Number(BigInt(await rpcRequest<string>(client, "eth_chainId", [], { retryCount: probeRetries })));
  context.network = { ...description, attempts: inProcess ? 1 : retries + 1 };
  return { connection, client, chainId, description, inProcess };
}

/** Whether `url` points at this machine (so it holds no secret worth hiding). */
export function isLoopback(url: string): boolean {
  try {
    const { hostname } = new URL(url);
    return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
  } catch {
    return false;
  }
}
