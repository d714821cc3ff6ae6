/**
 * How far a long event-log read has got, per log (the whole log, one partner's), for a progress line
 * while it runs: blocks and events read so far. A tiny store React reads with useSyncExternalStore.
 */
export interface LogProgress {
  fromBlock: bigint;
  /** The last block read so far. */
  readTo: bigint;
  lastBlock: bigint;
  /** Events read so far. */
  events: number;
}

const progress = new Map<string, LogProgress>();
const listeners = new Set<() => void>();

export function reportLogProgress(key: string, value: LogProgress | undefined): void {
  if (value === undefined) progress.delete(key);
  else progress.set(key, value);
  for (const listener of listeners) listener();
}

export function logProgress(key: string): LogProgress | undefined {
  return progress.get(key);
}

export function subscribeLogProgress(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
