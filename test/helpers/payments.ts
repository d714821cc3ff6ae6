/**
 * Payment-side helpers for the contract tests: refund recipients, held payment records, order lines and
 * permits, what a payment credited, and the order of a transaction's events.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress, type ContractTransactionResponse } from "ethers";

import type { Ecoshare, MockStablecoin } from "../../types/ethers-contracts/index.js";
import { NO_REFERRER } from "./ecoshare.js";
import { signPermit } from "./permit.js";

/** `refundTo` = address(0): a refund of the payment is credited to whoever paid it. */
export const REFUND_TO_PAYER = ZeroAddress;

type Tx = Promise<ContractTransactionResponse> | ContractTransactionResponse;

/** A held payment as `PaymentHeld` records it and release/refund take it back. */
export interface HeldPayment {
  holdId: bigint;
  agreementId: bigint;
  payer: string;
  referrer: string;
  asset: string;
  amount: bigint;
  networkFee: bigint;
  referralFee: bigint;
  vendorShare: bigint;
  releaseAt: bigint;
  refundTo: string;
}

/** The held payments (`PaymentHeld`) of the mined transaction `tx`, in order. */
export async function heldPaymentsOf(tx: Tx, ecoshare: Ecoshare): Promise<HeldPayment[]> {
  return (await eventSequence(tx, ecoshare))
    .filter((e) => e.name === "PaymentHeld")
    .map((e) => (e.args.held as unknown as { toObject(): HeldPayment }).toObject());
}

/** The events Ecoshare emitted in the mined transaction `tx`, in log order, with their decoded arguments. */
export async function eventSequence(tx: Tx, ecoshare: Ecoshare) {
  const receipt = await (await tx).wait();
  const address = await ecoshare.getAddress();
  return receipt!.logs
    .filter((log) => log.address === address)
    .map((log) => ecoshare.interface.parseLog(log)!)
    .map(({ name, args }) => ({ name, args }));
}

/** One line of an order ({IReferralPayments.OrderLine}). */
export interface OrderLine {
  agreementId: bigint;
  asset: string;
  amount: bigint;
  referrer: string;
}

export function orderLine(agreementId: bigint, asset: string, amount: bigint, referrer: string = NO_REFERRER): OrderLine {
  return { agreementId, asset, amount, referrer };
}

/** The sum of an order's ETH lines: the value its payOrder must send. */
export function ethValue(lines: OrderLine[]): bigint {
  return lines.filter((l) => l.asset === ZeroAddress).reduce((sum, l) => sum + l.amount, 0n);
}

/** `owner`'s permit letting Ecoshare (`spender`) take `value` of `token`, as an order's {TokenPermit}. */
export async function tokenPermit(token: MockStablecoin, owner: HardhatEthersSigner, spender: string, value: bigint, deadline: bigint) {
  const { v, r, s } = await signPermit(token, owner, spender, value, deadline);
  return { token: await token.getAddress(), value, deadline, v, r, s };
}

/** What agreement `agreementId` and `referrer` have been credited so far in the agreement's asset. */
export interface Credited {
  vendorPool: bigint;
  networkFees: bigint;
  referral: bigint;
}

export async function creditedOf(ecoshare: Ecoshare, agreementId: bigint, referrer: string): Promise<Credited> {
  const a = await ecoshare.agreement(agreementId);
  const referral = referrer === NO_REFERRER ? 0n : await ecoshare.balanceOf(referrer, a.asset);
  return { vendorPool: a.vendorPool, networkFees: a.networkFees, referral };
}

/** Asserts that, since `before`, the agreement and `referrer` were credited exactly `split`: the split a
 * PaymentSplit event no longer carries, observed where it lands. */
export async function expectCreditedSince(
  ecoshare: Ecoshare,
  agreementId: bigint,
  referrer: string,
  before: Credited,
  split: { networkFee: bigint; referralFee: bigint; vendorShare: bigint },
): Promise<void> {
  const after = await creditedOf(ecoshare, agreementId, referrer);
  expect({
    vendorShare: after.vendorPool - before.vendorPool,
    networkFee: after.networkFees - before.networkFees,
    referralFee: after.referral - before.referral,
  }).to.deep.equal({ vendorShare: split.vendorShare, networkFee: split.networkFee, referralFee: split.referralFee });
}
