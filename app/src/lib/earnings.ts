/**
 * An account's incoming payouts, event by event: referral fees, its share of each payment to an agreement
 * it is a party of (the rise of its open entitlement, by the shared split rules), network fees it collects,
 * and its withdrawals. Feeds the Payouts page's live feed and chart.
 */
import type { Address } from "viem";

import type { Ledger } from "../../../scripts/lib/ledger.js";
import { sameAddress } from "../../../scripts/lib/ledger.js";
import { ETH } from "../../../scripts/lib/protocol.js";
import { openEntitlement } from "../../../scripts/lib/split-math.js";
import type { ProtocolEvent } from "./protocolLog";

export interface Earning {
  key: string;
  kind: "referral" | "share" | "network-fee" | "withdrawal";
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
  for (const e of events) {
    const base = { blockNumber: e.blockNumber, transactionHash: e.transactionHash, key: `${e.transactionHash}:${e.logIndex}` };
    if (e.eventName === "PaymentSplit") {
      const { agreementId, referrer, asset, referralFee, networkFee, vendorShare } = e.args;
      if (!sameAddress(referrer, ETH) && sameAddress(referrer, account) && referralFee > 0n) {
        out.push({ ...base, key: `${base.key}:r`, kind: "referral", agreementId, asset, amount: referralFee });
      }
      const agreement = ledger.agreements.get(agreementId);
      const before = pools.get(agreementId) ?? 0n;
      const after = before + vendorShare;
      pools.set(agreementId, after);
      if (!agreement) continue;
      const party = agreement.parties.find((p) => sameAddress(p.account, account));
      if (party) {
        const gain = openEntitlement({ vendorPool: after, shareBps: party.shareBps }) - openEntitlement({ vendorPool: before, shareBps: party.shareBps });
        if (gain > 0n) out.push({ ...base, key: `${base.key}:s`, kind: "share", agreementId, asset, amount: gain });
      }
      if (sameAddress(agreement.feeRecipient, account) && networkFee > 0n) {
        out.push({ ...base, key: `${base.key}:n`, kind: "network-fee", agreementId, asset, amount: networkFee });
      }
    } else if (e.eventName === "Withdrawn" && sameAddress(e.args.account, account)) {
      out.push({ ...base, kind: "withdrawal", asset: e.args.asset, amount: -e.args.amount });
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
    if (e.amount <= 0n || !sameAddress(e.asset, asset)) continue;
    total += e.amount;
    const last = points[points.length - 1];
    if (last && last.blockNumber === e.blockNumber) last.total = total;
    else points.push({ blockNumber: e.blockNumber, total });
  }
  if (points.length <= maxPoints) return points;
  const step = points.length / maxPoints;
  const sampled: ChartPoint[] = [];
  for (let i = 0; i < maxPoints - 1; i++) sampled.push(points[Math.floor(i * step)]!);
  sampled.push(points[points.length - 1]!);
  return sampled;
}
