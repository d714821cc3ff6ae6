/**
 * Simulate, send, wait: every state-changing call goes through here, so a call the contract would refuse
 * is stopped before the wallet asks anything, and the caller hears of each step.
 */
import type { Hash, TransactionReceipt } from "viem";
import { simulateContract, waitForTransactionReceipt, writeContract, type SimulateContractParameters } from "wagmi/actions";

import type { AppConfig } from "../wagmi/config";

export type TxPhase = "simulating" | "awaiting-wallet" | "pending" | "confirmed";

export interface SendContractTransactionHooks {
  onPhase?: (phase: TxPhase, hash?: Hash) => void;
}

/** A write call: the same parameters as wagmi's simulateContract. */
export type ContractWrite = SimulateContractParameters;

export async function sendContractTransaction(
  config: AppConfig,
  parameters: ContractWrite,
  { onPhase }: SendContractTransactionHooks = {},
): Promise<TransactionReceipt> {
  onPhase?.("simulating");
  const { request } = await simulateContract(config, parameters as never);
  onPhase?.("awaiting-wallet");
  const hash = await writeContract(config, request as never);
  onPhase?.("pending", hash);
  const receipt = await waitForTransactionReceipt(config, { hash });
  if (receipt.status !== "success") {
    throw new Error(`The transaction ${hash} was mined but reverted.`);
  }
  onPhase?.("confirmed", hash);
  return receipt;
}
