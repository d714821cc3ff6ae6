/**
 * Where an agreement stands for the people looking at it: the contract's status refined by the chain's
 * clock (an active agreement outside its validity window takes no payment) and by its thread (a version
 * another version outran is closed, one an amendment replaced is superseded). One word for one state,
 * used by every badge, list and button of the app.
 */
import type { Ledger, LedgerAgreement } from "../../../client/ledger.js";
import { threadStatus } from "./dynamic";
import { formatTimestamp } from "./format";

export type AgreementPhase = "pending" | "active" | "not-yet-valid" | "expired" | "superseded" | "closed" | "terminated";

export const PHASE_TEXT: Record<AgreementPhase, string> = {
  pending: "Pending",
  active: "Active",
  "not-yet-valid": "Not yet valid",
  expired: "Expired",
  superseded: "Superseded",
  closed: "Closed (outrun)",
  terminated: "Terminated",
};

/**
 * The phase of `a` at chain time `now` (the latest block's timestamp, in seconds). The contract refuses a
 * payment when the block's time is before `validFrom` or after `validUntil`; the next block comes after
 * `now`, so an agreement whose `validUntil` is `now` or earlier is already expired for any new payment.
 */
export function agreementPhase(ledger: Ledger, a: LedgerAgreement, now: bigint): AgreementPhase {
  const thread = threadStatus(ledger, a);
  return thread === "active" ? clockPhase(a, now) : thread;
}

/**
 * The phase of an active agreement by the chain's clock alone: for callers that know the agreement is
 * active (the checkout reads the status from the contract) and only need its validity window judged.
 */
export function clockPhase(a: Pick<LedgerAgreement, "validFrom" | "validUntil">, now: bigint): "active" | "not-yet-valid" | "expired" {
  if (now < a.validFrom) return "not-yet-valid";
  if (now >= a.validUntil) return "expired";
  return "active";
}

/** Why `a` takes no payment in this phase, in a sentence; undefined when it takes payments. */
export function paymentBlocker(a: Pick<LedgerAgreement, "id" | "validFrom" | "validUntil"> & { supersededBy?: bigint }, phase: AgreementPhase): string | undefined {
  const id = `Agreement #${a.id}`;
  switch (phase) {
    case "active":
      return undefined;
    case "expired":
      return `${id} expired on ${formatTimestamp(a.validUntil)} (the chain's time): it takes no more payments.`;
    case "not-yet-valid":
      return `${id} takes payments only from ${formatTimestamp(a.validFrom)} (the chain's time).`;
    case "pending":
      return `${id} is not active yet: it takes payments once every party has accepted it.`;
    case "superseded":
      return `${id} was replaced by an amendment (#${a.supersededBy ?? "?"}): pay the current version instead.`;
    case "closed":
      return `${id} was outrun: version #${a.supersededBy ?? "?"} of the same negotiation was accepted first.`;
    case "terminated":
      return `${id} was terminated: it takes no more payments.`;
  }
}
