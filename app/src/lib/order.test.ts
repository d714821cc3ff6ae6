import { describe, expect, it } from "vitest";

import { AgreementStatus, MemberRole, MemberStatus } from "./enums";
import { orderRefText } from "../../../client/order-ref.js";
import {
  encodeOrderRef,
  generateOrderRef,
  parseAmountText,
  payOrderCall,
  planOrder,
  tokenPulls,
  tokenStep,
  type OrderAgreement,
  type PlanOrderParameters,
} from "./order";

const HOTEL = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const AIRLINE = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const AGENT = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const CUSTOMER = "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097";
const DUSD = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const ETH = "0x0000000000000000000000000000000000000000";
const E18 = 10n ** 18n;
const NOW = 1_750_000_000n;

const agreement = (id: bigint, extra: Partial<OrderAgreement> = {}): OrderAgreement => ({
  id,
  networkId: 1n,
  lineageId: id,
  asset: ETH,
  status: AgreementStatus.Active,
  validFrom: 1_700_000_000n,
  validUntil: 1_800_000_000n,
  networkFeeBps: 150,
  referralFeeBps: 1000,
  referralTiers: [],
  referrerRoles: 0,
  holdbackPeriod: 0,
  vendorPool: 0n,
  parties: [
    { account: HOTEL, shareStart: 0, shareBps: 6000, collected: 0n },
    { account: AIRLINE, shareStart: 6000, shareBps: 4000, collected: 0n },
  ],
  ...extra,
});

const base = (lines: PlanOrderParameters["lines"], extra: Partial<PlanOrderParameters> = {}): PlanOrderParameters => ({
  lines,
  referrer: AGENT,
  payer: CUSTOMER,
  standingOf: () => ({ role: MemberRole.ReferralPartner, status: MemberStatus.Active }),
  volumeOf: () => 0n,
  now: NOW,
  ...extra,
});

