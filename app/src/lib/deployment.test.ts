import { describe, expect, it } from "vitest";

import { parseDeploymentRecord } from "./deployment";

const contract = (address: string, blockNumber: number) => ({ address, blockNumber, transactionHash: "0x" + "ab".repeat(32) });

describe("parseDeploymentRecord", () => {
  it("lists the tokens deployed beside the protocol, not the protocol's own contracts", () => {
    const deployment = parseDeploymentRecord({
      chainId: 31337,
      deployBlock: 3,
      contracts: {
        AgreementProposals: contract("0x" + "11".repeat(20), 3),
        Ecoshare: contract("0x" + "22".repeat(20), 4),
        MockStablecoin: contract("0x" + "33".repeat(20), 5),
      },
    });
    expect(deployment.ecoshare).toBe("0x" + "22".repeat(20));
    expect(Object.keys(deployment.tokens)).toEqual(["MockStablecoin"]);
    expect(deployment.deployBlock).toBe(3n);
  });
});
