/**
 * Errors the commands report as one sentence and an exit code, never a stack trace: what happened, why,
 * and what to do next. Known failures (Hardhat's, the RPC's, the deployment record's) are translated
 * here; anything else is reported by its first line.
 */
import { BaseError, HttpRequestError, RpcError, RpcRequestError, TimeoutError } from "viem";

import { DeploymentRecordError } from "../../client/deployment-record.js";
import { classifyRpcError, firstMessage } from "../../client/rpc-error.js";

/** Exit codes: 1 for an audit that found problems, 2 for anything that kept a command from running. */
export const EXIT_AUDIT_FAILED = 1;
export const EXIT_ERROR = 2;

/** An error whose message is already the sentence to print. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: number;
  constructor(message: string, exitCode = EXIT_ERROR) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** What the user knows the network as, for messages: its name, and its URL only when that is loopback. */
export interface NetworkDescription {
  name: string;
  /** Safe to print: a loopback URL, or Hardhat's in-process chain; undefined for remote RPCs (URLs may hold keys). */
  endpoint?: string;
  /** Names of every configured network, for "unknown network". */
  known?: readonly string[];
  /** How many times a failing request is tried before it fails (its retries plus one). */
  attempts?: number;
}

/** The one sentence that explains `error`. */
export function explainError(error: unknown, network?: NetworkDescription): string {
  if (error instanceof CliError || error instanceof DeploymentRecordError) return error.message;
  const where = network === undefined ? "the RPC" : `the RPC of network "${network.name}"${network.endpoint ? ` (${network.endpoint})` : ""}`;
  const code = hardhatErrorCode(error);
  const message = firstMessage(error);
  // HHE7: no value anywhere; HHE50002: missing from the (development) keystore. Checked before the RPC's
  // errors: Hardhat resolves a network's accounts on its first request, so a missing key surfaces there.
  if (code === "HHE7" || code === "HHE50002") {
    const variable = /(?:Variable|Key) "([^"]+)"/i.exec(firstMessage(causeWithCode(error) ?? error))?.[1] ?? "?";
    return `Configuration variable ${variable} is not set: set it with "npx hardhat keystore set ${variable}" or as an environment variable (export ${variable}=...).`;
  }
  const rpcFailure = rpcFailureOf(error);
  if (rpcFailure !== undefined) {
    const attempts = network?.attempts;
    const tries = attempts === undefined ? "" : ` after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
    switch (classifyRpcError(error)) {
      case "unreachable":
        return `Cannot reach ${where}${tries}: is the node running? (npm run demo starts a local one.)`;
      case "rate-limited":
        return `${capitalise(where)} was still rate-limiting${tries}: wait a minute and retry, lower --block-range, or use an RPC with a higher limit.`;
      case "timeout":
        return `${capitalise(where)} timed out${tries}: retry later, or lower --block-range.`;
      case "range-too-large":
        return `${capitalise(where)} refuses to return the logs of even one block: use an RPC without a log limit.`;
      case "rejected":
        return `${capitalise(where)} rejected ${methodOf(rpcFailure) ?? "a request"}: ${oneLine(rpcFailure.details || firstMessage(rpcFailure))}.`;
    }
  }
  if (code === "HHE705") {
    const name = /network "([^"]+)"/.exec(message)?.[1] ?? network?.name ?? "?";
    const known = network?.known?.length ? `: use one of ${network.known.join(", ")} (hardhat.config.ts)` : "";
    return `Unknown network "${name}"${known}.`;
  }
  if (code === "HHE703") return `Cannot reach ${where}: is the node running? (npm run demo starts a local one.)`;
  if (code === "HHE704") return `${capitalise(where)} timed out: retry later.`;
  return `Unexpected error: ${oneLine(message)}${process.env.ECOSHARE_DEBUG ? "" : " (set ECOSHARE_DEBUG=1 to see the stack trace)"}`;
}

/** The RPC failure inside a viem error (HTTP, JSON-RPC, timeout), if that is what `error` is. */
function rpcFailureOf(error: unknown): BaseError | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const failure = error.walk((e) => e instanceof HttpRequestError || e instanceof RpcRequestError || e instanceof TimeoutError || e instanceof RpcError);
  return failure === null ? undefined : (failure as BaseError);
}

/** The JSON-RPC method a failed HTTP request was for (viem keeps the request body). */
function methodOf(failure: BaseError): string | undefined {
  const body = (failure as { body?: unknown }).body;
  const method = (Array.isArray(body) ? body[0] : body) as { method?: unknown } | undefined;
  return typeof method?.method === "string" ? method.method : undefined;
}

/** The first error along `error`'s cause chain that carries a Hardhat error code (HHE...). */
function causeWithCode(error: unknown): { errorCode: string; message?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const e = current as { errorCode?: unknown; cause?: unknown };
    if (typeof e.errorCode === "string") return e as { errorCode: string };
    current = e.cause;
  }
  return undefined;
}

function hardhatErrorCode(error: unknown): string | undefined {
  return causeWithCode(error)?.errorCode;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").replace(/[.\s]+$/, "");
}
