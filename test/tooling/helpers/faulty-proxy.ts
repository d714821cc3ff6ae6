/**
 * A JSON-RPC proxy in front of a real node that misbehaves on purpose, like public RPCs do: it answers
 * HTTP 429 to the first requests of a method, or refuses `eth_getLogs` over too many blocks. It takes
 * single requests and JSON-RPC batches (viem's HTTP transport sends batches), like public RPCs do.
 */
import { createServer, type Server } from "node:http";

export type FaultyProxyParameters = {
  target: string;
  /** Answer 429 to the first `count` requests of `method` (every one when `count` is Infinity). */
  rateLimit?: { method: string; count: number; retryAfterSeconds?: number };
  /** Refuse `eth_getLogs` spanning more than this many blocks, with the error Infura-like RPCs give. */
  maxLogRange?: number;
};

export interface FaultyProxy {
  url: string;
  /** Requests received, by method (each request of a batch counts). */
  calls: Map<string, number>;
  /** HTTP requests received (a batch is one). */
  httpRequests: number;
  /** Block spans of the `eth_getLogs` requests received. */
  logRanges: { from: number; to: number }[];
  /** The most `eth_getLogs` HTTP requests received and not yet answered at one time. */
  mostLogReadsInFlight: number;
  close(): Promise<void>;
}

interface JsonRpcRequest {
  id: number;
  method: string;
  params?: { fromBlock: string; toBlock: string }[];
}

export async function startFaultyProxy({ target, rateLimit, maxLogRange }: FaultyProxyParameters): Promise<FaultyProxy> {
  const calls = new Map<string, number>();
  const logRanges: { from: number; to: number }[] = [];
  let limited = 0;
  let httpRequests = 0;
  let logReadsInFlight = 0;
  let mostLogReadsInFlight = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    httpRequests++;
    const parsed = JSON.parse(Buffer.concat(chunks).toString()) as JsonRpcRequest | JsonRpcRequest[];
    const requests = Array.isArray(parsed) ? parsed : [parsed];
    for (const request of requests) calls.set(request.method, (calls.get(request.method) ?? 0) + 1);
    // A throttled RPC refuses the whole HTTP request, batch or not.
    if (rateLimit !== undefined && requests.some((r) => r.method === rateLimit.method) && limited < rateLimit.count) {
      limited++;
      res.writeHead(429, { "retry-after": String(rateLimit.retryAfterSeconds ?? 0), "content-type": "text/plain" });
      res.end("Too Many Requests");
      return;
    }
    const refusals = new Map<JsonRpcRequest, unknown>();
    for (const request of requests) {
      if (request.method !== "eth_getLogs") continue;
      const filter = request.params?.[0];
      const from = Number(filter?.fromBlock ?? 0);
      const to = Number(filter?.toBlock ?? 0);
      logRanges.push({ from, to });
      if (maxLogRange !== undefined && to - from + 1 > maxLogRange) {
        refusals.set(request, { jsonrpc: "2.0", id: request.id, error: { code: -32005, message: `query exceeds max block range ${maxLogRange}` } });
      }
    }
    const forwarded = requests.filter((r) => !refusals.has(r));
    const answers = new Map<number, unknown>();
    const readsLogs = requests.some((r) => r.method === "eth_getLogs");
    if (readsLogs) mostLogReadsInFlight = Math.max(mostLogReadsInFlight, ++logReadsInFlight);
    try {
      if (forwarded.length > 0) {
        const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(Array.isArray(parsed) ? forwarded : forwarded[0]) });
        const answer = (await upstream.json()) as { id: number } | { id: number }[];
        for (const one of Array.isArray(answer) ? answer : [answer]) answers.set(one.id, one);
      }
    } finally {
      if (readsLogs) logReadsInFlight--;
    }
    // Batch answers may come in any order: matched by id.
    const responses = requests.map((r) => refusals.get(r) ?? answers.get(r.id));
    const answer = JSON.stringify(Array.isArray(parsed) ? responses : responses[0]);
    // Declares its length, as the node behind it does.
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
    res.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get httpRequests() {
      return httpRequests;
    },
    logRanges,
    get mostLogReadsInFlight() {
      return mostLogReadsInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
