/**
 * `npx hardhat negotiate`, run as a user runs it (child processes): the demo mandates file's overlapping
 * pair gets terms, the third party's conflicts are named, and every bad flag or file ends in one sentence
 * with exit code 2.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";

import { meaningfulLines, runHardhat } from "./helpers/cli.js";

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
      [["negotiate"], /^Give the mandates with --mandates <file\.json>/],
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
