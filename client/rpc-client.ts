/**
 * How the shared client talks to a chain: a viem client. Over HTTP it is viem's `http` transport, which
 * retries transient failures (honouring `Retry-After`) and batches the requests made in the same tick
 * into one JSON-RPC batch, so the audit's few hundred view calls cost a handful of round trips. Hardhat's
 * in-process chain and browser wallets come in through viem's `custom` transport. Every read of the shared
 * client takes such a client and uses viem's actions.
 */
import { createPublicClient, custom, http, ResponseBodyTooLargeError, type Account, type Chain, type Client, type EIP1193Parameters, type PublicClient, type RpcSchema, type Transport } from "viem";

export type { Address, Hex } from "viem";

/** Any viem client: `createRpcClient`'s, `providerClient`'s, or wagmi's. */
export type RpcClient = Client<Transport, Chain | undefined, Account | undefined, RpcSchema | undefined>;

/** A block number, or the head. */
export type AtBlock = bigint | "latest";

/** `at` as viem's block parameters. */
export function atBlock(at: AtBlock): { blockNumber: bigint } | { blockTag: "latest" } {
  return at === "latest" ? { blockTag: "latest" } : { blockNumber: at };
}

export type CreateRpcClientParameters = {
  url: string;
  headers?: Record<string, string> | undefined;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number | undefined;
  /** Retries of a transient failure (unreachable, throttled, timed out). Default 3. */
  retryCount?: number | undefined;
  /** First retry's delay; doubles each time unless the RPC says `Retry-After`. Default 500 ms. */
  retryDelayMs?: number | undefined;
  /** Requests per JSON-RPC batch (public RPCs accept 100 or more; 1 turns batching off). Default 100. */
  batchSize?: number | undefined;
  /** Called with each HTTP response that is not a success, before viem decides to retry it. */
  onErrorResponse?: ((response: Response) => void) | undefined;
  /** The largest response accepted, by its Content-Length. Default 10 MiB, viem's own limit. */
  maxResponseBytes?: number | undefined;
};

/** A viem client for the JSON-RPC endpoint at `url`, batching and retrying. */
export function createRpcClient({
  url,
  headers,
  timeoutMs = 30_000,
  retryCount = 3,
  retryDelayMs = 500,
  batchSize = 100,
  onErrorResponse,
  maxResponseBytes = 10 * 1024 * 1024,
}: CreateRpcClientParameters): PublicClient {
  return createPublicClient({
    transport: http(url, {
      batch: batchSize > 1 ? { batchSize, wait: 0 } : false,
      retryCount,
      retryDelay: retryDelayMs,
      timeout: timeoutMs,
      ...(headers === undefined ? {} : { fetchOptions: { headers } }),
      // viem enforces its size limit by reading every body chunk by chunk, which takes twice as long as the
      // runtime's own read of a large log response (bench/audit.md): the limit is checked on the declared
      // Content-Length instead, and the body read whole. A too-large answer fails as viem's would
      // (ResponseBodyTooLargeError), so the log reader halves its range. A body sent without a length
      // (chunked) is read whole: the log reader's target size and the RPC's own result cap bound it.
      maxResponseBodySize: false,
      onFetchResponse: (response: Response) => {
        if (!response.ok) onErrorResponse?.(response);
        const size = Number(response.headers.get("content-length") ?? 0);
        if (size > maxResponseBytes) {
          void response.body?.cancel();
          throw new ResponseBodyTooLargeError({ maxSize: maxResponseBytes, size });
        }
      },
    }),
  });
}

/** Anything with an EIP-1193 `request`: Hardhat's network provider, a browser wallet. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}

/** A viem client over an EIP-1193 provider (Hardhat's in-process chain, a wallet). */
export function providerClient(provider: Eip1193Provider, { retryCount = 0 }: { retryCount?: number } = {}): PublicClient {
  return createPublicClient({ transport: custom(provider as { request(args: EIP1193Parameters): Promise<never> }, { retryCount }) });
}

/**
 * Sends one raw JSON-RPC request through `client` (for methods viem has no action for, such as a
 * development node's `evm_mine`), with the client's retries unless `retryCount` says otherwise.
 */
export function rpcRequest<T>(client: RpcClient, method: string, params: readonly unknown[] = [], options: { retryCount?: number } = {}): Promise<T> {
  const send = client.request as (args: { method: string; params: readonly unknown[] }, options: { retryCount?: number }) => Promise<T>;
  return send({ method, params }, options);
}
