/** The event decoder against ethers' generic one, on every log of a seeded chain. */
import { expect } from "chai";
import { Interface } from "ethers";

import { ecoshareAbi } from "../../scripts/lib/abis.generated.js";
import { normaliseValue } from "../../scripts/lib/abi-values.js";
import { decodeEcoshareLog } from "../../scripts/lib/decode-events.js";
import { fetchLogs } from "../../scripts/lib/fetch-logs.js";
import { getBlockNumber } from "../../scripts/lib/rpc.js";
import { seededChain, type SeededChain } from "./helpers/nodes.js";

describe("decodeEcoshareLog", function () {
  this.timeout(60_000);
  let chain: SeededChain;
  before(async () => (chain = await seededChain({ days: 4, paymentsPerDay: 9 })));
  after(async () => chain?.close());

  it("gives what ethers' generic decoder gives, for every event of the story", async function () {
    const iface = new Interface(ecoshareAbi);
    const logs = await fetchLogs({ transport: chain.transport, address: chain.ecoshare, fromBlock: 0n, toBlock: await getBlockNumber({ transport: chain.transport }) });
    const names = new Set<string>();
    for (const log of logs) {
      const ours = decodeEcoshareLog({ log });
      const parsed = iface.parseLog({ topics: [...log.topics], data: log.data })!;
      const theirs: Record<string, unknown> = Object.fromEntries(parsed.fragment.inputs.map((input, i) => [input.name, normaliseValue(input, parsed.args[i])]));
      // Terms come out as eip712.ts's AgreementTerms: the uint32 validity window as bigints.
      if (parsed.name === "AgreementProposed") {
        const terms = theirs.terms as { validFrom: number; validUntil: number };
        expect([typeof terms.validFrom, typeof terms.validUntil]).to.deep.equal(["number", "number"]);
        theirs.terms = { ...terms, validFrom: BigInt(terms.validFrom), validUntil: BigInt(terms.validUntil) };
      }
      expect(ours?.eventName).to.equal(parsed.name);
      expect(ours?.args).to.deep.equal(theirs, `${parsed.name} in ${log.transactionHash}`);
      expect(ours).to.include({ blockNumber: log.blockNumber, logIndex: log.logIndex, transactionHash: log.transactionHash });
      names.add(parsed.name);
    }
    expect([...names]).to.include.members([
      "NetworkCreated",
      "MembershipRequested",
      "MemberAdmitted",
      "AgreementProposed",
      "AgreementAccepted",
      "AgreementActivated",
      "AgreementSuperseded",
      "AgreementTerminated",
      "PaymentSplit",
      "OrderPaid",
      "ReferralTierApplied",
      "PaymentHeld",
      "HeldPaymentReleased",
      "HeldPaymentRefunded",
      "AgreementCountered",
      "CounterNonceInvalidated",
      "EarningsCollected",
      "EarningsPaid",
      "Withdrawn",
    ]);
  });

  it("returns undefined for a log that is none of Ecoshare's events", function () {
    const log = { ...{ address: chain.ecoshare, data: "0x" as const, blockNumber: 1n, blockHash: `0x${"00".repeat(32)}` as const, transactionHash: `0x${"00".repeat(32)}` as const, transactionIndex: 0, logIndex: 0 }, topics: [`0x${"12".repeat(32)}` as const] };
    expect(decodeEcoshareLog({ log })).to.equal(undefined);
  });
});
