/**
 * End to end, as a newcomer runs it: `npm run demo -- --port <free port>` in a child process, its ready
 * line, the audit against it (passing, then failing on a tampered chain), a second demo refused on the
 * same port, and Ctrl-C (SIGINT to the process group, as a terminal sends it) stopping everything.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";


import { readDeploymentRecord } from "../../client/deployment-record-file.js";
import { bookingSnippet } from "../../scripts/demo/partner-site.js";
import { demoAccount, demoAccounts } from "../../client/demo-cast.js";
import { createRpcClient, rpcRequest } from "../../client/rpc-client.js";
import type { Hex } from "viem";
import { sharedCheckout } from "./helpers/checkout.js";
import { childEnv, collect, freePort, isListening, meaningfulLines, runHardhat } from "./helpers/cli.js";
import { parseCsv } from "./helpers/csv.js";

describe("npm run demo (end to end)", function () {
  this.timeout(180_000);
  let demo: ChildProcess | undefined;
  let output = "";
  let port: number;
  let appPort: number;
  let recordsDir: string;
  let outDir: string;
  // A copy of the checkout, as a newcomer's clone: the demo compiles there, never over this run's artifacts.
  let checkout: string;

  before(async function () {
    checkout = await sharedCheckout(hre.config.paths.root);
    port = await freePort();
    appPort = await freePort();
    recordsDir = await mkdtemp(path.join(tmpdir(), "ecoshare-e2e-records-"));
    outDir = await mkdtemp(path.join(tmpdir(), "ecoshare-e2e-ledger-"));
    // Its own process group, so SIGINT reaches npm, the shell and Hardhat together, as Ctrl-C does.
    demo = spawn("npm", ["run", "demo", "--", "--port", String(port), "--app-port", String(appPort), "--records-dir", recordsDir], {
      cwd: checkout,
      env: childEnv(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    demo.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The demo was not ready within 150 s:\n${output}`)), 150_000);
      const check = () => {
        if (output.includes("Ecoshare demo is ready at")) {
          clearTimeout(timer);
          resolve();
        }
      };
      demo!.stdout!.on("data", check);
      demo!.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`The demo exited with code ${code} before it was ready:\n${output}`));
      });
    });
  });

  /** The app's URL, from the demo's "App" line. */
  function appUrl(): string {
    return output.match(/App\s+(http:\/\/127\.0\.0\.1:\d+\/)/)?.[1] ?? "";
  }

  after(async function () {
    try {
      if (demo?.pid !== undefined) process.kill(-demo.pid, "SIGKILL");
    } catch {
      // Already gone, as it should be.
    }
    await rm(recordsDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  });

  it("prints the RPC, the contracts, the cast with roles and keys, and its ready line", function () {
    expect(output).to.include(`http://127.0.0.1:${port}`);
    expect(output).to.match(/Ecoshare\s+0x[0-9a-fA-F]{40}/);
    expect(output).to.match(/MockStablecoin\s+0x[0-9a-fA-F]{40}\s+\(dUSD, 6 decimals, demo only\)/);
    expect(output).to.include("Grand Plaza Hotel").and.to.include("City Stay operator");
    expect(output).to.include("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"); // account #0's public test key
    expect(appUrl(), output).to.equal(`http://127.0.0.1:${appPort}/`);
    // solc's transient-storage notice for OpenZeppelin's guard is known and harmless: not shown to newcomers.
    expect(output).to.not.include("Transient storage as defined by EIP-1153");
    expect(output).to.match(
      /\d+ payments \(\d+ referred, \d+ by permit, \d+ held for refunds: \d+ released, \d+ refunded, \d+ pending\) over 14 simulated days, \d+ withdrawals and 1 collect/,
    );
    // The story's orders: one customer, a team of vendors, one transaction each.
    expect(output).to.include(
      "Trust-based holdback (concert tickets, day 4): Daily Grind Coffee, whose ticket sale was refunded, sees its customer held 48 hours; Atlas Journeys, proven by released sales, 12 hours.",
    );
    expect(output).to.include("Orders (3, 8 of the payments are their lines; one transaction each):");
    expect(output).to.include("CS-0001  3 lines: Alice books a room, dinner and a city event in one transaction through Atlas Journeys's referral link.");
    expect(output).to.include("CS-0003  2 lines: Wanderwise Travel books for Chen and names him as refund recipient");
  });

  it("serves the web app, pointed at the demo's deployment record", async function () {
    const page = await fetch(appUrl());
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include("<title>Ecoshare");
    const record = await fetch(new URL("records/chain-31337.json", appUrl()));
    expect(record.status).to.equal(200);
    expect(((await record.json()) as { chainId: number }).chainId).to.equal(31337);
  });

  /** The partner site's URL, from the demo's "Partner site" line. */
  function partnerSiteUrl(): string {
    return output.match(/Partner site\s+(http:\/\/127\.0\.0\.1:\d+\/)/)?.[1] ?? "";
  }

  it("serves the hotel's booking page on another origin, its checkout pointed at the demo's deployment and the app", async function () {
    expect(partnerSiteUrl(), output).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(new URL(partnerSiteUrl()).origin).to.not.equal(new URL(appUrl()).origin);
    const page = await fetch(partnerSiteUrl());
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-security-policy")).to.include("default-src 'none'");
    const record = await readDeploymentRecord({ dir: recordsDir, chainId: 31337 });
    const accounts = demoAccounts();
    expect(await page.text()).to.include(
      bookingSnippet({
        appUrl: appUrl(),
        rpcUrl: `http://127.0.0.1:${port}`,
        chainId: 31337,
        contract: record.contracts.Ecoshare!.address,
        deployBlock: record.deployBlock,
        // The seed's agreements, in its order: the room, the dinner and the city event follow the first four.
        agreements: { room: 5n, dinner: 6n, cityEvent: 7n },
        referrer: demoAccount(accounts, "hotel").address,
      }).html.replace(/^/gm, "          "),
    );
  });

  it("passes the audit run against it, and writes the ledger", async function () {
    const result = await runHardhat(["audit", "--rpc-url", `http://127.0.0.1:${port}`, "--records-dir", recordsDir, "--out", outDir]);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.match(/Read \d+ events from blocks/).and.to.include("Audit passed");
    expect(result.stdout).to.include("orders: 3 orders of 8 lines in all (each paid in one transaction), 1 held line refunded");
    expect((await readdir(outDir)).sort()).to.include.members(["accounts.csv", "ledger.json", "orders.csv", "orders.json", "payments.csv", "payments.json"]);
    // One row per order and asset: the order's columns repeat on each of its rows.
    const { rows: orders } = parseCsv(await readFile(path.join(outDir, "orders.csv"), "utf8"));
    const byOrder = [...new Map(orders.map((r) => [r.order, [r.orderRef!, r.orderRefHex!, r.lineCount!]])).values()];
    expect(orders.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(r.blockTime!))).to.equal(true);
    expect(byOrder).to.deep.equal([
      ["CS-0001", "0x43532d3030303100000000000000000000000000000000000000000000000000", "3"],
      ["CS-0002", "0x43532d3030303200000000000000000000000000000000000000000000000000", "3"],
      ["CS-0003", "0x43532d3030303300000000000000000000000000000000000000000000000000", "2"],
    ]);
  });

  it("fails the audit, naming the difference, once the contract holds less than it owes", async function () {
    const client = createRpcClient({ url: `http://127.0.0.1:${port}` });
    const record = await readDeploymentRecord({ dir: recordsDir, chainId: 31337 });
    const ecoshare = record.contracts.Ecoshare!.address;
    const held = BigInt(await rpcRequest<Hex>(client, "eth_getBalance", [ecoshare, "latest"]));
    await rpcRequest(client, "hardhat_setBalance", [ecoshare, `0x${(held - 10n ** 15n).toString(16)}`]);
    const result = await runHardhat(["audit", "--rpc-url", `http://127.0.0.1:${port}`, "--records-dir", recordsDir]);
    await rpcRequest(client, "hardhat_setBalance", [ecoshare, `0x${held.toString(16)}`]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.include("Audit FAILED").and.to.match(/Shortfall in ETH: .*\(difference -0\.001 ETH\)/);
  });

  it("refuses a second demo on the same port with one sentence", async function () {
    const second = spawn("npm", ["run", "demo", "--", "--port", String(port), "--records-dir", recordsDir], {
      cwd: checkout,
      env: childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const result = await collect(second, 60_000);
    expect(result.code).to.not.equal(0);
    expect(meaningfulLines(result.stderr)).to.deep.equal([
      `Port ${port} on 127.0.0.1 is already in use (another demo or node?): stop it, or pick another port with npm run demo -- --port <port>.`,
    ]);
  });

  it("stops everything it started on Ctrl-C", async function () {
    // "close" waits for every process holding the output pipes, so Hardhat's last words are in.
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      demo!.once("close", (code, signal) => resolve({ code, signal })),
    );
    process.kill(-demo!.pid!, "SIGINT");
    const { code, signal } = await closed;
    // npm re-raises the interrupt after its script ends, as a shell would; the demo itself exits cleanly.
    expect(code === 0 || signal === "SIGINT", `exit ${code}, signal ${signal}`).to.equal(true);
    expect(output).to.include("Demo stopped.");
    expect(await isListening(port)).to.equal(false);
    expect(await isListening(Number(new URL(appUrl()).port))).to.equal(false);
    expect(await isListening(Number(new URL(partnerSiteUrl()).port))).to.equal(false);
    // Nothing of the group is left (orphans are reaped by init within moments).
    expect(await groupGone(demo!.pid!), `still running: ${groupMembers(demo!.pid!)}`).to.equal(true);
  });

  it("starts again on the same port right after (running it twice in a row works)", async function () {
    const again = spawn("npm", ["run", "demo", "--", "--port", String(port), "--app-port", String(appPort), "--records-dir", recordsDir], {
      cwd: checkout,
      env: childEnv(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    again.stdout!.on("data", (chunk: Buffer) => (text += chunk.toString()));
    again.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString()));
    const closed = new Promise<void>((resolve) => again.once("close", () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (text.includes("Ecoshare demo is ready at")) {
            clearInterval(timer);
            resolve();
          }
        }, 100);
        again.once("exit", (code) => {
          clearInterval(timer);
          reject(new Error(`The second demo exited with code ${code}:\n${text}`));
        });
      });
    } finally {
      process.kill(-again.pid!, "SIGINT");
      await closed;
    }
    expect(text).to.include("Demo stopped.");
    expect(await isListening(port)).to.equal(false);
  });
});

/** Whether every process of group `pgid` has ended, waiting up to 5 s. */
async function groupGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function groupMembers(pgid: number): string {
  try {
    return execFileSync("ps", ["-o", "pid,stat,args", "-g", String(pgid)]).toString();
  } catch {
    return "(ps unavailable)";
  }
}
