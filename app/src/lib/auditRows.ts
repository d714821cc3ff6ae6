/** The audit table's rows: each event with what it concerns (network, agreement, accounts, asset), filters and CSV. */
import { isoTime } from "../../../client/block-times.js";
import { amountCells, ASSET_COLUMNS, assetCells, toCsv as sharedToCsv, type Cell } from "../../../client/csv.js";
import type { LedgerAgreement } from "../../../client/ledger.js";
import { formatOrderRef } from "../../../client/order-ref.js";
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

/** What a row needs of an agreement: its network and asset (the ledger's agreements, or the contract's `agreement` views). */
export type RowAgreements = ReadonlyMap<bigint, Pick<LedgerAgreement, "networkId" | "asset">>;

/** The agreement an event concerns, if any: its `agreementId`, or the agreement an `AgreementSuperseded` replaces. */
export function rowAgreementId(event: ProtocolEvent): bigint | undefined {
  const args = event.args as Record<string, unknown>;
  return typeof args.agreementId === "bigint" ? args.agreementId : typeof args.previousId === "bigint" && event.eventName === "AgreementSuperseded" ? args.previousId : undefined;
}

export function auditRows(events: readonly ProtocolEvent[], agreements: RowAgreements): AuditRow[] {
  return events.map((event) => {
    const args = event.args as Record<string, unknown>;
    const agreementId = rowAgreementId(event);
    const agreement = agreementId !== undefined ? agreements.get(agreementId) : undefined;
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

/** What the CSV needs beyond the rows: each asset's symbol and decimals, and each block's time. */
export interface AuditCsvContext {
  /** By lower-case asset address. */
  assets: ReadonlyMap<string, { symbol: string; decimals: number }>;
  /** Unix seconds by block number. */
  blockTimes: ReadonlyMap<bigint, bigint>;
}

const FIXED_COLUMNS = ["block", "blockTime", "logIndex", "transaction", "event", "networkId", "agreementId", ...ASSET_COLUMNS];

/**
 * The rows as CSV for a spreadsheet, by the shared rules (client/csv.ts): one column per event argument
 * (a held payment's record flattened as `held.amount`...), every amount of the event's asset as a decimal
 * column with its symbol and an exact base-units column kept as text, the block's time in ISO 8601 UTC, and
 * order references as text when they are text.
 */
export function toCsv(rows: readonly AuditRow[], context: AuditCsvContext): string {
  const argColumns: string[] = [];
  const records = rows.map((r) => {
    const asset = r.asset === undefined ? undefined : context.assets.get(r.asset);
    const info = r.asset === undefined || asset === undefined ? undefined : { address: r.asset as `0x${string}`, ...asset };
    const time = context.blockTimes.get(r.event.blockNumber);
    const record: Record<string, Cell> = {
      block: r.event.blockNumber,
      blockTime: time === undefined ? "" : isoTime(time),
      logIndex: r.event.logIndex,
      transaction: r.event.transactionHash,
      event: r.event.eventName,
      networkId: r.networkId,
      agreementId: r.agreementId,
      ...(r.asset === undefined ? {} : assetCells(r.asset, info)),
    };
    const add = (name: string, cells: Record<string, Cell>) => {
      if (!argColumns.includes(name)) argColumns.push(...Object.keys(cells).filter((c) => !argColumns.includes(c)));
      Object.assign(record, cells);
    };
    const walk = (prefix: string, args: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(args)) {
        const name = prefix + key;
        if (typeof value === "bigint" && AMOUNT_ARGS.has(key)) add(name, amountCells(name, value, info));
        else if (key === "orderRef" && typeof value === "string") add(name, { [name]: formatOrderRef(value as `0x${string}`) });
        else if (typeof value === "object" && value !== null && !Array.isArray(value)) walk(`${name}.`, value as Record<string, unknown>);
        else add(name, { [name]: typeof value === "bigint" || typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : stringify(value, key) });
      }
    };
    walk("", r.event.args as Record<string, unknown>);
    return record;
  });
  return sharedToCsv(records, [...FIXED_COLUMNS, ...argColumns]);
}
