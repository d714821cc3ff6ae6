/**
 * EIP-5792 batching: approve-then-pay in one confirmation, sent atomically by a wallet that says it can
 * (`wallet_getCapabilities` reports `atomic` as supported or ready on the chain). A wallet that cannot is
 * asked step by step instead (the caller's choice, after {@link supportsAtomicBatch}).
 */
import { BaseError, encodeFunctionData, type Hash, type TransactionReceipt } from "viem";
import { getCapabilities, sendCalls, simulateContract, waitForCallsStatus, waitForTransactionReceipt } from "viem/actions";

import type { ActionClients, SignerClient } from "./clients";
import type { ContractWrite, SendContractTransactionHooks } from "./sendContractTransaction";

/** Whether the wallet sends a batch of calls atomically on `chainId` (false when it does not know EIP-5792). */
export async function supportsAtomicBatch(walletClient: SignerClient, chainId: number): Promise<boolean> {
  try {
    const capabilities = (await getCapabilities(walletClient, { account: walletClient.account, chainId })) as { atomic?: { status?: string } };
    return capabilities.atomic?.status === "supported" || capabilities.atomic?.status === "ready";
  } catch (error) {
    // A wallet without EIP-5792 answers "method not supported"; anything else is a real failure.
    if (isUnsupportedMethod(error)) return false;
    throw error;
  }
}

/** JSON-RPC codes for a method the wallet does not have: 4200 (EIP-1193), -32601 (JSON-RPC). */
export function isUnsupportedMethod(error: unknown): boolean {
  const code = (e: unknown) => (e as { code?: number } | undefined)?.code;
  const unsupported = (c: number | undefined) => c === 4200 || c === -32601;
  if (error instanceof BaseError) return Boolean(error.walk((e) => unsupported(code(e))));
  return unsupported(code(error));
}

/**
 * Sends `calls` as one atomic batch and resolves to the receipt of the transaction that carried the last
 * call (the payment). Only the first call is simulated: the later ones depend on it (a payment needs the
 * approval before it), which is why they go together.
 */
export async function sendBatchedCalls(
  { publicClient, walletClient }: ActionClients,
  calls: readonly ContractWrite[],
  { onPhase }: SendContractTransactionHooks = {},
): Promise<TransactionReceipt> {
  const [first] = calls;
  if (!first) throw new Error("Nothing to send: the batch has no calls.");
  onPhase?.("simulating");
  await simulateContract(publicClient, { ...first, account: walletClient.account } as never);
  onPhase?.("awaiting-wallet");
  const { id } = await sendCalls(walletClient, {
    account: walletClient.account,
    chain: walletClient.chain,
    forceAtomic: true,
    calls: calls.map((c) => ({ to: c.address, data: encodeFunctionData({ abi: c.abi, functionName: c.functionName, args: c.args } as never), value: c.value })),
  });
  onPhase?.("pending");
  const status = await waitForCallsStatus(walletClient, { id, timeout: 120_000 });
  const last = status.receipts?.at(-1);
  if (status.status !== "success" || !last || last.status !== "success") {
    throw new Error("The wallet's batch (approval and payment) did not go through: nothing was paid. Try again, or pay with another wallet.");
  }
  const hash: Hash = last.transactionHash;
  const receipt = await waitForTransactionReceipt(publicClient, { hash });
  onPhase?.("confirmed", hash);
  return receipt;
}
