/**
 * The project's commands, as Hardhat tasks (hardhat.config.ts lists them). Each action is loaded
 * lazily and reports any failure as one sentence with a non-zero exit code.
 *
 *   npm run deploy -- --network <name>     deploy Ecoshare, write ignition/records/chain-<id>.json
 *   npm run verify -- --network <name>     verify the deployed sources on a block explorer, from the record
 *   npm run demo [-- --port 8545 --app-port 5173]   local node + deployment + seeded story + app, until Ctrl-C
 *   npm run audit [-- --network localhost --out <folder>]   rebuild the ledger from the log and compare
 *   npx hardhat negotiate --mandates <file.json> [--parties a,b]   terms inside every mandate, or the conflicts
 *   npx hardhat negotiate --from-chain --network-id 1 --parties 0x..,0x.. [--network localhost]   the same, from the live mandates
 */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

import { DEFAULT_RECORDS_DIR } from "../../client/deployment-record-file.js";

const recordsDirOption = {
  name: "recordsDir",
  description: "Folder of the deployment records",
  defaultValue: DEFAULT_RECORDS_DIR,
} as const;

const forceFlag = {
  name: "force",
  description: "Replace the record of another chain with the same id (e.g. another local node on 31337) even while it runs",
} as const;

const rpcUrlOption = {
  name: "rpcUrl",
  description: "Use this RPC URL instead of the network's own (http networks), e.g. a demo on another port",
  type: ArgumentType.STRING_WITHOUT_DEFAULT,
  defaultValue: undefined,
} as const;

export const ecoshareTasks = [
  task("deploy", "Deploys Ecoshare with Hardhat Ignition and writes the chain's deployment record")
    .addOption(rpcUrlOption)
    .addOption(recordsDirOption)
    .addFlag(forceFlag)
    .setAction(() => import("./deploy.js"))
    .build(),
  task("verify-deployment", "Verifies the sources of the chain's deployed contracts on a block explorer, from its deployment record")
    .addOption({
      name: "provider",
      description: "Where to verify: etherscan (needs ECOSHARE_ETHERSCAN_API_KEY), blockscout or sourcify",
      defaultValue: "etherscan",
    })
    .addOption({
      name: "inputOut",
      description: "Also write the standard-JSON compiler input submitted for each contract to this folder",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption(rpcUrlOption)
    .addOption(recordsDirOption)
    .setAction(() => import("./verify.js"))
    .build(),
  task("demo", "Starts a local node on 127.0.0.1, deploys, seeds the demo ecosystem and waits for Ctrl-C")
    .addOption({ name: "port", description: "Port of the local node", type: ArgumentType.INT, defaultValue: 8545 })
    .addOption({ name: "appPort", description: "Port of the web app; fails when taken (default: 5173, or the next free port)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption(recordsDirOption)
    .addFlag(forceFlag)
    .addFlag({ name: "indexer", description: "Also start the indexer (indexer/, Ponder on PGlite) on the demo chain and print its URL" })
    .addOption({ name: "indexerPort", description: "Port of the indexer's HTTP API (with --indexer)", type: ArgumentType.INT, defaultValue: 42069 })
    .setAction(() => import("./demo.js"))
    .build(),
  task("audit", "Rebuilds every balance from the event log and compares it with the contract (default network: localhost)")
    .addOption({ name: "out", description: "Folder to write the full ledger to, as CSV and JSON", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "blockRange", description: "The most blocks per eth_getLogs request (the audit starts with fewer and grows to it)", type: ArgumentType.INT, defaultValue: 2_000 })
    .addOption({ name: "retries", description: "Retries of a failed RPC request before giving up", type: ArgumentType.INT, defaultValue: 5 })
    .addOption({
      name: "record",
      description: "Deployment record to audit, instead of the one of the RPC's chain in --records-dir",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption({
      name: "indexer",
      description: "URL of an Ecoshare indexer whose balances and earnings must equal the chain's (audits up to the block it reached)",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption(rpcUrlOption)
    .addOption(recordsDirOption)
    .setAction(() => import("./audit.js"))
    .build(),
  task("negotiate", "Proposes the terms in the middle of the parties' mandates, or says which bounds conflict and whose")
    .addOption({ name: "mandates", description: "JSON file of mandates ({ mandates: [...] }, see client/mandate-file.ts)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "parties", description: "Parties by label or address, comma-separated, in party order (default: every mandate)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "networkId", description: "Only the mandates for this network", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addOption({ name: "networkFeeBps", description: "The network's fee in basis points", type: ArgumentType.INT, defaultValue: 0 })
    .addOption({ name: "minReferralFeeBps", description: "The referrer's floor for the referral fee, in basis points", type: ArgumentType.INT, defaultValue: 0 })
    .addOption({ name: "asset", description: "Fix the asset (address; ETH is 0x0000000000000000000000000000000000000000)", type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined })
    .addFlag({ name: "fromChain", description: "Read the parties' live mandates (and the network's fee) from the deployment on --network (default: localhost) instead of a file" })
    .addOption({
      name: "record",
      description: "Deployment record to read with --from-chain, instead of the one of the RPC's chain in --records-dir",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption(rpcUrlOption)
    .addOption(recordsDirOption)
    .setAction(() => import("./negotiate.js"))
    .build(),
];
