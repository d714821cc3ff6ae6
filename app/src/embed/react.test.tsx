// @vitest-environment jsdom
import { render, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { EcoshareCheckout } from "./react";

describe("EcoshareCheckout, the React component over <ecoshare-checkout>", () => {
  it("sets the element's properties (reflected to attributes) and hands the events' details to its callbacks", async () => {
    const onFailed = vi.fn();
    const { container, rerender } = render(<EcoshareCheckout chainId={31337} contract="0x123" agreement={5n} amount="0.24" referrer="0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc" onFailed={onFailed} />);
    const el = container.querySelector("ecoshare-checkout")!;
    expect(el.getAttribute("chain-id")).toBe("31337");
    expect(el.getAttribute("agreement")).toBe("5");
    expect(el.getAttribute("amount")).toBe("0.24");
    await waitFor(() => expect(onFailed).toHaveBeenCalled());
    expect(onFailed.mock.calls[0]![0]).toEqual({
      reason: 'The contract attribute must be the Ecoshare contract\'s address (0x and 40 hex digits); "0x123" is not one.',
      errorName: "CheckoutConfigError",
    });
    expect(el.shadowRoot!.querySelector("[part='error']")!.textContent).toMatch(/contract attribute must be/);

    // An order goes as a property (an array), reflected as the JSON attribute the element reads.
    rerender(<EcoshareCheckout chainId={31337} contract="0x123" lines={[{ agreement: 5n, amount: "0.24" }, { agreement: 6, amount: "1" }]} onFailed={onFailed} />);
    expect(JSON.parse(el.getAttribute("lines")!)).toEqual([{ agreement: "5", amount: "0.24" }, { agreement: 6, amount: "1" }]);
    expect(el.hasAttribute("agreement")).toBe(false);
  });
});
