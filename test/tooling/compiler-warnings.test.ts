/** The one compiler warning the demo and deploy hide, and only that one, from its file only. */
import { expect } from "chai";

import { isKnownWarning, withoutKnownWarnings } from "../../scripts/deploy/compiler-warnings.js";

// As Hardhat 3.18 prints it from solc 0.8.30 (see a fresh `npx hardhat compile`).
const transient = (file: string) =>
  "Warning: Transient storage as defined by EIP-1153 can break the composability of smart contracts: Since transient storage is cleared only at the end of the transaction and not at the end of the outermost call frame to the contract within a transaction, your contract may unintentionally misbehave when invoked multiple times in a complex transaction. To avoid this, be sure to clear all transient storage at the end of any call to your contract. The use of transient storage for reentrancy guards that are cleared at the end of the call is safe.\n" +
  `   --> ${file}:108:13:\n    |\n108 |             tstore(slot, value)\n    |             ^^^^^^`;

describe("known compiler warnings", function () {
  it("hides OpenZeppelin's transient-storage notice, and the same notice from our own contracts still shows", function () {
    expect(isKnownWarning(transient("./node_modules/@openzeppelin/contracts/utils/TransientSlot.sol"))).to.equal(true);
    expect(isKnownWarning(transient("npm/@openzeppelin/contracts@5.7.0/utils/TransientSlot.sol"))).to.equal(true);
    expect(isKnownWarning(transient("contracts/Ecoshare.sol"))).to.equal(false);
    expect(isKnownWarning("Warning: Unused local variable.\n   --> ./node_modules/@openzeppelin/contracts/utils/TransientSlot.sol:1:1:")).to.equal(false);
  });

  it("filters console.warn only while the build runs, passing every other warning through", async function () {
    const seen: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void seen.push(args);
    try {
      await withoutKnownWarnings(async () => {
        console.warn(transient("./node_modules/@openzeppelin/contracts/utils/TransientSlot.sol"));
        console.warn("Warning: Function state mutability can be restricted to pure");
      });
      console.warn(transient("./node_modules/@openzeppelin/contracts/utils/TransientSlot.sol"));
    } finally {
      console.warn = original;
    }
    expect(seen.map((args) => String(args[0]).slice(0, 40))).to.deep.equal([
      "Warning: Function state mutability can b",
      "Warning: Transient storage as defined by",
    ]);
  });
});
