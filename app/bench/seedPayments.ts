/**
 * Adds `count` referred ETH payments to the demo, 250 to a block, through the demo seed's own DevChain
 * (scripts/demo/dev-chain.ts: every transaction under EIP-7825's gas cap, each batch's gas estimated).
 * Run it with `node --import ../scripts/node/ts-imports.mjs` (the shared client's imports name `.js` files).
 */
import { createPublicClient, encodeFunctionData, http, parseEther, zeroAddress, type Address, type Hex } from "viem";

import { ecoshareAbi as abi } from "../../client/abis.generated.ts";
import { DevChain, type DevTransaction } from "../../scripts/demo/dev-chain.ts";

import { ecoshareAddress, findActiveAgreement } from "../e2e/chain.ts";
import type { Stack } from "../e2e/stack.ts";

export const REFERRER: Address = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"; // Wanderwise Travel, City Stay referral partner
const PAYER: Address = "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097"; // Alice, customer
const PER_BLOCK = 250;

export async function seedPayments(stack: Pick<Stack, "rpcUrl" | "recordsDir">, count: number): Promise<{ agreementId: bigint; seedSeconds: number }> {
  const ecoshare = ecoshareAddress(stack.recordsDir);
  const agreementId = (await findActiveAgreement(stack.rpcUrl, stack.recordsDir, { networkId: 1n, token: false })).id;
  // viem's HTTP transport gathers the requests DevChain submits at once into JSON-RPC batches.
  const client = createPublicClient({ transport: http(stack.rpcUrl, { batch: { batchSize: 500 }, retryCount: 0 }) });
  const chain = new DevChain(client);
  const payment = (i: number): DevTransaction => {
    const amount = parseEther("0.001") + BigInt(i);
    // refundTo address(0): the payer (the agreement has no holdback, so nothing is held anyway).
    const data = encodeFunctionData({ abi, functionName: "pay", args: [agreementId, zeroAddress, amount, REFERRER, `0x${i.toString(16).padStart(64, "0")}` as Hex, zeroAddress] });
    return { from: PAYER, to: ecoshare, data, value: amount };
  };

  const seedStart = performance.now();
  let timestamp = await chain.latestTimestamp();
  for (let start = 0; start < count; start += PER_BLOCK) {
    const end = Math.min(count, start + PER_BLOCK);
    // One estimate per block, on the block before it, with room for the state the block's earlier payments change.
    const gas = ((await chain.estimateGas(payment(start))) * 3n) / 2n;
    const txs = Array.from({ length: end - start }, (_, k) => ({ ...payment(start + k), gas }));
    await chain.sendInBlock(txs, (timestamp += 12n));
  }
  return { agreementId, seedSeconds: (performance.now() - seedStart) / 1000 };
}
