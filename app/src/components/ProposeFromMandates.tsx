/**
 * "Propose from mandates" in the propose form: given the chosen parties, the shared negotiator's terms (the
 * middle of their mandates' overlap) fill the form, or the conflicts are listed in plain words.
 */
import { useMemo, useState } from "react";
import type { Address } from "viem";

import type { AgreementTerms } from "../../../client/eip712.js";
import type { LedgerNetwork } from "../../../client/ledger.js";
import { useChainTime } from "../hooks/useChainTime";
import { useDeployment } from "../hooks/useDeployment";
import { useMandates } from "../hooks/useMandates";
import { useTokenNames } from "../hooks/useTokenNames";
import { proposeFromMandates } from "../lib/mandateFit";
import { plainNamer } from "../lib/mandateForm";

export function ProposeFromMandates({ network, parties, onTerms }: { network: LedgerNetwork | undefined; parties: readonly Address[]; onTerms: (terms: AgreementTerms) => void }) {
  const { labels } = useDeployment();
  const tokens = useTokenNames();
  const { mandates, error } = useMandates(network?.id, parties);
  const now = useChainTime();
  const [conflicts, setConflicts] = useState<string[]>();
  const [filled, setFilled] = useState(false);
  const name = useMemo(() => plainNamer(labels, tokens), [labels, tokens]);
  const run = () => {
    if (!network || !mandates) return;
    const result = proposeFromMandates(mandates, network, now, name);
    if (result.ok) {
      setConflicts(undefined);
      setFilled(true);
      onTerms(result.terms);
    } else {
      setFilled(false);
      setConflicts(result.conflicts);
    }
  };
  return (
    <div className="propose-from-mandates" data-testid="propose-from-mandates">
      <button type="button" className="secondary" disabled={!network || parties.length === 0 || !mandates} onClick={run}>
        Propose from mandates
      </button>{" "}
      <span className="muted small">Fills the terms in the middle of the parties' mandates (shares, referral fee, holdback, asset, length), or says why none fit.</span>
      {error ? <p className="notice notice-error">The mandates could not be read: {error.message}</p> : null}
      {filled ? (
        <p className="notice" role="status" data-testid="mandates-filled">
          Filled from the parties' mandates: check the terms, describe the agreement and propose.
        </p>
      ) : null}
      {conflicts ? (
        <div className="notice notice-error" role="alert" data-testid="mandate-conflicts">
          <p>No terms fit every party's mandate:</p>
          <ul>
            {conflicts.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
