/**
 * Deploys the Ecoshare protocol: one contract, no constructor arguments, no owner.
 *
 * Deploy it with `npm run deploy -- --network <name>`, which also writes the deployment record
 * (ignition/records/chain-<chainId>.json) the audit and the app read.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("Ecoshare", (m) => {
  const ecoshare = m.contract("Ecoshare");
  return { ecoshare };
});
