/**
 * `npx hardhat negotiate`, run as a user runs it (child processes): the demo mandates file's overlapping
 * pair gets terms, the third party's conflicts are named, and every bad flag or file ends in one sentence
 * with exit code 2.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";

import { demoAccount, demoAccounts } from "../../client/demo-cast.js";
import { meaningfulLines, runHardhat } from "./helpers/cli.js";
import { seededChain, type SeededChain } from "./helpers/nodes.js";

const FILE = "scripts/demo/mandates.json";

describe("negotiate command", function () {
  this.timeout(180_000);

  it("prints the terms inside both mandates, or the conflicts in plain words", async function () {
    const [agreed, refused] = await Promise.all([
      runHardhat(["negotiate", "--mandates", FILE, "--parties", "ana,ben", "--network-fee-bps", "200", "--min-referral-fee-bps", "200"]),
      runHardhat(["negotiate", "--mandates", FILE, "--parties", "Ana,Ben,Cy"]),
    ]);
    expect(agreed.code).to.equal(0);
    expect(agreed.stdout).to.contain("Ana: 40% of the vendor pool");
    expect(agreed.stdout).to.contain("Ben: 60% of the vendor pool");
    expect(agreed.stdout).to.contain("referral fee 5%, network fee 2%");
    expect(agreed.stdout).to.contain("holdback 8 days");
    expect(agreed.stdout).to.contain("asset ETH, valid 180 days");
    expect(refused.code).to.equal(1);
    expect(refused.stdout).to.contain("The share floors Ana's 30%, Ben's 50% and Cy's 60% add up to 140%, more than 100%.");
    expect(refused.stdout).to.contain("Cy wants payments held at least 30 days, but Ana accepts at most 14 days.");
  });

  it("reports bad flags and files in one sentence", async function () {
    const dir = await mkdtemp(path.join(tmpdir(), "ecoshare-negotiate-"));
    const broken = path.join(dir, "broken.json");
    const badField = path.join(dir, "bad-field.json");
    await writeFile(broken, "{ not json");
    await writeFile(badField, JSON.stringify({ mandates: [{ account: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", networkId: 1, minShareBps: 12_000 }] }));
    const cases: [string[], RegExp][] = [
      [["negotiate"], /^Give the mandates with --mandates <file\.json>, or read the live ones with --from-chain/],
      [["negotiate", "--mandates", FILE, "--from-chain"], /^Give either --mandates <file\.json> or --from-chain, not both\.$/],
      [["negotiate", "--from-chain", "--parties", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"], /^--from-chain needs --network-id/],
      [["negotiate", "--mandates", path.join(dir, "missing.json")], /^Cannot read the mandates file .*missing\.json: check the path\.$/],
      [["negotiate", "--mandates", broken], /^The mandates file .*broken\.json is not valid JSON/],
      [["negotiate", "--mandates", badField], /mandates\[0\]\.minShareBps: must be a whole number from 0 to 10000, got 12000\.$/],
      [["negotiate", "--mandates", FILE, "--parties", "ana,zed"], /^No mandate for "zed" in the mandates file; known: Ana, Ben, Cy\.$/],
      [["negotiate", "--mandates", FILE, "--asset", "0x12"], /^--asset must be an address/],
      [["negotiate", "--mandates", FILE, "--network-id", "one"], /^--network-id must be a whole number, got "one"\.$/],
      [["negotiate", "--mandates", FILE, "--network-fee-bps", "20000"], /^--network-fee-bps must be from 0 to 10000 basis points, got 20000\.$/],
    ];
    const results = await Promise.all(cases.map(([args]) => runHardhat(args)));
    for (const [i, [args, expected]] of cases.entries()) {
      const result = results[i]!;
      const lines = meaningfulLines(result.stderr);
      expect(result.code, args.join(" ")).to.equal(2);
      expect(lines, args.join(" ")).to.have.length(1);
      expect(lines[0], args.join(" ")).to.match(expected);
    }
  });
});

describe("negotiate --from-chain", function () {
  this.timeout(300_000);
  let chain: SeededChain;
  before(async function () {
    chain = await seededChain({ days: 1, paymentsPerDay: 3 });
  });
  after(async () => chain?.close());

  it("reads the live mandates and the network's fee from the deployment, and names a party without one", async function () {
    const [hotel, airline, restaurant, events] = ["hotel", "airline", "restaurant", "events"].map((k) => demoAccount(demoAccounts(), k).address);
    const base = ["negotiate", "--from-chain", "--network", "localhost", "--rpc-url", chain.node.url, "--records-dir", chain.recordsDir, "--network-id", "1"];
    const [agreed, refused, missing, bad] = await Promise.all([
      runHardhat([...base, "--parties", `${hotel},${airline}`]),
      runHardhat([...base, "--parties", `${hotel},${airline},${restaurant}`]),
      runHardhat([...base, "--parties", `${hotel},${events}`]),
      runHardhat([...base, "--parties", "hotel,airline"]),
    ]);
    expect(agreed.code, agreed.stderr).to.equal(0);
    expect(agreed.stdout).to.contain(`${hotel}: 40% of the vendor pool`);
    expect(agreed.stdout).to.contain("network fee 1.5%"); // City Stay's own fee, read from the chain
    expect(refused.code).to.equal(1);
    expect(refused.stdout).to.contain("add up to 140%, more than 100%.");
    expect(missing.code).to.equal(1);
    expect(missing.stdout).to.contain(`${events} has no live mandate for network 1: it accepts by hand.`);
    expect(bad.code).to.equal(2);
    expect(meaningfulLines(bad.stderr)).to.deep.equal([`--parties with --from-chain takes addresses (0x and 40 hex digits), got "hotel".`]);
  });

  it("the demo's hotel and airline got an agreement active in one transaction; the restaurant's mandate conflicts", function () {
    const { mandates } = chain.seed;
    expect(mandates.activatedInBlock).to.equal(mandates.proposedInBlock);
    expect(mandates.conflicts.join(" ")).to.contain("Cy wants payments held at least 30 days, but Ana accepts at most 14 days.");
  });
});
