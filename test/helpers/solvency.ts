/**
 * The custody invariant: what Ecoshare holds of an asset equals what it owes in it, to the wei. Owed is
 * every account's withdrawable balance plus, per agreement in that asset, the vendor pool not yet
 * collected by parties, the network fees not yet collected by the fee recipient and the payments still held.
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
  /** Payments held and neither released nor refunded yet. */
  heldPayments: bigint;
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

  // PaymentSplit no longer names the asset: it is the agreement's.
  const count = await ecoshare.agreementCount();
  const inAsset = new Set<bigint>();
  for (let id = 1n; id <= count; id++) if ((await ecoshare.agreement(id)).asset === asset) inAsset.add(id);

  // Everyone who ever had a balance: referrers of payments, refund recipients and accounts that collected.
  const accounts = new Set<string>();
  const collectedByParties = new Map<bigint, bigint>();
  const addCollected = (id: bigint, partyShare: bigint) => collectedByParties.set(id, (collectedByParties.get(id) ?? 0n) + partyShare);
  for (const log of await ecoshare.queryFilter(ecoshare.filters.PaymentSplit(), 0)) {
    if (inAsset.has(log.args.agreementId)) accounts.add(log.args.referrer);
  }
  for (const log of await ecoshare.queryFilter(ecoshare.filters.HeldPaymentRefunded(), 0)) {
    if (inAsset.has(log.args.agreementId)) accounts.add(log.args.refundTo);
  }
  for (const log of await ecoshare.queryFilter(ecoshare.filters.EarningsCollected(undefined, undefined, asset), 0)) {
    accounts.add(log.args.account);
    addCollected(log.args.agreementId, log.args.partyShare);
  }
  for (const log of await ecoshare.queryFilter(ecoshare.filters.EarningsPaid(), 0)) {
    if (inAsset.has(log.args.agreementId)) addCollected(log.args.agreementId, log.args.partyShare);
  }
  let balances = 0n;
  for (const account of accounts) balances += await ecoshare.balanceOf(account, asset);

  const settled = new Set<bigint>();
  for (const log of await ecoshare.queryFilter(ecoshare.filters.HeldPaymentReleased(), 0)) settled.add(log.args.holdId);
  for (const log of await ecoshare.queryFilter(ecoshare.filters.HeldPaymentRefunded(), 0)) settled.add(log.args.holdId);
  let heldPayments = 0n;
  for (const log of await ecoshare.queryFilter(ecoshare.filters.PaymentHeld(), 0)) {
    if (inAsset.has(log.args.agreementId) && !settled.has(log.args.holdId)) heldPayments += log.args.held.amount;
  }

  let uncollectedPools = 0n;
  let uncollectedFees = 0n;
  for (const id of inAsset) {
    const a = await ecoshare.agreement(id);
    const poolLeft = a.vendorPool - (collectedByParties.get(id) ?? 0n);
    uncollectedPools += poolLeft;
    uncollectedFees += a.networkFees - a.networkFeesCollected;
    // What the parties may collect now never exceeds what is left of the pool, and equals it once final.
    let collectableNow = 0n;
    for (const party of await ecoshare.partiesOf(id)) collectableNow += await ecoshare.collectable(id, party.account);
    const status = Number(a.status);
    const closed = status === AgreementStatus.Terminated || status === AgreementStatus.Superseded;
    if (closed && a.heldPayments === 0n) {
      expect(collectableNow, `agreement ${id}: parties may collect the whole pool left`).to.equal(poolLeft);
    } else {
      expect(collectableNow <= poolLeft, `agreement ${id}: parties may collect ${collectableNow} > ${poolLeft}`).to.equal(true);
    }
  }
  expect(holdings, `holdings of ${asset}`).to.equal(balances + uncollectedPools + uncollectedFees + heldPayments);
  return { holdings, balances, uncollectedPools, uncollectedFees, heldPayments };
}
