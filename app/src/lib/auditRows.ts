/** The audit table's rows: each event with what it concerns (network, agreement, accounts, asset), filters and CSV. */
import type { Ledger } from "../../../scripts/lib/ledger.js";
import type { ProtocolEvent } from "./protocolLog";

export interface AuditRow {
  event: ProtocolEvent;
  networkId?: bigint | undefined;
  agreementId?: bigint | undefined;
  asset?: string | undefined;
  /** Lower-case addresses named in the event. */
  accounts: string[];
}

export interface AuditFilter {
  networkId?: string;
  agreementId?: string;
  account?: string;
  asset?: string;
  eventName?: string;
}

export function auditRows(events: readonly ProtocolEvent[], ledger: Ledger): AuditRow[] {
  return events.map((event) => {
    const args = event.args as Record<string, unknown>;
    const agreementId = typeof args.agreementId === "bigint" ? args.agreementId : typeof args.previousId === "bigint" && event.eventName === "AgreementSuperseded" ? args.previousId : undefined;
    const agreement = agreementId !== undefined ? ledger.agreements.get(agreementId) : undefined;
    const networkId = typeof args.networkId === "bigint" ? args.networkId : agreement?.networkId;
    const asset = typeof args.asset === "string" ? args.asset.toLowerCase() : agreement?.asset.toLowerCase();
    const accounts = Object.entries(args)
      .filter(([k, v]) => typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v) && k !== "asset")
      .map(([, v]) => (v as string).toLowerCase());
    return { event, networkId, agreementId, asset, accounts };
  });
}

export function filterRows(rows: readonly AuditRow[], f: AuditFilter): AuditRow[] {
  const account = f.account?.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!f.networkId || r.networkId?.toString() === f.networkId) &&
      (!f.agreementId || r.agreementId?.toString() === f.agreementId) &&
      (!f.asset || r.asset === f.asset.toLowerCase()) &&
      (!f.eventName || r.event.eventName === f.eventName) &&
      (!account || r.accounts.some((a) => a.includes(account))),
  );
}

/** Arguments that are amounts of the event's asset (also inside a held payment's record). */
const AMOUNT_ARGS = new Set(["amount", "networkFee", "referralFee", "vendorShare", "partyShare", "volumeBefore", "fromVolume"]);

/**
 * One line of text per argument, for the table and the CSV. With `formatAmount`, amounts of the event's
 * asset are shown with its symbol and decimals (the table); without, in base units (the CSV: nothing rounded).
 */
export function describeArgs(event: ProtocolEvent, formatAmount?: (value: bigint) => string): string {
  return Object.entries(event.args as Record<string, unknown>)
    .map(([k, v]) => `${k}=${stringify(v, k, formatAmount)}`)
    .join("; ");
}

function stringify(value: unknown, key: string, formatAmount?: (value: bigint) => string): string {
  if (typeof value === "bigint") return formatAmount && AMOUNT_ARGS.has(key) ? formatAmount(value) : value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => stringify(v, key, formatAmount)).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${k}: ${stringify(v, k, formatAmount)}`).join(", ")}}`;
  }
  return String(value);
}

const csvCell = (value: string) => (/[",\n;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** The rows as CSV (RFC 4180), amounts in base units so nothing is rounded. */
export function toCsv(rows: readonly AuditRow[]): string {
  const header = ["block", "logIndex", "transaction", "event", "networkId", "agreementId", "asset", "arguments"];
  const lines = rows.map((r) =>
    [
      r.event.blockNumber.toString(),
      String(r.event.logIndex),
      r.event.transactionHash,
      r.event.eventName,
      r.networkId?.toString() ?? "",
      r.agreementId?.toString() ?? "",
      r.asset ?? "",
      describeArgs(r.event),
    ]
      .map(csvCell)
      .join(","),
  );
  return [header.join(","), ...lines].join("\n") + "\n";
}
