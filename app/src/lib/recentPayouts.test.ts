import { describe, expect, it } from "vitest";

import type { Ledger, LedgerAgreement } from "../../../client/ledger.js";
import type { FeedPayment } from "./payouts";
import { readRecentPayouts, type EventWindow, type FeedCursor, type ReadRecentPayoutsParameters } from "./recentPayouts";
import type { ProtocolEvent } from "./protocolLog";
import type { TopicFilter } from "./partnerLog";

const ME = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const OTHER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ETH = "0x0000000000000000000000000000000000000000";

const agreement = (id: bigint, extra: Partial<LedgerAgreement>): LedgerAgreement =>
  ({ id, asset: ETH, parties: [], feeRecipient: OTHER, networkFeeBps: 100, referralFeeBps: 500, referralTiers: [], holdbackPeriod: 0, ...extra }) as unknown as LedgerAgreement;

/**
 * Agreement 1 pays the account a share (it is a party); agreement 2 it only refers to, with a loyalty
 * tier (10% from a volume of 1,000) and a holdback.
 */
const setup = {
  agreements: new Map<bigint, LedgerAgreement>([
    [1n, agreement(1n, { parties: [{ account: ME, shareBps: 5_000, shareStart: 0, collected: 0n }] })],
    [2n, agreement(2n, { referralTiers: [{ fromVolume: 1_000n, feeBps: 1_000, holdbackPeriod: 1_800 }], holdbackPeriod: 3_600 })],
  ]),
} as unknown as Ledger;

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as const;
const ev = (eventName: string, block: number, logIndex: number, tx: number, args: Record<string, unknown>) =>
  ({ eventName, args, blockNumber: BigInt(block), logIndex, transactionHash: hash(tx), transactionIndex: 0 }) as unknown as ProtocolEvent;

/**
 * One payment per block from block 10 to 69: even blocks a payment to agreement 1 by another referrer
 * (the account's share), odd blocks one the account referred to agreement 2 (tiered, held: tier 1 from
 * block 40 on; those of blocks 41 to 49 released, block 51 refunded).
 */
function chain() {
  const events: ProtocolEvent[] = [];
  for (let b = 10; b < 70; b++) {
    if (b % 2 === 0) events.push(ev("PaymentSplit", b, 0, b, { agreementId: 1n, payer: OTHER, referrer: OTHER, amount: 10_000n, orderRef: hash(0) }));
    else {
      events.push(ev("ReferralTierApplied", b, 0, b, { agreementId: 2n, referrer: ME, tier: b >= 40 ? 1 : 0, feeBps: b >= 40 ? 1_000 : 500, volumeBefore: b >= 40 ? 1_000n : 0n }));
      events.push(ev("PaymentSplit", b, 1, b, { agreementId: 2n, payer: OTHER, referrer: ME, amount: 10_000n, orderRef: hash(0) }));
      events.push(ev("PaymentHeld", b, 2, b, { holdId: BigInt(b), agreementId: 2n, held: {} }));
    }
  }
  for (let b = 41; b < 50; b += 2) events.push(ev("HeldPaymentReleased", 80, b, 1_000 + b, { holdId: BigInt(b), agreementId: 2n }));
  events.push(ev("HeldPaymentRefunded", 81, 0, 2_000, { holdId: 51n, agreementId: 2n, refundTo: OTHER, amount: 10_000n }));
  return events;
}

