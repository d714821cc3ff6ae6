import { describe, expect, it } from "vitest";

import type { LedgerNetwork } from "../../../client/ledger.js";
import { MemberRole, MemberStatus, NetworkKind } from "./enums";
import { checkTerms, inputFromTerms, percentToBps, type TermsFormInput } from "./termsForm";

const HOTEL = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const AIRLINE = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const SUSPENDED = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

const network: LedgerNetwork = {
  id: 1n,
  kind: NetworkKind.VendorLed,
  operator: HOTEL,
  pendingOperator: "0x0000000000000000000000000000000000000000",
  feeRecipient: HOTEL,
  feeBps: 150,
  metadataURI: "",
  members: new Map([
    [HOTEL, { role: MemberRole.Vendor, status: MemberStatus.Active, awaitsReinstatement: false }],
    [AIRLINE, { role: MemberRole.Vendor, status: MemberStatus.Active, awaitsReinstatement: false }],
    [SUSPENDED, { role: MemberRole.Vendor, status: MemberStatus.Suspended, awaitsReinstatement: false }],
  ]),
};
const limits = { maxReferralFeeBps: 5_000, maxParties: 50, now: Date.parse("2026-01-01T00:00:00Z") / 1000 };
const input: TermsFormInput = {
  networkId: "1",
  asset: "ETH",
  parties: [
    { account: HOTEL, share: "60" },
    { account: AIRLINE, share: "40" },
  ],
  referralFee: "10",
  validFrom: "2026-01-02T00:00",
  validUntil: "2027-01-01T00:00",
  termsText: "Bundle",
  termsURI: "",
  tiers: [],
  holdbackDays: "",
  refunder: "",
};

