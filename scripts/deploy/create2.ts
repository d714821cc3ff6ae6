/**
 * How Ecoshare gets the same address on every chain: Ignition's create2 strategy deploys each contract
 * through the CreateX factory (the same address on every chain that has it; Ignition installs it itself
 * on a development chain, id 31337) with one fixed salt. CREATE2's address depends only on the factory,
 * the salt and the init code, so the same build deploys to the same address everywhere.
 *
 * The salt's first 20 bytes are neither zero nor the deployer's address, so CreateX neither binds it to
 * the sender nor to the chain (its "random" salt case: the guarded salt is keccak256(abi.encode(salt))).
 * Anyone may therefore deploy the same code at that address first: harmless, as Ecoshare has no owner
 * and no constructor arguments; the deploy then reports the contract that is already there.
 */
import { AbiCoder, getCreate2Address, id, keccak256 } from "ethers";

import type { Address, Hex } from "viem";

/** CreateX v0.1.0 (github.com/pcaversaccio/createx), as Ignition's create2 strategy uses it. */
export const CREATEX_ADDRESS: Address = "0xba5Ed099633D3B313e4D5F7bdc1305d3c28ba5Ed";

/** Ecoshare's salt: keccak256("Ecoshare protocol v1"). Changing it moves every address. */
export const ECOSHARE_SALT: Hex = id("Ecoshare protocol v1") as Hex;

/** The salt CreateX hashes into CREATE2 for a salt whose first 20 bytes are neither zero nor the sender. */
export function guardedSalt(salt: Hex): Hex {
  const sender = BigInt(salt.slice(0, 42));
  if (sender === 0n) throw new Error(`Salt ${salt} starts with 20 zero bytes: CreateX would bind it to the chain id.`);
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32"], [salt])) as Hex;
}

/** Where CreateX's deployCreate2(salt, initCode) puts a contract, on any chain, whoever sends it. */
export function create2AddressOf({ initCode, salt = ECOSHARE_SALT }: { initCode: Hex; salt?: Hex }): Address {
  return getCreate2Address(CREATEX_ADDRESS, guardedSalt(salt), keccak256(initCode)) as Address;
}
