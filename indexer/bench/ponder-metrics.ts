// Where an indexer run spends its time, read from Ponder's own Prometheus metrics (GET /metrics): the benchmark
// reports it beside each backfill so that a slow run says whether the RPC, Ponder's sync store, our indexing
// functions or the database writes are the cause.

/** One sample of Prometheus' text format: `name{label="value",…} number`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus' text exposition format (comments and blank lines skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of match[2]?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** What one indexer run spent, in milliseconds of each phase (phases that run concurrently overlap). */
export interface PonderProfile {
  /** Events our indexing functions ran, and the time spent in them (decode, ledger rules, cache writes). */
  events: number;
  indexingFunctionsMs: number;
  /** Ponder's historical phases: reading events back from its sync store (extract) and indexing them in batches (transform). */
  extractMs: Record<string, number>;
  transformMs: Record<string, number>;
  /** Time the transform waited for the extract (`await`) and the extract for the transform (`yield`). */
  concurrencyMs: Record<string, number>;
  /** RPC requests by method: how many, and their summed duration (requests overlap). */
  rpc: Record<string, { requests: number; ms: number }>;
  /** Row writes of the indexing cache (flush) and reads that missed it (find), by table. */
  cache: Record<string, { flushes: number; flushMs: number; finds: number; findMs: number }>;
}

const sumBy = (samples: Sample[], name: string, key: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const s of samples) if (s.name === name) out[s.labels[key] ?? ""] = (out[s.labels[key] ?? ""] ?? 0) + s.value;
  return out;
};
const round = (record: Record<string, number>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, Math.round(v)]));

/** Reads the indexer's /metrics and sums them into a {@link PonderProfile}. */
export async function ponderProfile(indexerUrl: string): Promise<PonderProfile> {
  const response = await fetch(`${indexerUrl}/metrics`);
  if (!response.ok) throw new Error(`The indexer's /metrics answered ${response.status}: is it Ponder's server?`);
  const samples = parseMetrics(await response.text());
  const total = (name: string) => samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
  const rpcCounts = sumBy(samples, "ponder_rpc_request_duration_count", "method");
  const rpcMs = sumBy(samples, "ponder_rpc_request_duration_sum", "method");
  const cache: PonderProfile["cache"] = {};
  for (const s of samples) {
    if (s.name !== "ponder_indexing_cache_query_duration_count" && s.name !== "ponder_indexing_cache_query_duration_sum") continue;
    const table = s.labels.table ?? "";
    const entry = (cache[table] ??= { flushes: 0, flushMs: 0, finds: 0, findMs: 0 });
    const isCount = s.name.endsWith("_count");
    if (s.labels.method === "flush") isCount ? (entry.flushes += s.value) : (entry.flushMs += Math.round(s.value));
    else isCount ? (entry.finds += s.value) : (entry.findMs += Math.round(s.value));
  }
  return {
    events: total("ponder_indexing_function_duration_count"),
    indexingFunctionsMs: Math.round(total("ponder_indexing_function_duration_sum")),
    extractMs: round(sumBy(samples, "ponder_historical_extract_duration", "step")),
    transformMs: round(sumBy(samples, "ponder_historical_transform_duration", "step")),
    concurrencyMs: round(sumBy(samples, "ponder_historical_concurrency_group_duration", "group")),
    rpc: Object.fromEntries(Object.entries(rpcCounts).map(([method, requests]) => [method, { requests, ms: Math.round(rpcMs[method] ?? 0) }])),
    cache,
  };
}
