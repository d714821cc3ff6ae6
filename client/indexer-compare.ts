/**
 * Compares what an Ecoshare indexer (indexer/, its HTTP API) serves with the chain's own views read by the
 * audit (its `readings`: `balanceOf` and `collectable` at the audit's block): the indexer applies the same
 * ledger rules, so any difference is a fault in the indexer's data (missed or reorged blocks, a stale
 * database) and is reported as a mismatch.
 */
import type { Address } from "viem";
import { IndexerError, indexedBlock, indexerBalances, indexerEarnings } from "./indexer-client.js";
import type { ChainReadings } from "./reconcile.js";

/** One difference between the indexer and the chain. */
export interface IndexerMismatch {
  kind: "balance" | "collectable";
  account: Address;
  /** The asset (balances) or the agreement (collectable). */
  subject: string;
  indexer: bigint;
  chain: bigint;
}



export type CompareIndexerParameters = {
  url: string;
  /** The chain's views at `blockNumber`, as the audit read them. */
  readings: ChainReadings;
  blockNumber: bigint;
  timestamp: bigint;
};

export type CompareIndexerReturnType = { mismatches: IndexerMismatch[]; checks: number };

/** Compares the indexer's balances and earnings with the chain's readings; the indexer must be at `blockNumber`. */
export async function compareIndexer({ url, readings, blockNumber, timestamp }: CompareIndexerParameters): Promise<CompareIndexerReturnType> {
  const [balances, earnings] = await Promise.all([indexerBalances({ url }), indexerEarnings({ url, at: timestamp })]);
  const after = await indexedBlock({ url });
  if (after !== blockNumber) throw new IndexerError("invalid", `The indexer moved from block ${blockNumber} to ${after} while it was read: run the comparison again.`);
  const mismatches: IndexerMismatch[] = [];
  let checks = 0;
  const compare = (kind: IndexerMismatch["kind"], chainValues: Map<string, bigint>, rows: { key: string; account: Address; subject: string; value: bigint }[]) => {
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.key);
      const chain = chainValues.get(row.key) ?? 0n;
      checks++;
      if (chain !== row.value) mismatches.push({ kind, account: row.account, subject: row.subject, indexer: row.value, chain });
    }
    for (const [key, chain] of chainValues) {
      if (seen.has(key) || chain === 0n) continue;
      checks++;
      const [subject, account] = kind === "balance" ? [key.split("/")[1]!, key.split("/")[0]!] : key.split("/");
      mismatches.push({ kind, account: account as Address, subject: subject!, indexer: 0n, chain });
    }
  };
  compare(
    "balance",
    readings.balances,
    balances.map((b) => ({ key: `${b.account.toLowerCase()}/${b.asset.toLowerCase()}`, account: b.account, subject: b.asset, value: b.balance })),
  );
  compare(
    "collectable",
    readings.collectables,
    earnings.map((e) => ({ key: `${e.agreementId}/${e.account.toLowerCase()}`, account: e.account, subject: e.agreementId.toString(), value: e.collectable })),
  );
  return { mismatches, checks };
}

/** One line per mismatch, in plain words. */
export function formatIndexerMismatch(m: IndexerMismatch): string {
  const what = m.kind === "balance" ? `balanceOf(${m.account}, ${m.subject})` : `collectable(agreement ${m.subject}, ${m.account})`;
  return `${what}: the indexer says ${m.indexer}, the chain ${m.chain} (difference ${m.chain - m.indexer})`;
}
