/** EIP-2612 permits for the test stablecoin, signed over the domain the token publishes (ERC-5267). */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Signature } from "ethers";

import type { MockStablecoin } from "../../types/ethers-contracts/index.js";
import { domainFromErc5267, permitTypes } from "../../client/eip712.js";

/** `owner`'s permit letting `spender` take `value` until `deadline`, split into v, r, s. */
export async function signPermit(
  token: MockStablecoin,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<{ v: number; r: string; s: string }> {
  const domain = domainFromErc5267(await token.eip712Domain());
  const nonce = await token.nonces(owner.address);
  const signature = await owner.signTypedData(domain, { Permit: [...permitTypes.Permit] }, { owner: owner.address, spender, value, nonce, deadline });
  const { v, r, s } = Signature.from(signature);
  return { v, r, s };
}
