/**
 * Signs a party's acceptance of an agreement (EIP-712 `AcceptAgreement`) with the connected wallet, which
 * shows every term as readable typed data. The domain is read from the contract (ERC-5267), the types come
 * from the shared client, and the digest is checked against the contract's own `acceptanceDigest` before
 * the wallet is asked, so a signature the contract would refuse is never collected.
 */
import { hashTypedData, type Address, type Hex } from "viem";
import { readContract, signTypedData } from "wagmi/actions";

import { acceptancePrimaryType, acceptanceTypes, domainFromErc5267, type AgreementTerms } from "../../../client/eip712.js";
import { ecoshareAbi } from "../contracts/abis";
import type { AppConfig } from "../wagmi/config";

export interface SignAcceptanceParameters {
  ecoshare: Address;
  agreementId: bigint;
  version: number;
  previousId: bigint;
  terms: AgreementTerms;
  /** Seconds since the epoch after which the signature is void. */
  deadline: bigint;
  account: Address;
}

export async function signAcceptance(config: AppConfig, p: SignAcceptanceParameters): Promise<Hex> {
  const domain = domainFromErc5267(await readContract(config, { address: p.ecoshare, abi: ecoshareAbi, functionName: "eip712Domain" }));
  const typedData = {
    domain: { ...domain, chainId: Number(domain.chainId) },
    types: acceptanceTypes,
    primaryType: acceptancePrimaryType,
    message: {
      // The message names the account accepting, so one key's signature never accepts for two accounts.
      signer: p.account,
      agreementId: p.agreementId,
      version: p.version,
      previousId: p.previousId,
      // viem types uint32 as a number; the shared terms carry it as a bigint.
      terms: { ...p.terms, validFrom: Number(p.terms.validFrom), validUntil: Number(p.terms.validUntil) },
      deadline: p.deadline,
    },
  } as const;
  const expected = await readContract(config, {
    address: p.ecoshare,
    abi: ecoshareAbi,
    functionName: "acceptanceDigest",
    args: [p.agreementId, p.account, p.deadline],
  });
  if (hashTypedData(typedData) !== expected) {
    throw new Error("The terms shown here differ from the agreement on-chain; reload before signing.");
  }
  return signTypedData(config, { account: p.account, ...typedData });
}
