/**
 * Finds the deployment to work against and builds the wagmi config for its chain. The development wallet's
 * module (with the public test mnemonic) is loaded only when that chain is the local one.
 */
import { getAddress, type Address, type Chain } from "viem";

import { loadDeployments, type Deployment } from "./lib/deployment";
import { chainFor, deployedChains, LOCAL_CHAIN_ID } from "./wagmi/chains";
import { createAppConfig, type AppConfig } from "./wagmi/config";

export interface BootstrappedApp {
  config: AppConfig;
  deployment: Deployment;
  labels: Map<Address, string>;
  /** Every chain that has a deployment record, for the chain picker. */
  chains: Chain[];
}

export async function bootstrap(): Promise<BootstrappedApp> {
  const deployments = await loadDeployments();
  if (deployments.length === 0) throw new Error("No deployment record found: the contracts are not deployed yet.");
  const wanted = Number(new URLSearchParams(window.location.search).get("chain") ?? NaN);
  const chosen = deployments.find((d) => d.deployment.chainId === wanted) ?? deployments[0]!;
  const chain = chainFor(chosen.deployment.chainId, chosen.entry.rpcUrl);
  const labels = new Map<Address, string>(chosen.deployment.demoAccounts.map((a) => [getAddress(a.address), a.label]));

  let devWallet;
  if (chain.id === LOCAL_CHAIN_ID) {
    const dev = await import("./wagmi/devWallet");
    const count = Math.max(Number(dev.DEFAULT_DEMO_ROLES.length), ...chosen.deployment.demoAccounts.map((_, i) => i + 1));
    const known = new Map(chosen.deployment.demoAccounts.flatMap((a) => (a.index === undefined ? [] : [[a.index, a.address] as const])));
    const accounts = dev.devAccounts(Object.fromEntries(labels), count, known);
    for (const account of accounts) if (!labels.has(account.address)) labels.set(account.address, account.label);
    devWallet = dev.devWallet({ chain, accounts });
  }
  const config = createAppConfig({ chain, devWallet });
  const chains = deployedChains(deployments.map((d) => ({ chainId: d.deployment.chainId, rpcUrl: d.entry.rpcUrl })));
  return { config, deployment: chosen.deployment, labels, chains };
}
