/**
 * What the Share dialog turns into a snippet: the amount (fixed, or bounds the customer chooses within),
 * an order reference, and the partner's standing as referrer. Checked here in the agreement's asset, with
 * the checkout's own rules (parseAmountText, encodeOrderRef), so a snippet never carries a value the
 * element or the contract would refuse.
 */
import { formatUnits, getAddress, type Address } from "viem";

import type { LedgerAgreement, LedgerNetwork } from "../../../client/ledger.js";
import type { EmbedAmount } from "../../../client/embed-snippet.js";
import { MemberStatus, MEMBER_ROLES } from "./enums";
import { formatBps } from "./format";
import { encodeOrderRef, parseAmountText } from "./order";
import { allowedRoleNames, mayRefer } from "./referrerRoles";

export interface ShareDraft {
  mode: "fixed" | "range";
  amount: string;
  min: string;
  max: string;
  orderRef: string;
}

export type ShareField = "amount" | "min" | "max" | "orderRef";

export interface CheckShareDraftReturnType {
  errors: Partial<Record<ShareField, string>>;
  /** The amount for the snippet, in canonical decimal text; undefined while a field has an error. */
  amount?: EmbedAmount;
  orderRef?: string;
}

/** The draft's errors by field, or the amount and order reference to write into the snippet. */
export function checkShareDraft(draft: ShareDraft, asset: { symbol: string; decimals: number }): CheckShareDraftReturnType {
  const errors: CheckShareDraftReturnType["errors"] = {};
  const read = (field: ShareField, text: string): bigint | undefined => {
    const parsed = parseAmountText(text, asset);
    if (parsed && "error" in parsed) errors[field] = parsed.error;
    return parsed && "amount" in parsed ? parsed.amount : undefined;
  };
  let amount: EmbedAmount | undefined;
  if (draft.mode === "fixed") {
    const value = read("amount", draft.amount);
    if (value === undefined && !errors.amount) errors.amount = `Enter the amount the customer pays in ${asset.symbol}, or let the customer choose it.`;
    if (value !== undefined) amount = { amount: formatUnits(value, asset.decimals) };
  } else {
    const min = read("min", draft.min);
    const max = read("max", draft.max);
    if (min !== undefined && max !== undefined && min > max) errors.max = `The highest amount must not be below the lowest (${draft.min.trim()} ${asset.symbol}).`;
    amount = {
      ...(min === undefined ? {} : { minAmount: formatUnits(min, asset.decimals) }),
      ...(max === undefined ? {} : { maxAmount: formatUnits(max, asset.decimals) }),
    };
  }
  const refText = draft.orderRef.trim();
  if (refText !== "") {
    const encoded = encodeOrderRef(refText);
    if ("error" in encoded) errors.orderRef = encoded.error;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { errors, ...(amount ? { amount } : {}), ...(refText === "" ? {} : { orderRef: refText }) };
}

export interface ReferralStanding {
  /** The account to credit as referrer, when the contract would accept it. */
  referrer?: Address;
  /** Why the link and snippet carry no referral (or what the referral earns), in plain words. */
  note?: string;
}

/** Whether `account` may be named as referrer on `agreement` (ReferralPayments._checkReferrer), in words. */
export function referralStanding(agreement: LedgerAgreement, network: LedgerNetwork | undefined, networkName: string, account: Address | undefined): ReferralStanding {
  const fee = formatBps(agreement.referralFeeBps);
  if (!account) return { note: `Connect a wallet to put your referral in the link and the snippet. Without it they pay agreement #${agreement.id} with no referrer.` };
  const me = getAddress(account);
  const member = network?.members.get(me);
  if (member?.status !== MemberStatus.Active) {
    return {
      note:
        `You are not an active member of ${networkName}, so you cannot refer customers: the contract refuses a payment naming you as referrer. ` +
        `The link and the snippet below pay the agreement with no referrer. To earn ${fee} of each payment, ask ${networkName}'s operator to admit you.`,
    };
  }
  if (!mayRefer(agreement.referrerRoles, member.role)) {
    return {
      note:
        `This agreement lets only ${allowedRoleNames(agreement.referrerRoles).join(" and ")} refer, and you are a ${MEMBER_ROLES[member.role]?.toLowerCase() ?? "member"} of ${networkName}: ` +
        "the link and the snippet below pay the agreement with no referrer.",
    };
  }
  if (agreement.referralFeeBps === 0) return { referrer: me, note: "This agreement pays no referral fee: your referral is recorded with each payment but earns nothing." };
  return { referrer: me };
}
