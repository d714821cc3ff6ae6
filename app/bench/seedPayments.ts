/** Adds `count` referred ETH payments to the demo, many per block, as fast as the node takes them. */
import { createPublicClient, encodeFunctionData, http, parseEther, type Address, type Hex } from "viem";

import { ecoshareAbi as abi } from "../../scripts/lib/abis.generated.ts";

import { ecoshareAddress, findActiveAgreement } from "../e2e/chain.ts";
import type { Stack } from "../e2e/stack.ts";

export const REFERRER: Address = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"; // Wanderwise Travel, City Stay referral partner
const PAYER: Address = "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097"; // Alice, customer

export async function seedPayments(stack: Stack, EVENTS: number): Promise<{ agreementId: bigint; seedSeconds: number }> {
  const ecoshare = ecoshareAddress(stack.recordsDir);
  const client = createPublicClient({ transport: http(stack.rpcUrl) });
  const agreementId = (await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: false })).id;

  const rpc = async (body: unknown) => {
    const response = await fetch(stack.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return (await response.json()) as { error?: { message: string } } | { error?: { message: string } }[];
  };
  const seedStart = performance.now();
  await rpc({ jsonrpc: "2.0", id: 1, method: "evm_setAutomine", params: [false] });
  const nonce = await client.getTransactionCount({ address: PAYER, blockTag: "pending" });
  const BATCH = 250;
  let lastHash: Hex | undefined;
  for (let start = 0; start < EVENTS; start += BATCH) {
    const calls = [];
    for (let i = start; i < Math.min(EVENTS, start + BATCH); i++) {
      const amount = parseEther("0.001") + BigInt(i);
      // refundTo address(0): the payer (the agreement has no holdback, so nothing is held anyway).
      const data = encodeFunctionData({ abi, functionName: "pay", args: [agreementId, "0x0000000000000000000000000000000000000000", amount, REFERRER, `0x${i.toString(16).padStart(64, "0")}` as Hex, "0x0000000000000000000000000000000000000000"] });
      calls.push({
        jsonrpc: "2.0",
        id: i,
        method: "eth_sendTransaction",
        params: [{ from: PAYER, to: ecoshare, data, value: `0x${amount.toString(16)}`, gas: "0x30d40", nonce: `0x${(nonce + i).toString(16)}` }],
      });
    }
    const results = (await rpc(calls)) as { error?: { message: string }; result?: Hex }[];
    const failed = results.find((r) => r.error);
    if (failed) throw new Error(`Seeding failed: ${failed.error!.message}`);
    lastHash = results[results.length - 1]?.result;
    await rpc({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] });
  }
  for (let i = 0; i < 50; i++) {
    const pending = (await rpc({ jsonrpc: "2.0", id: 1, method: "eth_getBlockTransactionCountByNumber", params: ["pending"] })) as { result?: string };
    if (!pending.result || pending.result === "0x0") break;
    await rpc({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] });
  }
  await rpc({ jsonrpc: "2.0", id: 1, method: "evm_setAutomine", params: [true] });
  const seedSeconds = (performance.now() - seedStart) / 1000;
  // A call the contract refuses is still mined: check the last one paid, so the figures cover real payments.
  if (lastHash && (await client.getTransactionReceipt({ hash: lastHash })).status !== "success") {
    throw new Error("Seeding failed: the seeded payments revert (does the pay call match the contract's ABI?).");
  }

  return { agreementId, seedSeconds };
}
