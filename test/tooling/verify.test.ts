/**
 * Source verification, as far as it can be checked offline: the standard-JSON input `npm run verify`
 * submits (and writes with --input-out) is the input the deployed bytecode was compiled from. The explorer
 * itself cannot be reached from here; the command's errors are in cli-errors.test.ts.
 */
import { readFile } from "node:fs/promises";
import { expect } from "chai";
import hre from "hardhat";

import { standardJsonInputOf } from "../../scripts/deploy/standard-json-input.js";

interface BuildInfo {
  solcLongVersion: string;
  input: { language: string; sources: Record<string, { content: string }>; settings: Record<string, unknown> };
  /** Source names as the project writes them (contracts/X.sol) to solc's (project/contracts/X.sol). */
  userSourceNameMap: Record<string, string>;
}

describe("verify: the standard-JSON input submitted to the explorer", function () {
  this.timeout(60_000);

  it("is the build info's input for Ecoshare: the same sources, word for word, and the same settings", async function () {
    const artifact = await hre.artifacts.readArtifact("Ecoshare");
    const buildInfoPath = await hre.artifacts.getBuildInfoPath(artifact.buildInfoId!);
    const buildInfo = JSON.parse(await readFile(buildInfoPath!, "utf8")) as BuildInfo;
    const input = await standardJsonInputOf({ hre, sourceName: artifact.sourceName, buildProfile: "default" });

    expect(input.language).to.equal("Solidity");
    const sources = Object.keys(input.sources);
    expect(sources).to.include(buildInfo.userSourceNameMap[artifact.sourceName]);
    // Only what Ecoshare.sol imports, nothing else the project compiles (mocks, tests).
    expect(sources.some((s) => s.includes("mocks/"))).to.equal(false);
    for (const name of sources) expect(input.sources[name]?.content, name).to.equal(buildInfo.input.sources[name]?.content);
    const { outputSelection: _ours, ...settings } = input.settings as Record<string, unknown>;
    const { outputSelection: _theirs, ...built } = buildInfo.input.settings;
    expect(settings).to.deep.equal(built);
    expect(settings).to.deep.include({ viaIR: true, evmVersion: "cancun", optimizer: { enabled: true, runs: 200 } });
  });
});
