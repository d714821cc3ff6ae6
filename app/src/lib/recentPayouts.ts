/**
 * The newest page of a partner's payouts read straight from the RPC, without replaying its history: the
 * payments that pay it (`PaymentSplit` by its `referrer` topic, and those of each agreement naming it by
 * the `agreementId` topic) are read backwards from the head, the block window widening until a page is
 * filled. Each payment's split is exact: its agreement's terms (from the setup events, which hold no
 * payment) and, for a tiered or held payment, its own transaction's `ReferralTierApplied` and `PaymentHeld`,
 * by the shared rules (client/ledger.ts `paymentTerms`, client/split-math.ts); a held payment's status
 * from its later `HeldPaymentReleased` or `HeldPaymentRefunded`. So the page is the one the whole ledger
 * gives (src/lib/payouts.ts `payoutPageFromLedger`), only sooner.
 */
import { toEventSelector, type Address, type Hex } from "viem";

import { isTieredPayment, paymentTerms, type Ledger, type LedgerAgreement } from "../../../client/ledger.js";
import { splitPayment } from "../../../client/split-math.js";
import { ecoshareAbi } from "../contracts/abis";
import { addressTopic, chunks, idTopic, IDS_PER_REQUEST, type TopicFilter } from "./partnerLog";
import { paysAccount, rolesOf, type FeedPayment } from "./payouts";
import { compareEvents, eventKey, type EventOf, type ProtocolEvent } from "./protocolLog";

const selector = (name: "PaymentSplit" | "HeldPaymentReleased" | "HeldPaymentRefunded") =>
  toEventSelector(ecoshareAbi.find((item) => item.type === "event" && item.name === name) as never);

/** Where an older page starts: strictly below this log, reading from a window of `blockRange` blocks. */
export interface FeedCursor {
  blockNumber: bigint;
  logIndex: number;
  blockRange: bigint;
}

export interface RecentPayoutPage {
  payments: FeedPayment[];
  /** Where the next (older) page starts; undefined when there is none. */
  before: FeedCursor | undefined;
}

/** One window of a backward read: its events decoded, and the range to resume from. */
export interface EventWindow {
  fromBlock: bigint;
  events: ProtocolEvent[];
  nextBlockRange: bigint;
}

export type ReadRecentPayoutsParameters = {
  account: Address;
  /** The ledger of the setup events (every network and agreement; no payment is needed). */
  setup: Ledger;
  /** The deploy block, and the block the page is read at. */
  fromBlock: bigint;
  toBlock: bigint;
  /** The page's start (undefined: the newest). */
  before?: FeedCursor | undefined;
  size: number;
  /** The first window's range for a first page. */
  blockRange: bigint;
  /** The contract's logs matching `topics` from `toBlock` back to `fromBlock`, newest window first. */
  readBackward: (args: { topics: TopicFilter; fromBlock: bigint; toBlock: bigint; blockRange: bigint }) => AsyncIterable<EventWindow>;
  /** The contract's events of one transaction (from its receipt), decoded. */
  transactionEvents: (hash: Hex) => Promise<ProtocolEvent[]>;
  /** The contract's logs matching `topics` in `[fromBlock, toBlock]`, decoded. */
  read: (args: { topics: TopicFilter; fromBlock: bigint; toBlock: bigint }) => Promise<ProtocolEvent[]>;
};

/** The page of `size` payments paying `account`, newest first, below `before`. */
export async function readRecentPayouts({ account, setup, fromBlock, toBlock, before, size, blockRange, readBackward, transactionEvents, read }: ReadRecentPayoutsParameters): Promise<RecentPayoutPage> {
  const roles = rolesOf(setup, account);
  const ps = selector("PaymentSplit");
  const filters: TopicFilter[] = [[ps, null, null, addressTopic(account)], ...chunks([...roles.keys()], IDS_PER_REQUEST).map((ids) => [ps, ids.map(idTopic)])];
  const top = before ? before.blockNumber : toBlock;
  const below = (e: ProtocolEvent) => !before || e.blockNumber < before.blockNumber || (e.blockNumber === before.blockNumber && e.logIndex < before.logIndex);
  const streams = filters.map((topics) => ({
    windows: readBackward({ topics, fromBlock, toBlock: top, blockRange: before?.blockRange ?? blockRange })[Symbol.asyncIterator](),
    low: top + 1n,
    done: top < fromBlock,
    range: before?.blockRange ?? blockRange,
  }));
  const seen = new Map<string, EventOf<"PaymentSplit">>();
  const built = new Map<string, FeedPayment>();
  try {
    for (;;) {
      const active = streams.filter((s) => !s.done);
      // Every stream has read the blocks from `floor` up: the payments there are all known, in order.
      const floor = active.length === 0 ? fromBlock : active.reduce((m, s) => (s.low > m ? s.low : m), active[0]!.low);
      const known = [...seen.values()].filter((e) => e.blockNumber >= floor).sort((a, b) => compareEvents(b, a));
      // Built newest first, only as far as the page needs: a busy window holds many more payments than a page,
      // and a tiered or held one costs its transaction's receipt.
      const paying: Building[] = [];
      for (let next = 0; paying.length <= size && next < known.length; ) {
        const chunk = known.slice(next, next + size + 1 - paying.length);
        next += chunk.length;
        await buildPayments(chunk.filter((e) => !built.has(eventKey(e))), setup, transactionEvents, built);
        for (const e of chunk) {
          const payment = built.get(eventKey(e))!;
          if (paysAccount(payment, account, roles)) paying.push(payment);
        }
      }
      // One more than a page: then an older page is known to exist.
      if (paying.length > size || active.length === 0) {
        const payments = paying.slice(0, size);
        await settleHeld(payments, toBlock, read);
        const last = payments[payments.length - 1];
        const more = paying.length > size;
        const range = streams.reduce((m, s) => (s.range < m ? s.range : m), streams[0]?.range ?? blockRange);
        return { payments: payments.map(publicFields), before: more && last ? { blockNumber: last.blockNumber, logIndex: last.logIndex, blockRange: range } : undefined };
      }
      // Read on where the known part ends: the stream that has read the least far back.
      const next = active.find((s) => s.low === floor)!;
      const step = await next.windows.next();
      if (step.done) {
        next.done = true;
        continue;
      }
      next.low = step.value.fromBlock;
      next.range = step.value.nextBlockRange;
      if (next.low <= fromBlock) next.done = true;
      for (const e of step.value.events) if (e.eventName === "PaymentSplit" && below(e)) seen.set(eventKey(e), e);
    }
  } finally {
    await Promise.all(streams.map((s) => s.windows.return?.()));
  }
}

