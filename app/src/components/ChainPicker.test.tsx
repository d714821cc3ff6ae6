// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import type { Address } from "viem";
import { base, hardhat } from "viem/chains";
import { describe, expect, it } from "vitest";

import { DeploymentContext } from "../hooks/useDeployment";
import { TEST_DEPLOYMENT } from "../test/render";
import { ChainPicker, urlForChain } from "./ChainPicker";

function renderPicker(chains?: typeof hardhat[]) {
  const value = { deployment: TEST_DEPLOYMENT, labels: new Map<Address, string>(), ...(chains ? { chains } : {}) };
  return render(
    <DeploymentContext.Provider value={value}>
      <ChainPicker />
    </DeploymentContext.Provider>,
  );
}

describe("the chain picker", () => {
  it("lists every chain that has a deployment record, the current one selected", () => {
    renderPicker([hardhat, base] as never);
    const select = screen.getByLabelText("Chain") as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual([hardhat.name, base.name]);
    expect(select.value).toBe(String(TEST_DEPLOYMENT.chainId));
  });

  it("names the chain when it is the only one", () => {
    renderPicker();
    expect(screen.queryByLabelText("Chain")).toBeNull();
    expect(screen.getByTitle(`Chain id ${TEST_DEPLOYMENT.chainId}`)).toBeTruthy();
  });

  it("opens the same page on the chosen chain", () => {
    expect(urlForChain("http://127.0.0.1:5173/?chain=31337#/payouts", 8453)).toBe("http://127.0.0.1:5173/?chain=8453#/payouts");
  });
});
