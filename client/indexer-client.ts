/**
 * The typed client of the Ecoshare indexer's HTTP API (indexer/src/api): one place that knows its routes and
 * row shapes, used by the app's read path and by the audit's comparison with the chain. Integers arrive as
 * decimal strings (JSON has no 256-bit integers) and leave as bigints; addresses as the indexer stores them
 * (lower case). Every failure is an {@link IndexerError} with a sentence saying what to do.
 */
import type { Address } from "viem";
import type { LedgerAccount, LedgerPayment } from "./ledger.js";

/** Why the indexer could not be read: `unreachable` (no answer, or too slow), `http` (an error status) or `invalid` (not its API). */
export class IndexerError extends Error {
  override name = "IndexerError";
  readonly kind: "unreachable" | "http" | "invalid";
  constructor(kind: IndexerError["kind"], message: string) {
    super(message);
    this.kind = kind;
  }
}

/** One account's money in one asset: the ledger's account entry (the contract's `balanceOf`, and where it came from). */
export type IndexerBalance = LedgerAccount;

/** What one account may collect from one agreement at the asked time (the contract's `collectable`). */
export interface IndexerEarning {
  agreementId: bigint;
  account: Address;
  asset: Address;
  shareBps: number;
  /** The agreement's fee recipient (it collects the network fees). */
  feeRecipient: Address;
  collected: bigint;
  collectable: bigint;
}

/**
 * One payment (or order line) with the split the ledger rules give it: the ledger's payment as the indexer
 * stores it (optional fields as null, the order as `orderIndex`), with its block's time.
 */
export type IndexerPayment = Omit<LedgerPayment, "tier" | "order" | "line" | "holdId" | "refundTo" | "transactionIndex"> & {
  tier: number | null;
  orderIndex: number | null;
  line: number | null;
  holdId: bigint | null;
  refundTo: Address | null;
  timestamp: bigint;
};

export type IndexerRequestParameters = {
  /** The indexer's base URL, e.g. http://127.0.0.1:42069. */
  url: string;
  /** Milliseconds before the indexer counts as unreachable. Default 5,000. */
  timeoutMs?: number;
  signal?: AbortSignal;
};

/** The block the indexer has indexed up to, from Ponder's `/status`. */
export async function indexedBlock(parameters: IndexerRequestParameters): Promise<bigint> {
  const status = await getJson<Record<string, { block?: { number?: number } }>>(parameters, "/status");
  const chains = Object.values(status ?? {});
  const number = chains[0]?.block?.number;
  if (chains.length !== 1 || typeof number !== "number") {
    throw new IndexerError("invalid", `The indexer at ${parameters.url} answered /status without one chain's block: is it an Ecoshare indexer?`);
  }
  return BigInt(number);
}

export type IndexerBalancesParameters = IndexerRequestParameters & { account?: Address };

/** Every account's balances, or one account's. */
export async function indexerBalances({ account, ...request }: IndexerBalancesParameters): Promise<IndexerBalance[]> {
  const rows = await getJson<Record<string, unknown>[]>(request, `/balances${query({ account })}`);
  return rows.map((r) => parseRow(r, ["balance", "referralFees", "refunds", "collectedShares", "collectedNetworkFees", "paidByCollect", "withdrawn"]) as unknown as IndexerBalance);
}

export type IndexerEarningsParameters = IndexerRequestParameters & { account?: Address; /** Unix seconds; default the chain's latest block time. */ at?: bigint };

/** What each party (and fee recipient) may collect per agreement at `at`. */
export async function indexerEarnings({ account, at, ...request }: IndexerEarningsParameters): Promise<IndexerEarning[]> {
  const rows = await getJson<Record<string, unknown>[]>(request, `/earnings${query({ account, at })}`);
  return rows.map((r) => {
    const row = parseRow(r, ["agreementId", "collected", "collectable"]);
    return { agreementId: row.agreementId, account: row.account, asset: row.asset, shareBps: row.shareBps, feeRecipient: row.feeRecipient, collected: row.collected, collectable: row.collectable } as IndexerEarning;
  });
}

export type IndexerPaymentsParameters = IndexerRequestParameters & {
  agreementId?: bigint;
  payer?: Address;
  referrer?: Address;
  /** Only payments whose index is below this one (the next page of a newest-first list). */
  before?: number;
  /** 1 to 1,000; default 100. */
  limit?: number;
};

/** Payments newest first, filtered and a page at a time. */
export async function indexerPayments({ agreementId, payer, referrer, before, limit, ...request }: IndexerPaymentsParameters): Promise<IndexerPayment[]> {
  const rows = await getJson<Record<string, unknown>[]>(request, `/payments${query({ agreementId, payer, referrer, before, limit })}`);
  return rows.map((r) => parseRow(r, ["agreementId", "amount", "networkFee", "referralFee", "vendorShare", "holdId", "blockNumber", "timestamp"]) as unknown as IndexerPayment);
}

function query(values: Record<string, string | number | bigint | undefined>): string {
  const entries = Object.entries(values).filter((e): e is [string, string | number | bigint] => e[1] !== undefined);
  return entries.length === 0 ? "" : `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

/** `row` with the named decimal-string fields as bigints (null stays null). */
function parseRow(row: Record<string, unknown>, bigints: readonly string[]): Record<string, any> {
  const out: Record<string, unknown> = { ...row };
  for (const field of bigints) {
    const value = row[field];
    if (value === null) continue;
    if (typeof value !== "string" || !/^-?\d+$/.test(value)) throw new IndexerError("invalid", `The indexer sent ${JSON.stringify(value)} as "${field}", not an integer: is it an Ecoshare indexer of this version?`);
    out[field] = BigInt(value);
  }
  return out;
}

async function getJson<T>({ url, timeoutMs = 5_000, signal }: IndexerRequestParameters, route: string): Promise<T> {
  let response: Response;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetch(new URL(route.slice(1), url.endsWith("/") ? url : `${url}/`), { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (error) {
    const why = timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message;
    throw new IndexerError("unreachable", `Cannot reach the indexer at ${url} (${why}): is it running (npm start --prefix indexer)?`);
  }
  if (!response.ok) {
    let detail = "";
    try {
      const body = (await response.json()) as { error?: unknown };
      if (typeof body.error === "string") detail = `: ${body.error}`;
    } catch {
      // no JSON body
    }
    throw new IndexerError("http", `The indexer at ${url} answered ${route} with HTTP ${response.status}${detail}. Is it an Ecoshare indexer, and done with its backfill?`);
  }
  try {
    return (await response.json()) as T;
  } catch {
    throw new IndexerError("invalid", `The indexer at ${url} answered ${route} with something other than JSON: is it an Ecoshare indexer?`);
  }
}
