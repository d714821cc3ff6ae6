import { describe, expect, it } from "vitest";
import type { Address } from "viem";

import type { AgreementTerms } from "../../../client/eip712.js";
import { explainFit, nameAddresses, proposeFromMandates, type PartyMandate } from "./mandateFit";
import { assetNamer, MONTH, type ChainMandate } from "./mandateForm";

const HOTEL = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const AIRLINE = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address;
const TAXI = "0x90F79bf6EB2c4f870365E785982E1f101E93b906" as Address;
const DUSD = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;
const ETH = "0x0000000000000000000000000000000000000000" as Address;
const NOW = 1_800_000_000n;
const labels = new Map<string, string>([
  [HOTEL.toLowerCase(), "Hotel"],
  [AIRLINE.toLowerCase(), "Airline"],
  [TAXI.toLowerCase(), "Taxi"],
]);
const assetName = assetNamer({ dUSD: DUSD });
const name = (a: Address) => labels.get(a.toLowerCase()) ?? (a.toLowerCase() === ETH || a.toLowerCase() === DUSD.toLowerCase() ? assetName(a) : a);

const mandate = (patch: Partial<ChainMandate> = {}): ChainMandate => ({
  networkId: 1n,
  minShareBps: 3_000,
  maxReferralFeeBps: 800,
  maxNetworkFeeBps: 200,
  minHoldbackPeriod: 0,
  maxHoldbackPeriod: 14 * 86_400,
  maxValidity: 12 * MONTH,
  expiresAt: Number(NOW) + 86_400,
  assets: [DUSD, ETH],
  ...patch,
});
const terms: AgreementTerms = {
  networkId: 1n,
  asset: DUSD,
  parties: [
    { account: HOTEL, shareBps: 6_000 },
    { account: AIRLINE, shareBps: 2_500 },
    { account: TAXI, shareBps: 1_500 },
  ],
  referralFeeBps: 1_000,
  referralTiers: [],
  referrerRoles: 0,
  networkFeeBps: 100,
  feeRecipient: HOTEL,
  validFrom: NOW,
  validUntil: NOW + BigInt(400 * 86_400),
  holdbackPeriod: 7 * 86_400,
  refunder: HOTEL,
  termsHash: `0x${"0".repeat(64)}`,
  termsURI: "",
};

describe("which parties' mandates a proposal fits", () => {
  it("names each violated bound in one plain sentence, accounts and assets by name", () => {
    const mandates: PartyMandate[] = [
      { account: HOTEL, mandate: mandate({ maxReferralFeeBps: 1_000, maxValidity: 24 * MONTH }), nonce: 1n, live: true },
      { account: AIRLINE, mandate: mandate({ assets: [ETH] }), nonce: 3n, live: true },
    ];
    const fits = explainFit(terms, mandates, NOW, name);
    expect(fits.map((f) => [f.account, f.state])).toEqual([
      [HOTEL, "fits"],
      [AIRLINE, "misses"],
      [TAXI, "none"],
    ]);
    expect(fits[1]!.reasons).toEqual([
      "Airline's share is 25%, below Airline's floor of 30%.",
      "Airline accepts only ETH, not dUSD.",
      "The referral fee 10% is above Airline's limit of 8%.",
      "The agreement runs 400 days, longer than Airline's limit of 365 days.",
    ]);
    expect(fits[2]!.reasons).toEqual(["Taxi has no mandate for network 1: it accepts by hand."]);
  });

  it("shows acceptance by mandate, expired mandates, and ignores unset or inactive ones", () => {
    const mandates: PartyMandate[] = [
      { account: HOTEL, mandate: mandate({ maxReferralFeeBps: 1_000, maxValidity: 24 * MONTH }), nonce: 1n, live: true },
      { account: AIRLINE, mandate: mandate({ expiresAt: Number(NOW) - 1, minShareBps: 0, maxReferralFeeBps: 1_000, maxValidity: 24 * MONTH }), nonce: 2n, live: false },
      { account: TAXI, mandate: mandate({ minShareBps: 0, maxReferralFeeBps: 1_000, maxValidity: 24 * MONTH }), nonce: 2n, live: false },
    ];
    const fits = explainFit(terms, mandates, NOW, name, [HOTEL]);
    expect(fits.map((f) => f.state)).toEqual(["accepted-by-mandate", "misses", "none"]);
    expect(fits[1]!.reasons).toEqual([`Airline's mandate expired at ${new Date((Number(NOW) - 1) * 1000).toISOString()}.`]);
    expect(explainFit(terms, [{ account: HOTEL, mandate: { ...mandate(), networkId: 0n }, nonce: 0n, live: false }], NOW, name)[0]!.state).toBe("none");
  });

  it("names addresses in any sentence", () => {
    expect(nameAddresses(`${HOTEL} pays ${ETH} and ${TAXI}.`, name)).toBe("Hotel pays ETH and Taxi.");
  });
});

describe("proposing from the parties' mandates", () => {
  const network = { id: 1n, feeBps: 100, feeRecipient: HOTEL };

  it("proposes the middle of the overlap, which every mandate then fits", () => {
    const mandates: PartyMandate[] = [
      { account: HOTEL, mandate: mandate({ minShareBps: 4_000, minHoldbackPeriod: 2 * 86_400 }), nonce: 1n, live: true },
      { account: AIRLINE, mandate: mandate({ maxReferralFeeBps: 600, assets: [ETH] }), nonce: 1n, live: true },
    ];
    const result = proposeFromMandates(mandates, network, NOW, name);
    if (!result.ok) throw new Error(result.conflicts.join(" "));
    expect(result.terms.parties).toEqual([
      { account: HOTEL, shareBps: 5_500 },
      { account: AIRLINE, shareBps: 4_500 },
    ]);
    expect([result.terms.asset, result.terms.referralFeeBps, result.terms.holdbackPeriod, result.terms.networkFeeBps]).toEqual([ETH, 300, 8 * 86_400, 100]);
    expect(result.terms.validUntil - result.terms.validFrom).toBe(BigInt(12 * MONTH));
    expect(explainFit(result.terms, mandates, NOW, name).map((f) => f.state)).toEqual(["fits", "fits"]);
  });

  it("lists the conflicts in plain words, names first", () => {
    const conflicting: PartyMandate[] = [
      { account: HOTEL, mandate: mandate({ minShareBps: 7_000, minHoldbackPeriod: 20 * 86_400, maxHoldbackPeriod: 30 * 86_400, assets: [DUSD] }), nonce: 1n, live: true },
      { account: AIRLINE, mandate: mandate({ minShareBps: 4_000, assets: [ETH] }), nonce: 1n, live: true },
    ];
    expect(proposeFromMandates(conflicting, network, NOW, name)).toEqual({
      ok: false,
      conflicts: [
        "The share floors Hotel's 70% and Airline's 40% add up to 110%, more than 100%.",
        "Hotel wants payments held at least 20 days, but Airline accepts at most 14 days.",
        "No asset is accepted by all: Hotel only dUSD and Airline only ETH.",
      ],
    });
    const withoutMandate: PartyMandate[] = [{ account: TAXI, mandate: { ...mandate(), networkId: 0n }, nonce: 0n, live: false }];
    expect(proposeFromMandates(withoutMandate, network, NOW, name)).toEqual({ ok: false, conflicts: ["Taxi has no live mandate for this network: ask for one, or fill the terms by hand."] });
    expect(proposeFromMandates([], network, NOW, name)).toEqual({ ok: false, conflicts: ["Name the parties first: the negotiator works from their mandates."] });
  });
});
