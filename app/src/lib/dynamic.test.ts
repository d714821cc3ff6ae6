import { describe, expect, it } from "vitest";

import { authorOf, diffTerms, threadOf, threadStatus, tierProgress } from "./dynamic";
import { earningsOf } from "./earnings";
import { AIRLINE, build, eventFactory, HOTEL, terms, ZERO } from "./issue13.fixtures";
import type { ProtocolEvent } from "./protocolLog";

const AGENT = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const ALICE = "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097";
const ETH = 10n ** 18n;
const ev = eventFactory();

describe("negotiation threads", () => {
  const offer = [
    ev("AgreementProposed", { agreementId: 1n, networkId: 1n, proposer: HOTEL, previousId: 0n, version: 1, terms: terms(6000) }),
    ev("AgreementAccepted", { agreementId: 1n, party: HOTEL, bySignature: false }),
    ev("AgreementProposed", { agreementId: 2n, networkId: 1n, proposer: AIRLINE, previousId: 0n, version: 2, terms: terms(5000, { referralTiers: [{ fromVolume: 10n * ETH, feeBps: 700, holdbackPeriod: 0 }] }) }),
    ev("AgreementCountered", { agreementId: 2n, counteredId: 1n, author: AIRLINE }),
    ev("AgreementAccepted", { agreementId: 2n, party: AIRLINE, bySignature: false }),
  ];

  it("links offers and counters into one thread, each with its author and acceptances", () => {
    const ledger = build(offer);
    const thread = threadOf(ledger, ledger.agreements.get(2n)!);
    expect(thread.map((p) => [p.id, authorOf(p), p.counteredId, p.acceptedBy])).toEqual([
      [1n, HOTEL, 0n, [HOTEL]],
      [2n, AIRLINE, 1n, [AIRLINE]],
    ]);
    expect(thread.map((p) => threadStatus(ledger, p))).toEqual(["pending", "pending"]);
  });

  it("closes the outrun versions once one activates", () => {
    const ledger = build([
      ...offer,
      ev("AgreementAccepted", { agreementId: 2n, party: HOTEL, bySignature: false }),
      ev("AgreementActivated", { agreementId: 2n, previousId: 0n }),
    ]);
    expect(threadOf(ledger, ledger.agreements.get(1n)!).map((p) => threadStatus(ledger, p))).toEqual(["closed", "active"]);
  });

  it("shows the differences between versions side by side", () => {
    const rows = diffTerms([terms(6000), terms(5000, { referralTiers: [{ fromVolume: 10n * ETH, feeBps: 700, holdbackPeriod: 3600 }, { fromVolume: 20n * ETH, feeBps: 800, holdbackPeriod: 0 }], holdbackPeriod: 86400, refunder: HOTEL })], {
      amount: (v) => `${v / ETH} ETH`,
      name: (a) => (a === HOTEL ? "Hotel" : "Airline"),
      date: (s) => s.toString(),
    });
    const byField = Object.fromEntries(rows.map((r) => [r.field, r]));
    expect(byField["Share: Hotel"]).toEqual({ field: "Share: Hotel", values: ["60%", "50%"], changed: true });
    expect(byField["Tiers"]!.values).toEqual(["none", "7% from 10 ETH, held 1 hour, 8% from 20 ETH, credited at once"]);
    expect(byField["Holdback"]!.values).toEqual(["none", "1 day"]);
    expect(byField["Referral rate"]!.changed).toBe(false);
  });

  it("compares versions by the terms' text, not by their hash (issue 13, point 9)", () => {
    const rows = diffTerms([terms(6000, { termsURI: "data:text/plain,Weekend%20packages" }), terms(6000, { termsURI: "data:text/plain,Weekend%20packages%2C%20refundable", termsHash: `0x${"22".repeat(32)}` })], {
      amount: String,
      name: String,
      date: String,
    });
    expect(rows.find((r) => r.field === "Terms text")).toEqual({ field: "Terms text", values: ["Weekend packages", "Weekend packages, refundable"], changed: true });
  });
});