describe("the proposal form's checks", () => {
  it("reads percentages with up to two decimals as basis points", () => {
    expect(percentToBps("12.5")).toBe(1250);
    expect(percentToBps("0,01")).toBe(1);
    expect(percentToBps("abc")).toBeUndefined();
    expect(percentToBps("1.234")).toBeUndefined();
  });

  it("accepts valid terms and freezes the network's fee terms into them", () => {
    const { errors, terms } = checkTerms(input, network, limits);
    expect(errors).toEqual({});
    expect(terms).toMatchObject({ networkId: 1n, networkFeeBps: 150, feeRecipient: HOTEL, referralFeeBps: 1000 });
    expect(terms!.parties).toEqual([
      { account: HOTEL, shareBps: 6000 },
      { account: AIRLINE, shareBps: 4000 },
    ]);
  });

  it("says when shares do not add up to 100%", () => {
    const { errors, shareSumBps, terms } = checkTerms({ ...input, parties: [{ account: HOTEL, share: "60" }, { account: AIRLINE, share: "50" }] }, network, limits);
    expect(shareSumBps).toBe(11_000);
    expect(errors.parties).toMatch(/110%/);
    expect(terms).toBeUndefined();
  });

  it("names parties that are not active members, and duplicates", () => {
    const { errors } = checkTerms(
      { ...input, parties: [{ account: SUSPENDED, share: "50" }, { account: HOTEL, share: "25" }, { account: HOTEL, share: "25" }] },
      network,
      limits,
    );
    expect(errors.partyAccounts?.[0]).toBe("This member is suspended.");
    expect(errors.partyAccounts?.[2]).toBe("This party is already named above: name each party once.");
  });

  it("refuses a share with three decimals on the share field, saying two decimals are the limit", () => {
    const { errors, terms } = checkTerms({ ...input, parties: [{ account: HOTEL, share: "33.333" }, { account: AIRLINE, share: "66.667" }] }, network, limits);
    expect(errors.partyShares?.[0]).toBe("At most two decimals (0.01% steps): 33.333 has more. Enter e.g. 33.33.");
    expect(errors.partyAccounts).toBeUndefined();
    expect(terms).toBeUndefined();
    expect(checkTerms({ ...input, referralFee: "2.555" }, network, limits).errors.referralFee).toMatch(/^At most two decimals/);
  });

  it("says a short or mistyped address is not a valid address, and an empty one is missing", () => {
    const rows = (account: string) => checkTerms({ ...input, parties: [{ account, share: "100" }] }, network, limits).errors.partyAccounts?.[0];
    expect(rows("0x123")).toBe("0x123 is not a valid address: an address is 0x followed by 40 hex digits.");
    expect(rows("")).toBe("Enter the party's address.");
    expect(rows(HOTEL.replace("7", "8").replace("C8", "c8"))).toMatch(/checksum does not match/);
  });

  it("applies the contract's referral fee cap and date rules", () => {
    expect(checkTerms({ ...input, referralFee: "50.01" }, network, limits).errors.referralFee).toMatch(/at most 50%/);
    expect(checkTerms({ ...input, validUntil: "2026-01-01T12:00" }, network, limits).errors.validUntil).toBe("The end must be after the start.");
  });

  it("checks loyalty tiers as you type: rising thresholds above 0, rates within the cap", () => {
    const ok = checkTerms({ ...input, tiers: [{ fromVolume: "10", fee: "12" }, { fromVolume: "25.5", fee: "15" }] }, network, limits);
    expect(ok.errors).toEqual({});
    expect(ok.terms!.referralTiers).toEqual([
      { fromVolume: 10n * 10n ** 18n, feeBps: 1200, holdbackPeriod: 0 },
      { fromVolume: 255n * 10n ** 17n, feeBps: 1500, holdbackPeriod: 0 },
    ]);
    const falling = checkTerms({ ...input, tiers: [{ fromVolume: "10", fee: "12" }, { fromVolume: "5", fee: "15" }] }, network, limits);
    expect(falling.errors.tierRows).toEqual({ 1: "Thresholds must rise from one tier to the next." });
    expect(falling.terms).toBeUndefined();
    expect(checkTerms({ ...input, tiers: [{ fromVolume: "0", fee: "12" }] }, network, limits).errors.tierRows?.[0]).toBe("A tier starts above 0.");
    expect(checkTerms({ ...input, tiers: [{ fromVolume: "1", fee: "60" }] }, network, limits).errors.tierRows?.[0]).toMatch(/at most 50%/);
    expect(checkTerms({ ...input, tiers: Array.from({ length: 9 }, (_, i) => ({ fromVolume: String(i + 1), fee: "11" })) }, network, { ...limits, maxReferralTiers: 8 }).errors.tiers).toBe("At most 8 tiers.");
  });

  it("checks each tier's holdback: never longer than the tier below, empty keeping it, 0 crediting at once", () => {
    const held = { ...input, holdbackDays: "14", refunder: HOTEL };
    const ok = checkTerms({ ...held, tiers: [{ fromVolume: "10", fee: "12" }, { fromVolume: "20", fee: "13", holdbackDays: "2.5" }, { fromVolume: "30", fee: "14", holdbackDays: "0" }] }, network, limits);
    expect(ok.errors).toEqual({});
    expect(ok.terms!.referralTiers.map((t) => t.holdbackPeriod)).toEqual([14 * 86400, 2.5 * 86400, 0]);
    const longer = checkTerms({ ...held, tiers: [{ fromVolume: "10", fee: "12", holdbackDays: "15" }] }, network, limits);
    expect(longer.errors.tierRows).toEqual({ 0: "This tier's holdback (15 days) is longer than the agreement's holdback (14 days): earned trust may only shorten it." });
    expect(longer.terms).toBeUndefined();
    const rising = checkTerms({ ...held, tiers: [{ fromVolume: "10", fee: "12", holdbackDays: "1" }, { fromVolume: "20", fee: "12", holdbackDays: "2" }] }, network, limits);
    expect(rising.errors.tierRows?.[1]).toBe("This tier's holdback (2 days) is longer than tier 1's (1 days): earned trust may only shorten it.");
    expect(checkTerms({ ...held, tiers: [{ fromVolume: "10", fee: "12", holdbackDays: "soon" }] }, network, limits).errors.tierRows?.[0]).toMatch(/^Enter this tier's holdback in days/);
    expect(checkTerms({ ...input, tiers: [{ fromVolume: "10", fee: "12", holdbackDays: "1" }] }, network, limits).errors.tierRows?.[0]).toMatch(/longer than the agreement's holdback \(0 days\)/);
  });

  it("requires a refunder among the parties exactly when there is a holdback", () => {
    const held = checkTerms({ ...input, holdbackDays: "14", refunder: HOTEL }, network, limits);
    expect(held.errors).toEqual({});
    expect(held.terms).toMatchObject({ holdbackPeriod: 14 * 86400, refunder: HOTEL });
    expect(checkTerms({ ...input, holdbackDays: "14" }, network, limits).errors.refunder).toBe("Choose the party that may refund held payments.");
    expect(checkTerms({ ...input, holdbackDays: "14", refunder: SUSPENDED }, network, limits).errors.refunder).toBe("The refunder must be one of the parties.");
    expect(checkTerms({ ...input, refunder: HOTEL }, network, limits).errors.refunder).toMatch(/Without a holdback/);
    expect(checkTerms({ ...input, holdbackDays: "181", refunder: HOTEL }, network, { ...limits, maxHoldbackPeriod: 180 * 86400 }).errors.holdback).toBe("The holdback can be at most 180 days.");
    const none = checkTerms(input, network, limits).terms!;
    expect(none).toMatchObject({ holdbackPeriod: 0, refunder: "0x0000000000000000000000000000000000000000", referralTiers: [] });
  });

  it("lets the proposer choose who may refer, as the contract's role mask, and keeps validity within uint32", () => {
    expect(checkTerms(input, network, limits).terms!.referrerRoles).toBe(0);
    expect(checkTerms({ ...input, referrerRoles: "2" }, network, limits).terms!.referrerRoles).toBe(2);
    expect(checkTerms({ ...input, referrerRoles: "8" }, network, limits).errors.referrerRoles).toBe("Choose who may refer customers.");
    expect(checkTerms({ ...input, referrerRoles: "x" }, network, limits).errors.referrerRoles).toBe("Choose who may refer customers.");
    expect(checkTerms({ ...input, validUntil: "2106-02-08T00:00" }, network, limits).errors.validUntil).toMatch(/at most 7 February 2106/);
    expect(checkTerms({ ...input, validUntil: "2106-02-06T00:00" }, network, limits).errors.validUntil).toBeUndefined();
  });

  it("prefills a counter-proposal from the version it answers, and gives the same terms back", () => {
    const terms = checkTerms({ ...input, tiers: [{ fromVolume: "10", fee: "12", holdbackDays: "0.5" }], holdbackDays: "2", refunder: AIRLINE, referrerRoles: "6" }, network, limits).terms!;
    expect(terms.referralTiers[0]!.holdbackPeriod).toBe(43_200);
    expect(terms.referrerRoles).toBe(6);
    const toLocal = (s: number) => {
      const d = new Date(s * 1000);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    };
    const again = checkTerms(inputFromTerms(terms, 18, toLocal), network, limits);
    expect(again.errors).toEqual({});
    expect(again.terms).toEqual(terms);
  });
});
