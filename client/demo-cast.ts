/**
 * The demo's cast: who is who in the local demo (client/demo-cast.json), with their accounts from
 * Hardhat's well-known test mnemonic. Those keys are public: never use them with real money.
 */
import { toHex, type Address, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAddress } from "viem/accounts";

import cast from "./demo-cast.json" with { type: "json" };

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
  // The seed is derived once (PBKDF2 is slow on purpose); each account is a child of the path's key.
  const root = mnemonicToAccount(cast.mnemonic, { path: cast.derivationPath as `m/44'/60'/${string}` }).getHdKey();
  return cast.accounts.map((member) => {
    const privateKey = toHex(root.deriveChild(member.index).privateKey!) as Hex;
    return { ...member, address: privateKeyToAddress(privateKey) as Address, privateKey };
  });
}

/** The cast member called `key`. */
export function demoAccount(accounts: readonly DemoAccount[], key: string): DemoAccount {
  const account = accounts.find((a) => a.key === key);
  if (account === undefined) throw new Error(`The demo cast has no account "${key}".`);
  return account;
}
