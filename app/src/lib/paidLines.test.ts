import { encodeAbiParameters, encodeEventTopics, type Address, type Log } from "viem";
import { describe, expect, it } from "vitest";

import { ecoshareAbi } from "../contracts/abis";
import { paidLinesOf } from "./paidLines";

const ECOSHARE: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const PAYER: Address = "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097";
const AGENT: Address = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const ZERO: Address = "0x0000000000000000000000000000000000000000";
const REF = `0x${"11".repeat(32)}` as const;

const log = (topics: readonly `0x${string}`[], data: `0x${string}`, index: number): Log =>
  ({ address: ECOSHARE, topics, data, logIndex: index, blockNumber: 1n, blockHash: REF, transactionHash: REF, transactionIndex: 0, removed: false }) as unknown as Log;

const split = (agreementId: bigint, referrer: Address, amount: bigint, i: number) =>
  log(encodeEventTopics({ abi: ecoshareAbi, eventName: "PaymentSplit", args: { agreementId, payer: PAYER, referrer } }) as `0x${string}`[], encodeAbiParameters([{ type: "uint256" }, { type: "bytes32" }], [amount, REF]), i);
const tier = (agreementId: bigint, feeBps: number, i: number) =>
  log(encodeEventTopics({ abi: ecoshareAbi, eventName: "ReferralTierApplied", args: { agreementId, referrer: AGENT } }) as `0x${string}`[], encodeAbiParameters([{ type: "uint8" }, { type: "uint16" }, { type: "uint256" }], [1, feeBps, 0n]), i);

describe("the lines a payment transaction paid, from its receipt", () => {
  it("splits each PaymentSplit at the rate applied: the tier's, the terms', or none without a referrer", () => {
    const terms = { 1: { asset: ZERO, networkFeeBps: 150, referralFeeBps: 800 }, 2: { asset: ZERO, networkFeeBps: 100, referralFeeBps: 500 } } as const;
    const lines = paidLinesOf({
      ecoshare: ECOSHARE,
      logs: [split(1n, AGENT, 10_000n, 0), tier(2n, 1200, 1), split(2n, AGENT, 10_000n, 2), split(1n, ZERO, 10_000n, 3)],
      termsOf: (id) => terms[Number(id) as 1 | 2],
    });
    expect(lines.map((l) => [l.agreementId, l.networkFee, l.referralFee, l.vendorShare, l.held])).toEqual([
      [1n, 150n, 800n, 9050n, false],
      [2n, 100n, 1200n, 8700n, false],
      [1n, 150n, 0n, 9850n, false],
    ]);
  });

  it("ignores another contract's logs", () => {
    const foreign = { ...split(1n, AGENT, 5n, 0), address: PAYER } as Log;
    expect(paidLinesOf({ ecoshare: ECOSHARE, logs: [foreign], termsOf: () => ({ asset: ZERO, networkFeeBps: 0, referralFeeBps: 0 }) })).toEqual([]);
  });
});
