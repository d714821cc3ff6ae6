/**
 * JSON-RPC requests with retries: transient failures (unreachable, rate-limited, timeout) are retried
 * with exponential back-off and jitter; anything else fails at once. Plus the few typed reads the
 * shared client needs.
 */
import type { Address, BlockTag, Eip1193Transport, Hex } from "./eip1193.js";
import { toBlockParameter } from "./eip1193.js";
import { classifyRpcError, isTransientRpcFailure, RpcRequestError, type RpcFailureKind } from "./rpc-error.js";

/** How hard to try before giving up. */
export interface RetryOptions {
  /** Retries after the first attempt (at most 2 when the RPC is unreachable). Default 5. */
  retries?: number;
  /** Delay before the first retry; doubles each time. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest delay between two attempts. Default 8,000 ms. */
  maxDelayMs?: number;
  /** Called before each retry, e.g. to tell the user why the audit is waiting. */
  onRetry?: (info: RetryInfo) => void;
}

/** Why and when a request is retried. */
export interface RetryInfo {
  method: string;
  kind: RpcFailureKind;
  attempt: number;
  delayMs: number;
}

export type RpcRequestParameters = {
  transport: Eip1193Transport;
  method: string;
  params?: readonly unknown[];
  retry?: RetryOptions | undefined;
};

/**
 * Sends one request, retrying transient failures.
 * @throws {RpcRequestError} with the failure's kind once retries are exhausted or the failure is not transient.
 */
export async function rpcRequest<T>({ transport, method, params, retry = {} }: RpcRequestParameters): Promise<T> {
  const retries = retry.retries ?? 5;
  const baseDelayMs = retry.baseDelayMs ?? 500;
  const maxDelayMs = retry.maxDelayMs ?? 8_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await transport.request(params === undefined ? { method } : { method, params })) as T;
    } catch (error) {
      const kind = classifyRpcError(error);
      // A node that does not answer at all is rarely back within seconds: give up sooner than when throttled.
      const limit = kind === "unreachable" ? Math.min(retries, 2) : retries;
      if (!isTransientRpcFailure(kind) || attempt > limit) {
        throw new RpcRequestError({ kind, method, attempts: attempt, cause: error });
      }
      const delayMs = Math.min(maxDelayMs, Math.max(backoffDelay({ attempt, baseDelayMs, maxDelayMs }), retryAfterMs(error)));
      retry.onRetry?.({ method, kind, attempt, delayMs });
      await sleep(delayMs);
    }
  }
}

/** Exponential back-off with ±25% jitter, so several clients do not retry in step. */
export function backoffDelay({ attempt, baseDelayMs, maxDelayMs }: { attempt: number; baseDelayMs: number; maxDelayMs: number }): number {
  const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.75 + Math.random() * 0.5));
}

/** The wait the server asked for (HTTP `Retry-After`), if any. */
function retryAfterMs(error: unknown): number {
  const value = typeof error === "object" && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type ReadParameters = { transport: Eip1193Transport; retry?: RetryOptions | undefined };

/** The chain id the RPC serves. */
export async function getChainId({ transport, retry }: ReadParameters): Promise<number> {
  return Number(BigInt(await rpcRequest<Hex>({ transport, method: "eth_chainId", retry })));
}

/** The latest block number. */
export async function getBlockNumber({ transport, retry }: ReadParameters): Promise<bigint> {
  return BigInt(await rpcRequest<Hex>({ transport, method: "eth_blockNumber", retry }));
}

/** The number, hash and timestamp of a block. */
export async function getBlockHeader({
  transport,
  blockTag,
  retry,
}: ReadParameters & { blockTag: BlockTag }): Promise<{ number: bigint; hash: Hex; timestamp: bigint }> {
  const block = await rpcRequest<{ number: Hex; hash: Hex; timestamp: Hex } | null>({
    transport,
    method: "eth_getBlockByNumber",
    params: [toBlockParameter(blockTag), false],
    retry,
  });
  if (block === null) throw new Error(`Block ${String(blockTag)} does not exist on this chain.`);
  return { number: BigInt(block.number), hash: block.hash, timestamp: BigInt(block.timestamp) };
}

/** The ETH balance of `address`, in wei. */
export async function getBalance({ transport, address, blockTag, retry }: ReadParameters & { address: Address; blockTag: BlockTag }): Promise<bigint> {
  return BigInt(
    await rpcRequest<Hex>({ transport, method: "eth_getBalance", params: [address, toBlockParameter(blockTag)], retry }),
  );
}

/** The runtime bytecode at `address` ("0x" when there is none). */
export async function getCode({ transport, address, blockTag, retry }: ReadParameters & { address: Address; blockTag: BlockTag }): Promise<Hex> {
  return rpcRequest<Hex>({ transport, method: "eth_getCode", params: [address, toBlockParameter(blockTag)], retry });
}

/** The raw result of an `eth_call` of `data` on `to`. */
export async function ethCall({
  transport,
  to,
  data,
  blockTag,
  retry,
}: ReadParameters & { to: Address; data: Hex; blockTag: BlockTag }): Promise<Hex> {
  return rpcRequest<Hex>({ transport, method: "eth_call", params: [{ to, data }, toBlockParameter(blockTag)], retry });
}
