/**
 * Deploys the Ecoshare protocol: its proposals library, then the contract linked to it. No constructor
 * arguments, no owner.
 *
 * Deploy it with `npm run deploy -- --network <name>`, which also writes the deployment record
 * (ignition/records/chain-<chainId>.json) the audit and the app read.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("Ecoshare", (m) => {
  // The cold path (checking and storing proposals) lives in a linked library so that Ecoshare stays under
  // EIP-170's 24,576 bytes with its hot paths free of external calls (docs/architecture.md).
  const agreementProposals = m.library("AgreementProposals");
  const ecoshare = m.contract("Ecoshare", [], { libraries: { AgreementProposals: agreementProposals } });
  return { ecoshare, agreementProposals };
});
