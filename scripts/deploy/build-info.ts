/**
 * What built the deployed bytecode and from which source: the compiler version and settings from the
 * artifact's build info, and the git commit of the work tree.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { DeploymentRecord } from "../../client/deployment-record.js";

const run = promisify(execFile);

/** Compiler version, optimizer and EVM version that produced `contractName`'s artifact. */
export async function compilerOf(hre: HardhatRuntimeEnvironment, contractName: string): Promise<DeploymentRecord["compiler"]> {
  const artifact = await hre.artifacts.readArtifact(contractName);
  const buildInfoPath = artifact.buildInfoId === undefined ? undefined : await hre.artifacts.getBuildInfoPath(artifact.buildInfoId);
  if (buildInfoPath === undefined) throw new Error(`No build info for ${contractName}: run npx hardhat build.`);
  const buildInfo = JSON.parse(await readFile(buildInfoPath, "utf8")) as {
    solcLongVersion: string;
    input: { settings: { optimizer?: { enabled?: boolean; runs?: number }; evmVersion?: string } };
  };
  const { optimizer = {}, evmVersion = "default" } = buildInfo.input.settings;
  return {
    version: buildInfo.solcLongVersion,
    optimizer: { enabled: optimizer.enabled ?? false, runs: optimizer.runs ?? 200 },
    evmVersion,
  };
}

/** The commit checked out in `root` and whether tracked files have uncommitted changes; null without git. */
export async function gitCommitOf(root: string): Promise<DeploymentRecord["commit"]> {
  try {
    const { stdout: hash } = await run("git", ["rev-parse", "HEAD"], { cwd: root });
    const { stdout: status } = await run("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root });
    return { hash: hash.trim(), dirty: status.trim() !== "" };
  } catch {
    return null;
  }
}
