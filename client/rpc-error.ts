/**
 * What went wrong with a JSON-RPC request, in the few kinds that decide what to do next: wait and retry,
 * ask for less, or give up. Works on errors from any transport (viem's, Hardhat's provider) by reading
 * the codes, statuses and messages along the error's `cause` chain. viem retries on its own rule; the
 * log reader (./fetch-logs.ts) needs this finer one, since a refused range must be halved, not retried.
 */

/**
 * - `unreachable`: no answer at all (connection refused, DNS, reset): retry a few times, then give up.
 * - `rate-limited`: the RPC asks us to slow down (HTTP 429, JSON-RPC -32005): back off and retry.
 * - `timeout`: the request took too long: retry.
 * - `range-too-large`: the RPC refuses an `eth_getLogs` range or result size: ask for a smaller range.
 * - `rejected`: any other error (a revert, a bad parameter): retrying will not help.
 */
export type RpcFailureKind = "unreachable" | "rate-limited" | "timeout" | "range-too-large" | "rejected";

const RANGE_TOO_LARGE =
  /(more than \d+ (results|logs))|(block range)|(range (is )?too (large|wide|big))|(too many (results|logs|blocks))|(exceed(s|ed)? (the )?(max(imum)?|limit))|(response (size|is too))|(query (returned|timeout))|(log response size)|(response body exceeded the size limit)/i;
const RATE_LIMITED = /(rate.?limit)|(too many requests)|(\b429\b)|(limit exceeded)|(request limit)|(capacity)|(throttl)/i;
const UNREACHABLE =
  /(ECONNREFUSED)|(ECONNRESET)|(ENOTFOUND)|(EAI_AGAIN)|(EHOSTUNREACH)|(socket hang up)|(fetch failed)|(cannot connect)|(connection refused)|(other side closed)/i;
const TIMEOUT = /(ETIMEDOUT)|(timed? ?out)|(UND_ERR_(HEADERS|BODY|CONNECT)_TIMEOUT)/i;

/** The kind of `error`: see {@link RpcFailureKind}. */
export function classifyRpcError(error: unknown): RpcFailureKind {
  const { messages, codes, statuses, names } = collect(error);
  const text = messages.join(" | ");
  // viem refuses an HTTP response over its size limit (10 MiB) with an error that carries no code:
  // retrying it can only fail again, asking for a smaller range succeeds.
  if (names.includes("ResponseBodyTooLargeError")) return "range-too-large";
  // A range complaint often carries the generic "limit exceeded" code: look at the words first.
  if (RANGE_TOO_LARGE.test(text)) return "range-too-large";
  if (statuses.includes(429) || codes.includes(-32005) || codes.includes(429) || RATE_LIMITED.test(text)) {
    return "rate-limited";
  }
  // 502/503/504: a gateway in front of the node that cannot reach it right now.
  if (statuses.some((s) => s === 502 || s === 503 || s === 504) || codes.includes("ECONNREFUSED") || codes.includes("HHE703") || UNREACHABLE.test(text)) {
    return "unreachable";
  }
  if (names.includes("TimeoutError") || codes.includes("HHE704") || TIMEOUT.test(text)) return "timeout";
  return "rejected";
}

/** Whether waiting and asking again may succeed. */
export function isTransientRpcFailure(kind: RpcFailureKind): boolean {
  return kind === "unreachable" || kind === "rate-limited" || kind === "timeout";
}

/** The first line of `error`'s message, for one-sentence reports. */
export function firstMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

function collect(error: unknown): { messages: string[]; codes: (string | number)[]; statuses: number[]; names: string[] } {
  const messages: string[] = [];
  const names: string[] = [];
  const codes: (string | number)[] = [];
  const statuses: number[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (typeof current !== "object") {
      messages.push(String(current));
      break;
    }
    const e = current as Record<string, unknown>;
    if (typeof e.message === "string") messages.push(e.message);
    if (typeof e.name === "string") names.push(e.name);
    for (const key of ["code", "errorCode"] as const) {
      const value = e[key];
      if (typeof value === "string" || typeof value === "number") codes.push(value);
    }
    for (const key of ["status", "statusCode"] as const) {
      const value = e[key];
      if (typeof value === "number") statuses.push(value);
    }
    // JSON-RPC errors nested the viem way: { error: { code, message } }.
    if (typeof e.error === "object" && e.error !== null) {
      const inner = e.error as Record<string, unknown>;
      if (typeof inner.code === "number") codes.push(inner.code);
      if (typeof inner.message === "string") messages.push(inner.message);
    }
    current = e.cause;
  }
  return { messages, codes, statuses, names };
}
