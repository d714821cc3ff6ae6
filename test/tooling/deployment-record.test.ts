/** Deployment records: written, read back identical, and refused with one clear sentence when wrong. */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";

import { readDeploymentRecord, writeDeploymentRecord } from "../../client/deployment-record-file.js";
import { DEPLOYMENT_RECORD_FORMAT, DeploymentRecordError, parseDeploymentRecord, type DeploymentRecord } from "../../client/deployment-record.js";

const record: DeploymentRecord = {
  format: DEPLOYMENT_RECORD_FORMAT,
  chainId: 11_155_111,
  network: "remote",
  contracts: {
    Ecoshare: { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", blockNumber: 7_000_001, transactionHash: `0x${"ab".repeat(32)}` },
  },
  deployBlock: 7_000_001,
  deployedAt: "2026-11-22T10:00:00.000Z",
  compiler: { version: "0.8.30+commit.73712a01", optimizer: { enabled: true, runs: 10_000 }, evmVersion: "cancun" },
  commit: { hash: "ae4920b0000000000000000000000000000000000", dirty: false },
  ignitionDeploymentId: "chain-11155111",
};

describe("deployment record", function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), "ecoshare-record-test-"))));

  it("round-trips: what is written is what is read", async function () {
    const file = await writeDeploymentRecord({ dir, record });
    expect(path.basename(file)).to.equal("chain-11155111.json");
    expect(await readDeploymentRecord({ dir, chainId: 11_155_111 })).to.deep.equal(record);
    expect((await readFile(file, "utf8")).endsWith("}\n")).to.equal(true);
  });

  it("says how to deploy when the chain has no record", async function () {
    const error = await readDeploymentRecord({ dir, chainId: 1, deployHint: "npm run deploy -- --network remote" }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeploymentRecordError);
    expect((error as DeploymentRecordError).kind).to.equal("missing");
    expect((error as Error).message).to.match(/^No deployment record for chain 1 at .*chain-1\.json: deploy first with npm run deploy -- --network remote\.$/);
  });

  it("refuses a record for another chain, saying both chain ids", async function () {
    const file = await writeDeploymentRecord({ dir, record });
    const error = await readDeploymentRecord({ file, chainId: 31337 }).catch((e: unknown) => e);
    expect((error as DeploymentRecordError).kind).to.equal("wrong-chain");
    expect((error as Error).message).to.include("is for chain 11155111, but the RPC serves chain 31337");
  });

  it("names the first wrong field of an invalid record", async function () {
    const broken = { ...record, contracts: { Ecoshare: { ...record.contracts.Ecoshare, address: "0x1234" } } };
    expect(() => parseDeploymentRecord({ json: broken, source: "x.json" })).to.throw(DeploymentRecordError, 'The deployment record x.json is invalid: "contracts.Ecoshare.address" is not an address.');
    expect(() => parseDeploymentRecord({ json: { ...record, contracts: {} }, source: "x.json" })).to.throw(/has no Ecoshare/);
    expect(() => parseDeploymentRecord({ json: { ...record, format: "v0" }, source: "x.json" })).to.throw(/"format" is "v0"/);
    expect(() => parseDeploymentRecord({ json: [], source: "x.json" })).to.throw(/not a JSON object/);
    await writeFile(path.join(dir, "chain-5.json"), "{ not json");
    const error = await readDeploymentRecord({ dir, chainId: 5 }).catch((e: unknown) => e);
    expect((error as Error).message).to.match(/is not valid JSON: redeploy to rewrite it\.$/);
  });

  it("refuses to write an invalid record", async function () {
    const error = await writeDeploymentRecord({ dir, record: { ...record, deployBlock: -1 } }).catch((e: unknown) => e);
    expect((error as Error).message).to.include('"deployBlock" is not a block number');
  });

  it("never overwrites the record of another chain with the same id unless told to, and says where it is", async function () {
    const genesis = (byte: string) => `0x${byte.repeat(32)}` as const;
    const first = { ...record, chainId: 31337, genesisHash: genesis("aa"), localRpcUrl: "http://127.0.0.1:18501" };
    const file = await writeDeploymentRecord({ dir, record: first });
    // Same chain (same genesis block): a newer deployment there replaces it.
    await writeDeploymentRecord({ dir, record: { ...first, deployBlock: 9 } });
    expect((await readDeploymentRecord({ dir, chainId: 31337 })).deployBlock).to.equal(9);

    const other = { ...first, genesisHash: genesis("bb"), localRpcUrl: "http://127.0.0.1:18502" };
    const error = await writeDeploymentRecord({ dir, record: other }).catch((e: unknown) => e);
    expect((error as DeploymentRecordError).kind).to.equal("occupied");
    expect((error as Error).message).to.equal(
      `${file} already holds the record of another chain with id 31337 (network "remote" at http://127.0.0.1:18501, Ecoshare ${first.contracts.Ecoshare!.address}, deployed ${first.deployedAt}): ` +
        "keep both by writing this one elsewhere with --records-dir <folder>, or replace it with --force.",
    );
    expect((await readDeploymentRecord({ dir, chainId: 31337 })).genesisHash).to.equal(genesis("aa"));
    await writeDeploymentRecord({ dir, record: other, replace: async (existing) => existing.genesisHash === genesis("aa") });
    expect((await readDeploymentRecord({ dir, chainId: 31337 })).genesisHash).to.equal(genesis("bb"));
  });

  it("validates how the contracts were deployed and which chain they are on", function () {
    const create2 = { strategy: "create2", factory: "0xba5Ed099633D3B313e4D5F7bdc1305d3c28ba5Ed", salt: `0x${"12".repeat(32)}` };
    expect(parseDeploymentRecord({ json: { ...record, deployment: create2 }, source: "x.json" }).deployment).to.deep.equal(create2);
    expect(() => parseDeploymentRecord({ json: { ...record, deployment: { ...create2, salt: "0x12" } }, source: "x.json" })).to.throw(/"deployment" is neither/);
    expect(() => parseDeploymentRecord({ json: { ...record, genesisHash: "0x1" }, source: "x.json" })).to.throw(/"genesisHash" is not a block hash/);
    expect(() => parseDeploymentRecord({ json: { ...record, localRpcUrl: "https://rpc.example.org/key" }, source: "x.json" })).to.throw(/"localRpcUrl" is not a loopback/);
    expect(parseDeploymentRecord({ json: { ...record, indexerUrl: "http://127.0.0.1:42069" }, source: "x.json" }).indexerUrl).to.equal("http://127.0.0.1:42069");
    expect(() => parseDeploymentRecord({ json: { ...record, indexerUrl: "postgres://db" }, source: "x.json" })).to.throw(/"indexerUrl" is not an http\(s\) URL/);
  });
});
