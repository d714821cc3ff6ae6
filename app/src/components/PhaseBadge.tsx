import type { LedgerAgreement } from "../../../client/ledger.js";
import { useChainTime } from "../hooks/useChainTime";
import { useLedger } from "../hooks/useProtocolLog";
import { agreementPhase, PHASE_TEXT, type AgreementPhase } from "../lib/agreementPhase";

/** An agreement's phase as a badge: the same word on every page for the same state. */
export function PhaseBadge({ phase }: { phase: AgreementPhase }) {
  return (
    <span className={`status status-${phase}`} data-phase={phase}>
      {PHASE_TEXT[phase]}
    </span>
  );
}

/** The phase of `a` now, by the chain's clock. */
export function useAgreementPhase(a: LedgerAgreement): AgreementPhase {
  const { ledger } = useLedger();
  const now = useChainTime();
  return ledger ? agreementPhase(ledger, a, now) : "pending";
}

export function AgreementPhaseBadge({ agreement }: { agreement: LedgerAgreement }) {
  return <PhaseBadge phase={useAgreementPhase(agreement)} />;
}