/** A payment being built: with its hold id while its settlement is not yet read. */
type Building = FeedPayment & { holdId?: bigint };

/** Builds the payments of `events`, reading the transactions of tiered or held ones once each. */
async function buildPayments(events: readonly EventOf<"PaymentSplit">[], setup: Ledger, transactionEvents: ReadRecentPayoutsParameters["transactionEvents"], built: Map<string, FeedPayment>) {
  const needs = (e: EventOf<"PaymentSplit">) => {
    const agreement = agreementOf(setup, e.args.agreementId);
    return isTieredPayment(agreement, e.args.referrer) || agreement.holdbackPeriod !== 0;
  };
  const hashes = [...new Set(events.filter(needs).map((e) => e.transactionHash))];
  const transactions = new Map(await Promise.all(hashes.map(async (h) => [h, await transactionEvents(h)] as const)));
  for (const e of events) built.set(eventKey(e), paymentOf(e, agreementOf(setup, e.args.agreementId), transactions.get(e.transactionHash) ?? []));
}

function agreementOf(setup: Ledger, id: bigint): LedgerAgreement {
  const agreement = setup.agreements.get(id);
  if (!agreement) throw new Error(`A payment names agreement ${id}, which the setup events do not create: the log read is incomplete. Reload the page.`);
  return agreement;
}

/**
 * One payment's split and status from its agreement's terms and the other events of its transaction: the
 * `ReferralTierApplied` emitted just before it (a tiered payment) and the `PaymentHeld` just after (held).
 */
export function paymentOf(event: EventOf<"PaymentSplit">, agreement: LedgerAgreement, transaction: readonly ProtocolEvent[]): Building {
  const { agreementId, referrer, amount } = event.args;
  const sorted = [...transaction].sort(compareEvents);
  const at = sorted.findIndex((e) => e.logIndex === event.logIndex);
  let splitBefore = -1;
  for (let i = 0; i < at; i++) if (sorted[i]!.eventName === "PaymentSplit") splitBefore = i;
  const nextSplit = sorted.findIndex((e, i) => i > at && e.eventName === "PaymentSplit");
  const line = sorted.slice(splitBefore + 1, nextSplit === -1 ? undefined : nextSplit);
  let volumeBefore: bigint | undefined;
  if (isTieredPayment(agreement, referrer)) {
    const applied = line.find((e): e is EventOf<"ReferralTierApplied"> => e.eventName === "ReferralTierApplied" && e.logIndex < event.logIndex);
    if (!applied) throw new Error(`The tiered payment in transaction ${event.transactionHash} has no ReferralTierApplied: its fee cannot be known.`);
    volumeBefore = applied.args.volumeBefore;
  }
  const { feeBps, holdbackPeriod } = paymentTerms({ agreement, referrer, volumeBefore });
  const base = {
    agreementId,
    asset: agreement.asset,
    referrer,
    ...splitPayment({ amount, networkFeeBps: agreement.networkFeeBps, referralFeeBps: feeBps }),
    blockNumber: event.blockNumber,
    transactionHash: event.transactionHash,
    logIndex: event.logIndex,
  };
  if (holdbackPeriod === 0) return { ...base, status: "credited" };
  const held = line.find((e): e is EventOf<"PaymentHeld"> => e.eventName === "PaymentHeld" && e.logIndex > event.logIndex);
  if (!held) throw new Error(`The held payment in transaction ${event.transactionHash} has no PaymentHeld: its status cannot be known.`);
  return { ...base, status: "pending", holdId: held.args.holdId };
}

/** Marks each held payment released or refunded when a later event says so. */
async function settleHeld(payments: Building[], toBlock: bigint, read: ReadRecentPayoutsParameters["read"]) {
  const held = payments.filter((p) => p.holdId !== undefined);
  if (held.length === 0) return;
  const from = held.reduce((m, p) => (p.blockNumber < m ? p.blockNumber : m), held[0]!.blockNumber);
  const byHold = new Map(held.map((p) => [p.holdId!, p]));
  const reads = chunks([...byHold.keys()], IDS_PER_REQUEST).map((ids) => read({ topics: [[selector("HeldPaymentReleased"), selector("HeldPaymentRefunded")], ids.map(idTopic)], fromBlock: from, toBlock }));
  for (const e of (await Promise.all(reads)).flat()) {
    if (e.eventName !== "HeldPaymentReleased" && e.eventName !== "HeldPaymentRefunded") continue;
    const payment = byHold.get(e.args.holdId);
    if (payment && payment.agreementId === e.args.agreementId) payment.status = e.eventName === "HeldPaymentReleased" ? "released" : "refunded";
  }
}

function publicFields({ holdId: _holdId, ...payment }: Building): FeedPayment {
  return payment;
}
