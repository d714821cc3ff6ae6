/**
 * One partner's part of the event log, read by the topics that name it, so its Payouts page does not
 * replay everybody's payments. The shared ledger rules applied to it give the partner's figures exactly:
 *
 * - every event that sets up networks and agreements (few: no payment among them), read whole;
 * - the payments it referred (`PaymentSplit` by its `referrer` topic), made (`payer`), the held payments
 *   refunded to it (`HeldPaymentRefunded` by `refundTo`) and its withdrawals (`Withdrawn` by `account`);
 * - every payment-side event of each agreement concerned (by its `agreementId` topic): those naming it as
 *   a party or fee recipient, and those it referred, paid or was refunded in, with every version of their
 *   lineages. Each such agreement's history is then whole, so its pool, held payments and tiers are the
 *   ledger's.
 *
 * Which arguments are indexed (topics) is the contract's: contracts/interfaces/IReferralPayments.sol.
 */
import { pad, toEventSelector, type Address, type Hex } from "viem";

import { buildLedger, sameAddress } from "../../../client/ledger.js";
import { ecoshareAbi } from "../contracts/abis";
import { isNamedIn } from "./agreements";
import { compareEvents, mergeEvents, type ProtocolEvent } from "./protocolLog";

export type TopicFilter = readonly (Hex | readonly Hex[] | null)[];

type EventName = Extract<(typeof ecoshareAbi)[number], { type: "event" }>["name"];

const selector = (name: EventName): Hex => toEventSelector(ecoshareAbi.find((item) => item.type === "event" && item.name === name) as never);

/** Payment-side events: everything else only sets up networks and agreements. */
const PAYMENT_SIDE: readonly EventName[] = [
  "OrderPaid",
  "PaymentSplit",
  "ReferralTierApplied",
  "PaymentHeld",
  "HeldPaymentReleased",
  "HeldPaymentRefunded",
  "EarningsCollected",
  "EarningsPaid",
  "Withdrawn",
];
const EVENT_NAMES = ecoshareAbi.flatMap((item) => (item.type === "event" ? [item.name as EventName] : []));
const SETUP = EVENT_NAMES.filter((name) => !PAYMENT_SIDE.includes(name)).map(selector);
/** The events that set up networks and agreements (no payment among them): few, read whole. */
export const SETUP_FILTER: TopicFilter = [SETUP];
/** Events whose first indexed argument is the agreement id. */
const BY_AGREEMENT_TOPIC1 = (["PaymentSplit", "ReferralTierApplied", "EarningsCollected", "EarningsPaid"] as const).map(selector);
/** Events whose second indexed argument is the agreement id (the first is the hold id). */
const BY_AGREEMENT_TOPIC2 = (["PaymentHeld", "HeldPaymentReleased", "HeldPaymentRefunded"] as const).map(selector);
/** Agreement ids per request: RPCs cap the alternatives a topic may list. */
export const IDS_PER_REQUEST = 50;


export const addressTopic = (account: Address): Hex => pad(account.toLowerCase() as Hex, { size: 32 });
export const idTopic = (id: bigint): Hex => pad(`0x${id.toString(16)}`, { size: 32 });

export type ReadPartnerLogParameters = {
  account: Address;
  from: bigint;
  to: bigint;
  /** The deploy block: an agreement that joins the partner's set is read from here. */
  deployBlock: bigint;
  /** What earlier reads kept (blocks before `from`). */
  kept: readonly ProtocolEvent[];
  /** Reads the contract's logs matching `topics` in `[from, to]`, decoded, in chain order. */
  read: (topics: TopicFilter, from: bigint, to: bigint) => Promise<ProtocolEvent[]>;
};

/** The partner's events of `[from, to]`, plus the earlier history of any agreement newly concerned. */
export async function readPartnerLog({ account, from, to, deployBlock, kept, read }: ReadPartnerLogParameters): Promise<ProtocolEvent[]> {
  const me = addressTopic(account);
  const ps = selector("PaymentSplit");
  const first = await Promise.all([
    read([SETUP], from, to),
    read([ps, null, null, me], from, to),
    read([ps, null, me], from, to),
    read([selector("HeldPaymentRefunded"), null, null, me], from, to),
    read([selector("Withdrawn"), me], from, to),
  ]);
  const before = concernedAgreements(kept, account);
  const known = mergeEvents(kept, first.flat().sort(compareEvents));
  const now = concernedAgreements(known, account);
  const added = [...now].filter((id) => !before.has(id));
  const reads: Promise<ProtocolEvent[]>[] = [...chunks([...now], IDS_PER_REQUEST).flatMap((ids) => byAgreement(ids, from, to, read))];
  // An agreement newly concerned (a first referral to an older agreement, say) brings its earlier history.
  if (from > deployBlock) for (const ids of chunks(added, IDS_PER_REQUEST)) reads.push(...byAgreement(ids, deployBlock, from - 1n, read));
  const second = await Promise.all(reads);
  return mergeEvents(first.flat().sort(compareEvents), second.flat().sort(compareEvents)).sort(compareEvents);
}

function byAgreement(ids: bigint[], from: bigint, to: bigint, read: ReadPartnerLogParameters["read"]): Promise<ProtocolEvent[]>[] {
  const topics = ids.map(idTopic);
  return [read([BY_AGREEMENT_TOPIC1, topics], from, to), read([BY_AGREEMENT_TOPIC2, null, topics], from, to)];
}

/** The agreements whose whole payment history the partner's figures need, with every version of their lineages. */
export function concernedAgreements(events: readonly ProtocolEvent[], account: Address): Set<bigint> {
  if (events.length === 0) return new Set();
  const setup = events.filter((e) => !(PAYMENT_SIDE as readonly string[]).includes(e.eventName));
  const ledger = buildLedger({ events: setup });
  const lineages = new Set<bigint>();
  for (const a of ledger.agreements.values()) if (isNamedIn(a, account)) lineages.add(a.lineageId);
  for (const e of events) {
    const args = e.args as Record<string, unknown>;
    const touches =
      (e.eventName === "PaymentSplit" && (sameAddress(args.referrer as string, account) || sameAddress(args.payer as string, account))) ||
      (e.eventName === "HeldPaymentRefunded" && sameAddress(args.refundTo as string, account));
    const lineage = touches ? ledger.agreements.get(args.agreementId as bigint)?.lineageId : undefined;
    if (lineage !== undefined) lineages.add(lineage);
  }
  return new Set([...ledger.agreements.values()].filter((a) => lineages.has(a.lineageId)).map((a) => a.id));
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
