/**
 * `npm run audit [-- --network <name>] [--out <folder>]`: reads every Ecoshare event from the deployment
 * block to the head, rebuilds the ledger from the log alone and compares it with the contract. Exits 1
 * naming each account and difference when they disagree, 2 when it cannot run. With `--indexer <url>` it
 * audits up to the block the indexer has reached and also compares the indexer's balances and per-party
 * collectable amounts with the chain's views: any difference fails the audit.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import { getBlockNumber, getCode } from "viem/actions";

import { CliError, EXIT_AUDIT_FAILED } from "../cli/cli-error.js";
import { displayPath } from "../cli/display-path.js";
import { openNetwork } from "../cli/open-network.js";
import { cliAction } from "../cli/run-action.js";
import { readTaskRecord } from "../cli/task-record.js";
import { formatAuditSummary } from "../../client/audit-format.js";
import { runAudit } from "../../client/audit.js";
import type { FetchLogsProgress } from "../../client/fetch-logs.js";
import { IndexerError, indexedBlock } from "../../client/indexer-client.js";
import { compareIndexer, formatIndexerMismatch } from "../../client/indexer-compare.js";
import { ledgerFiles } from "../../client/ledger-export.js";

interface AuditArgs {
  out: string | undefined;
  blockRange: number;
  retries: number;
  record: string | undefined;
  rpcUrl: string | undefined;
  recordsDir: string;
  indexer: string | undefined;
}

export default cliAction<AuditArgs>(async (args, hre, context) => {
  const network = hre.globalOptions.network ?? "localhost";
  if (args.blockRange < 1) throw new CliError("--block-range must be at least 1.");
  if (!Number.isInteger(args.retries) || args.retries < 0) throw new CliError("--retries must be a whole number of at least 0.");
  const { connection, client, chainId, description } = await openNetwork({
    hre,
    network,
    rpcUrl: args.rpcUrl,
    retries: args.retries,
    // Says why the audit waits: each refused or throttled answer, before it is retried or reported.
    onErrorResponse: (response) => console.error(`  the RPC answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`),
    context,
  });
  try {
    const record = await readTaskRecord({ hre, network, chainId, record: args.record, recordsDir: args.recordsDir });
    const ecoshare = record.contracts.Ecoshare!.address;
    if (args.indexer !== undefined && !/^https?:\/\/[^\s]+$/.test(args.indexer)) throw new CliError(`--indexer must be the indexer's http(s) URL, not "${args.indexer}".`);
    const chainHead = await getBlockNumber(client, { cacheTime: 0 });
    const indexerBlock = args.indexer === undefined ? undefined : await indexedBlock({ url: args.indexer }).catch(rethrowIndexer);
    if (indexerBlock !== undefined && indexerBlock > chainHead) throw new CliError(`The indexer is at block ${indexerBlock}, past the chain's head ${chainHead}: it indexes another chain (or a node that restarted).`);
    const head = indexerBlock ?? chainHead;
    if ((await getCode(client, { address: ecoshare, blockNumber: head })) === undefined) {
      throw new CliError(
        `No contract at ${ecoshare} on network "${network}" (chain ${chainId}): the deployment record is stale (was the node restarted?); redeploy with npm run deploy -- --network ${network}.`,
      );
    }
    console.log(`Auditing Ecoshare ${ecoshare} on network "${network}" (chain ${chainId}${description.endpoint ? `, ${description.endpoint}` : ""}), blocks ${record.deployBlock}–${head}.`);

    const report = await runAudit({
      client,
      ecoshare,
      fromBlock: BigInt(record.deployBlock),
      toBlock: head,
      blockRange: BigInt(args.blockRange),
      onProgress: progressPrinter(),
    });
    const labels = new Map((record.demo?.accounts ?? []).map((a) => [a.address.toLowerCase(), a.label]));
    for (const line of formatAuditSummary({ report, labels })) console.log(line);
    let indexerAgrees = true;
    if (args.indexer !== undefined) {
      const { mismatches, checks } = await compareIndexer({ url: args.indexer, readings: report.readings, blockNumber: head, timestamp: report.timestamp }).catch(rethrowIndexer);
      indexerAgrees = mismatches.length === 0;
      if (indexerAgrees) console.log(`Indexer ${args.indexer}: ${checks} balances and collectable amounts equal the chain's at block ${head}.`);
      else {
        console.error(`INDEXER MISMATCH: the indexer at ${args.indexer} disagrees with the chain at block ${head} in ${mismatches.length} of ${checks} values:`);
        for (const m of mismatches) console.error(`  ${formatIndexerMismatch(m)}`);
      }
    }

    if (args.out !== undefined) {
      const out = path.resolve(args.out);
      await mkdir(out, { recursive: true });
      const files = ledgerFiles({ report, labels, chainId });
      for (const [name, content] of files) await writeFile(path.join(out, name), content);
      console.log(`Wrote the ledger to ${displayPath(out)}/ (${[...files.keys()].join(", ")}).`);
    }
    return report.passed && indexerAgrees ? 0 : EXIT_AUDIT_FAILED;
  } finally {
    await connection.close();
  }
});

function rethrowIndexer(error: unknown): never {
  throw error instanceof IndexerError ? new CliError(error.message) : error;
}

/** A progress indicator: one line rewritten in place on a terminal, a line per tenth otherwise. */
function progressPrinter(): (progress: FetchLogsProgress) => void {
  const tty = process.stdout.isTTY === true;
  let lastTenth = -1;
  return (p) => {
    const line = `Reading events: ${Math.round(p.fraction * 100)}% (to block ${p.toBlock} of ${p.lastBlock}, ${p.logs} events)`;
    if (tty) {
      process.stdout.write(`\r${line}${p.fraction >= 1 ? "\n" : ""}`);
      return;
    }
    const tenth = Math.floor(p.fraction * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      console.log(line);
    }
  };
}
