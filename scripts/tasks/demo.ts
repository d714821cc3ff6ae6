/**
 * `npm run demo [-- --port 8545 --app-port 5173 --indexer]`: one command from a fresh checkout to a living ecosystem. Starts a
 * local Hardhat node on 127.0.0.1, deploys the protocol and the demo stablecoin, seeds the City Stay
 * story, starts the web app and the example partner site (the hotel's booking page with the embedded
 * checkout, on its own port) and prints what a newcomer needs. With `--indexer` it also
 * starts the indexer (indexer/, on PGlite) and prints its URL. Ctrl-C stops it all.
 */
import path from "node:path";

import EcoshareDemoModule from "../../ignition/modules/EcoshareDemo.js";
import { CliError } from "../cli/cli-error.js";
import { openNetwork } from "../cli/open-network.js";
import { cliAction } from "../cli/run-action.js";
import { deployProtocol } from "../deploy/deploy-protocol.js";
import { startDemoApp, type DemoApp } from "../demo/app-hook.js";
import { startDemoIndexer } from "../demo/indexer-hook.js";
import { startPartnerSite, type PartnerSite } from "../demo/partner-site.js";
import { assertPortFree, parsePort, startLocalNode } from "../demo/local-node.js";
import { seedDemo } from "../demo/seed.js";
import { formatWelcome } from "../demo/welcome.js";
import { demoAccount, demoAccounts } from "../../client/demo-cast.js";
import { DEFAULT_RECORDS_DIR, describeRecord, writeDeploymentRecord } from "../../client/deployment-record-file.js";
import { rpcRequest } from "../../client/rpc-client.js";

interface DemoArgs {
  port: number;
  appPort: string | undefined;
  recordsDir: string;
  force: boolean;
  indexer: boolean;
  indexerPort: number;
}

/** The simulated history: the chain starts this long ago so the seeded days end today. */
const HISTORY_MS = 15 * 24 * 3_600 * 1_000;

export default cliAction<DemoArgs>(async ({ port, appPort, recordsDir, force, indexer, indexerPort }, hre, context) => {
  const started = performance.now();
  const appPortNumber = appPort === undefined ? undefined : parsePort(appPort, "--app-port");
  // Checked before anything starts, so a taken port costs no deployment.
  if (appPortNumber !== undefined) await assertPortFree(appPortNumber, "--app-port");
  const records = path.resolve(hre.config.paths.root, recordsDir);
  const cleanups: (() => Promise<void>)[] = [];
  /** Stops what was started, last first; safe to call twice. */
  const stopAll = async () => {
    while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
  };
  // Ctrl-C (or a terminal closing) at any moment stops everything started so far.
  let ready = false;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (ready) {
      resolveStopped();
      return;
    }
    console.error(`\nStopping (${signal}) before the demo was ready.`);
    void stopAll().finally(() => process.exit(130));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);

  try {
    const node = await startLocalNode({ hre, port, initialDate: new Date(Date.now() - HISTORY_MS) });
    cleanups.push(() => node.close());
    console.log(`Local Hardhat node listening at ${node.url}; deploying…`);

    const { connection, client, chainId } = await openNetwork({ hre, network: "localhost", rpcUrl: node.url, context });
    cleanups.push(() => connection.close());
    const accounts = demoAccounts();
    const nodeAccounts = await rpcRequest<string[]>(client, "eth_accounts");
    if (accounts.some((a) => nodeAccounts[a.index]?.toLowerCase() !== a.address.toLowerCase())) {
      throw new CliError("The node's accounts are not those of Hardhat's test mnemonic: remove any accounts setting from the \"node\" network.");
    }

    const deployed = await deployProtocol({
      hre,
      connection,
      networkName: "localhost",
      ignitionModule: EcoshareDemoModule,
      // The test profile's settings are the production ones: reuse what `npm test` compiled.
      build: "default",
      recordsDir: records,
      localRpcUrl: node.url,
      force,
      demo: { accounts: accounts.map((a) => ({ index: a.index, address: a.address, label: a.name, roles: a.roles })) },
    });
    const { recordPath, replaced } = deployed;
    let record = deployed.record;
    const ecoshare = record.contracts.Ecoshare!.address;
    const stablecoin = record.contracts.MockStablecoin!.address;
    console.log(`Deployed Ecoshare at ${ecoshare} and the demo stablecoin at ${stablecoin}; seeding the story…`);
    if (replaced !== undefined) console.log(`  (replaced the record of another chain with id ${chainId}: ${describeRecord(replaced)})`);

    const seed = await seedDemo({
      client,
      ecoshare,
      stablecoin,
      accounts,
      onProgress: (message) => {
        if (process.stdout.isTTY === true) process.stdout.write(`\r  ${message}`.padEnd(70));
      },
    });
    if (process.stdout.isTTY === true) process.stdout.write("\n");
    // From here on the chain keeps wall-clock time, so what people do in the app happens "now".
    await rpcRequest(client, "evm_setNextBlockTimestamp", [Math.max(Math.floor(Date.now() / 1000), Number(seed.lastTimestamp) + 1)]);
    await rpcRequest(client, "evm_mine");

    let indexerUrl: string | undefined;
    if (indexer) {
      const running = await startDemoIndexer({ recordPath, port: indexerPort });
      cleanups.push(() => running.stop());
      indexerUrl = running.url;
      // The record names the indexer, so the app reads its pages from it (the same chain: no replace check).
      record = { ...record, indexerUrl };
      await writeDeploymentRecord({ dir: records, record });
    }
    const app: DemoApp | undefined = await startDemoApp({ rpcUrl: node.url, chainId, record, recordPath, accounts, port: appPortNumber });
    if (app !== undefined) cleanups.push(() => app.stop());
    // The hotel's booking page embeds the app's checkout, so it needs the app (or, with ECOSHARE_DEMO_NO_APP=1,
    // the URL of the app served elsewhere: ECOSHARE_DEMO_APP_URL); on its own origin, as a partner's site.
    const partnerAppUrl = app?.url ?? process.env.ECOSHARE_DEMO_APP_URL;
    let partnerSite: PartnerSite | undefined;
    if (partnerAppUrl) {
      const site = await startPartnerSite({ appUrl: partnerAppUrl, rpcUrl: node.url, chainId, contract: ecoshare, deployBlock: record.deployBlock, agreements: seed.agreements, referrer: demoAccount(accounts, "hotel").address });
      cleanups.push(() => site.stop());
      partnerSite = site;
    }

    const seconds = (performance.now() - started) / 1000;
    const customRecords = records === path.resolve(hre.config.paths.root, DEFAULT_RECORDS_DIR) ? {} : { recordsDir: records };
    for (const line of formatWelcome({ rpcUrl: node.url, record, recordPath, accounts, seed, app, partnerSite, seconds, indexerUrl, ...customRecords })) console.log(line);
    ready = true;
    await stopped;
    console.log("\nStopping the demo…");
  } finally {
    await stopAll();
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(signal, onSignal);
  }
  console.log("Demo stopped.");
});
