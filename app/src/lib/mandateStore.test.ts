// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from "vitest";
import type { Address } from "viem";

import { forgetMandate, parseMandate, readMandates, saveMandate, serializeMandate, type SignedMandate } from "./mandateStore";

const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;
const signed: SignedMandate = {
  member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  mandate: { networkId: 2n ** 200n, minShareBps: 3_000, maxReferralFeeBps: 800, maxNetworkFeeBps: 200, minHoldbackPeriod: 0, maxHoldbackPeriod: 1_209_600, maxValidity: 31_536_000, expiresAt: 1_830_000_000, assets: ["0x0000000000000000000000000000000000000000"] },
  nonce: "3",
  deadline: "1800000000",
  signature: "0x1234",
};

describe("signed mandates shared as JSON", () => {
  beforeEach(() => localStorage.clear());

  it("round-trips, big network ids included, and is kept per network", () => {
    expect(parseMandate(serializeMandate(signed))).toEqual(signed);
    saveMandate(31337, CONTRACT, signed);
    saveMandate(31337, CONTRACT, signed);
    expect(readMandates(31337, CONTRACT, 2n ** 200n)).toEqual([signed]);
    expect(readMandates(31337, CONTRACT, 1n)).toEqual([]);
    forgetMandate(31337, CONTRACT, signed);
    expect(readMandates(31337, CONTRACT, 2n ** 200n)).toEqual([]);
  });

  it("says what is wrong with pasted text", () => {
    expect(() => parseMandate("hello")).toThrow("No signed mandate found (the text is not JSON): paste the JSON its member shared.");
    expect(() => parseMandate(JSON.stringify({ member: signed.member, signature: "0x12" }))).toThrow("No signed mandate found (the mandate is missing)");
    const bad = JSON.parse(serializeMandate(signed)) as { mandate: Record<string, unknown> };
    bad.mandate.minShareBps = -1;
    expect(() => parseMandate(JSON.stringify(bad))).toThrow("minShareBps is not a whole number up to 65535.");
  });
});
