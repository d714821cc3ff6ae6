import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import type { Address, Chain } from "viem";
import { WagmiProvider } from "wagmi";

import { DeploymentContext } from "./hooks/useDeployment";
import type { Deployment } from "./lib/deployment";
import type { AppConfig } from "./wagmi/config";

export interface ProvidersProps {
  config: AppConfig;
  deployment: Deployment;
  labels: Map<Address, string>;
  chains?: readonly Chain[];
  queryClient?: QueryClient;
  children: ReactNode;
}

export function Providers({ config, deployment, labels, chains, queryClient, children }: ProvidersProps) {
  const [client] = useState(
    () => queryClient ?? new QueryClient({ defaultOptions: { queries: { retry: 2, refetchOnWindowFocus: false } } }),
  );
  const [context] = useState(() => ({ deployment, labels, ...(chains ? { chains } : {}) }));
  return (
    <WagmiProvider config={config}>
      <QueryClientProvider client={client}>
        <DeploymentContext.Provider value={context}>{children}</DeploymentContext.Provider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}
