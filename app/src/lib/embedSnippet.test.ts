// @vitest-environment jsdom
import { describe, expect, it } from "vitest";

import { embedSnippet, EMBED_ELEMENT } from "../../../client/embed-snippet.js";
import { parseRoute } from "./route";

const APP = "http://127.0.0.1:5173/";
const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const HOTEL = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** The snippet as a browser reads it: the script's URL and the element's attributes. */
function parse(html: string) {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}</body>`, "text/html");
  const script = doc.querySelector("script");
  const element = doc.querySelector(EMBED_ELEMENT);
  return {
    script: { type: script?.getAttribute("type"), src: script?.getAttribute("src") },
    attributes: Object.fromEntries([...(element?.attributes ?? [])].map((a) => [a.name, a.value])),
  };
}

describe("embedSnippet", () => {
  it("writes the script tag and one element for a fixed amount, with the partner's referral and order reference", () => {
    const { html, link, attributes, scriptUrl } = embedSnippet({
      appUrl: APP,
      chainId: 31337,
      contract: CONTRACT,
      rpcUrl: "http://127.0.0.1:8545",
      fromBlock: 4n,
      agreementId: 3n,
      amount: { amount: "0.05" },
      referrer: HOTEL,
      orderRef: "CS-2026-0142",
    });
    expect(scriptUrl).toBe("http://127.0.0.1:5173/embed/ecoshare-checkout.js");
    expect(parse(html)).toEqual({
      script: { type: "module", src: scriptUrl },
      attributes: { "chain-id": "31337", contract: CONTRACT, "rpc-url": "http://127.0.0.1:8545", "from-block": "4", agreement: "3", amount: "0.05", referrer: HOTEL, "order-ref": "CS-2026-0142" },
    });
    expect(Object.fromEntries(attributes)).toEqual(parse(html).attributes);
    expect(link).toBe(`${APP}#/pay/3?ref=${HOTEL}`);
    expect(parseRoute(new URL(link).hash)).toEqual({ page: "pay", agreementId: 3n, referrer: HOTEL });
  });

  it("lets the customer choose within bounds, and writes a plain pay button without a referrer", () => {
    const { html, link } = embedSnippet({ appUrl: APP, chainId: 31337, contract: CONTRACT, agreementId: 7n, amount: { minAmount: "10", maxAmount: "250.5" } });
    expect(parse(html).attributes).toEqual({ "chain-id": "31337", contract: CONTRACT, agreement: "7", "min-amount": "10", "max-amount": "250.5" });
    expect(link).toBe(`${APP}#/pay/7`);
    expect(parse(embedSnippet({ appUrl: APP, chainId: 1, contract: CONTRACT, agreementId: 7n }).html).attributes).toEqual({ "chain-id": "1", contract: CONTRACT, agreement: "7" });
  });

  it("writes an order's lines as JSON, each crediting the referrer, and links to the checkout with those agreements", () => {
    const { html, link } = embedSnippet({
      appUrl: APP,
      chainId: 31337,
      contract: CONTRACT,
      lines: [
        { agreementId: 6n, amount: "0.24" },
        { agreementId: 7n, amount: "0.095" },
        { agreementId: 6n, amount: "0.1" },
      ],
      referrer: HOTEL,
      refundTo: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    });
    const { attributes } = parse(html);
    expect(JSON.parse(attributes.lines!)).toEqual([
      { agreement: "6", amount: "0.24", referrer: HOTEL },
      { agreement: "7", amount: "0.095", referrer: HOTEL },
      { agreement: "6", amount: "0.1", referrer: HOTEL },
    ]);
    expect(attributes.agreement).toBeUndefined();
    expect(attributes.referrer).toBeUndefined();
    expect(attributes["refund-to"]).toBe("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
    expect(html).toContain(`lines='[{"agreement":"6"`);
    expect(link).toBe(`${APP}#/checkout?ref=${HOTEL}&add=6,7`);
    expect(parseRoute(new URL(link).hash)).toEqual({ page: "checkout", referrer: HOTEL, add: [6n, 7n] });
  });

  it("escapes what would break out of an attribute", () => {
    const { html } = embedSnippet({ appUrl: APP, chainId: 31337, contract: CONTRACT, agreementId: 1n, orderRef: `A"B'<x>&` });
    expect(parse(html).attributes["order-ref"]).toBe(`A"B'<x>&`);
    expect(html).not.toContain("<x>");
  });

  it("refuses values the element could never read, in plain words", () => {
    const base = { appUrl: APP, chainId: 31337, contract: CONTRACT } as const;
    expect(() => embedSnippet({ ...base, agreementId: 1n, amount: { amount: "1e18" } })).toThrow('The amount must be a decimal number such as 0.05 (got "1e18").');
    expect(() => embedSnippet({ ...base, lines: [] })).toThrow("An order needs at least one line.");
    expect(() => embedSnippet({ ...base, lines: [{ agreementId: 1n, amount: "-1" }] })).toThrow("Line 1's amount must be a decimal number");
    expect(() => embedSnippet({ ...base, agreementId: 1n, orderRef: "x".repeat(32) })).toThrow("An order reference is 1 to 31 printable ASCII characters");
    expect(() => embedSnippet({ ...base, appUrl: "http://127.0.0.1:5173", agreementId: 1n })).toThrow('must end with "/"');
    expect(() => embedSnippet({ ...base, chainId: 0, agreementId: 1n })).toThrow("The chain id must be a positive integer");
  });
});
