/**
 * Signs a counter-proposal (EIP-712 `CounterProposal`) so that anyone may submit it with
 * `counterProposeWithSignature`. Its nonce is a fresh unordered one (`randomCounterNonce`), so an author can
 * have several signed counters outstanding and cancel any one (`invalidateCounterNonce`). The digest is checked
 * against the contract's own `counterProposalDigest` before the wallet is asked.
 */
import { hashTypedData, type Address, type Hex } from "viem";
import { readContract, signTypedData } from "wagmi/actions";

import { counterProposalPrimaryType, counterProposalTypes, domainFromErc5267, randomCounterNonce, type AgreementTerms } from "../../../client/eip712.js";
import { ecoshareAbi } from "../contracts/abis";
import { termsForViem } from "../lib/terms";
import type { AppConfig } from "../wagmi/config";

export interface SignCounterProposalParameters {
  ecoshare: Address;
  counteredId: bigint;
  terms: AgreementTerms;
  deadline: bigint;
  account: Address;
}

export interface SignCounterProposalReturnType {
  signature: Hex;
  /** The nonce signed: store it with the signature (it is needed to submit or cancel the counter). */
  nonce: bigint;
}

export async function signCounterProposal(config: AppConfig, p: SignCounterProposalParameters): Promise<SignCounterProposalReturnType> {
  const domain = domainFromErc5267(await readContract(config, { address: p.ecoshare, abi: ecoshareAbi, functionName: "eip712Domain" }));
  const nonce = randomCounterNonce();
  const terms = termsForViem(p.terms);
  const typedData = {
    domain: { ...domain, chainId: Number(domain.chainId) },
    types: counterProposalTypes,
    primaryType: counterProposalPrimaryType,
    message: { author: p.account, counteredId: p.counteredId, terms, nonce, deadline: p.deadline },
  } as const;
  const expected = await readContract(config, {
    address: p.ecoshare,
    abi: ecoshareAbi,
    functionName: "counterProposalDigest",
    args: [p.counteredId, terms, p.account, nonce, p.deadline],
  });
  if (hashTypedData(typedData) !== expected) {
    throw new Error("The counter-proposal shown here differs from what the contract would check; reload before signing.");
  }
  return { signature: await signTypedData(config, { account: p.account, ...typedData }), nonce };
}
