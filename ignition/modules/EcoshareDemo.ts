/**
 * The local demo's deployment: the protocol plus the demo stablecoin (MockStablecoin: 6 decimals,
 * permit, anyone can mint). Only `npm run demo` deploys it: the token must never reach a real network.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import EcoshareModule from "./Ecoshare.js";

export default buildModule("EcoshareDemo", (m) => {
  const { ecoshare } = m.useModule(EcoshareModule);
  const stablecoin = m.contract("MockStablecoin");
  return { ecoshare, stablecoin };
});
