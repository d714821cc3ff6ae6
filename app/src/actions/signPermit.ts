/**
 * EIP-2612 permits: whether a token supports them (it publishes an ERC-5267 domain and `nonces`), and a
 * signed permit for the Ecoshare contract to take `value`, so a token payment is one transaction.
 */
import { erc20Abi, parseAbi, parseSignature, type Address, type Hex, type PublicClient } from "viem";

import { domainFromErc5267, permitTypes } from "../../../scripts/lib/eip712.js";
import type { ActionClients } from "./clients";

const permitAbi = parseAbi([
  "function nonces(address owner) view returns (uint256)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
]);

export async function supportsPermit(publicClient: PublicClient, token: Address, owner: Address): Promise<boolean> {
  try {
    await Promise.all([
      publicClient.readContract({ address: token, abi: permitAbi, functionName: "nonces", args: [owner] }),
      publicClient.readContract({ address: token, abi: permitAbi, functionName: "eip712Domain" }),
      publicClient.readContract({ address: token, abi: permitAbi, functionName: "DOMAIN_SEPARATOR" }),
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
    publicClient.readContract({ address: token, abi: permitAbi, functionName: "eip712Domain" }),
    publicClient.readContract({ address: token, abi: permitAbi, functionName: "nonces", args: [owner] }),
  ]);
  const domain = domainFromErc5267(fields);
  const signature = await walletClient.signTypedData({
    account: walletClient.account,
    domain: { ...domain, chainId: Number(domain.chainId) },
    types: permitTypes,
    primaryType: "Permit",
    message: { owner, spender, value, nonce, deadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { deadline, r, s, v: v !== undefined ? Number(v) : yParity + 27 };
}

export { erc20Abi };
