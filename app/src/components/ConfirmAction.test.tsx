// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { ConfirmAction } from "./ConfirmAction";

describe("<ConfirmAction /> (issue 13, point 5: a refund asks first)", () => {
  it("acts only on the second, explicit click, after naming the amount and the customer", async () => {
    const refund = vi.fn();
    render(<ConfirmAction label="Refund 0.4 ETH" question="Refund 0.4 ETH to the customer Alice?" confirmLabel="Yes, refund 0.4 ETH" onConfirm={refund} />);
    await userEvent.click(screen.getByRole("button", { name: "Refund 0.4 ETH" }));
    expect(refund).not.toHaveBeenCalled();
    expect(screen.getByText("Refund 0.4 ETH to the customer Alice?")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(refund).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Refund 0.4 ETH" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, refund 0.4 ETH" }));
    expect(refund).toHaveBeenCalledTimes(1);
  });
});
