import { describe, expect, it } from "vitest";

import { CheckoutConfigError, propertyName, readCheckoutConfig, type CheckoutAttribute } from "./checkoutConfig";

const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const AGENT = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const read = (attributes: Partial<Record<CheckoutAttribute, string>>) => readCheckoutConfig((name) => attributes[name] ?? null);
const base = { "chain-id": "31337", contract: CONTRACT } as const;

describe("the embedded checkout's attributes", () => {
  it("reads one agreement with a fixed amount, a referrer and an order reference", () => {
    const config = read({ ...base, agreement: "5", amount: "0.24", referrer: AGENT.toLowerCase(), "order-ref": "CS-2026-0142", "rpc-url": "http://127.0.0.1:8545" });
    expect(config).toMatchObject({
      chainId: 31337,
      contract: CONTRACT,
      rpcUrl: "http://127.0.0.1:8545",
      lines: [{ agreementId: 5n, amount: "0.24", referrer: undefined }],
      customerAmount: false,
      referrer: AGENT,
      orderRef: "CS-2026-0142",
      fromBlock: 0n,
    });
  });

  it("lets the customer choose the amount within bounds, and reads an order's lines with their own referrers", () => {
    expect(read({ ...base, agreement: "5", "min-amount": "10", "max-amount": "250" })).toMatchObject({ customerAmount: true, minAmount: "10", maxAmount: "250" });
    const order = read({ ...base, lines: JSON.stringify([{ agreement: "5", amount: "0.24", referrer: AGENT }, { agreement: 6, amount: 1 }]) });
    expect(order.lines).toEqual([
      { agreementId: 5n, amount: "0.24", referrer: AGENT },
      { agreementId: 6n, amount: "1", referrer: undefined },
    ]);
  });

  it("says in plain words what each mistake is", () => {
    const problem = (attributes: Partial<Record<CheckoutAttribute, string>>) => {
      try {
        read(attributes);
      } catch (error) {
        expect(error).toBeInstanceOf(CheckoutConfigError);
        return (error as Error).message;
      }
      throw new Error("no problem found");
    };
    expect(problem({})).toMatch(/needs a chain-id attribute/);
    expect(problem({ "chain-id": "31337" })).toMatch(/needs a contract attribute/);
    expect(problem({ ...base, contract: "0x123" })).toBe('The contract attribute must be the Ecoshare contract\'s address (0x and 40 hex digits); "0x123" is not one.');
    expect(problem({ ...base })).toMatch(/needs an agreement attribute .* or a lines attribute/);
    expect(problem({ ...base, agreement: "5" })).toMatch(/needs an amount attribute, or min-amount/);
    expect(problem({ ...base, agreement: "five", amount: "1" })).toMatch(/agreement attribute must be the agreement's number/);
    expect(problem({ ...base, agreement: "5", amount: "1,5" })).toMatch(/amount attribute must be an amount in the asset's units/);
    expect(problem({ ...base, agreement: "5", "min-amount": "9", "max-amount": "3" })).toBe("min-amount (9) is above max-amount (3).");
    expect(problem({ ...base, agreement: "5", lines: "[]" })).toMatch(/either an agreement attribute .* or a lines attribute/);
    expect(problem({ ...base, lines: "not json" })).toMatch(/lines attribute must be JSON/);
    expect(problem({ ...base, lines: '[{"agreement": 5}]' })).toBe("lines[0] needs an agreement and an amount.");
    expect(problem({ ...base, agreement: "5", amount: "1", "order-ref": "x".repeat(32) })).toMatch(/1 to 31 plain ASCII characters/);
    expect(problem({ ...base, agreement: "5", amount: "1", "rpc-url": "ws://node" })).toMatch(/rpc-url attribute must be an http\(s\) URL/);
  });

  it("names each attribute's property in camelCase", () => {
    expect(propertyName("chain-id")).toBe("chainId");
    expect(propertyName("refund-to")).toBe("refundTo");
    expect(propertyName("contract")).toBe("contract");
  });
});
