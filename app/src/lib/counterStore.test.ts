// @vitest-environment jsdom
import { describe, expect, it } from "vitest";

import { parseCounter, readCounters, saveCounter, serializeCounter, type SignedCounter } from "./counterStore";

const counter: SignedCounter = {
  counteredId: "4",
  author: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  deadline: "1800000000",
  nonce: "91343852333181432387730302044767688728495783936",
  signature: `0x${"12".repeat(65)}`,
  terms: {
    networkId: 1n,
    asset: "0x0000000000000000000000000000000000000000",
    parties: [{ account: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", shareBps: 10_000 }],
    referralFeeBps: 500,
    referralTiers: [{ fromVolume: 2n * 10n ** 18n, feeBps: 700 }],
    referrerRoles: 2,
    networkFeeBps: 150,
    feeRecipient: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    validFrom: 1_700_000_000n,
    validUntil: 1_800_000_000n,
    holdbackPeriod: 86400,
    refunder: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    termsHash: `0x${"ab".repeat(32)}`,
    termsURI: "data:text/plain,x",
  },
};

describe("signed counter-proposals kept in the browser", () => {
  it("survive JSON (bigints included) and are stored per countered version", () => {
    expect(parseCounter(serializeCounter(counter))).toEqual(counter);
    saveCounter(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", counter);
    expect(readCounters(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 4n)).toEqual([counter]);
    expect(readCounters(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 5n)).toEqual([]);
  });

  it("refuses text that is not a signed counter-proposal", () => {
    expect(() => parseCounter('{"signer":"0x1"}')).toThrow(/No signed counter-proposal/);
  });
});
