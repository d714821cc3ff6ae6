/**
 * The contract's custom errors in plain words, and the classification of any failure of a wallet or
 * contract call: a user who declined is told calmly, a revert is explained by its custom error.
 */
import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError, type Address } from "viem";

import { describeHoldback } from "./dynamic";
import { shortAddress } from "./format";
import { AGREEMENT_STATUSES, MEMBER_ROLES, MEMBER_STATUSES, label } from "./enums";

type Args = readonly unknown[];
const addr = (value: unknown) => (typeof value === "string" ? shortAddress(value as Address) : String(value));
const num = (value: unknown) => String(value);
const date = (value: unknown) => new Date(Number(value) * 1000).toLocaleString();
const bps = (value: unknown) => `${Number(value) / 100}%`;

/** One sentence per custom error the Ecoshare contract (and the tokens it calls) can revert with. */
export const ERROR_SENTENCES: Record<string, (args: Args) => string> = {
  // INetworkRegistry
  UnknownNetwork: ([id]) => `Network #${num(id)} does not exist.`,
  NetworkFeeTooHigh: ([fee, max]) => `A network fee of ${bps(fee)} is above the ${bps(max)} cap.`,
  ZeroFeeRecipient: () => "The network needs a fee recipient: the zero address cannot collect fees.",
  ZeroOperator: () => "The operator role cannot be offered to the zero address; cancel the offer instead.",
  NotNetworkOperator: ([id, caller]) => `Only the operator of network #${num(id)} can do this, and ${addr(caller)} is not.`,
  NotPendingOperator: ([id, caller]) => `${addr(caller)} has not been offered the operator role of network #${num(id)}.`,
  NotAllowedToAdmit: ([id, caller]) =>
    `${addr(caller)} may not admit members to network #${num(id)}: its kind lets only the operator (or active members in a peer-to-peer network) admit.`,
  AlreadyMember: ([id, account, status]) =>
    `${addr(account)} already has a membership of network #${num(id)} (${label(MEMBER_STATUSES, Number(status)).toLowerCase()}).`,
  NotMember: ([id, account]) => `${addr(account)} is not a member of network #${num(id)}.`,
  UnexpectedMemberStatus: ([id, account, status]) =>
    `${addr(account)}'s membership of network #${num(id)} is ${label(MEMBER_STATUSES, Number(status)).toLowerCase()}, which does not allow this.`,
  MemberNotActive: ([id, account]) => `${addr(account)} is not an active member of network #${num(id)}.`,
  // IRevenueAgreements
  UnknownAgreement: ([id]) => `Agreement #${num(id)} does not exist.`,
  InvalidPartyCount: ([count, max]) => `An agreement needs between 1 and ${num(max)} parties; this one has ${num(count)}.`,
  ZeroAddressParty: () => "A party cannot be the zero address.",
  DuplicateParty: ([account]) => `${addr(account)} is named twice among the parties.`,
  SharesDoNotSumToWhole: ([sum]) => `The parties' shares add up to ${bps(sum)} instead of 100%.`,
  ReferralFeeTooHigh: ([fee, max]) => `A referral fee of ${bps(fee)} is above the ${bps(max)} cap.`,
  InvalidValidityWindow: ([from, until]) =>
    `The validity window (${date(from)} to ${date(until)}) is empty or already over.`,
  AssetNotAContract: ([asset]) => `The payment asset ${addr(asset)} is not a token contract.`,
  NetworkFeeTermsChanged: ([recipient, fee]) =>
    `The network changed its fee terms (now ${bps(fee)} to ${addr(recipient)}); reload and propose again.`,
  NotAllowedToPropose: ([id, proposer]) =>
    `${addr(proposer)} may not propose in network #${num(id)}: only active members and the operator can.`,
  AmendmentChangesNetwork: ([previous, next]) =>
    `An amendment must stay in network #${num(previous)}, not move to #${num(next)}.`,
  AmendmentChangesAsset: ([previous, asset]) =>
    `An amendment or counter-proposal must keep the payment asset ${addr(previous)}, not switch to ${addr(asset)}: referral volumes are counted in one asset.`,
  InvalidReferrerRoles: ([roles]) =>
    `"Who may refer" (${num(roles)}) names a role that does not exist: choose among vendors, referral partners and distributors.`,
  AmendmentDropsParty: ([party]) =>
    `The amendment leaves out ${addr(party)}; give it a 0% share instead so it consents to leaving.`,
  UnexpectedAgreementStatus: ([id, status]) =>
    `Agreement #${num(id)} is ${label(AGREEMENT_STATUSES, Number(status)).toLowerCase()}, which does not allow this.`,
  NotAgreementParty: ([id, account]) => `${addr(account)} is not a party of agreement #${num(id)}.`,
  InvalidReferralTier: ([index]) =>
    `Referral tier ${Number(index) + 1} is invalid: thresholds must be above 0 and rising, rates within the cap, and at most 8 tiers.`,
  ReferralTierHoldbackTooLong: ([index, period, max]) =>
    `Referral tier ${Number(index) + 1} holds payments ${describeHoldback(Number(period))}, longer than the ${describeHoldback(Number(max))} of the tier below it (or the agreement's holdback): a higher tier may only shorten the holdback.`,
  HoldbackTooLong: ([period, max]) =>
    `A holdback of ${Math.round(Number(period) / 86400)} days is longer than the ${Math.round(Number(max) / 86400)}-day maximum.`,
  InvalidRefunder: ([refunder]) =>
    `${addr(refunder)} cannot be the refunder: with a holdback the refunder must be one of the parties, and without one there is none.`,
  NegotiationSettled: ([id, active]) =>
    `Agreement #${num(id)} can no longer be accepted: version #${num(active)} of the same negotiation was accepted by everyone first.`,
  InvalidCounterSignature: ([author]) =>
    `The counter-proposal is not validly signed by ${addr(author)} (or that signature was already used).`,
  CounterSignatureExpired: ([author, deadline]) =>
    `${addr(author)}'s signed counter-proposal expired on ${date(deadline)}; ask for a new one.`,
  CounterNonceUsed: ([author, nonce]) =>
    `${addr(author)}'s signed counter-proposal (nonce ${num(nonce).slice(0, 10)}…) was already submitted or cancelled by its author; it cannot be used.`,
  AlreadyAccepted: ([id, party]) => `${addr(party)} has already accepted agreement #${num(id)}.`,
  AcceptanceExpired: ([id, signer, deadline]) =>
    `${addr(signer)}'s signature for agreement #${num(id)} expired on ${date(deadline)}; ask for a new one.`,
  InvalidAcceptanceSignature: ([id, signer]) =>
    `The signature is not ${addr(signer)}'s acceptance of this version of agreement #${num(id)}.`,
  // IMandates
  MandateExpiryPassed: ([expiresAt]) => `A mandate's expiry (${date(expiresAt)}) must be in the future: choose a later date.`,
  InvalidMandateAssets: ([count, max]) => `A mandate names 1 to ${num(max)} payment assets; this one names ${num(count)}.`,
  InvalidMandateHoldback: ([min, max]) =>
    `The mandate's holdback bounds (${Number(min) / 86400} to ${Number(max) / 86400} days) are reversed or above the protocol's maximum.`,
  InvalidMandateShare: ([share]) => `A mandate's minimum share of ${bps(share)} is above 100%.`,
  InvalidMandateValidity: () => "A mandate must let agreements run for some time: give a length of at least one month.",
  InvalidMandateNonce: ([member, nonce, expected]) =>
    `${addr(member)}'s signed mandate (nonce ${num(nonce)}) is stale: its mandate nonce is now ${num(expected)}, because it set or revoked a mandate since. Ask for a new signature.`,
  MandateSignatureExpired: ([member, deadline]) => `${addr(member)}'s signed mandate expired on ${date(deadline)}; ask for a new one.`,
  InvalidMandateSignature: ([member]) => `The signature is not ${addr(member)}'s mandate on this chain and contract.`,
  // IReferralPayments
  ZeroPayment: () => "The amount must be more than zero.",
  PermitNeedsToken: () => "Only token payments can use a permit; pay ETH directly.",
  WrongPaymentAsset: ([id, expected, asset]) =>
    `Agreement #${num(id)} takes payments in ${addr(expected)}, not in ${addr(asset)}.`,
  WrongPaymentValue: ([expected, value]) => `The payment needed ${num(expected)} wei of ETH attached but got ${num(value)}.`,
  AgreementNotActive: ([id, status]) =>
    `Agreement #${num(id)} does not take payments: it is ${label(AGREEMENT_STATUSES, Number(status)).toLowerCase()}.`,
  AgreementNotYetValid: ([id, from]) => `Agreement #${num(id)} takes payments only from ${date(from)}.`,
  AgreementExpired: ([id, until]) => `Agreement #${num(id)} stopped taking payments on ${date(until)}.`,
  SelfReferral: ([customer]) => `${addr(customer)} cannot refer its own payment: a referrer may be neither the payer nor the refund recipient.`,
  ReferrerNotActiveMember: ([id, referrer]) =>
    `The referrer ${addr(referrer)} is not an active member of network #${num(id)}, so it cannot earn a referral fee.`,
  ReferrerRoleNotAllowed: ([id, referrer, role]) =>
    `Agreement #${num(id)} does not let ${addr(referrer)} refer customers in its role (${label(MEMBER_ROLES, Number(role)).toLowerCase()}); pay without this referrer.`,
  EmptyOrder: () => "The order has no lines: add at least one agreement and amount.",
  InvalidRefundRecipient: ([refundTo]) => `${addr(refundTo)} cannot receive refunds: a refund there could never be withdrawn. Name the customer instead.`,
  TokenDeliveryShortfall: ([token, expected, received]) =>
    `The token ${addr(token)} delivered ${num(received)} instead of ${num(expected)} base units: fee-on-transfer tokens are not accepted.`,
  AmountTooLarge: ([amount]) => `The amount ${num(amount)} is larger than the ledger can hold.`,
  AgreementAssetMismatch: ([id, expected, asset]) =>
    `Agreement #${num(id)} pays out ${addr(expected)}, not ${addr(asset)}.`,
  NotEntitled: ([id, account]) => `${addr(account)} has nothing to collect from agreement #${num(id)}.`,
  NothingToClaim: ([id, account]) => `${addr(account)} has nothing to collect from agreement #${num(id)} right now.`,
  NothingToWithdraw: ([account]) => `${addr(account)} has nothing to withdraw in this asset.`,
  UnknownHeldPayment: ([holdId]) =>
    `Held payment #${num(holdId)} is not pending: it was already released or refunded, or its details do not match.`,
  HoldbackNotOver: ([holdId, releaseAt]) => `Held payment #${num(holdId)} can be released only from ${date(releaseAt)}.`,
  HoldbackOver: ([holdId, releaseAt]) =>
    `Held payment #${num(holdId)} can no longer be refunded: its holdback ended on ${date(releaseAt)}.`,
  NotRefunder: ([id, caller]) => `Only the refunder of agreement #${num(id)} can refund its payments, and ${addr(caller)} is not.`,
  ZeroRecipient: () => "A payout cannot go to the zero address.",
  NativeTransferFailed: ([recipient]) =>
    `${addr(recipient)} refused the ETH payout; the balance is still there. Withdraw to another address.`,
  // OpenZeppelin building blocks
  ReentrancyGuardReentrantCall: () => "A call tried to re-enter the contract and was stopped.",
  SafeERC20FailedOperation: ([token]) => `The token ${addr(token)} refused the transfer.`,
  InvalidAccountNonce: ([account, current]) =>
    `${addr(account)}'s signature uses an outdated nonce (the current one is ${num(current)}): it was already used or replaced; sign again.`,
  InvalidShortString: () => "A text field is too long.",
  StringTooLong: () => "A text field is too long.",
  // ERC-6093 token errors, bubbled up from the payment token
  ERC20InsufficientBalance: ([, balance, needed]) =>
    `Your token balance (${num(balance)} base units) is lower than the ${num(needed)} this payment needs.`,
  ERC20InsufficientAllowance: ([, allowance, needed]) =>
    `The contract may spend ${num(allowance)} base units of your token but needs ${num(needed)}: approve first.`,
  ERC2612ExpiredSignature: () => "The token permit expired; try again.",
  ERC2612InvalidSigner: () => "The token permit was signed by another account.",
};