describe("planning an order", () => {
  it("splits each line by the shared rule, totals each asset and carries the ETH lines as value", () => {
    const plan = planOrder(base([
      { agreement: agreement(1n), amount: 2n * E18 },
      { agreement: agreement(2n, { asset: DUSD, networkFeeBps: 100, referralFeeBps: 500 }), amount: 120_000_000n },
      { agreement: agreement(3n, { networkId: 2n }), amount: 333n },
    ]));
    expect(plan.problems).toEqual([]);
    expect(plan.lines.map((l) => l.split)).toEqual([
      { networkFee: 3n * 10n ** 16n, referralFee: 2n * 10n ** 17n, vendorShare: 177n * 10n ** 16n },
      { networkFee: 1_200_000n, referralFee: 6_000_000n, vendorShare: 112_800_000n },
      // Fees round down; the remainder stays with the parties.
      { networkFee: 4n, referralFee: 33n, vendorShare: 296n },
    ]);
    expect(plan.totals).toEqual([
      { asset: ETH, amount: 2n * E18 + 333n },
      { asset: DUSD, amount: 120_000_000n },
    ]);
    expect(plan.value).toBe(2n * E18 + 333n);
    expect(payOrderCall(plan)).toEqual({
      lines: [
        { agreementId: 1n, asset: ETH, amount: 2n * E18, referrer: AGENT },
        { agreementId: 2n, asset: DUSD, amount: 120_000_000n, referrer: AGENT },
        { agreementId: 3n, asset: ETH, amount: 333n, referrer: AGENT },
      ],
      value: 2n * E18 + 333n,
    });
    expect(tokenPulls(plan)).toEqual([{ token: DUSD, amount: 120_000_000n }]);
  });

  it("credits the link's referrer only on lines where the contract lets it refer", () => {
    const plan = planOrder(
      base(
        [
          { agreement: agreement(1n), amount: 1000n },
          { agreement: agreement(2n, { networkId: 2n }), amount: 1000n },
          { agreement: agreement(3n, { referrerRoles: 1 << MemberRole.Distributor }), amount: 1000n },
        ],
        { standingOf: (networkId) => (networkId === 1n ? { role: MemberRole.ReferralPartner, status: MemberStatus.Active } : { role: MemberRole.ReferralPartner, status: MemberStatus.Suspended }) },
      ),
    );
    expect(plan.lines.map((l) => l.referrer)).toEqual([AGENT, ETH, ETH]);
    expect(plan.lines[1]!.referrerSkipped).toMatch(/not an active member/);
    expect(plan.lines[2]!.referrerSkipped).toBe("This agreement lets only distributors refer: no referrer is credited on this line.");
    expect(plan.lines.map((l) => l.split.referralFee)).toEqual([100n, 0n, 0n]);
    expect(plan.problems).toEqual([]);

    const self = planOrder(base([{ agreement: agreement(1n), amount: 1000n }], { payer: AGENT }));
    expect(self.lines[0]).toMatchObject({ referrer: ETH, referralFeeBps: 0, referrerSkipped: "You cannot refer yourself: no referrer is credited." });
    const none = planOrder(base([{ agreement: agreement(1n), amount: 1000n }], { referrer: undefined }));
    expect(none.lines[0]).toMatchObject({ referrer: ETH, referralFeeBps: 0 });
    expect(none.lines[0]!.referrerSkipped).toBeUndefined();
  });

  it("charges each line the tier the referrer reached before it: earlier lines count, held ones only once released", () => {
    const tiers = [{ fromVolume: 10n * E18, feeBps: 1500, holdbackPeriod: 0 }];
    const tiered = agreement(5n, { referralTiers: tiers });
    const plan = planOrder(base([
      { agreement: tiered, amount: 4n * E18 },
      { agreement: tiered, amount: 1n * E18 },
      { agreement: tiered, amount: 1n * E18 },
    ], { volumeOf: () => 6n * E18 }));
    expect(plan.lines.map((l) => [l.tier, l.referralFeeBps])).toEqual([[0, 1000], [1, 1500], [1, 1500]]);
    // The second line of the same agreement splits into a pool that already holds the first line's vendor share.
    expect(plan.lines[1]!.vendorPoolBefore).toBe(plan.lines[0]!.split.vendorShare);
    expect(plan.lines[2]!.vendorPoolBefore).toBe(plan.lines[0]!.split.vendorShare + plan.lines[1]!.split.vendorShare);

    const held = agreement(6n, { referralTiers: tiers, holdbackPeriod: 86400, vendorPool: 7n });
    const heldPlan = planOrder(base([
      { agreement: held, amount: 4n * E18 },
      { agreement: held, amount: 1n * E18 },
    ], { volumeOf: () => 6n * E18 }));
    expect(heldPlan.lines.map((l) => [l.tier, l.referralFeeBps, l.held])).toEqual([[0, 1000, true], [0, 1000, true]]);
    expect(heldPlan.lines.map((l) => l.vendorPoolBefore)).toEqual([7n, 7n]);
  });

  it("credits a line's own referrer instead of the order's, counting tier volume per referrer", () => {
    const tiers = [{ fromVolume: 10n * E18, feeBps: 1500, holdbackPeriod: 0 }];
    const tiered = agreement(5n, { referralTiers: tiers });
    const plan = planOrder(base([
      { agreement: tiered, amount: 4n * E18 },
      { agreement: tiered, amount: 1n * E18, referrer: HOTEL },
      { agreement: tiered, amount: 1n * E18 },
      { agreement: tiered, amount: 1n * E18, referrer: CUSTOMER },
    ], { volumeOf: (_a, who) => (who === AGENT ? 6n * E18 : 0n) }));
    // The agency's volume reaches tier 1 with its own first line; the hotel's line neither counts nor rises.
    expect(plan.lines.map((l) => [l.referrer, l.tier, l.referralFeeBps])).toEqual([[AGENT, 0, 1000], [HOTEL, 0, 1000], [AGENT, 1, 1500], [ETH, undefined, 0]]);
    expect(plan.lines[3]!.referrerSkipped).toMatch(/cannot refer yourself/);
  });

  it("names the lines the contract would refuse, and an empty order", () => {
    const plan = planOrder(base([
      { agreement: agreement(1n, { status: AgreementStatus.Terminated }), amount: 10n },
      { agreement: agreement(2n, { validUntil: NOW - 1n }), amount: 10n },
      { agreement: agreement(3n, { validFrom: NOW + 1n }), amount: 10n },
      { agreement: agreement(4n), amount: 0n },
    ]));
    expect(plan.problems).toHaveLength(4);
    expect(plan.problems[0]).toBe("Line 1: agreement #1 does not take payments (it is not active).");
    expect(plan.problems[1]).toMatch(/^Line 2: Agreement #2 expired on .+ \(the chain's time\): it takes no more payments\.$/);
    expect(plan.problems[2]).toMatch(/^Line 3: Agreement #3 takes payments only from /);
    expect(plan.problems[3]).toBe("Line 4: enter an amount above zero.");
    expect(planOrder(base([])).problems).toEqual(["Add at least one line to the order."]);
    // By the chain's clock as on the Pay page: at validUntil the next block is already past the window.
    expect(planOrder(base([{ agreement: agreement(5n, { validUntil: NOW }), amount: 10n }])).problems).toEqual([expect.stringMatching(/^Line 1: Agreement #5 expired on /)]);
    expect(planOrder(base([{ agreement: agreement(5n, { validUntil: NOW + 1n }), amount: 10n }])).problems).toEqual([]);
  });

  it("pays each token by its allowance, a permit, or an approval first", () => {
    expect(tokenStep({ amount: 10n, allowance: 10n, permit: false })).toBe("allowance");
    expect(tokenStep({ amount: 10n, allowance: 9n, permit: true })).toBe("permit");
    expect(tokenStep({ amount: 10n, allowance: 0n, permit: false })).toBe("approve");
  });
});

describe("amounts and order references", () => {
  const dusd = { symbol: "dUSD", decimals: 6 };
  it("reads amounts in whole units and explains the ones it cannot read", () => {
    expect(parseAmountText("99,5", dusd)).toEqual({ amount: 99_500_000n });
    expect(parseAmountText("", dusd)).toBeUndefined();
    expect(parseAmountText("0", dusd)).toEqual({ error: "Enter an amount above zero." });
    expect(parseAmountText("1.0000001", dusd)).toEqual({ error: "dUSD has at most 6 decimals." });
    expect(parseAmountText("12abc", dusd)).toEqual({ error: "Enter an amount in dUSD, e.g. 120 or 99.5." });
  });

  it("keeps a reference of up to 31 ASCII characters as bytes32 the audit reads as text, and refuses others", () => {
    const encoded = encodeOrderRef("Booking 4711");
    if (!("orderRef" in encoded)) throw new Error(encoded.error);
    expect(encoded.orderRef).toHaveLength(66);
    expect(orderRefText(encoded.orderRef)).toBe("Booking 4711");
    expect(encodeOrderRef("x".repeat(31))).toHaveProperty("orderRef");
    expect(encodeOrderRef("x".repeat(32))).toEqual({ error: "An order reference has at most 31 characters; this one has 32." });
    expect(encodeOrderRef("Zürich")).toEqual({ error: "An order reference uses plain letters, digits, spaces and punctuation (ASCII) only." });
    expect(encodeOrderRef("  ")).toHaveProperty("error");
  });

  it("generates a reference that fits", () => {
    const ref = generateOrderRef(new Date("2026-12-01T10:00:00Z"), new Uint8Array([0xab, 0x01, 0xff, 0x10]));
    expect(ref).toBe("ORD-20261201-AB01FF10");
    expect(encodeOrderRef(ref)).toHaveProperty("orderRef");
    expect(generateOrderRef()).toMatch(/^ORD-\d{8}-[0-9A-F]{8}$/);
    expect(generateOrderRef()).not.toBe(generateOrderRef());
  });
});
