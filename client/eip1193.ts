/**
 * The one thing the shared client needs from a JSON-RPC connection: EIP-1193's `request`. Hardhat's
 * network providers, viem clients (`client.request`) and browser wallets all provide it, so the audit,
 * the scripts and the app share the same code whatever they connect through.
 */

/** An Ethereum address, 0x-prefixed (checksummed when it comes out of this module). */
export type Address = `0x${string}`;

/** A 0x-prefixed hex string: data, hashes, quantities. */
export type Hex = `0x${string}`;

/** Arguments of an EIP-1193 request. */
export interface Eip1193RequestArguments {
  method: string;
  params?: readonly unknown[];
}

/** A JSON-RPC connection: anything with an EIP-1193 `request` method. */
export interface Eip1193Transport {
  request(args: Eip1193RequestArguments): Promise<unknown>;
}

/** A block number, or one of the tags every node understands. */
export type BlockTag = bigint | "latest";

/** `blockTag` as a JSON-RPC parameter. */
export function toBlockParameter(blockTag: BlockTag): string {
  return typeof blockTag === "bigint" ? toQuantity(blockTag) : blockTag;
}

/** `value` as a JSON-RPC quantity (hex, no leading zeros). */
export function toQuantity(value: bigint | number): Hex {
  return `0x${BigInt(value).toString(16)}`;
}
