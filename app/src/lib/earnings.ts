/**
 * An account's incoming payouts, event by event: referral fees, its share of each payment to an agreement
 * it is a party of (the rise of its open entitlement, by the shared split rules), network fees it collects,
 * and its withdrawals and claims. Feeds the Payouts page's live feed and chart. Since v2 a `PaymentSplit`
 * carries no split: each payment's split is the one the shared ledger derived (its `payments`).
 */
import { formatUnits, type Address } from "viem";

import type { Ledger } from "../../../client/ledger.js";
import { sameAddress } from "../../../client/ledger.js";
import { ETH } from "../../../client/protocol.js";
import { sampleEvenly } from "../../../client/risk-series.js";
import { openEntitlement } from "../../../client/split-math.js";
import type { ProtocolEvent } from "./protocolLog";
import { heldSplitKeys } from "./dynamic";
import type { HeldPayment as HeldPaymentRecord } from "../../../client/decode-events.js";

export interface Earning {
  key: string;
  kind: "referral" | "share" | "network-fee" | "withdrawal" | "refund";
  /** Credited by the release of a held payment. */
  released?: boolean;
  agreementId?: bigint;
  asset: Address;
  /** Positive for earnings, negative for a withdrawal. */
  amount: bigint;
  blockNumber: bigint;
  transactionHash: `0x${string}`;
}

export function earningsOf(events: readonly ProtocolEvent[], ledger: Ledger, account: Address): Earning[] {
  const out: Earning[] = [];
  const pools = new Map<bigint, bigint>();
  // A held payment credits nobody when it is made: its split counts when (and if) it is released.
  const held = heldSplitKeys(events);
  const records = new Map<bigint, HeldPaymentRecord>();
  const payments = new Map(ledger.payments.map((p) => [`${p.transactionHash}:${p.logIndex}`, p]));
  for (const event of events) {
    const e = event as unknown as { eventName: string; args: Record<string, unknown> };
    const base = { blockNumber: event.blockNumber, transactionHash: event.transactionHash, key: `${event.transactionHash}:${event.logIndex}` };
    let split: { agreementId: bigint; referrer: Address; asset: Address; referralFee: bigint; networkFee: bigint; vendorShare: bigint } | undefined;
    let released = false;
    if (e.eventName === "PaymentSplit" && !held.has(`${event.transactionHash}:${String(e.args.agreementId)}`)) {
      split = payments.get(`${event.transactionHash}:${event.logIndex}`);
    } else if (e.eventName === "PaymentHeld") {
      records.set(e.args.holdId as bigint, e.args.held as HeldPaymentRecord);
    } else if (e.eventName === "HeldPaymentReleased") {
      split = records.get(e.args.holdId as bigint);
      released = true;
    } else if (e.eventName === "HeldPaymentRefunded" && sameAddress(e.args.refundTo as string, account)) {
      const record = records.get(e.args.holdId as bigint);
      if (record) out.push({ ...base, kind: "refund", agreementId: record.agreementId, asset: record.asset, amount: e.args.amount as bigint });
    } else if (e.eventName === "Withdrawn" && sameAddress(e.args.account as string, account)) {
      out.push({ ...base, kind: "withdrawal", asset: e.args.asset as Address, amount: -(e.args.amount as bigint) });
    } else if (e.eventName === "EarningsPaid" && sameAddress(e.args.account as string, account)) {
      // claim(agreementId): earnings paid straight out, a withdrawal of that agreement's asset.
      const asset = ledger.agreements.get(e.args.agreementId as bigint)?.asset;
      const paid = (e.args.partyShare as bigint) + (e.args.networkFee as bigint);
      if (asset && paid > 0n) out.push({ ...base, kind: "withdrawal", agreementId: e.args.agreementId as bigint, asset, amount: -paid });
    }
    if (split) {
      const { agreementId, referrer, asset, referralFee, networkFee, vendorShare } = split;
      const r = released ? { released: true } : {};
      if (!sameAddress(referrer, ETH) && sameAddress(referrer, account) && referralFee > 0n) {
        out.push({ ...base, ...r, key: `${base.key}:r`, kind: "referral", agreementId, asset, amount: referralFee });
      }
      const agreement = ledger.agreements.get(agreementId);
      const before = pools.get(agreementId) ?? 0n;
      const after = before + vendorShare;
      pools.set(agreementId, after);
      if (!agreement) continue;
      const party = agreement.parties.find((p) => sameAddress(p.account, account));
      if (party) {
        const gain = openEntitlement({ vendorPool: after, shareBps: party.shareBps }) - openEntitlement({ vendorPool: before, shareBps: party.shareBps });
        if (gain > 0n) out.push({ ...base, ...r, key: `${base.key}:s`, kind: "share", agreementId, asset, amount: gain });
      }
      if (sameAddress(agreement.feeRecipient, account) && networkFee > 0n) {
        out.push({ ...base, ...r, key: `${base.key}:n`, kind: "network-fee", agreementId, asset, amount: networkFee });
      }
    }
  }
  return out;
}

export interface ChartPoint {
  blockNumber: bigint;
  /** Cumulative earnings (withdrawals excluded) up to this block. */
  total: bigint;
}

/** Cumulative earnings in `asset`, downsampled to at most `maxPoints` points. */
export function cumulativeEarnings(earnings: readonly Earning[], asset: Address, maxPoints = 120): ChartPoint[] {
  const points: ChartPoint[] = [];
  let total = 0n;
  for (const e of earnings) {
    if (e.amount <= 0n || e.kind === "refund" || !sameAddress(e.asset, asset)) continue;
    total += e.amount;
    const last = points[points.length - 1];
    if (last && last.blockNumber === e.blockNumber) last.total = total;
    else points.push({ blockNumber: e.blockNumber, total });
  }
  return sampleEvenly(points, maxPoints);
}

/** Payments received by the agreements of network `networkId`, per event: the network's volume, for its operator. */
export function networkPayments(events: readonly ProtocolEvent[], ledger: Ledger, networkId: bigint): Earning[] {
  const out: Earning[] = [];
  for (const event of events) {
    if (event.eventName !== "PaymentSplit") continue;
    // v2's PaymentSplit names no asset: a payment is in its agreement's asset.
    const { agreementId, amount } = event.args;
    const agreement = ledger.agreements.get(agreementId);
    if (agreement?.networkId !== networkId) continue;
    out.push({ key: `${event.transactionHash}:${event.logIndex}`, kind: "share", agreementId, asset: agreement.asset, amount, blockNumber: event.blockNumber, transactionHash: event.transactionHash });
  }
  return out;
}

/** One chart series: unix seconds and values in whole units of the asset, aligned. */
export interface TimeSeries {
  times: number[];
  values: number[];
}

/** A further line on the same time axis as a chart's main series (values aligned with its times). */
export interface ChartLine {
  label: string;
  values: number[];
  /** Its colour (CSS). */
  stroke: string;
}

/**
 * `points` placed in time by their blocks' timestamps (points whose block time is not known yet are left
 * out), the values in whole units of an asset with `decimals` (a chart's axis needs numbers, not base units).
 */
export function timeSeriesOf(points: readonly ChartPoint[], blockTimes: ReadonlyMap<bigint, bigint>, decimals: number): TimeSeries {
  const times: number[] = [];
  const values: number[] = [];
  for (const p of points) {
    const t = blockTimes.get(p.blockNumber);
    if (t === undefined) continue;
    times.push(Number(t));
    values.push(Number(formatUnits(p.total, decimals)));
  }
  return { times, values };
}
