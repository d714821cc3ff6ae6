/**
 * Risk figures over time, by the same rules as `riskFigures` (client/risk.ts): for one referrer, vendor
 * or network and each asset, the cumulative paid, refunded, released and still-held volume after every block
 * that changed them. A payment counts as paid (and, when held, as held) in the block that paid it; a held
 * payment leaves "held" for "released" or "refunded" in the block that settled it. The last point of each
 * series equals that subject's `riskFigures` row.
 */
import type { EcoshareEvent } from "./decode-events.js";
import type { Address } from "viem";
import { sameAddress, type Ledger } from "./ledger.js";
import { riskSubjectsOf, type RiskScope } from "./risk.js";

/** The figures after one block. */
export interface RiskPoint {
  blockNumber: bigint;
  paid: bigint;
  refunded: bigint;
  released: bigint;
  held: bigint;
  /** Paid minus refunded minus still held, as in `riskFigures`. */
  clean: bigint;
}

/** One asset's figures over time, oldest first. */
export interface RiskSeries {
  asset: Address;
  points: RiskPoint[];
}

export interface RiskSeriesParameters {
  /** The ledger built from `events`. */
  ledger: Ledger;
  /** The same events, for the blocks that settled held payments. */
  events: Iterable<EcoshareEvent>;
  scope: RiskScope;
  subject: string;
  /** At most this many points per series (evenly sampled, the last kept); 120 when not given. */
  maxPoints?: number;
}

interface Change {
  blockNumber: bigint;
  paid: bigint;
  held: bigint;
  released: bigint;
  refunded: bigint;
}

/** `subject`'s risk figures over time, one series per asset in order of first payment. */
export function riskSeries({ ledger, events, scope, subject, maxPoints = 120 }: RiskSeriesParameters): RiskSeries[] {
  const settledAt = new Map<bigint, bigint>();
  for (const event of events) {
    if (event.eventName === "HeldPaymentReleased" || event.eventName === "HeldPaymentRefunded") settledAt.set(event.args.holdId, event.blockNumber);
  }
  const changes = new Map<string, { asset: Address; list: Change[] }>();
  for (const p of ledger.payments) {
    if (!riskSubjectsOf(ledger, p).some(([s, who]) => s === scope && sameAddress(who, subject))) continue;
    const key = p.asset.toLowerCase();
    const entry = changes.get(key) ?? { asset: p.asset, list: [] };
    changes.set(key, entry);
    const held = p.holdId !== undefined;
    entry.list.push({ blockNumber: p.blockNumber, paid: p.amount, held: held ? p.amount : 0n, released: 0n, refunded: 0n });
    const settled = p.holdId === undefined ? undefined : settledAt.get(p.holdId);
    if (settled !== undefined && (p.status === "released" || p.status === "refunded")) {
      entry.list.push({ blockNumber: settled, paid: 0n, held: -p.amount, released: p.status === "released" ? p.amount : 0n, refunded: p.status === "refunded" ? p.amount : 0n });
    }
  }
  return [...changes.values()].map(({ asset, list }) => ({ asset, points: sampleEvenly(cumulate(list), maxPoints) }));
}

function cumulate(list: Change[]): RiskPoint[] {
  list.sort((a, b) => (a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : 0));
  const points: RiskPoint[] = [];
  let paid = 0n;
  let held = 0n;
  let released = 0n;
  let refunded = 0n;
  for (const c of list) {
    paid += c.paid;
    held += c.held;
    released += c.released;
    refunded += c.refunded;
    const point = { blockNumber: c.blockNumber, paid, refunded, released, held, clean: paid - refunded - held };
    if (points.at(-1)?.blockNumber === c.blockNumber) points[points.length - 1] = point;
    else points.push(point);
  }
  return points;
}

/** At most `maxPoints` of `points`, evenly spaced, the last one always kept (for charts). */
export function sampleEvenly<T>(points: T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return points;
  const step = points.length / maxPoints;
  const sampled: T[] = [];
  for (let i = 0; i < maxPoints - 1; i++) sampled.push(points[Math.floor(i * step)]!);
  sampled.push(points[points.length - 1]!);
  return sampled;
}
