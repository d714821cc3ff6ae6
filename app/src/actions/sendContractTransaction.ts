/**
 * Simulate, send, wait: every state-changing call goes through here, so a call the contract would refuse
 * is stopped before the wallet asks anything, and the caller hears of each step.
 */
import type { Abi, Address, Hash, TransactionReceipt } from "viem";
import { simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";

import type { ActionClients } from "./clients";

export type TxPhase = "simulating" | "awaiting-wallet" | "pending" | "confirmed";

export interface SendContractTransactionHooks {
  onPhase?: (phase: TxPhase, hash?: Hash) => void;
}

/** A write call: contract, ABI, function, arguments and the ETH it carries (viem's simulateContract parameters). */
export interface ContractWrite {
  address: Address;
  abi: Abi | readonly unknown[];
  functionName: string;
  args?: readonly unknown[] | undefined;
  value?: bigint | undefined;
}

export async function sendContractTransaction(
  { publicClient, walletClient }: ActionClients,
  parameters: ContractWrite,
  { onPhase }: SendContractTransactionHooks = {},
): Promise<TransactionReceipt> {
  onPhase?.("simulating");
  const { request } = await simulateContract(publicClient, { ...parameters, account: walletClient.account } as never);
  onPhase?.("awaiting-wallet");
  const hash = await writeContract(walletClient, request as never);
  onPhase?.("pending", hash);
  const receipt = await waitForTransactionReceipt(publicClient, { hash });
  if (receipt.status !== "success") {
    throw new Error(`The transaction ${hash} was mined but reverted.`);
  }
  onPhase?.("confirmed", hash);
  return receipt;
}
