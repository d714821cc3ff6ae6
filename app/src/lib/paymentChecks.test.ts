import { BaseError, ContractFunctionRevertedError, InvalidParamsRpcError, parseEther, parseUnits } from "viem";
import { describe, expect, it } from "vitest";

import { ecoshareAbi } from "../contracts/abis";
import { paymentWrite } from "../actions/payAgreement";
import { describeFailure, withLikelyReason } from "./contractErrors";
import { fundsProblem, GAS_RESERVE_WEI, likelyPaymentProblem } from "./paymentChecks";

const ETH = { symbol: "ETH", decimals: 18 };
const DUSD = { symbol: "dUSD", decimals: 6 };

describe("the checkout's balance check, before the wallet is asked (issue 13, point 2)", () => {
  it("refuses 1,000,000 ETH to a payer holding 9,986 ETH, and 5,000,000 dUSD beyond a token balance", () => {
    expect(fundsProblem({ amount: parseEther("1000000"), held: parseEther("9986"), info: ETH, gasReserve: GAS_RESERVE_WEI })).toBe(
      "You hold 9,986 ETH: not enough for a payment of 1,000,000 ETH.",
    );
    expect(fundsProblem({ amount: parseUnits("5000000", 6), held: parseUnits("20000", 6), info: DUSD })).toBe(
      "You hold 20,000 dUSD: not enough for a payment of 5,000,000 dUSD.",
    );
  });

  it("keeps ETH for gas, and says nothing while the balance loads or when it suffices", () => {
    expect(fundsProblem({ amount: parseEther("1"), held: parseEther("1"), info: ETH, gasReserve: GAS_RESERVE_WEI })).toMatch(/nothing would be left for the transaction's gas/);
    expect(fundsProblem({ amount: parseEther("1"), held: undefined, info: ETH })).toBeUndefined();
    expect(fundsProblem({ amount: parseEther("1"), held: parseEther("2"), info: ETH, gasReserve: GAS_RESERVE_WEI })).toBeUndefined();
  });

  it("names the likely reason when the node refuses without one", () => {
    const bare = new BaseError("estimate failed", { cause: new InvalidParamsRpcError(new Error("Missing or invalid parameters")) });
    const failure = describeFailure(bare);
    expect(failure).toMatchObject({ kind: "other", unexplained: true });
    const likely = likelyPaymentProblem([undefined, "You hold 9,986 ETH: not enough for a payment of 1,000,000 ETH."]);
    expect(withLikelyReason(failure, likely).message).toBe(
      "You hold 9,986 ETH: not enough for a payment of 1,000,000 ETH. (The node refused without giving a reason; this is the likely one.)",
    );
    const silentRevert = describeFailure(new ContractFunctionRevertedError({ abi: ecoshareAbi, functionName: "pay" }));
    expect(silentRevert).toMatchObject({ kind: "reverted", unexplained: true });
    expect(withLikelyReason(silentRevert, undefined).message).toMatch(/gave no reason: check the amount against your balance/);
  });

  it("leaves a refusal that has its reason as it is", () => {
    const declined = describeFailure({ code: 4001 });
    expect(withLikelyReason(declined, "anything")).toBe(declined);
  });
});

describe("the one place a payment call is built", () => {
  const base = { ecoshare: "0x5FbDB2315678afecb367f032d93F642f64180aa3", agreementId: 3n, amount: 5n, referrer: undefined, orderRef: "Booking 4711" } as const;
  it("attaches the amount as value for ETH, names no referrer as the zero address, and encodes the order reference", () => {
    const write = paymentWrite({ ...base, asset: "0x0000000000000000000000000000000000000000" }) as { functionName: string; args: readonly unknown[]; value?: bigint };
    expect(write.functionName).toBe("pay");
    expect(write.value).toBe(5n);
    expect(write.args[3]).toBe("0x0000000000000000000000000000000000000000");
    expect(write.args[4]).toBe(`0x${Buffer.from("Booking 4711").toString("hex").padEnd(64, "0")}`);
    // refundTo: address(0), the payer, unless the caller names a recipient.
    expect(write.args[5]).toBe("0x0000000000000000000000000000000000000000");
    const routed = paymentWrite({ ...base, asset: "0x0000000000000000000000000000000000000000", refundTo: "0x90F79bf6EB2c4f870365E785982E1f101E93b906" }) as { args: readonly unknown[] };
    expect(routed.args[5]).toBe("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
  });
  it("uses payWithPermit with a permit, and plain pay without value for a token", () => {
    const token = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as const;
    const permit = { deadline: 9n, v: 27, r: `0x${"1".repeat(64)}`, s: `0x${"2".repeat(64)}` } as const;
    const withPermit = paymentWrite({ ...base, asset: token, permit }) as { functionName: string; args: readonly unknown[] };
    expect(withPermit.functionName).toBe("payWithPermit");
    // refundTo comes before the permit's deadline and signature.
    expect(withPermit.args.slice(5)).toEqual(["0x0000000000000000000000000000000000000000", 9n, 27, permit.r, permit.s]);
    const plain = paymentWrite({ ...base, asset: token }) as { functionName: string; value?: bigint };
    expect([plain.functionName, plain.value]).toEqual(["pay", undefined]);
  });
});
