/** The deployment the app works against, provided once at the root. */
import { createContext, useContext } from "react";
import type { Address, Chain } from "viem";

import type { Deployment } from "../lib/deployment";

export interface DeploymentContextValue {
  deployment: Deployment;
  /** Names for known addresses (demo roles on the local chain). */
  labels: Map<Address, string>;
  /** Every chain that has a deployment record (the picker offers them); the current one when not given. */
  chains?: readonly Chain[];
}

export const DeploymentContext = createContext<DeploymentContextValue | null>(null);

export function useDeployment(): DeploymentContextValue {
  const value = useContext(DeploymentContext);
  if (!value) throw new Error("useDeployment must be used inside <DeploymentContext.Provider>.");
  return value;
}

export function useLabel(address: Address | undefined): string | undefined {
  const { labels } = useDeployment();
  return address ? labels.get(address) : undefined;
}
