import { describe, expect, it } from "vitest";

import { parseRoute, referralLink } from "./route";

describe("routes", () => {
  it("carries the referrer in the referral link", () => {
    const link = referralLink("http://127.0.0.1:5173/", 7n, "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc");
    expect(link).toBe("http://127.0.0.1:5173/#/pay/7?ref=0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc");
    expect(parseRoute(new URL(link).hash)).toEqual({ page: "pay", agreementId: 7n, referrer: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc" });
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