describe("held payments in the payouts feed", () => {
  const held = (holdId: bigint, amount: bigint) => ({ holdId, agreementId: 1n, payer: ALICE, referrer: AGENT, asset: ZERO, amount, networkFee: 0n, referralFee: amount / 10n, vendorShare: amount - amount / 10n, releaseAt: 1_750_000_000n, refundTo: ALICE });
  // v2's PaymentSplit: no asset, no split (the ledger derives it from the terms).
  const split = (amount: bigint) => ev("PaymentSplit", { agreementId: 1n, payer: ALICE, referrer: AGENT, amount, orderRef: `0x${"00".repeat(32)}` });
  it("credits a held payment's referral fee only when released, and a refund to its payer", () => {
    const events: ProtocolEvent[] = [];
    const pay = (holdId: bigint, amount: bigint) => {
      const s = split(amount);
      events.push(s, { ...ev("PaymentHeld", { holdId, agreementId: 1n, held: held(holdId, amount) }), transactionHash: s.transactionHash } as ProtocolEvent);
    };
    pay(1n, 2n * ETH);
    pay(2n, ETH);
    const ledger = build(events);
    expect(earningsOf(events, ledger, AGENT)).toEqual([]);
    events.push(ev("HeldPaymentReleased", { holdId: 1n, agreementId: 1n }), ev("HeldPaymentRefunded", { holdId: 2n, agreementId: 1n, refundTo: ALICE, amount: ETH }));
    const after = build(events);
    expect(earningsOf(events, after, AGENT).map((e) => [e.kind, e.amount, e.released])).toEqual([["referral", ETH / 5n, true]]);
    expect(earningsOf(events, after, ALICE).map((e) => [e.kind, e.amount])).toEqual([["refund", ETH]]);
  });

  it("credits a payment at once by the split the ledger derives from the terms, and a claim as a payout", () => {
    const agreement = [
      ev("AgreementProposed", { agreementId: 3n, networkId: 1n, proposer: HOTEL, previousId: 0n, version: 1, terms: terms(6000) }),
      ev("AgreementAccepted", { agreementId: 3n, party: HOTEL, bySignature: false }),
      ev("AgreementAccepted", { agreementId: 3n, party: AIRLINE, bySignature: false }),
      ev("AgreementActivated", { agreementId: 3n, previousId: 0n }),
    ];
    const events = [...agreement, ev("PaymentSplit", { agreementId: 3n, payer: ALICE, referrer: AGENT, amount: 2n * ETH, orderRef: `0x${"00".repeat(32)}` })];
    // terms(): referral fee 5%, network fee 1% to the hotel, the hotel has 60% of the vendor share (94%).
    expect(earningsOf(events, build(events), AGENT).map((e) => [e.kind, e.amount])).toEqual([["referral", ETH / 10n]]);
    expect(earningsOf(events, build(events), HOTEL).map((e) => [e.kind, e.amount])).toEqual([
      ["share", (2n * ETH * 94n) / 100n * 6n / 10n],
      ["network-fee", (2n * ETH) / 100n],
    ]);
    events.push(ev("EarningsPaid", { agreementId: 3n, account: HOTEL, partyShare: 5n, networkFee: 2n }));
    expect(earningsOf(events, build(events), HOTEL).at(-1)).toMatchObject({ kind: "withdrawal", asset: ZERO, amount: -7n });
  });
});

describe("loyalty tiers", () => {
  const tiers = [
    { fromVolume: 10n * ETH, feeBps: 700, holdbackPeriod: 0 },
    { fromVolume: 20n * ETH, feeBps: 900, holdbackPeriod: 0 },
  ];
  it("gives the tier reached and the distance to the next one", () => {
    expect(tierProgress(500, tiers, 68n * ETH / 10n)).toEqual({ tier: 0, feeBps: 500, volume: 68n * ETH / 10n, next: { tier: 1, feeBps: 700, fromVolume: 10n * ETH, remaining: 32n * ETH / 10n } });
    expect(tierProgress(500, tiers, 10n * ETH).tier).toBe(1);
    expect(tierProgress(500, tiers, 25n * ETH)).toEqual({ tier: 2, feeBps: 900, volume: 25n * ETH });
    expect(tierProgress(500, [], 25n * ETH)).toEqual({ tier: 0, feeBps: 500, volume: 25n * ETH });
  });
});
