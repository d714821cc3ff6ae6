/**
 * The deployment record a command reads: the file named by `--record`, else the one of the RPC's chain in
 * `--records-dir`; a missing record ends in one sentence that says how to deploy.
 */
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { DeploymentRecord } from "../../client/deployment-record.js";
import { readDeploymentRecord } from "../../client/deployment-record-file.js";

export type ReadTaskRecordParameters = {
  hre: HardhatRuntimeEnvironment;
  /** The Hardhat network the command runs on (named in the deploy hint). */
  network: string;
  chainId: number;
  /** `--record`: a record file, instead of the chain's in `recordsDir`. */
  record: string | undefined;
  recordsDir: string;
};

/** The deployment record the command's flags name. */
export function readTaskRecord({ hre, network, chainId, record, recordsDir }: ReadTaskRecordParameters): Promise<DeploymentRecord> {
  return readDeploymentRecord({
    ...(record === undefined ? {} : { file: path.resolve(record) }),
    dir: path.resolve(hre.config.paths.root, recordsDir),
    chainId,
    deployHint: `npm run deploy -- --network ${network}`,
  });
}