/** A chain in memory answering the reader's topic filters like `eth_getLogs` (only the filters the reader uses). */
function source(events: ProtocolEvent[]) {
  const matches = (topics: TopicFilter, e: ProtocolEvent) => {
    const args = e.args as Record<string, unknown>;
    if (topics.length === 4) return e.eventName === "PaymentSplit" && String(args.referrer).toLowerCase() === ME.toLowerCase();
    if (topics[0]!.length === 2) return (e.eventName === "HeldPaymentReleased" || e.eventName === "HeldPaymentRefunded") && (topics[1] as string[]).includes(`0x${(args.holdId as bigint).toString(16).padStart(64, "0")}`);
    return e.eventName === "PaymentSplit" && (topics[1] as string[]).includes(`0x${(args.agreementId as bigint).toString(16).padStart(64, "0")}`);
  };
  const windows: [bigint, bigint][] = [];
  const receipts: string[] = [];
  const parameters: Omit<ReadRecentPayoutsParameters, "before" | "size"> = {
    account: ME,
    setup,
    fromBlock: 5n,
    toBlock: 90n,
    blockRange: 2n,
    readBackward: async function* ({ topics, fromBlock, toBlock, blockRange }): AsyncGenerator<EventWindow> {
      let range = blockRange;
      for (let to = toBlock; to >= fromBlock; ) {
        const from = to - range + 1n > fromBlock ? to - range + 1n : fromBlock;
        windows.push([from, to]);
        const found = events.filter((e) => e.blockNumber >= from && e.blockNumber <= to && matches(topics, e));
        range = found.length * 2 < 4 ? range * 2n : range;
        yield { fromBlock: from, events: found, nextBlockRange: range };
        to = from - 1n;
      }
    },
    read: async ({ topics, fromBlock, toBlock }) => events.filter((e) => e.blockNumber >= fromBlock && e.blockNumber <= toBlock && matches(topics, e)),
    transactionEvents: async (h) => {
      receipts.push(h);
      return events.filter((e) => e.transactionHash === h);
    },
  };
  return { parameters, windows, receipts };
}

describe("the newest payouts read backwards from the head", () => {
  it("fills a page newest first from both streams, each payment's split and status exact", async () => {
    const { parameters } = source(chain());
    const page = await readRecentPayouts({ ...parameters, size: 5 });
    expect(page.payments.map((p) => Number(p.blockNumber))).toEqual([69, 68, 67, 66, 65]);
    const [referred, share] = page.payments;
    // Tier 1 (10%) once the referrer's volume reached 1,000; 1% network fee.
    expect(referred).toMatchObject({ agreementId: 2n, referralFee: 1_000n, networkFee: 100n, vendorShare: 8_900n, status: "pending" });
    expect(share).toMatchObject({ agreementId: 1n, referralFee: 500n, networkFee: 100n, vendorShare: 9_400n, status: "credited" });
    expect(page.before).toMatchObject({ blockNumber: 65n, logIndex: 1 });
  });

  it("continues below the cursor: every payment once, in order, down to the deploy block", async () => {
    const { parameters, receipts } = source(chain());
    const all: FeedPayment[] = [];
    let before: FeedCursor | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await readRecentPayouts({ ...parameters, size: 7, before });
      all.push(...page.payments);
      before = page.before;
      if (!before) break;
    }
    expect(before).toBeUndefined();
    expect(all.map((p) => Number(p.blockNumber))).toEqual(Array.from({ length: 60 }, (_, i) => 69 - i));
    const status = (b: number) => all.find((p) => p.blockNumber === BigInt(b))!.status;
    expect([status(41), status(49), status(51), status(53), status(10)]).toEqual(["released", "released", "refunded", "pending", "credited"]);
    // Before tier 1: the base 5%.
    expect(all.find((p) => p.blockNumber === 39n)!.referralFee).toBe(500n);
    // Only tiered or held payments' transactions are read, each once per page that shows it.
    expect(receipts.every((h) => Number(BigInt(h)) % 2 === 1)).toBe(true);
  });

  it("reads only the windows a page needs", async () => {
    const { parameters, windows } = source(chain());
    await readRecentPayouts({ ...parameters, size: 3 });
    const lowest = windows.reduce((m, [from]) => (from < m ? from : m), 1_000n);
    expect(lowest).toBeGreaterThan(50n);
  });

  it("builds only the payments a page shows, even when one window holds them all", async () => {
    const { parameters, windows, receipts } = source(chain());
    const page = await readRecentPayouts({ ...parameters, blockRange: 100n, size: 3 });
    // One window per stream (the referrer topic, the agreements naming the account), each the whole range.
    expect(windows).toEqual([[5n, 90n], [5n, 90n]]);
    expect(page.payments.map((p) => Number(p.blockNumber))).toEqual([69, 68, 67]);
    // The window holds 30 tiered payments; only those of the page and the one past it are read: blocks 69 and 67.
    expect(receipts.map((h) => Number(BigInt(h)))).toEqual([69, 67]);
  });

  it("says in plain words when a tiered payment's transaction lacks its tier", async () => {
    const events = chain().filter((e) => !(e.eventName === "ReferralTierApplied" && e.blockNumber === 69n));
    const { parameters } = source(events);
    await expect(readRecentPayouts({ ...parameters, size: 2 })).rejects.toThrow(/has no ReferralTierApplied: its fee cannot be known/);
  });
});
