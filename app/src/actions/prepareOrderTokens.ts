/**
 * Before an order is paid: checks the payer holds enough of every asset (so nothing is signed for an order
 * that cannot succeed), then decides each token's step (lib/order.ts `tokenStep`) from its live allowance and
 * EIP-2612 support, and signs the permits (no gas, no transaction). Tokens without a permit come back as
 * approvals the caller sends first.
 */
import { erc20Abi, type Address } from "viem";
import { getBalance, readContract } from "viem/actions";

import { fundsProblem, GAS_RESERVE_WEI } from "../lib/paymentChecks";
import { tokenStep, type TokenStep } from "../lib/order";
import type { ActionClients } from "./clients";
import { isUnsupportedMethod } from "./sendBatchedCalls";
import { signPermit, supportsPermit } from "./signPermit";

/** IReferralPayments.TokenPermit, as viem encodes it. */
export interface TokenPermit {
  token: Address;
  value: bigint;
  deadline: bigint;
  v: number;
  r: `0x${string}`;
  s: `0x${string}`;
}

export interface PrepareOrderTokensParameters {
  owner: Address;
  /** The Ecoshare contract. */
  spender: Address;
  /** The ETH the order carries. */
  value: bigint;
  /** Each token once, with the sum of its lines. */
  pulls: readonly { token: Address; amount: bigint; symbol: string; decimals: number }[];
  /** Seconds since the epoch after which the permits are void. */
  deadline: bigint;
}

export interface PrepareOrderTokensReturnType {
  permits: TokenPermit[];
  /** Tokens to approve (one transaction each) before paying. */
  approvals: { token: Address; amount: bigint; symbol: string }[];
  steps: { token: Address; step: TokenStep }[];
}

const ETH = { symbol: "ETH", decimals: 18 } as const;

/** Thrown when the payer lacks the funds: a plain sentence, shown as is. */
export class InsufficientFundsError extends Error {
  override name = "InsufficientFundsError";
}

export async function prepareOrderTokens(clients: ActionClients, p: PrepareOrderTokensParameters): Promise<PrepareOrderTokensReturnType> {
  const { publicClient } = clients;
  // The same balance checks as the Pay page (lib/paymentChecks.ts): ETH keeps a reserve for gas.
  if (p.value > 0n) {
    const balance = await getBalance(publicClient, { address: p.owner });
    const problem = fundsProblem({ amount: p.value, held: balance, info: ETH, gasReserve: GAS_RESERVE_WEI });
    if (problem) throw new InsufficientFundsError(problem);
  }
  const facts = await Promise.all(
    p.pulls.map(async (pull) => {
      const [balance, allowance, permit] = await Promise.all([
        readContract(publicClient, { address: pull.token, abi: erc20Abi, functionName: "balanceOf", args: [p.owner] }),
        readContract(publicClient, { address: pull.token, abi: erc20Abi, functionName: "allowance", args: [p.owner, p.spender] }),
        supportsPermit(publicClient, pull.token, p.owner),
      ]);
      const problem = fundsProblem({ amount: pull.amount, held: balance, info: pull });
      if (problem) throw new InsufficientFundsError(problem);
      return { pull, step: tokenStep({ amount: pull.amount, allowance, permit }) as TokenStep };
    }),
  );
  const permits: TokenPermit[] = [];
  // One signature at a time: a wallet shows one request at once.
  for (const fact of facts) {
    if (fact.step !== "permit") continue;
    const { pull } = fact;
    try {
      const signed = await signPermit(clients, { token: pull.token, owner: p.owner, spender: p.spender, value: pull.amount, deadline: p.deadline });
      permits.push({ token: pull.token, value: pull.amount, deadline: signed.deadline, v: signed.v, r: signed.r, s: signed.s });
    } catch (error) {
      // A wallet that cannot sign typed data (no eth_signTypedData_v4) can still approve first.
      if (!isUnsupportedMethod(error)) throw error;
      fact.step = "approve";
    }
  }
  return {
    permits,
    approvals: facts.filter((f) => f.step === "approve").map(({ pull }) => ({ token: pull.token, amount: pull.amount, symbol: pull.symbol })),
    steps: facts.map(({ pull, step }) => ({ token: pull.token, step })),
  };
}
