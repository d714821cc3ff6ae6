/**
 * The custody invariant: what Ecoshare holds of an asset equals what it owes in it, to the wei. Owed is
 * every account's withdrawable balance plus, per agreement in that asset, the vendor pool not yet
 * collected by parties and the network fees not yet collected by the fee recipient.
 */
import { expect } from "chai";
import { Contract } from "ethers";

import type { Ecoshare } from "../../types/ethers-contracts/index.js";
import { AgreementStatus, ETH } from "./ecoshare.js";

export interface Ledger {
  holdings: bigint;
  balances: bigint;
  uncollectedPools: bigint;
  uncollectedFees: bigint;
}

/** Reads the ledger of `asset` from Ecoshare's state and events, and asserts holdings == owed. */
export async function expectSolvent(ecoshare: Ecoshare, asset: string): Promise<Ledger> {
  const provider = ecoshare.runner!.provider!;
  const self = await ecoshare.getAddress();
  const holdings =
    asset === ETH
      ? await provider.getBalance(self)
      : ((await new Contract(asset, ["function balanceOf(address) view returns (uint256)"], provider).getFunction(
          "balanceOf",
        )(self)) as bigint);

  // Everyone who ever had a balance: referrers of payments and accounts that collected.
  const accounts = new Set<string>();
  const collectedByParties = new Map<bigint, bigint>();
  for (const log of await ecoshare.queryFilter(ecoshare.filters.PaymentSplit(), 0)) {
    if (log.args.asset === asset) accounts.add(log.args.referrer);
  }
  for (const log of await ecoshare.queryFilter(ecoshare.filters.EarningsCollected(undefined, undefined, asset), 0)) {
    accounts.add(log.args.account);
    const id = log.args.agreementId;
    collectedByParties.set(id, (collectedByParties.get(id) ?? 0n) + log.args.partyShare);
  }
  let balances = 0n;
  for (const account of accounts) balances += await ecoshare.balanceOf(account, asset);

  let uncollectedPools = 0n;
  let uncollectedFees = 0n;
  const count = await ecoshare.agreementCount();
  for (let id = 1n; id <= count; id++) {
    const a = await ecoshare.agreement(id);
    if (a.asset !== asset) continue;
    const poolLeft = a.vendorPool - (collectedByParties.get(id) ?? 0n);
    uncollectedPools += poolLeft;
    uncollectedFees += a.networkFees - a.networkFeesCollected;
    // What the parties may collect now never exceeds what is left of the pool, and equals it once closed.
    let collectableNow = 0n;
    for (const party of await ecoshare.partiesOf(id)) collectableNow += await ecoshare.collectable(id, party.account);
    const status = Number(a.status);
    if (status === AgreementStatus.Terminated || status === AgreementStatus.Superseded) {
      expect(collectableNow, `agreement ${id}: parties may collect the whole pool left`).to.equal(poolLeft);
    } else {
      expect(collectableNow <= poolLeft, `agreement ${id}: parties may collect ${collectableNow} > ${poolLeft}`).to.equal(true);
    }
  }
  expect(holdings, `holdings of ${asset}`).to.equal(balances + uncollectedPools + uncollectedFees);
  return { holdings, balances, uncollectedPools, uncollectedFees };
}
