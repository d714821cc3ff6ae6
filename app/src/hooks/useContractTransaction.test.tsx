// @vitest-environment jsdom
import { act, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { custom, encodeErrorResult } from "viem";
import { WagmiProvider } from "wagmi";
import { connect } from "wagmi/actions";
import { mock } from "wagmi/connectors";
import { describe, expect, it } from "vitest";

import { ecoshareAbi } from "../contracts/abis";
import { chainFor, LOCAL_CHAIN_ID } from "../wagmi/chains";
import { createAppConfig } from "../wagmi/config";
import { useContractTransaction } from "./useContractTransaction";

const CUSTOMER = "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097";
const ECOSHARE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("useContractTransaction", () => {
  it("simulates first and stops a call the contract would refuse, explaining why", async () => {
    const revertData = encodeErrorResult({ abi: ecoshareAbi, errorName: "AgreementNotActive", args: [3n, 4] });
    const requests: string[] = [];
    const transport = custom({
      async request({ method }) {
        requests.push(method);
        if (method === "eth_chainId") return "0x7a69";
        if (method === "eth_call") throw Object.assign(new Error("execution reverted"), { code: 3, data: revertData });
        throw new Error(`unexpected ${method}`);
      },
    });
    const config = createAppConfig({
      chain: chainFor(LOCAL_CHAIN_ID),
      connectors: [mock({ accounts: [CUSTOMER] })],
      transport,
      storage: null,
      discoverInjectedWallets: false,
    });
    await connect(config, { connector: config.connectors[0]! });
    const wrapper = ({ children }: { children: ReactNode }) => (
      <WagmiProvider config={config} reconnectOnMount={false}>
        <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>
      </WagmiProvider>
    );
    const { result } = renderHook(() => useContractTransaction(), { wrapper });
    let sent: unknown;
    await act(async () => {
      sent = await result.current.send({
        address: ECOSHARE,
        abi: ecoshareAbi,
        functionName: "pay",
        args: [3n, "0x0000000000000000000000000000000000000000", 1n, "0x0000000000000000000000000000000000000000", `0x${"00".repeat(32)}`, "0x0000000000000000000000000000000000000000"],
        value: 1n,
      });
    });
    expect(sent).toBeUndefined();
    await waitFor(() => expect(result.current.state.status).toBe("failed"));
    const state = result.current.state as Extract<typeof result.current.state, { status: "failed" }>;
    expect(state.failure).toEqual({ kind: "reverted", errorName: "AgreementNotActive", message: "Agreement #3 does not take payments: it is terminated." });
    expect(requests).not.toContain("eth_sendTransaction");
  });
});
