/**
 * A JSON-RPC proxy in front of a real node that misbehaves on purpose, like public RPCs do: it answers
 * HTTP 429 to the first requests of a method, or refuses `eth_getLogs` over too many blocks.
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
  /** Requests received, by method. */
  calls: Map<string, number>;
  /** Block spans of the `eth_getLogs` requests received. */
  logRanges: { from: number; to: number }[];
  close(): Promise<void>;
}

export async function startFaultyProxy({ target, rateLimit, maxLogRange }: FaultyProxyParameters): Promise<FaultyProxy> {
  const calls = new Map<string, number>();
  const logRanges: { from: number; to: number }[] = [];
  let limited = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const request = JSON.parse(body) as { id: number; method: string; params?: { fromBlock: string; toBlock: string }[] };
    calls.set(request.method, (calls.get(request.method) ?? 0) + 1);
    if (rateLimit !== undefined && request.method === rateLimit.method && limited < rateLimit.count) {
      limited++;
      res.writeHead(429, { "retry-after": String(rateLimit.retryAfterSeconds ?? 0), "content-type": "text/plain" });
      res.end("Too Many Requests");
      return;
    }
    if (request.method === "eth_getLogs") {
      const filter = request.params?.[0];
      const from = Number(filter?.fromBlock ?? 0);
      const to = Number(filter?.toBlock ?? 0);
      logRanges.push({ from, to });
      if (maxLogRange !== undefined && to - from + 1 > maxLogRange) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", id: request.id, error: { code: -32005, message: `query exceeds max block range ${maxLogRange}` } }));
        return;
      }
    }
    const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    logRanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
