/**
 * Which parties' mandates a proposal fits, and why not, in the app's words: the shared negotiator's
 * `mandateFit` (client/negotiator.ts, the contract's own bounds) over the mandates read from the chain,
 * with the addresses in its sentences named (a demo role, a token's name, ETH).
 */
import type { Address } from "viem";

import type { AgreementTerms } from "../../../client/eip712.js";
import { mandateFit, negotiate, partyMandate, type PartyFit } from "../../../client/negotiator.js";
import { type ChainMandate } from "./mandateForm";

/** One party's mandate as `mandateOf` returns it: unset when `networkId` is 0; `live` says set, unexpired, member active. */
export interface PartyMandate {
  account: Address;
  mandate: ChainMandate;
  nonce: bigint;
  live: boolean;
}

export type FitState = "accepted-by-mandate" | "fits" | "misses" | "none";

export interface PartyFitView extends PartyFit {
  state: FitState;
  /** The misses' sentences, addresses named. */
  reasons: string[];
}

/** Writes every address in `sentence` by `name` (labels, token names, "ETH" for the zero address). */
export function nameAddresses(sentence: string, name: (address: Address) => string): string {
  return sentence.replace(/0x[0-9a-fA-F]{40}/g, (a) => name(a as Address));
}

/**
 * For each party of `terms`: accepted by mandate (it is in `acceptedByMandate`), fits its live mandate, misses
 * it (with one sentence per violated bound), or has none (it accepts by hand). A mandate that is set but not
 * live and not expired (its member is no longer active) counts as none; an expired one says so.
 */
export function explainFit(
  terms: AgreementTerms,
  mandates: readonly PartyMandate[],
  now: bigint,
  name: (address: Address) => string,
  acceptedByMandate: readonly Address[] = [],
): PartyFitView[] {
  const usable = mandates
    .filter((m) => m.mandate.networkId !== 0n && (m.live || BigInt(m.mandate.expiresAt) <= now))
    .map((m) => partyMandate(m.mandate, m.account, name(m.account)));
  return mandateFit(terms, usable, now).map((fit) => {
    const accepted = acceptedByMandate.some((a) => a.toLowerCase() === fit.account.toLowerCase());
    const none = fit.misses.some((m) => m.bound === "missing");
    const state: FitState = accepted ? "accepted-by-mandate" : fit.fits ? "fits" : none ? "none" : "misses";
    return { ...fit, state, reasons: fit.misses.map((m) => nameAddresses(m.message, name)) };
  });
}

export type ProposeFromMandatesReturnType = { ok: true; terms: AgreementTerms } | { ok: false; conflicts: string[] };

/**
 * The terms the shared negotiator proposes for these parties (the middle of their mandates' overlap, the
 * network's fee and fee recipient as given), or the conflicts in plain words, one sentence each. Every party
 * needs a live mandate for the network: one without is named as the first conflict.
 */
export function proposeFromMandates(
  mandates: readonly PartyMandate[],
  network: { id: bigint; feeBps: number; feeRecipient: Address },
  now: bigint,
  name: (address: Address) => string,
): ProposeFromMandatesReturnType {
  if (mandates.length === 0) return { ok: false, conflicts: ["Name the parties first: the negotiator works from their mandates."] };
  const missing = mandates.filter((m) => m.mandate.networkId === 0n || (!m.live && BigInt(m.mandate.expiresAt) > now));
  if (missing.length > 0) {
    return { ok: false, conflicts: missing.map((m) => `${name(m.account)} has no live mandate for this network: ask for one, or fill the terms by hand.`) };
  }
  const result = negotiate({
    mandates: mandates.map((m) => partyMandate(m.mandate, m.account, name(m.account))),
    fixed: { networkFeeBps: network.feeBps, feeRecipient: network.feeRecipient },
    now,
  });
  return result.ok ? result : { ok: false, conflicts: result.conflicts.map((c) => nameAddresses(c.message, name)) };
}
