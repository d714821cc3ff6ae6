import { encodeAbiParameters, encodeEventTopics, type AbiEvent, type Hex } from "viem";
import { describe, expect, it } from "vitest";

import type { RawLog } from "../../../client/fetch-logs.js";
import { ecoshareAbi } from "../contracts/abis";
import { decodeProtocolLog, mergeEvents } from "./protocolLog";

const A = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const B = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const SAMPLE_ARGS: Record<string, Record<string, unknown>> = {
  MemberAdmitted: { networkId: 1n, account: B, admittedBy: A },
  AgreementActivated: { agreementId: 7n, previousId: 0n },
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

describe("the app's event log", () => {
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
    const { providerClient } = await import("../../../client/rpc-client.js");
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
    const events = await fetchProtocolEvents({ client: providerClient(transport), address: log.address, fromBlock: 1n, toBlock: 20n, blockRange: 20n });
    expect(events.map((e) => e.eventName)).toEqual(["MemberAdmitted"]);
    expect(ranges[0]).toEqual([1n, 20n]);
    expect(ranges.length).toBeGreaterThan(2);
  });
});
