// @vitest-environment jsdom
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { sepolia } from "viem/chains";
import { describe, expect, it } from "vitest";

import { renderWithApp } from "../test/render";
import { chainFor, LOCAL_CHAIN_ID } from "../wagmi/chains";
import { devAccounts, devWallet } from "../wagmi/devWallet";
import { ConnectButton } from "./ConnectButton";

const local = chainFor(LOCAL_CHAIN_ID, "http://127.0.0.1:8545");

describe("<ConnectButton />", () => {
  it("offers the clearly labelled development wallet on the local chain, and switches demo accounts", async () => {
    const user = userEvent.setup();
    renderWithApp(<ConnectButton />, { chain: local, devWallet: devWallet({ chain: local, accounts: devAccounts({}, 3) }) });
    await user.click(await screen.findByRole("button", { name: "Connect wallet" }));
    const option = screen.getByTestId("dev-wallet");
    expect(option.textContent).toMatch(/Development wallet/);
    expect(option.textContent).toMatch(/Local chain only/);
    await user.click(option);
    const switcher = await screen.findByLabelText("Demo account");
    expect(screen.getByText("0xf39F…2266")).toBeTruthy();
    await user.selectOptions(switcher, "2");
    await waitFor(() => expect(screen.getByText("0x3C44…93BC")).toBeTruthy());
  });

  it("never shows the development wallet on another chain", async () => {
    const user = userEvent.setup();
    renderWithApp(<ConnectButton />, { chain: sepolia, devWallet: devWallet({ chain: local, accounts: devAccounts({}, 3) }) });
    await user.click(await screen.findByRole("button", { name: "Connect wallet" }));
    expect(screen.queryByTestId("dev-wallet")).toBeNull();
    expect(screen.queryByText(/Development wallet/)).toBeNull();
    expect(screen.getByText(/No browser wallet found/)).toBeTruthy();
  });
});
