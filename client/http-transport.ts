/**
 * A minimal JSON-RPC-over-HTTP transport on `fetch`, with no retries of its own: the caller's retry
 * policy (./rpc.ts) decides, and a rate-limited answer carries its `Retry-After` so back-off honours it.
 * Works in Node and in browsers.
 */
import type { Eip1193RequestArguments, Eip1193Transport } from "./eip1193.js";

/** An HTTP or JSON-RPC failure, with what the retry policy needs to classify it. */
export class HttpRpcError extends Error {
  override readonly name = "HttpRpcError";
  /** HTTP status, when the server answered with an error status. */
  readonly status: number | undefined;
  /** JSON-RPC error code, when the server answered with a JSON-RPC error. */
  readonly code: number | undefined;
  readonly data: unknown;
  /** How long the server asked us to wait (HTTP `Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { status?: number; code?: number; data?: unknown; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.code = options.code;
    this.data = options.data;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export type CreateHttpTransportParameters = {
  url: string;
  headers?: Record<string, string>;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
};

/** A transport that POSTs each request to `url`. */
export function createHttpTransport({ url, headers = {}, timeoutMs = 30_000 }: CreateHttpTransportParameters): Eip1193Transport {
  let id = 0;
  return {
    async request({ method, params }: Eip1193RequestArguments): Promise<unknown> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
        throw new HttpRpcError(timedOut ? `${method} timed out after ${timeoutMs} ms` : `${method} failed: ${describe(error)}`, { cause: error });
      }
      if (!response.ok) {
        const retryAfter = response.headers.get("retry-after");
        const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
        throw new HttpRpcError(`${method} failed: HTTP ${response.status} ${response.statusText}`, {
          status: response.status,
          ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1_000 } : {}),
        });
      }
      const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
      if (body.error !== undefined) {
        throw new HttpRpcError(body.error.message, { code: body.error.code, data: body.error.data });
      }
      return body.result;
    },
  };
}

/** The innermost cause's message (fetch hides "ECONNREFUSED" in `cause`). */
function describe(error: unknown): string {
  let current: unknown = error;
  let message = String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    message = typeof code === "string" ? `${current.message} (${code})` : current.message;
    current = current.cause;
  }
  return message;
}
