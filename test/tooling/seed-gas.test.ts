/**
 * EIP-7825: no seeding transaction may ask for more than 16,777,216 gas. The seed's releases of held
 * payments, the work that grows with the story, are cut into batches by estimated gas: with a cap low
 * enough to force several batches a day, every transaction of the story must still fit it, and every
 * held payment that came due must still be released.
 */
import { expect } from "chai";
import { toFunctionSelector, type AbiFunction, type Address, type Hex } from "viem";
import { getBlockNumber } from "viem/actions";

import { DevChain, TX_GAS_CAP } from "../../scripts/demo/dev-chain.js";
import { ecoshareAbi } from "../../client/abis.generated.js";
import { eventTopic } from "../../client/decode-events.js";
import { fetchLogs } from "../../client/fetch-logs.js";
import { providerClient, rpcRequest } from "../../client/rpc-client.js";
import { seededChain, type SeededChain } from "./helpers/nodes.js";

/** Low enough that a day's releases need several transactions, high enough for the story's one-off calls (orders ask 2,000,000). */
const LOW_CAP = 2_100_000n;

interface BlockTx { hash: Hex; gas: Hex; input: Hex; to: Address | null }

describe("seeding under EIP-7825's gas cap", function () {
  this.timeout(240_000);
  let chain: SeededChain;
  before(async () => (chain = await seededChain({ days: 3, paymentsPerDay: 1_500, gasCap: LOW_CAP })));
  after(async () => chain?.close());

  it("asks no transaction for more gas than the cap, and cuts the releases into batches that fit it", async function () {
    const release = ecoshareAbi.find((item) => item.type === "function" && item.name === "releaseHeldPayments") as AbiFunction;
    const releaseSelector = toFunctionSelector(release);
    const head = await getBlockNumber(chain.client);
    const seeded = new Set([chain.ecoshare.toLowerCase(), chain.stablecoin.toLowerCase()]);
    let transactions = 0;
    let releases = 0;
    const releasesPerBlock: number[] = [];
    for (let block = 0n; block <= head; block++) {
      const { transactions: txs } = (await rpcRequest(chain.client, "eth_getBlockByNumber", [`0x${block.toString(16)}`, true])) as { transactions: BlockTx[] };
      let inBlock = 0;
      for (const tx of txs) {
        // Every transaction, the deployment's too, under EIP-7825's cap; the seed's (to the protocol or the token) under the lower one.
        expect(BigInt(tx.gas), `${tx.hash} in block ${block}`).to.be.at.most(TX_GAS_CAP);
        if (tx.to === null || !seeded.has(tx.to.toLowerCase())) continue;
        transactions++;
        expect(BigInt(tx.gas), `${tx.hash} in block ${block}`).to.be.at.most(LOW_CAP);
        if (tx.input.startsWith(releaseSelector)) inBlock++;
      }
      releases += inBlock;
      if (inBlock > 0) releasesPerBlock.push(inBlock);
    }
    expect(transactions).to.be.greaterThan(2_000);
    expect(Math.max(...releasesPerBlock), "a day's releases took several transactions").to.be.greaterThan(1);

    const logs = await fetchLogs({ client: chain.client, address: chain.ecoshare, fromBlock: BigInt(chain.record.deployBlock), toBlock: head });
    const released = logs.filter((log) => log.topics[0] === eventTopic("HeldPaymentReleased")).length;
    expect(chain.seed.held.released).to.be.greaterThan(100);
    expect(released).to.equal(chain.seed.held.released);
    expect(releases).to.be.greaterThan(releasesPerBlock.length);
  });

  it("refuses, before sending anything, a transaction that asks for more than the cap", async function () {
    const dev = new DevChain(providerClient(chain.connection.provider));
    const [from] = (await chain.connection.provider.request({ method: "eth_accounts" })) as Address[];
    const nonce = await chain.connection.provider.request({ method: "eth_getTransactionCount", params: [from, "pending"] });
    const tx = { from: from!, to: chain.ecoshare, data: "0x" as Hex, gas: TX_GAS_CAP + 1n };
    await dev.sendInBlock([{ ...tx, gas: 21_000n }, tx], 4_000_000_000n).then(
      () => expect.fail("sendInBlock took a transaction over the cap"),
      (error: Error) => expect(error.message).to.match(/asks for 16777217 gas, over the cap of 16777216 \(EIP-7825\)/),
    );
    await dev.send(tx).then(
      () => expect.fail("send took a transaction over the cap"),
      (error: Error) => expect(error.message).to.match(/over the cap/),
    );
    expect(await chain.connection.provider.request({ method: "eth_getTransactionCount", params: [from, "pending"] })).to.equal(nonce);
    expect(() => new DevChain(chain.client, { gasCap: TX_GAS_CAP + 1n })).to.throw(/cannot exceed EIP-7825's cap/);
  });
});
