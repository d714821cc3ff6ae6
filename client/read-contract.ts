/**
 * Calls a view function through any EIP-1193 transport, encoding and decoding with viem over the generated
 * ABIs. Results come back normalised like decoded events: small integers as numbers, wide ones as bigints,
 * structs as objects.
 */
import { decodeFunctionResult, encodeFunctionData, type Abi, type AbiFunction } from "viem";

import { ecoshareAbi, mockStablecoinAbi } from "./abis.generated.js";
import { normaliseValue } from "./abi-values.js";
import type { Address, BlockTag, Eip1193Transport, Hex } from "./eip1193.js";
import { ethCall, type RetryOptions } from "./rpc.js";

const abis = {
  ecoshare: ecoshareAbi as Abi,
  /** The ERC-20 part reads any token. */
  erc20: mockStablecoinAbi as Abi,
} as const;

export type ReadContractParameters = {
  transport: Eip1193Transport;
  abi: keyof typeof abis;
  address: Address;
  functionName: string;
  args?: readonly unknown[];
  /** Default "latest". */
  blockTag?: BlockTag;
  retry?: RetryOptions | undefined;
};

/** The function's single output (or an array when it has several), normalised. */
export async function readContract<T>({ transport, abi, address, functionName, args = [], blockTag = "latest", retry }: ReadContractParameters): Promise<T> {
  const fragment = abis[abi].find((item): item is AbiFunction => item.type === "function" && item.name === functionName && item.inputs.length === args.length);
  if (fragment === undefined) throw new Error(`The ${abi} ABI has no function ${functionName} taking ${args.length} arguments.`);
  const data = encodeFunctionData({ abi: [fragment], functionName, args: [...args] });
  const raw = await ethCall({ transport, to: address, data, blockTag, retry });
  const decoded = decodeFunctionResult({ abi: [fragment], functionName, data: raw as Hex }) as unknown;
  const results = fragment.outputs.length === 1 ? [decoded] : (decoded as readonly unknown[]);
  const outputs = fragment.outputs.map((output, i) => normaliseValue(output, results[i]));
  return (outputs.length === 1 ? outputs[0] : outputs) as T;
}
