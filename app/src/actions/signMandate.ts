/**
 * Signs a member's standing mandate (EIP-712 `SetMandate`) so that anyone may submit it with
 * `grantSignedMandate`. The nonce is the member's current sequential mandate nonce (`nextMandateNonce`): any later
 * set or revocation spends it, so the signature can be submitted once and never after a change of mind. The
 * domain is read from the contract (ERC-5267) and the types come from the shared client. The contract
 * exposes no digest view for mandates, so the signature is checked by simulating its submission: a signature
 * the contract would refuse is never stored or shared.
 */
import type { Address, Hex } from "viem";
import { readContract, signTypedData, simulateContract } from "wagmi/actions";

import { domainFromErc5267, setMandatePrimaryType, setMandateTypes } from "../../../client/eip712.js";
import { ecoshareAbi } from "../contracts/abis";
import type { ChainMandate } from "../lib/mandateForm";
import type { AppConfig } from "../wagmi/config";

export interface SignMandateParameters {
  ecoshare: Address;
  member: Address;
  mandate: ChainMandate;
  nonce: bigint;
  /** Seconds since the epoch after which the signature is void. */
  deadline: bigint;
}

export async function signMandate(config: AppConfig, p: SignMandateParameters): Promise<Hex> {
  const domain = domainFromErc5267(await readContract(config, { address: p.ecoshare, abi: ecoshareAbi, functionName: "eip712Domain" }));
  const signature = await signTypedData(config, {
    account: p.member,
    domain: { ...domain, chainId: Number(domain.chainId) },
    types: setMandateTypes,
    primaryType: setMandatePrimaryType,
    message: { member: p.member, mandate: p.mandate, nonce: p.nonce, deadline: p.deadline },
  });
  // Throws the contract's own error (InvalidMandateSignature, MemberNotActive, ...) if it would be refused.
  await simulateContract(config, {
    account: p.member,
    address: p.ecoshare,
    abi: ecoshareAbi,
    functionName: "grantSignedMandate",
    args: [p.member, p.mandate, p.nonce, p.deadline, signature],
  });
  return signature;
}
