/** What the demo prints once it is ready: everything a newcomer needs to start. */
import { displayPath } from "../cli/display-path.js";
import type { DemoAccount } from "../../client/demo-cast.js";
import type { DeploymentRecord } from "../../client/deployment-record.js";
import type { DemoApp } from "./app-hook.js";
import type { PartnerSite } from "./partner-site.js";
import type { SeedDemoReturnType } from "./seed.js";

export type FormatWelcomeParameters = {
  rpcUrl: string;
  record: DeploymentRecord;
  recordPath: string;
  accounts: readonly DemoAccount[];
  seed: SeedDemoReturnType;
  app: DemoApp | undefined;
  /** The example partner site (the hotel's booking page), started with the app. */
  partnerSite?: PartnerSite | undefined;
  /** The indexer's URL when `--indexer` started one. */
  indexerUrl?: string | undefined;
  seconds: number;
  /** The records folder, when not the default one (the audit must be told). */
  recordsDir?: string;
};

export function formatWelcome({ rpcUrl, record, recordPath, accounts, seed, app, partnerSite, seconds, recordsDir, indexerUrl }: FormatWelcomeParameters): string[] {
  const flags = [
    ...(new URL(rpcUrl).port === "8545" ? [] : [`--rpc-url ${rpcUrl}`]),
    ...(recordsDir === undefined ? [] : [`--records-dir ${displayPath(recordsDir)}`]),
  ];
  if (indexerUrl !== undefined) flags.push(`--indexer ${indexerUrl}`);
  const auditCommand = `npm run audit${flags.length === 0 ? "" : ` -- ${flags.join(" ")}`}`;
  const lines = [
    "",
    "Ecoshare demo",
    `  RPC          ${rpcUrl}  (chain ${record.chainId}; add it to a wallet as a custom network)`,
    app === undefined
      ? "  App          not started (ECOSHARE_DEMO_NO_APP=1): serve it with `npm run dev --prefix app`"
      : `  App          ${app.url}`,
    ...(partnerSite === undefined
      ? []
      : [`  Partner site ${partnerSite.url}  (the Grand Plaza Hotel's booking page: the checkout embedded on another origin, the hotel's referral built in)`]),
    indexerUrl === undefined
      ? "  Indexer      not started: add --indexer to serve the ledger from indexer/ (Ponder)"
      : `  Indexer      ${indexerUrl}  (balances, earnings, payments; SQL over HTTP at /sql)`,
    `  Record       ${displayPath(recordPath)}`,
    "",
    "Contracts",
    ...Object.entries(record.contracts).map(([name, c]) => `  ${name.padEnd(15)}${c.address}${name === "MockStablecoin" ? "  (dUSD, 6 decimals, demo only)" : ""}`),
    "",
    `Story: ${Object.keys(seed.networks).length} networks, ${seed.members} memberships, ${Object.keys(seed.agreements).length} agreements ` +
      `(one amended, one terminated, one pending, one negotiated by counter-proposal), ${seed.payments} payments ` +
      `(${seed.referredPayments} referred, ${seed.permitPayments} by permit, ${seed.held.payments} held for refunds: ` +
      `${seed.held.released} released, ${seed.held.refunded} refunded, ${seed.held.pending} pending) ` +
      `over ${seed.days} simulated days, ${seed.withdrawals} withdrawals and ${seed.collects} collect${seed.collects === 1 ? "" : "s"}.`,
    ...(seed.trust === undefined
      ? []
      : [
          `Trust-based holdback (concert tickets, day 4): ${seed.trust.refunded.name}, whose ticket sale was refunded, sees its customer held ` +
            `${hours(seed.trust.refunded.holdbackPeriod)}; ${seed.trust.proven.name}, proven by released sales, ${hours(seed.trust.proven.holdbackPeriod)}.`,
        ]),
    `Orders (${seed.orders.length}, ${seed.orders.reduce((n, o) => n + o.lines, 0)} of the payments are their lines; one transaction each):`,
    ...seed.orders.map((o) => `  ${o.ref}  ${o.lines} lines: ${o.story}.`),
    "",
    "Accounts: Hardhat's test mnemonic \"test test test test test test test test test test test junk\".",
    "These keys are public: never send real money to them. Import one into a wallet to act as that partner.",
    ...accounts.map((a) => `  #${String(a.index).padEnd(3)}${a.name.padEnd(20)}${a.address}  ${a.privateKey}  ${a.roles.join(", ")}`),
    "",
    `Audit it: ${auditCommand}`,
    "",
    `Ecoshare demo is ready at ${rpcUrl} (started in ${seconds.toFixed(1)} s). Press Ctrl-C to stop.`,
  ];
  return lines;
}

function hours(seconds: number): string {
  return `${seconds / 3600} hours`;
}
