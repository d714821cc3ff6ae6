/**
 * On a proposal: which parties' mandates its terms fit, and for each that does not, why (one sentence per
 * violated bound), by the shared negotiator's `mandateFit` over the mandates read from the chain; parties
 * whose mandate accepted it on-chain (`AcceptedByMandate`) are shown as such.
 */
import { useMemo } from "react";
import type { Address } from "viem";

import type { AgreementTerms } from "../../../client/eip712.js";
import { useChainTime } from "../hooks/useChainTime";
import { useDeployment } from "../hooks/useDeployment";
import { useMandates } from "../hooks/useMandates";
import { useTokenNames } from "../hooks/useTokenNames";
import { explainFit, type FitState, type PartyFitView } from "../lib/mandateFit";
import { plainNamer } from "../lib/mandateForm";

const STATE_TEXT: Record<FitState, string> = {
  "accepted-by-mandate": "✓ Accepted by mandate",
  fits: "✓ Fits the mandate",
  misses: "✗ Outside the mandate",
  none: "No mandate",
};

const STATE_MARK: Record<FitState, string> = { "accepted-by-mandate": "✓ by mandate", fits: "✓ fits", misses: "✗ outside", none: "no mandate" };

/** With `compact`, one line ("Mandates: Hotel ✓ fits · Airline ✗ outside (2 bounds)") for a step of a thread. */
export function MandateFit({ terms, acceptedByMandate = [], title = "Mandates", compact = false }: { terms: AgreementTerms; acceptedByMandate?: readonly Address[]; title?: string; compact?: boolean }) {
  const { labels } = useDeployment();
  const tokens = useTokenNames();
  const accounts = useMemo(() => terms.parties.map((p) => p.account), [terms]);
  const { mandates, error } = useMandates(terms.networkId, accounts);
  const now = useChainTime();
  const fits = useMemo(() => {
    if (!mandates) return undefined;
    return explainFit(terms, mandates, now, plainNamer(labels, tokens), acceptedByMandate);
  }, [mandates, terms, now, labels, tokens, acceptedByMandate]);
  return <MandateFitView fits={fits} error={error} title={title} compact={compact} name={plainNamer(labels, tokens)} />;
}

/** The fits as shown: a list with the reasons, or one line for a thread's step. */
export function MandateFitView({ fits, error, title, compact, name }: { fits: PartyFitView[] | undefined; error?: Error | null; title: string; compact: boolean; name: (a: Address) => string }) {
  if (compact) {
    return fits ? (
      <small className="mandate-fit" data-testid="mandate-fit-line">
        {" · Mandates: "}
        {fits.map((f, i) => (
          <span key={f.account} data-party={f.account} data-fit={f.state} title={f.reasons.join(" ")}>
            {i > 0 ? ", " : ""}
            {name(f.account)} {STATE_MARK[f.state]}
            {f.state === "misses" ? ` (${f.reasons.length} bound${f.reasons.length === 1 ? "" : "s"})` : ""}
          </span>
        ))}
      </small>
    ) : null;
  }
  return (
    <section className="mandate-fit" aria-label={title} data-testid="mandate-fit">
      <h3>{title}</h3>
      {error ? <p className="notice notice-error">The mandates could not be read: {error.message}</p> : null}
      {!fits ? (
        <p className="muted small">Reading the parties' mandates…</p>
      ) : (
        <ul className="plain">
          {fits.map((f) => (
            <li key={f.account} data-party={f.account} data-fit={f.state}>
              <strong>{name(f.account)}</strong>: {STATE_TEXT[f.state]}
              {f.state === "misses" ? (
                <ul>
                  {f.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              ) : f.state === "none" ? (
                <span className="muted small"> (accepts by hand)</span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
