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

  it("reads from the indexer the app's configuration names, else the record's, and refuses a URL that is not http(s)", () => {
    const record = { chainId: 31337, deployBlock: 3, contracts: { Ecoshare: contract("0x" + "22".repeat(20), 4) } };
    expect(parseDeploymentRecord(record, undefined).indexerUrl).toBeUndefined();
    expect(parseDeploymentRecord({ ...record, indexerUrl: "http://127.0.0.1:42069" }, undefined).indexerUrl).toBe("http://127.0.0.1:42069");
    expect(parseDeploymentRecord({ ...record, indexerUrl: "http://127.0.0.1:42069" }, "https://indexer.example.org").indexerUrl).toBe("https://indexer.example.org");
    expect(() => parseDeploymentRecord({ ...record, indexerUrl: "ftp://x" }, undefined)).toThrow(/indexer URL "ftp:\/\/x" is not an http\(s\) URL/);
  });
});
