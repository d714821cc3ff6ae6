/**
 * The standard-JSON compiler input a block explorer recompiles a contract from: the contract's source
 * file and its imports, with the build profile's settings. Built the way Hardhat's verify plugin builds
 * its first ("minimal") submission, so `npm run verify -- --input-out <folder>` shows what is sent.
 */
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { CompilerInput } from "hardhat/types/solidity";

export type StandardJsonInputOfParameters = {
  hre: HardhatRuntimeEnvironment;
  /** The artifact's source name, e.g. contracts/Ecoshare.sol. */
  sourceName: string;
  /** The build profile the deployment was compiled with (deploys use production). */
  buildProfile?: string;
};

/** The compiler input for `sourceName`'s compilation job alone. */
export async function standardJsonInputOf({ hre, sourceName, buildProfile = "production" }: StandardJsonInputOfParameters): Promise<CompilerInput> {
  const root = sourceName.startsWith("npm/") ? `npm:${sourceName.slice("npm/".length)}` : path.join(hre.config.paths.root, sourceName);
  const jobs = await hre.solidity.getCompilationJobs([root], { buildProfile, quiet: true, force: true });
  if (!jobs.success) throw new Error(`Hardhat could not plan the compilation of ${sourceName}: run npx hardhat build to see why.`);
  const job = jobs.compilationJobsPerFile.get(root);
  if (job === undefined) throw new Error(`No compilation job for ${sourceName}.`);
  return job.getSolcInput();
}
