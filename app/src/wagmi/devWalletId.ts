/**
 * What the rest of the app needs to know about the development wallet, without loading it: its connector
 * id and the methods it adds. devWallet.ts (with the public test mnemonic) is loaded only on the local chain.
 */
import type { Address } from "viem";

export const DEV_WALLET_ID = "ecoshareDevWallet";

export interface DevAccount {
  index: number;
  address: Address;
  label: string;
}

export type DevWalletProperties = {
  /** The demo accounts and the one in use. */
  devAccounts(): { accounts: DevAccount[]; current: number };
  /** Makes demo account `index` the connected account. */
  selectAccount(index: number): void;
};
