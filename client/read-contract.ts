/**
 * Calls a view function through any EIP-1193 transport, encoding and decoding with the generated ABIs.
 * Results come back normalised like decoded events: small integers as numbers, wide ones as bigints,
 * structs as objects.
 */
import { Interface } from "ethers";

import { ecoshareAbi, mockStablecoinAbi } from "./abis.generated.js";
import { normaliseValue } from "./abi-values.js";
import type { Address, BlockTag, Eip1193Transport, Hex } from "./eip1193.js";
import { ethCall, type RetryOptions } from "./rpc.js";

const interfaces = {
  ecoshare: new Interface(ecoshareAbi),
  /** The ERC-20 part reads any token. */
  erc20: new Interface(mockStablecoinAbi),
} as const;

export type ReadContractParameters = {
  transport: Eip1193Transport;
  abi: keyof typeof interfaces;
  address: Address;
  functionName: string;
  args?: readonly unknown[];
  /** Default "latest". */
  blockTag?: BlockTag;
  retry?: RetryOptions | undefined;
};

/** The function's single output (or an array when it has several), normalised. */
export async function readContract<T>({ transport, abi, address, functionName, args = [], blockTag = "latest", retry }: ReadContractParameters): Promise<T> {
  const iface = interfaces[abi];
  const fragment = iface.getFunction(functionName);
  if (fragment === null) throw new Error(`The ${abi} ABI has no function ${functionName}.`);
  const data = iface.encodeFunctionData(fragment, [...args]) as Hex;
  const result = iface.decodeFunctionResult(fragment, await ethCall({ transport, to: address, data, blockTag, retry }));
  const outputs = fragment.outputs.map((output, i) => normaliseValue(output, result[i]));
  return (outputs.length === 1 ? outputs[0] : outputs) as T;
}
