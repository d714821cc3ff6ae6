/**
 * The demo's cast: who is who in the local demo (scripts/lib/demo-cast.json), with their accounts from
 * Hardhat's well-known test mnemonic. Those keys are public: never use them with real money.
 */
import { HDNodeWallet, Mnemonic } from "ethers";

import cast from "./demo-cast.json" with { type: "json" };
import type { Address, Hex } from "./eip1193.js";

export type DemoCast = typeof cast;
export type DemoAccountKey = DemoCast["accounts"][number]["key"];
export type DemoCastAccount = DemoCast["accounts"][number];
export type DemoCastNetwork = DemoCast["networks"][number];

/** One cast member with its address and (public, test-only) private key. */
export interface DemoAccount extends DemoCastAccount {
  address: Address;
  privateKey: Hex;
}

export const demoCast: DemoCast = cast;

/** Every cast member with its address and key, in account-index order. */
export function demoAccounts(): DemoAccount[] {
  const root = HDNodeWallet.fromSeed(Mnemonic.fromPhrase(cast.mnemonic).computeSeed()).derivePath(cast.derivationPath);
  return cast.accounts.map((member) => {
    const wallet = root.deriveChild(member.index);
    return { ...member, address: wallet.address as Address, privateKey: wallet.privateKey as Hex };
  });
}

/** The cast member called `key`. */
export function demoAccount(accounts: readonly DemoAccount[], key: string): DemoAccount {
  const account = accounts.find((a) => a.key === key);
  if (account === undefined) throw new Error(`The demo cast has no account "${key}".`);
  return account;
}
