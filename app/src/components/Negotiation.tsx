/**
 * The negotiation of an agreement in one place: the thread (offer, counters, amendments; each step's author
 * and acceptances), the versions' terms side by side with the differences marked, and the actions of a party
 * on a pending version: accept, counter (prefilled form, by transaction or signed for someone else to submit),
 * and submit counter-proposals signed by others.
 */
import { getAddress } from "viem";

import type { Ledger, LedgerAgreement } from "../../../client/ledger.js";
import { ecoshareAbi } from "../contracts/abis";
import { useAssetInfo } from "../hooks/useAssetInfo";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useStoredList } from "../hooks/useStoredList";
import { useDeployment } from "../hooks/useDeployment";
import { authorOf, diffTerms, threadOf, threadStatus } from "../lib/dynamic";
import { agreementPhase } from "../lib/agreementPhase";
import { useChainTime } from "../hooks/useChainTime";
import { PhaseBadge } from "./PhaseBadge";
import { forgetCounter, parseCounter, readCounters, saveCounter, serializeCounter, type SignedCounter } from "../lib/counterStore";
import { formatAmount, formatTimestamp, shortAddress } from "../lib/format";
import { termsForViem, termsOf } from "../lib/terms";
import { useWalletReady } from "./ChainGuard";
import { CounterNonceStatus } from "./CounterNonceStatus";
import { MandateFit } from "./MandateFit";
import { PasteShared } from "./PasteShared";
import { TxStatus } from "./TxStatus";

function stepText(p: LedgerAgreement): string {
  if (p.counteredId !== 0n) return `Counter to #${p.counteredId}`;
  if (p.previousId !== 0n) return `Amendment of #${p.previousId}`;
  return "Offer";
}

export function NegotiationPanel({ agreement: a, ledger }: { agreement: LedgerAgreement; ledger: Ledger }) {
  const { deployment, labels } = useDeployment();
  const { address, ready } = useWalletReady();
  const tx = useContractTransaction();
  const asset = useAssetInfo(a.asset);
  const counters = useSignedCounters(a.id);
  const now = useChainTime();
  const thread = threadOf(ledger, a);
  const me = address ? getAddress(address) : undefined;
  const selfStatus = threadStatus(ledger, a);
  const isParty = Boolean(me && a.parties.some((p) => getAddress(p.account) === me));
  const name = (account: `0x${string}`) => labels.get(account) ?? shortAddress(account);
  if (thread.length < 2 && selfStatus !== "pending") return null;

  const rows = diffTerms(
    thread.map(termsOf),
    { amount: (v) => (asset.data ? formatAmount(v, asset.data) : v.toString()), name, date: (s) => formatTimestamp(s) },
  );

  const submitCounter = async (c: SignedCounter) => {
    const receipt = await tx.send({
      address: deployment.ecoshare,
      abi: ecoshareAbi,
      functionName: "counterProposeWithSignature",
      args: [BigInt(c.counteredId), termsForViem(c.terms), c.author, BigInt(c.nonce), BigInt(c.deadline), c.signature],
    });
    if (receipt) forgetCounter(deployment.chainId, deployment.ecoshare, c);
  };

  return (
    <div className="panel negotiation" data-testid="negotiation">
      <h2>Negotiation</h2>
      <ol className="thread" aria-label="Thread">
        {thread.map((p) => {
          const st = threadStatus(ledger, p);
          return (
            <li key={p.id.toString()} className={`thread-step thread-${st}${p.id === a.id ? " current" : ""}`} data-version={p.id.toString()} data-thread-status={st}>
              <a href={`#/agreements/${p.id}`}>#{p.id.toString()}</a> <strong>{stepText(p)}</strong> by {name(authorOf(p))}{" "}
              <PhaseBadge phase={agreementPhase(ledger, p, now)} />
              <br />
              <small>
                {p.acceptedBy.length}/{p.parties.length} accepted
                {p.parties.map((party) => ` · ${name(party.account)} ${p.acceptedBy.some((x) => getAddress(x) === getAddress(party.account)) ? "✓" : "…"}`).join("")}
              </small>
              {st === "pending" ? <MandateFit terms={termsOf(p)} acceptedByMandate={p.acceptedByMandate} compact /> : null}
            </li>
          );
        })}
      </ol>

      {thread.length > 1 ? (
        <div className="table-wrap">
          <table className="diff" data-testid="version-diff">
            <caption>The versions side by side; changed terms are marked.</caption>
            <thead>
              <tr>
                <th scope="col">Term</th>
                {thread.map((p) => (
                  <th scope="col" key={p.id.toString()} className={p.id === a.id ? "current" : undefined}>
                    #{p.id.toString()} {stepText(p).startsWith("Counter") ? "counter" : stepText(p).toLowerCase()}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.field} className={r.changed ? "changed" : undefined} data-changed={r.changed}>
                  <th scope="row">
                    {r.changed ? "● " : ""}
                    {r.field}
                  </th>
                  {r.values.map((v, i) => {
                    const prev = i > 0 ? r.values[i - 1] : undefined;
                    return (
                      <td key={i} className={prev !== undefined && prev !== v ? "changed-cell" : undefined}>
                        {v}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {selfStatus === "closed" ? (
        <p className="notice">
          This version is closed: version #{a.supersededBy.toString()} of the same negotiation was accepted by everyone first.
        </p>
      ) : null}

      {selfStatus === "pending" && isParty ? (
        <p className="actions">
          <a className="button secondary" href={`#/agreements/new?counter=${a.id}`}>
            Counter #{a.id.toString()}
          </a>{" "}
          <span className="muted small">Propose other terms; to accept these, see Acceptance below.</span>
        </p>
      ) : null}

      {selfStatus === "pending" ? (
        <>
          {counters.length > 0 ? (
            <>
              <h3>Signed counter-proposals waiting to be submitted</h3>
              <ul className="plain">
                {counters.map((c) => (
                  <li key={c.signature}>
                    Counter by {name(c.author)} (valid until {formatTimestamp(BigInt(c.deadline))}){" "}
                    <button type="button" disabled={!ready || tx.busy} onClick={() => void submitCounter(c)}>
                      Submit {name(c.author)}'s counter
                    </button>{" "}
                    <button type="button" className="secondary" onClick={() => void navigator.clipboard.writeText(serializeCounter(c))}>
                      Copy
                    </button>{" "}
                    <CounterNonceStatus counter={c} onForget={() => forgetCounter(deployment.chainId, deployment.ecoshare, c)} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <PasteShared
            summary="Add a counter-proposal signed by another party"
            label="Signed counter-proposal (JSON)"
            onAdd={(text) => saveCounter(deployment.chainId, deployment.ecoshare, parseCounter(text))}
          />
        </>
      ) : null}
      <TxStatus state={tx.state} what="Negotiation step" />
    </div>
  );
}

function useSignedCounters(counteredId: bigint): SignedCounter[] {
  const { deployment } = useDeployment();
  return useStoredList(
    () => readCounters(deployment.chainId, deployment.ecoshare, counteredId),
    `${deployment.ecoshare}:${counteredId}`,
  );
}
