/** The app's thin adapter from its wagmi config to the viem clients the wallet actions take. */
import { getPublicClient, getWalletClient } from "wagmi/actions";

import type { AppConfig } from "../wagmi/config";
import type { ActionClients, ReadClient } from "./clients";

/** The config's public client, for reads only (no wallet needed). */
export function wagmiPublicClient(config: AppConfig): ReadClient {
  return getPublicClient(config) as unknown as ReadClient;
}

/** The config's public client and the connected wallet's client; rejects when no wallet is connected. */
export async function wagmiClients(config: AppConfig): Promise<ActionClients> {
  const walletClient = await getWalletClient(config);
  return { publicClient: wagmiPublicClient(config), walletClient: walletClient as unknown as ActionClients["walletClient"] };
}
