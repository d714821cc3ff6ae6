/**
 * The event decoder (viem's decodeEventLog, and its word reader for the hot events) against ethers'
 * generic decoder, an independent implementation, on every log of a seeded chain.
 */
import { expect } from "chai";
import { Interface, type ParamType } from "ethers";

import { ecoshareAbi } from "../../client/abis.generated.js";
import { decodeEcoshareLog, eventTopic, HOT_EVENTS } from "../../client/decode-events.js";
import type { Hex } from "viem";
import { fetchLogs } from "../../client/fetch-logs.js";
import { getBlockNumber } from "viem/actions";
import { seededChain, type SeededChain } from "./helpers/nodes.js";

/** ethers' decoded value in the client's shape (client/abi-values.ts), written apart so the check stays independent. */
function normaliseValue(type: ParamType, value: unknown): unknown {
  if (type.baseType === "tuple") {
    const values = value as readonly unknown[];
    return Object.fromEntries((type.components ?? []).map((c, i) => [c.name, normaliseValue(c, values[i])]));
  }
  if (type.baseType === "array") return (value as readonly unknown[]).map((v) => normaliseValue(type.arrayChildren!, v));
  if (/^u?int/.test(type.baseType)) return Number(type.baseType.replace(/^u?int/, "") || "256") <= 32 ? Number(value) : BigInt(value as bigint);
  return value;
}

describe("decodeEcoshareLog", function () {
  this.timeout(60_000);
  let chain: SeededChain;
  before(async () => (chain = await seededChain({ days: 4, paymentsPerDay: 9 })));
  after(async () => chain?.close());

  it("gives what ethers' generic decoder gives, for every event of the story", async function () {
    const iface = new Interface(ecoshareAbi);
    const logs = await fetchLogs({ client: chain.client, address: chain.ecoshare, fromBlock: 0n, toBlock: await getBlockNumber(chain.client) });
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

  it("reads the hot events word by word, and refuses a hot log that does not fit its layout in plain words", async function () {
    expect(HOT_EVENTS).to.include.members(["PaymentSplit", "PaymentHeld", "ReferralTierApplied"]);
    const logs = await fetchLogs({ client: chain.client, address: chain.ecoshare, fromBlock: 0n, toBlock: await getBlockNumber(chain.client) });
    const held = logs.find((log) => log.topics[0] === eventTopic("PaymentHeld"))!;
    expect(() => decodeEcoshareLog({ log: { ...held, data: held.data.slice(0, -64) as Hex } })).to.throw(
      /^The PaymentHeld log \d+ of transaction 0x[0-9a-f]{64} does not fit the Ecoshare ABI: 320 bytes of data, not 352$/,
    );
    const split = logs.find((log) => log.topics[0] === eventTopic("PaymentSplit"))!;
    expect(() => decodeEcoshareLog({ log: { ...split, topics: split.topics.slice(0, 2) } })).to.throw(/PaymentSplit .* 1 indexed values, not 3$/);
    const tier = logs.find((log) => log.topics[0] === eventTopic("ReferralTierApplied"))!;
    // A uint8 tier word with high bits set is not a uint8.
    const data = `0x${"ff".repeat(32)}${tier.data.slice(66)}` as Hex;
    expect(() => decodeEcoshareLog({ log: { ...tier, data } })).to.throw(/ReferralTierApplied .* tier does not fit a uint8$/);
  });

  it("returns undefined for a log that is none of Ecoshare's events", function () {
    const log = { ...{ address: chain.ecoshare, data: "0x" as const, blockNumber: 1n, blockHash: `0x${"00".repeat(32)}` as const, transactionHash: `0x${"00".repeat(32)}` as const, transactionIndex: 0, logIndex: 0 }, topics: [`0x${"12".repeat(32)}` as const] };
    expect(decodeEcoshareLog({ log })).to.equal(undefined);
  });
});
