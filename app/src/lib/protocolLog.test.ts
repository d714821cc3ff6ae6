import { encodeAbiParameters, encodeEventTopics, type AbiEvent, type Hex } from "viem";
import { describe, expect, it } from "vitest";

import { decodeEcoshareLog } from "../../../scripts/lib/decode-events.js";
import type { RawLog } from "../../../scripts/lib/fetch-logs.js";
import { ecoshareAbi } from "../contracts/abis";
import { decodeProtocolLog, mergeEvents } from "./protocolLog";

const A = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const B = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const TERMS = {
  networkId: 1n,
  asset: "0x0000000000000000000000000000000000000000",
  parties: [
    { account: A, shareBps: 6000 },
    { account: B, shareBps: 4000 },
  ],
  referralFeeBps: 1000,
  referralTiers: [{ fromVolume: 10n ** 19n, feeBps: 1200, holdbackPeriod: 0 }],
  referrerRoles: 2,
  networkFeeBps: 150,
  feeRecipient: A,
  validFrom: 1_700_000_000,
  validUntil: 1_800_000_000,
  holdbackPeriod: 86400,
  refunder: A,
  termsHash: `0x${"ab".repeat(32)}`,
  termsURI: "data:text/plain,Bundle",
};
const SAMPLE_ARGS: Record<string, Record<string, unknown>> = {
  NetworkCreated: { networkId: 1n, operator: A, kind: 1, feeRecipient: A, feeBps: 150, metadataURI: "data:application/json,{}" },
  MembershipRequested: { networkId: 1n, account: B, role: 1, metadataURI: "x" },
  MemberAdmitted: { networkId: 1n, account: B, admittedBy: A },
  AgreementProposed: { agreementId: 7n, networkId: 1n, proposer: A, previousId: 0n, version: 1, terms: TERMS },
  AgreementAccepted: { agreementId: 7n, party: B, bySignature: true },
  AgreementCountered: { agreementId: 8n, counteredId: 7n, author: B },
  ReferralTierApplied: { agreementId: 7n, referrer: A, tier: 1, feeBps: 1200, volumeBefore: 10n ** 19n },
  PaymentHeld: {
    holdId: 3n,
    agreementId: 7n,
    held: {
      holdId: 3n,
      agreementId: 7n,
      payer: B,
      referrer: A,
      asset: "0x0000000000000000000000000000000000000000",
      amount: 1000n,
      networkFee: 15n,
      referralFee: 100n,
      vendorShare: 885n,
      releaseAt: 1_750_000_000,
      refundTo: B,
    },
  },
  HeldPaymentReleased: { holdId: 3n, agreementId: 7n },
  HeldPaymentRefunded: { holdId: 3n, agreementId: 7n, refundTo: B, amount: 1000n },
  AgreementActivated: { agreementId: 7n, previousId: 0n },
  OrderPaid: { payer: B, orderRef: `0x${"4f".repeat(8)}${"00".repeat(24)}`, lineCount: 3n, refundTo: B },
  PaymentSplit: { agreementId: 7n, payer: B, referrer: A, amount: 1000n, orderRef: `0x${"00".repeat(32)}` },
  EarningsPaid: { agreementId: 7n, account: A, partyShare: 5n, networkFee: 15n },
  CounterNonceInvalidated: { author: B, nonce: 2n ** 255n + 7n },
  EarningsCollected: { agreementId: 7n, account: A, asset: "0x0000000000000000000000000000000000000000", partyShare: 5n, networkFee: 15n },
  Withdrawn: { account: A, asset: "0x0000000000000000000000000000000000000000", recipient: A, amount: 120n },
};

function rawLog(eventName: string, args: Record<string, unknown>, logIndex = 0): RawLog {
  const event = ecoshareAbi.find((item) => item.type === "event" && item.name === eventName) as AbiEvent;
  const topics = encodeEventTopics({ abi: [event], eventName, args } as never) as Hex[];
  const data = encodeAbiParameters(
    event.inputs.filter((i) => !i.indexed),
    event.inputs.filter((i) => !i.indexed).map((i) => args[i.name!]),
  );
  return {
    address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    topics,
    data,
    blockNumber: 12n,
    blockHash: `0x${"11".repeat(32)}`,
    transactionHash: `0x${"22".repeat(32)}`,
    transactionIndex: 0,
    logIndex,
  };
}

describe("the app's event decoding", () => {
  for (const [eventName, args] of Object.entries(SAMPLE_ARGS)) {
    it(`gives the shared client's event for ${eventName}`, () => {
      const log = rawLog(eventName, args);
      expect(decodeProtocolLog(log)).toEqual(decodeEcoshareLog({ log }));
    });
  }

  it("merges overlapping reads without duplicates, in chain order", () => {
    const a = decodeProtocolLog(rawLog("MemberAdmitted", SAMPLE_ARGS.MemberAdmitted!, 0))!;
    const b = decodeProtocolLog({ ...rawLog("Withdrawn", SAMPLE_ARGS.Withdrawn!, 1) })!;
    const early = { ...decodeProtocolLog(rawLog("AgreementActivated", SAMPLE_ARGS.AgreementActivated!, 0))!, blockNumber: 3n, transactionHash: `0x${"33".repeat(32)}` as Hex };
    expect(mergeEvents([a], [a, b, early])).toEqual([early, a, b]);
  });
});

describe("reading a busy block range", () => {
  it("halves the range when a response is too large for the HTTP client, and still reads every log", async () => {
    const { fetchProtocolEvents } = await import("./protocolLog");
    const { ResponseBodyTooLargeError } = await import("viem");
    const log = rawLog("MemberAdmitted", SAMPLE_ARGS.MemberAdmitted!);
    const ranges: [bigint, bigint][] = [];
    const transport = {
      async request({ method, params }: { method: string; params?: readonly unknown[] }) {
        if (method !== "eth_getLogs") throw new Error(method);
        const { fromBlock, toBlock } = params![0] as { fromBlock: Hex; toBlock: Hex };
        const range: [bigint, bigint] = [BigInt(fromBlock), BigInt(toBlock)];
        ranges.push(range);
        if (range[1] - range[0] >= 4n) throw new ResponseBodyTooLargeError({ maxSize: 10, size: 11 });
        return range[0] <= 12n && 12n <= range[1]
          ? [{ ...log, blockNumber: "0xc", transactionIndex: "0x0", logIndex: "0x0" }]
          : [];
      },
    };
    const events = await fetchProtocolEvents({ transport, address: log.address, fromBlock: 1n, toBlock: 20n, blockRange: 20n });
    expect(events.map((e) => e.eventName)).toEqual(["MemberAdmitted"]);
    expect(ranges[0]).toEqual([1n, 20n]);
    expect(ranges.length).toBeGreaterThan(2);
  });
});
