/** Renders components inside the app's providers, with a config built by the app's own factory. */
import { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import type { Chain } from "viem";
import type { CreateConnectorFn, Transport } from "wagmi";

import { Providers } from "../Providers";
import type { Deployment } from "../lib/deployment";
import { createAppConfig } from "../wagmi/config";

export const TEST_DEPLOYMENT: Deployment = {
  chainId: 31337,
  ecoshare: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  deployBlock: 1n,
  tokens: {},
  demoAccounts: [],
};

export function renderWithApp(
  ui: ReactElement,
  { chain, devWallet, connectors, transport }: { chain: Chain; devWallet?: CreateConnectorFn; connectors?: CreateConnectorFn[]; transport?: Transport },
) {
  const config = createAppConfig({ chain, devWallet, connectors, transport, storage: null, discoverInjectedWallets: false });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const deployment = { ...TEST_DEPLOYMENT, chainId: chain.id };
  return {
    config,
    ...render(
      <Providers config={config} deployment={deployment} labels={new Map()} queryClient={queryClient}>
        {ui}
      </Providers>,
    ),
  };
}