/** The ERC-6093 and ERC-2612 errors a token can bubble up through the contract. */
export const tokenErrorsAbi = [
  {
    type: "error",
    name: "ERC20InsufficientBalance",
    inputs: [
      { name: "sender", type: "address" },
      { name: "balance", type: "uint256" },
      { name: "needed", type: "uint256" },
    ],
  },
  {
    type: "error",
    name: "ERC20InsufficientAllowance",
    inputs: [
      { name: "spender", type: "address" },
      { name: "allowance", type: "uint256" },
      { name: "needed", type: "uint256" },
    ],
  },
  { type: "error", name: "ERC2612ExpiredSignature", inputs: [{ name: "deadline", type: "uint256" }] },
  {
    type: "error",
    name: "ERC2612InvalidSigner",
    inputs: [
      { name: "signer", type: "address" },
      { name: "owner", type: "address" },
    ],
  },
] as const;

/**
 * What went wrong, sorted by how the app should show it. `unexplained` marks a refusal that came without
 * a reason (a revert with no data, a node's bare "Missing or invalid parameters"): the page that made the
 * call knows the likely reason better and should say it instead (see `withLikelyReason`).
 */
export type Failure =
  | { kind: "rejected"; message: string }
  | { kind: "reverted"; errorName: string | undefined; message: string; unexplained?: true }
  | { kind: "other"; message: string; unexplained?: true };

