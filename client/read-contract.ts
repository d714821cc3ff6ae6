/**
 * Calls a view function through a viem client (viem's `readContract` over the generated ABIs). Results
 * come back normalised like decoded events: small integers as numbers, wide ones as bigints, structs as
 * objects.
 */
import type { Abi, AbiFunction, Address } from "viem";
import { readContract as viemReadContract } from "viem/actions";

import { ecoshareAbi, mockStablecoinAbi } from "./abis.generated.js";
import { normaliseValue } from "./abi-values.js";
import { atBlock, type AtBlock, type RpcClient } from "./rpc-client.js";

/** Each ABI's view functions by name and argument count, found once. */
const functionsOf = (abi: Abi) =>
  new Map(abi.flatMap((item) => (item.type === "function" ? [[`${item.name}/${item.inputs.length}`, item] as const] : [])));
const abis = {
  ecoshare: functionsOf(ecoshareAbi as Abi),
  /** The ERC-20 part reads any token. */
  erc20: functionsOf(mockStablecoinAbi as Abi),
} as const;

export type ReadContractParameters = {
  client: RpcClient;
  abi: keyof typeof abis;
  address: Address;
  functionName: string;
  args?: readonly unknown[];
  /** Default "latest". */
  blockTag?: AtBlock;
};

/** The function's single output (or an array when it has several), normalised. */
export async function readContract<T>({ client, abi, address, functionName, args = [], blockTag = "latest" }: ReadContractParameters): Promise<T> {
  const fragment: AbiFunction | undefined = abis[abi].get(`${functionName}/${args.length}`);
  if (fragment === undefined) throw new Error(`The ${abi} ABI has no function ${functionName} taking ${args.length} arguments.`);
  const decoded: unknown = await viemReadContract(client, { abi: [fragment], address, functionName, args: [...args], ...atBlock(blockTag) });
  const results = fragment.outputs.length === 1 ? [decoded] : (decoded as readonly unknown[]);
  const outputs = fragment.outputs.map((output, i) => normaliseValue(output, results[i]));
  return (outputs.length === 1 ? outputs[0] : outputs) as T;
}
