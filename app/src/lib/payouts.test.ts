import { describe, expect, it } from "vitest";

import { mergePayoutStreams, payoutItemsOf, type IndexedFeedPayment, type PayoutRole } from "./payouts";

const ME = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const OTHER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ETH = "0x0000000000000000000000000000000000000000";

const payment = (index: number, agreementId: bigint, referrer: `0x${string}` = OTHER): IndexedFeedPayment => ({
  index,
  agreementId,
  asset: ETH,
  referrer,
  networkFee: 10n,
  referralFee: 100n,
  vendorShare: 1_000n,
  status: "credited",
  blockNumber: BigInt(100 + index),
  transactionHash: `0x${index.toString(16).padStart(64, "0")}`,
  logIndex: 0,
});

describe("the account's parts of a payment", () => {
  it("counts its referral fee, its share of the vendor share and the network fee it collects", () => {
    const roles = new Map<bigint, PayoutRole>([[1n, { shareBps: 2_500, feeRecipient: true }]]);
    expect(payoutItemsOf(payment(0, 1n, ME), ME, roles).map((i) => [i.kind, i.amount])).toEqual([
      ["referral", 100n],
      ["share", 250n],
      ["network-fee", 10n],
    ]);
    // Another referrer's payment to an agreement the account is not named in pays it nothing.
    expect(payoutItemsOf(payment(1, 2n), ME, roles)).toEqual([]);
    // ETH as referrer means "no referrer": no referral fee for anyone.
    expect(payoutItemsOf({ ...payment(2, 2n, ETH) }, ETH, new Map())).toEqual([]);
  });
});

describe("newest-first pages merged from several filtered streams", () => {
  const roles = new Map<bigint, PayoutRole>([[1n, { shareBps: 5_000, feeRecipient: false }]]);
  // All payments: even indices referred by the account to agreement 2, odd ones to its agreement 1.
  const all = Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? payment(i, 2n, ME) : payment(i, 1n)));
  const stream = (filter: (p: IndexedFeedPayment) => boolean, before: number | undefined, limit: number) => {
    const rows = all.filter((p) => filter(p) && (before === undefined || p.index < before)).reverse().slice(0, limit);
    return { rows, complete: rows.length < limit };
  };
  const page = (before: number | undefined, size: number) =>
    mergePayoutStreams([stream((p) => p.referrer === ME, before, size), stream((p) => p.agreementId === 1n, before, size)], ME, roles, size);

  it("gives every payment once, newest first, page after page, and stops at the oldest", () => {
    const seen: number[] = [];
    let before: number | undefined;
    for (let n = 0; n < 10; n++) {
      const next = page(before, 3);
      seen.push(...next.payments.map((p) => p.index));
      if (next.before === undefined) break;
      before = next.before;
    }
    expect(seen).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it("never skips a row a cut stream has not read yet", () => {
    // One stream is dense, the other sparse: a page must not reach below what the dense one read.
    const dense = { rows: [payment(9, 1n), payment(8, 1n)], complete: false };
    const sparse = { rows: [payment(3, 2n, ME)], complete: true };
    const merged = mergePayoutStreams([dense, sparse], ME, roles, 2);
    expect(merged.payments.map((p) => p.index)).toEqual([9, 8]);
    expect(merged.before).toBe(8);
  });
});
