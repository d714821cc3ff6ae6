// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { TxStatus } from "./TxStatus";

describe("<TxStatus />", () => {
  it("shows pending and confirmed states", () => {
    const { rerender } = render(<TxStatus state={{ status: "pending", hash: `0x${"ab".repeat(32)}` }} />);
    expect(screen.getByRole("status").textContent).toMatch(/Pending/);
    rerender(<TxStatus state={{ status: "confirmed" }} what="Payment" />);
    expect(screen.getByRole("status").textContent).toBe("Payment: confirmed.");
  });

  it("shows a declined request as a calm notice, not an alert", () => {
    render(<TxStatus state={{ status: "failed", failure: { kind: "rejected", message: "You declined in your wallet. Nothing was sent." } }} />);
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("status").textContent).toBe("You declined in your wallet. Nothing was sent.");
  });

  it("shows a refusal as an alert with the reason", () => {
    render(<TxStatus state={{ status: "failed", failure: { kind: "reverted", errorName: "ZeroPayment", message: "The amount must be more than zero." } }} what="Payment" />);
    expect(screen.getByRole("alert").textContent).toBe("Payment failed: The amount must be more than zero.");
  });
});
