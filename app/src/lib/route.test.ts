import { describe, expect, it } from "vitest";

import { checkoutLink, parseRoute, referralLink } from "./route";

describe("routes", () => {
  it("carries the referrer in the referral link", () => {
    const link = referralLink("http://127.0.0.1:5173/", 7n, "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc");
    expect(link).toBe("http://127.0.0.1:5173/#/pay/7?ref=0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc");
    expect(parseRoute(new URL(link).hash)).toEqual({ page: "pay", agreementId: 7n, referrer: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc" });
  });

  it("carries the referrer and the agreements to add in the checkout link", () => {
    const link = checkoutLink("http://127.0.0.1:5173/", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", [3n, 5n]);
    expect(link).toBe("http://127.0.0.1:5173/#/checkout?ref=0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc&add=3,5");
    expect(parseRoute(new URL(link).hash)).toEqual({ page: "checkout", referrer: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", add: [3n, 5n] });
    expect(parseRoute("#/checkout")).toEqual({ page: "checkout" });
    expect(parseRoute("#/checkout?add=x,4")).toEqual({ page: "checkout", add: [4n] });
  });

  it("parses every page and falls back to networks", () => {
    expect(parseRoute("#/networks/3")).toEqual({ page: "networks", networkId: 3n });
    expect(parseRoute("#/agreements/new?amend=4")).toEqual({ page: "agreements", create: true, amend: 4n });
    expect(parseRoute("#/agreements/new?counter=5")).toEqual({ page: "agreements", create: true, counter: 5n });
    expect(parseRoute("#/payouts")).toEqual({ page: "payouts" });
    expect(parseRoute("#/audit")).toEqual({ page: "audit" });
    expect(parseRoute("#/nowhere")).toEqual({ page: "networks" });
  });
});