/** JSON-RPC codes a node answers with when it refuses a call without saying why. */
const REASONLESS_RPC_CODES = new Set([-32602, -32603, -32000]);

/** Sorts an error from a wallet or a contract call into a {@link Failure} with a sentence for people. */
export function describeFailure(error: unknown): Failure {
  if (isUserRejection(error)) {
    return { kind: "rejected", message: "You declined in your wallet. Nothing was sent." };
  }
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const name = revert.data?.errorName;
      const sentence = name ? ERROR_SENTENCES[name] : undefined;
      if (name && sentence) return { kind: "reverted", errorName: name, message: sentence(revert.data?.args ?? []) };
      if (revert.reason) return { kind: "reverted", errorName: undefined, message: `The contract refused: ${revert.reason}.` };
      if (name) return { kind: "reverted", errorName: name, message: `The contract refused with ${name}.` };
      return { kind: "reverted", errorName: undefined, message: "The contract refused the call without saying why.", unexplained: true };
    }
    const reasonless = error.walk((e) => REASONLESS_RPC_CODES.has((e as { code?: number }).code ?? 0));
    if (reasonless) return { kind: "other", message: error.shortMessage, unexplained: true };
    return { kind: "other", message: error.shortMessage };
  }
  return { kind: "other", message: error instanceof Error ? error.message : String(error) };
}

/**
 * `failure` with `likely` as its message when the node gave no reason and the caller knows a likely one
 * (a balance too low, an expired agreement...); otherwise `failure` unchanged.
 */
export function withLikelyReason(failure: Failure, likely: string | undefined): Failure {
  if (failure.kind === "rejected" || !failure.unexplained) return failure;
  return {
    ...failure,
    message: likely
      ? `${likely} (The node refused without giving a reason; this is the likely one.)`
      : `${failure.message} The node gave no reason: check the amount against your balance and reload the page, as something may have changed since it loaded.`,
  };
}

function isUserRejection(error: unknown): boolean {
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof UserRejectedRequestError)) return true;
    return Boolean(error.walk((e) => (e as { code?: number }).code === 4001));
  }
  return (error as { code?: number } | undefined)?.code === 4001;
}
