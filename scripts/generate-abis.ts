/**
 * Writes client/abis.generated.ts, the typed ABIs of the shared client, from the Hardhat artifacts.
 *
 *   npx hardhat run scripts/generate-abis.ts      (compiles first)
 *
 * test/tooling/abis-generated.test.ts fails when the committed file no longer matches the artifacts.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import hre from "hardhat";

import { GENERATED_ABIS_PATH, readArtifactAbis, renderAbisModule } from "./codegen/render-abis.js";

const source = renderAbisModule({ artifacts: await readArtifactAbis(hre) });
await writeFile(path.join(hre.config.paths.root, GENERATED_ABIS_PATH), source);
console.log(`Wrote ${GENERATED_ABIS_PATH}.`);
