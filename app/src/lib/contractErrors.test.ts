import { BaseError, ContractFunctionRevertedError, encodeErrorResult, UserRejectedRequestError } from "viem";
import { describe, expect, it } from "vitest";

import { ecoshareAbi } from "../contracts/abis";
import { describeFailure, ERROR_SENTENCES } from "./contractErrors";

const errorNames = ecoshareAbi.filter((item) => item.type === "error").map((item) => item.name);

describe("contract errors in plain words", () => {
  it("has a sentence for every custom error of the contract", () => {
    expect(errorNames.length).toBeGreaterThan(40);
    expect(errorNames.filter((name) => !ERROR_SENTENCES[name])).toEqual([]);
  });

  it("explains a revert by its custom error and arguments", () => {
    const data = encodeErrorResult({
      abi: ecoshareAbi,
      errorName: "ReferrerNotActiveMember",
      args: [1n, "0xcd3B766CCDd6AE721141F452C550Ca635964ce71"],
    });
    const error = new BaseError("simulation failed", {
      cause: new ContractFunctionRevertedError({ abi: ecoshareAbi, data, functionName: "pay" }),
    });
    expect(describeFailure(error)).toEqual({
      kind: "reverted",
      errorName: "ReferrerNotActiveMember",
      message: "The referrer 0xcd3B…ce71 is not an active member of network #1, so it cannot earn a referral fee.",
    });
  });

  it("names the agreement status behind AgreementNotActive", () => {
    const data = encodeErrorResult({ abi: ecoshareAbi, errorName: "AgreementNotActive", args: [3n, 4] });
    const error = new ContractFunctionRevertedError({ abi: ecoshareAbi, data, functionName: "pay" });
    expect(describeFailure(error).message).toBe("Agreement #3 does not take payments: it is terminated.");
  });

  it("treats a declined wallet request as a calm notice, not an error", () => {
    const declined = new BaseError("wallet", { cause: new UserRejectedRequestError(new Error("User rejected.")) });
    expect(describeFailure(declined).kind).toBe("rejected");
    expect(describeFailure({ code: 4001, message: "User denied" }).kind).toBe("rejected");
  });
});
