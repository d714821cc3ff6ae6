/**
 * EIP-2612 permits: whether a token supports them (it publishes an ERC-5267 domain and `nonces`), and a
 * signed permit for the Ecoshare contract to take `value`, so a token payment is one transaction.
 */
import { erc20Abi, getAbiItem, type Address, type Hex } from "viem";
import { readContract, signTypedData } from "viem/actions";

import { domainFromErc5267, permitTypes } from "../../../client/eip712.js";
import { ecoshareAbi } from "../contracts/abis";
import type { ActionClients, ReadClient } from "./clients";

// JSON ABI rather than parseAbi: no ABI parser in the embedded checkout's bundle.
const permitAbi = [
  { type: "function", name: "nonces", stateMutability: "view", inputs: [{ name: "owner", type: "address" }], outputs: [{ type: "uint256" }] },
  // ERC-5267, the same function on any contract: the item from the generated ABI.
  getAbiItem({ abi: ecoshareAbi, name: "eip712Domain" }),
  { type: "function", name: "DOMAIN_SEPARATOR", stateMutability: "view", inputs: [], outputs: [{ type: "bytes32" }] },
] as const;

export async function supportsPermit(publicClient: ReadClient, token: Address, owner: Address): Promise<boolean> {
  try {
    await Promise.all([
      readContract(publicClient, { address: token, abi: permitAbi, functionName: "nonces", args: [owner] }),
      readContract(publicClient, { address: token, abi: permitAbi, functionName: "eip712Domain" }),
      readContract(publicClient, { address: token, abi: permitAbi, functionName: "DOMAIN_SEPARATOR" }),
    ]);
    return true;
  } catch {
    return false;
  }
}

export interface SignedPermit {
  deadline: bigint;
  v: number;
  r: Hex;
  s: Hex;
}

export async function signPermit(
  { publicClient, walletClient }: ActionClients,
  { token, owner, spender, value, deadline }: { token: Address; owner: Address; spender: Address; value: bigint; deadline: bigint },
): Promise<SignedPermit> {
  const [fields, nonce] = await Promise.all([
    readContract(publicClient, { address: token, abi: permitAbi, functionName: "eip712Domain" }),
    readContract(publicClient, { address: token, abi: permitAbi, functionName: "nonces", args: [owner] }),
  ]);
  const domain = domainFromErc5267(fields);
  const signature = await signTypedData(walletClient, {
    account: walletClient.account,
    domain: { ...domain, chainId: Number(domain.chainId) },
    types: permitTypes,
    primaryType: "Permit",
    message: { owner, spender, value, nonce, deadline },
  });
  return { deadline, ...splitSignature(signature) };
}

export { erc20Abi };

/**
 * r, s and v of a 65-byte ECDSA signature (what permit takes). Split by hand rather than with viem's
 * parseSignature, which brings a whole secp256k1 implementation into the embedded checkout for this.
 */
export function splitSignature(signature: Hex): { r: Hex; s: Hex; v: number } {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new Error("The wallet returned a signature that is not 65 bytes: it cannot be used for a permit. Try again, or pay with another wallet.");
  }
  const v = parseInt(signature.slice(130, 132), 16);
  return { r: `0x${signature.slice(2, 66)}`, s: `0x${signature.slice(66, 130)}`, v: v < 27 ? v + 27 : v };
}
