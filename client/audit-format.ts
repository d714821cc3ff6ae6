/**
 * The audit's words for people: one sentence per mismatch naming the account (with its label when known)
 * and the difference in the asset's units, and the short summary the command prints.
 */
import { formatAmount, type AssetInfo } from "./assets.js";
import type { AuditReport } from "./audit.js";
import type { Address } from "viem";
import { heldTotals, networkFeeTotals } from "./ledger.js";
import { AgreementStatus, enumName } from "./protocol.js";
import type { Holding, Mismatch } from "./reconcile.js";

/** Names for addresses, keyed by lower-case address (e.g. the demo cast). */
export type AddressLabels = ReadonlyMap<string, string>;

export type FormatMismatchParameters = { mismatch: Mismatch; assets: ReadonlyMap<string, AssetInfo>; labels?: AddressLabels };

/** One sentence: what differs, what the contract says, what the log gives, and the difference. */
export function formatMismatch({ mismatch: m, assets, labels }: FormatMismatchParameters): string {
  const asset = m.asset === undefined ? undefined : assets.get(m.asset.toLowerCase());
  const amount = (value: bigint | string) => (typeof value === "bigint" && isMoney(m) ? formatAmount(value, asset) : String(value));
  const difference = m.difference === undefined ? "" : ` (difference ${m.difference > 0n ? "+" : ""}${amount(m.difference)})`;
  const said = `the contract says ${amount(m.chain)}, the log gives ${amount(m.ledger)}${difference}`;
  const who = m.account === undefined ? "" : name(m.account, labels);
  switch (m.kind) {
    case "holdings":
      return `Shortfall in ${asset?.symbol ?? m.asset}: the contract holds ${amount(m.chain)} but owes ${amount(m.ledger)}${difference}.`;
    case "balance":
      return `Balance of ${who} in ${asset?.symbol ?? m.asset}: ${said}.`;
    case "collectable":
      return `Collectable of ${who} in agreement ${m.agreementId}: ${said}.`;
    case "agreement":
      return `Agreement ${m.agreementId} ${m.field}: ${said}.`;
    case "referral":
      return `Referral ${m.field} of ${who} in agreement ${m.agreementId}: ${said}.`;
    case "risk":
      return `Risk counter "${m.field}" of referrer ${who} in the lineage of agreement ${m.agreementId} does not match the events: ${said}.`;
    case "network":
      return `Network ${m.networkId} ${m.field}: ${said}.`;
    case "membership":
      return `Membership of ${who} in network ${m.networkId} (${m.field}): ${said}.`;
    case "counter":
      return `Counter-proposal nonce of ${who} (${m.field}): ${said}.`;
    case "count":
      return `${m.field}: ${said}.`;
  }
}

/** `address` with its label, e.g. "0xAbC…1234 (Wanderwise Travel)". */
export function name(address: Address, labels?: AddressLabels): string {
  const label = labels?.get(address.toLowerCase());
  return label === undefined ? address : `${address} (${label})`;
}

export type FormatAuditSummaryParameters = { report: AuditReport; labels?: AddressLabels; maxLines?: number };

