/**
 * `npm run audit [-- --network <name>] [--out <folder>]`: reads every Ecoshare event from the deployment
 * block to the head, rebuilds the ledger from the log alone and compares it with the contract. Exits 1
 * naming each account and difference when they disagree, 2 when it cannot run.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import { CliError, EXIT_AUDIT_FAILED } from "../cli/cli-error.js";
import { displayPath } from "../cli/display-path.js";
import { openNetwork } from "../cli/open-network.js";
import { cliAction } from "../cli/run-action.js";
import { formatAuditSummary } from "../lib/audit-format.js";
import { runAudit } from "../lib/audit.js";
import { readDeploymentRecord } from "../lib/deployment-record-file.js";
import type { FetchLogsProgress } from "../lib/fetch-logs.js";
import { ledgerFiles } from "../lib/ledger-export.js";
import { getBlockNumber, getCode, type RetryOptions } from "../lib/rpc.js";

interface AuditArgs {
  out: string | undefined;
  blockRange: number;
  retries: number;
  record: string | undefined;
  rpcUrl: string | undefined;
  recordsDir: string;
}

export default cliAction<AuditArgs>(async (args, hre, context) => {
  const network = hre.globalOptions.network ?? "localhost";
  if (args.blockRange < 1) throw new CliError("--block-range must be at least 1.");
  const retry: RetryOptions = {
    retries: Math.max(0, args.retries),
    onRetry: ({ method, kind, attempt, delayMs }) => console.error(`  ${method}: ${kind}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`),
  };
  const { connection, transport, chainId, description } = await openNetwork({
    hre,
    network,
    rpcUrl: args.rpcUrl,
    retry,
    context,
  });
  try {
    const record = await readDeploymentRecord({
      ...(args.record === undefined ? {} : { file: path.resolve(args.record) }),
      dir: path.resolve(hre.config.paths.root, args.recordsDir),
      chainId,
      deployHint: `npm run deploy -- --network ${network}`,
    });
    const ecoshare = record.contracts.Ecoshare!.address;
    const head = await getBlockNumber({ transport, retry });
    if ((await getCode({ transport, address: ecoshare, blockTag: head, retry })) === "0x") {
      throw new CliError(
        `No contract at ${ecoshare} on network "${network}" (chain ${chainId}): the deployment record is stale (was the node restarted?); redeploy with npm run deploy -- --network ${network}.`,
      );
    }
    console.log(`Auditing Ecoshare ${ecoshare} on network "${network}" (chain ${chainId}${description.endpoint ? `, ${description.endpoint}` : ""}), blocks ${record.deployBlock}–${head}.`);

    const report = await runAudit({
      transport,
      ecoshare,
      fromBlock: BigInt(record.deployBlock),
      toBlock: head,
      blockRange: BigInt(args.blockRange),
      retry,
      onProgress: progressPrinter(),
    });
    const labels = new Map((record.demo?.accounts ?? []).map((a) => [a.address.toLowerCase(), a.label]));
    for (const line of formatAuditSummary({ report, labels })) console.log(line);

    if (args.out !== undefined) {
      const out = path.resolve(args.out);
      await mkdir(out, { recursive: true });
      const files = ledgerFiles({ report, labels, chainId });
      for (const [name, content] of files) await writeFile(path.join(out, name), content);
      console.log(`Wrote the ledger to ${displayPath(out)}/ (${[...files.keys()].join(", ")}).`);
    }
    return report.passed ? 0 : EXIT_AUDIT_FAILED;
  } finally {
    await connection.close();
  }
});

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
