import { describe, expect, it } from "vitest";

import { payoutCall } from "./payoutCall";

const ME = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ETH = "0x0000000000000000000000000000000000000000";

describe("the payout call", () => {
  it("collects one agreement directly when it is all that is waiting", () => {
    expect(payoutCall({ account: ME, asset: ETH, balance: 0n, collectable: [{ agreementId: 4n, amount: 10n }, { agreementId: 5n, amount: 0n }] })).toEqual({
      functionName: "claim",
      args: [4n],
    });
  });

  it("withdraws when a balance waits too, or several agreements owe something", () => {
    expect(payoutCall({ account: ME, asset: ETH, balance: 1n, collectable: [{ agreementId: 4n, amount: 10n }] })).toEqual({
      functionName: "withdraw",
      args: [ME, ETH, [4n]],
    });
    expect(payoutCall({ account: ME, asset: ETH, balance: 0n, collectable: [{ agreementId: 4n, amount: 10n }, { agreementId: 6n, amount: 2n }] })).toEqual({
      functionName: "withdraw",
      args: [ME, ETH, [4n, 6n]],
    });
    expect(payoutCall({ account: ME, asset: ETH, balance: 7n, collectable: [] })).toEqual({ functionName: "withdraw", args: [ME, ETH, []] });
  });
});
