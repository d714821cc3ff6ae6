/**
 * The one place the app builds a one-agreement payment call (`pay`, or `payWithPermit` for a token with
 * EIP-2612), so a change of the contract's payment interface (a new argument, a new function) is made here
 * only. (An order of several lines is `payOrder`, built from lib/order.ts's plan.)
 */
import { keccak256, stringToHex, type Address, type Hex } from "viem";

import { ecoshareAbi } from "../contracts/abis";
import { isNative, NATIVE_ASSET } from "../lib/format";
import type { ContractWrite } from "./sendContractTransaction";
import type { SignedPermit } from "./signPermit";

export interface PaymentWriteParameters {
  ecoshare: Address;
  agreementId: bigint;
  asset: Address;
  amount: bigint;
  /** The referrer to credit, or undefined for none. */
  referrer: Address | undefined;
  /** The customer's order reference as typed ("" for none). */
  orderRef: string;
  /**
   * Who is credited if the payment is held and then refunded; undefined (address(0) on-chain) = the payer,
   * the customer paying here.
   */
  refundTo?: Address | undefined;
  /** A signed permit for a token payment in one transaction. */
  permit?: SignedPermit | undefined;
}

/** An order reference: a short text as bytes32 when it fits, its hash otherwise. */
export function orderRefOf(text: string): Hex {
  if (text === "") return `0x${"0".repeat(64)}`;
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= 32 ? stringToHex(text, { size: 32 }) : keccak256(stringToHex(text));
}

/** The contract call that pays `amount` of `asset` to the agreement, as the wallet will be asked to send it. */
export function paymentWrite({ ecoshare, agreementId, asset, amount, referrer, orderRef, refundTo, permit }: PaymentWriteParameters): ContractWrite {
  const common = { address: ecoshare, abi: ecoshareAbi } as const;
  const ref = orderRefOf(orderRef);
  const who = referrer ?? NATIVE_ASSET;
  const refund = refundTo ?? NATIVE_ASSET;
  if (isNative(asset)) return { ...common, functionName: "pay", args: [agreementId, asset, amount, who, ref, refund], value: amount } as ContractWrite;
  if (permit) {
    return { ...common, functionName: "payWithPermit", args: [agreementId, asset, amount, who, ref, refund, permit.deadline, permit.v, permit.r, permit.s] } as ContractWrite;
  }
  return { ...common, functionName: "pay", args: [agreementId, asset, amount, who, ref, refund] } as ContractWrite;
}
