import { describe, expect, it } from "vitest";
import type { Address } from "viem";

import { assetNamer, checkMandate, dateToSeconds, describeMandate, mandateInput, MONTH, plainNamer, type MandateFormInput } from "./mandateForm";

const DUSD = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;
const ETH = "0x0000000000000000000000000000000000000000" as Address;
const NOW = dateToSeconds("2026-12-02")!;
const limits = { networkId: 1n, now: NOW, maxAssets: 4, maxHoldbackPeriod: 180 * 86_400 };
const issueExample: MandateFormInput = {
  minShare: "30",
  maxReferralFee: "8",
  maxNetworkFee: "2",
  minHoldbackDays: "0",
  maxHoldbackDays: "14",
  assets: [DUSD, ETH],
  maxValidityMonths: "12",
  expiresOn: "2027-06-30",
};

describe("the mandate editor's checks", () => {
  it("turns the issue's example into the contract's struct", () => {
    const { errors, mandate } = checkMandate(issueExample, limits);
    expect(errors).toEqual({});
    expect(mandate).toEqual({
      networkId: 1n,
      minShareBps: 3_000,
      maxReferralFeeBps: 800,
      maxNetworkFeeBps: 200,
      minHoldbackPeriod: 0,
      maxHoldbackPeriod: 14 * 86_400,
      maxValidity: 365 * 86_400,
      expiresAt: dateToSeconds("2027-06-30"),
      assets: [DUSD, ETH],
    });
  });

  it("says in plain words what is wrong with each field", () => {
    const { errors, mandate } = checkMandate(
      { minShare: "130", maxReferralFee: "8.125", maxNetworkFee: "two", minHoldbackDays: "20", maxHoldbackDays: "14", assets: [], maxValidityMonths: "0", expiresOn: "2026-12-01" },
      limits,
    );
    expect(mandate).toBeUndefined();
    expect(errors).toEqual({
      minShare: "Your share can be at most 100% of the vendor pool.",
      maxReferralFee: "At most two decimals (0.01% steps): 8.125 has more. Enter e.g. 8.12.",
      maxNetworkFee: "Enter a percent with at most two decimals, e.g. 2.",
      holdback: "The shortest holdback (20 days) is longer than the longest (14 days): swap them.",
      assets: "Tick at least one asset you accept payments in.",
      maxValidity: "Enter how many whole months an agreement may run, at least 1, e.g. 12.",
      expiresOn: "The expiry date must be in the future.",
    });
  });

  it("holds the contract's caps: holdback, asset count, 32-bit times", () => {
    const tooLong = checkMandate({ ...issueExample, maxHoldbackDays: "181", assets: [DUSD, ETH, "0x1111111111111111111111111111111111111111", "0x2222222222222222222222222222222222222222", "0x3333333333333333333333333333333333333333"] }, limits);
    expect(tooLong.errors).toEqual({ holdback: "A holdback can be at most 180 days.", assets: "A mandate names at most 4 assets." });
    expect(checkMandate({ ...issueExample, maxValidityMonths: "2000", expiresOn: "2107-01-01" }, limits).errors).toEqual({
      maxValidity: `At most ${Math.floor((2 ** 32 - 1) / MONTH)} months.`,
      expiresOn: "The expiry can be at most 7 February 2106 (the contract stores seconds in 32 bits).",
    });
    expect(checkMandate({ ...issueExample, expiresOn: "" }, limits).errors).toEqual({ expiresOn: "Choose the date this mandate expires on." });
  });

  it("prefills from a mandate on-chain and reads back the same mandate", () => {
    const { mandate } = checkMandate(issueExample, limits);
    expect(checkMandate(mandateInput(mandate, { networkFeeBps: 0, assets: [], now: NOW }), limits).mandate).toEqual(mandate);
    expect(mandateInput(undefined, { networkFeeBps: 250, assets: [ETH], now: NOW })).toMatchObject({ minShare: "30", maxReferralFee: "8", maxNetworkFee: "2.5", maxHoldbackDays: "14", maxValidityMonths: "12", assets: [ETH] });
  });
});

describe("a mandate in plain words", () => {
  it("reads like the issue's example", () => {
    const { mandate } = checkMandate(issueExample, limits);
    const name = assetNamer({ dUSD: DUSD });
    expect(describeMandate(mandate!, name, () => "30 June 2027")).toEqual([
      "My share at least 30% of the vendor pool.",
      "Referral fee at most 8%, loyalty tiers included.",
      "Network fee at most 2%.",
      "Holdback between 0 and 14 days.",
      "Only dUSD or ETH.",
      "Agreements valid at most 12 months.",
      "This mandate expires on 30 June 2027.",
    ]);
  });

  it("words fixed holdbacks, one asset and odd lengths", () => {
    const base = checkMandate(issueExample, limits).mandate!;
    const name = assetNamer({ dUSD: DUSD });
    const text = (patch: Partial<typeof base>) => describeMandate({ ...base, ...patch }, name, String);
    expect(text({ minHoldbackPeriod: 0, maxHoldbackPeriod: 0 })[3]).toBe("No holdback: payments credited at once.");
    expect(text({ minHoldbackPeriod: 86_400, maxHoldbackPeriod: 86_400 })[3]).toBe("Holdback of exactly 1 day.");
    expect(text({ minHoldbackPeriod: 2 * 86_400, maxHoldbackPeriod: 7 * 86_400 })[3]).toBe("Holdback between 2 and 7 days.");
    expect(text({ assets: [ETH] })[4]).toBe("Only ETH.");
    expect(text({ maxValidity: 1 * MONTH })[5]).toBe("Agreements valid at most 1 month.");
    expect(text({ maxValidity: 90 * 86_400 })[5]).toBe("Agreements valid at most 90 days.");
  });
});

describe("names in the sentences", () => {
  it("prefers an account's label, then ETH or a token's name, then the short address", () => {
    const name = plainNamer(new Map([["0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "Grand Plaza Hotel"]]), { dUSD: DUSD });
    expect(name("0x70997970c51812dc3a010c7d01b50e0d17dc79c8")).toBe("Grand Plaza Hotel");
    expect(name(ETH)).toBe("ETH");
    expect(name(DUSD.toLowerCase() as Address)).toBe("dUSD");
    expect(name("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")).toBe("0x3C44…93BC");
  });
});