/** The lines the audit command prints: what was read, the totals per asset, then every problem. */
export function formatAuditSummary({ report, labels, maxLines = 40 }: FormatAuditSummaryParameters): string[] {
  const { ledger, assets } = report;
  const agreements = [...ledger.agreements.values()];
  const payments = agreements.reduce((n, a) => n + a.payments, 0);
  const byStatus = new Map<string, number>();
  for (const a of agreements) {
    const status = enumName(AgreementStatus, a.status);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }
  const statuses = [...byStatus].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(", ");
  const lines = [
    `Read ${report.logs} events from blocks ${report.fromBlock}–${report.toBlock}: ` +
      `${ledger.networks.size} networks, ${agreements.length} agreements (${statuses || "none"}), ${payments} payments, ` +
      `${ledger.accounts.size} account balances.`,
  ];
  for (const holding of report.holdings) lines.push(holdingLine(holding, assets.get(holding.asset.toLowerCase())));
  for (const totals of networkFeeTotals(ledger)) {
    const asset = assets.get(totals.asset.toLowerCase());
    lines.push(
      `  network ${totals.networkId}: ${formatAmount(totals.networkFees, asset)} of network fees, ` +
        `${formatAmount(totals.networkFeesCollected, asset)} collected`,
    );
  }
  for (const held of heldTotals(ledger)) {
    const asset = assets.get(held.asset.toLowerCase());
    lines.push(
      `  held payments in ${asset?.symbol ?? held.asset}: ${formatAmount(held.pending, asset)} pending (${held.pendingPayments}), ` +
        `${formatAmount(held.released, asset)} released (${held.releasedPayments}), ${formatAmount(held.refunded, asset)} refunded (${held.refundedPayments})`,
    );
  }
  if (ledger.orders.length > 0) {
    const orderLines = ledger.orders.reduce((n, o) => n + o.lines.length, 0);
    const refunded = ledger.orders.reduce((n, o) => n + o.lines.filter((i) => ledger.payments[i]?.status === "refunded").length, 0);
    lines.push(
      `  orders: ${ledger.orders.length} order${ledger.orders.length === 1 ? "" : "s"} of ${orderLines} lines in all (each paid in one transaction)` +
        `${refunded === 0 ? "" : `, ${refunded} held line${refunded === 1 ? "" : "s"} refunded`}`,
    );
  }
  const counters = agreements.filter((a) => a.counteredId !== 0n);
  if (counters.length > 0) {
    const threads = new Set(counters.map((a) => a.lineageId)).size;
    lines.push(`  negotiation: ${counters.length} counter-proposal${counters.length === 1 ? "" : "s"} in ${threads} thread${threads === 1 ? "" : "s"}`);
  }
  const tiered = [...ledger.referrals.values()].filter((r) => r.highestTier > 0);
  if (ledger.referrals.size > 0) {
    lines.push(
      `  loyalty tiers: ${ledger.referrals.size} referrer volume${ledger.referrals.size === 1 ? "" : "s"} tracked, ` +
        `${tiered.length} above the base rate${tiered.length === 0 ? "" : ` (${tiered.map((r) => `${labels?.get(r.referrer.toLowerCase()) ?? r.referrer} tier ${r.highestTier}`).join(", ")})`}`,
    );
  }
  for (const warning of report.warnings) lines.push(`Warning: ${warning}`);
  lines.push(`Compared ${report.checks} values with the contract at block ${report.toBlock}.`);
  const problems = [
    ...report.mismatches.map((mismatch) => formatMismatch({ mismatch, assets, ...(labels ? { labels } : {}) })),
    ...report.anomalies.map((a) => `The log breaks the rules in ${a.transactionHash} (block ${a.blockNumber}): ${a.message}.`),
    ...(report.unknownLogs > 0 ? [`${report.unknownLogs} logs of the contract are none of its events.`] : []),
  ];
  if (problems.length === 0) {
    lines.push("Audit passed: the log, the rules and the contract agree, and every asset is covered.");
  } else {
    lines.push(`Audit FAILED: ${problems.length} problem${problems.length === 1 ? "" : "s"}.`);
    lines.push(...problems.slice(0, maxLines).map((p) => `  ${p}`));
    if (problems.length > maxLines) lines.push(`  … and ${problems.length - maxLines} more (see the ledger files).`);
  }
  return lines;
}

function holdingLine(h: Holding, asset: AssetInfo | undefined): string {
  const state =
    h.difference === 0n
      ? "exactly covered"
      : h.difference > 0n
        ? `surplus of ${formatAmount(h.difference, asset)} (sent outside of payments; not a failure)`
        : `SHORTFALL of ${formatAmount(-h.difference, asset)}`;
  return `${asset?.symbol ?? h.asset}: the contract holds ${formatAmount(h.held, asset)} and owes ${formatAmount(h.owed, asset)}: ${state}.`;
}

/** Whether the mismatch's values are amounts of an asset (in base units). */
export function isMoney(m: Mismatch): boolean {
  return (
    m.kind === "balance" ||
    m.kind === "collectable" ||
    m.kind === "holdings" ||
    (m.kind === "referral" && m.field === "referredVolume") ||
    (m.kind === "risk" && m.field !== "holdbackPeriod") ||
    (m.kind === "agreement" && ["vendorPool", "networkFees", "networkFeesCollected"].includes(m.field))
  );
}
