/**
 * The Audit page's check of an indexer: its balances and collectable amounts must be those the log gives
 * by the shared ledger rules (the same comparison `npm run audit -- --indexer` makes with the chain's views,
 * client/indexer-compare.ts), at the same block.
 */
import type { ChainReadings } from "../../../client/reconcile.js";
import { collectable, entitledAccounts, type Ledger } from "../../../client/ledger.js";

/** The ledger's balances and collectable amounts (at chain time `timestamp`), keyed as the comparison keys them. */
export function readingsFromLedger(ledger: Ledger, timestamp: bigint): ChainReadings {
  const balances = new Map<string, bigint>();
  for (const entry of ledger.accounts.values()) balances.set(`${entry.account.toLowerCase()}/${entry.asset.toLowerCase()}`, entry.balance);
  const collectables = new Map<string, bigint>();
  for (const agreement of ledger.agreements.values()) {
    for (const account of entitledAccounts(agreement)) collectables.set(`${agreement.id}/${account.toLowerCase()}`, collectable({ agreement, account, timestamp }));
  }
  return { balances, collectables, referrals: new Map() };
}
