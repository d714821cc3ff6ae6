import { useState } from "react";
import { getAddress, type Address } from "viem";
import { useConfig } from "wagmi";

import type { LedgerAgreement } from "../../../client/ledger.js";
import { sameAddress } from "../../../client/ledger.js";
import { signAcceptance } from "../actions/signAcceptance";
import { RiskFigures } from "../components/RiskFigures";
import { MandateFit } from "../components/MandateFit";
import { AddressView } from "../components/AddressView";
import { PasteShared } from "../components/PasteShared";
import { Amount } from "../components/Amount";
import { useWalletReady } from "../components/ChainGuard";
import { Empty, ErrorNotice, Loading } from "../components/States";
import { SignFailure, TxStatus } from "../components/TxStatus";
import { ecoshareAbi } from "../contracts/abis";
import { useStoredAcceptances } from "../hooks/useAcceptances";
import { useAssetInfo } from "../hooks/useAssetInfo";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { useLedger } from "../hooks/useProtocolLog";
import { hasAccepted, isNamedIn, isParty } from "../lib/agreements";
import { describeFailure, type Failure } from "../lib/contractErrors";
import { AgreementStatus, MemberStatus } from "../lib/enums";
import { formatBps, formatTimestamp } from "../lib/format";
import { readMetadata } from "../lib/networks";
import type { Route } from "../lib/route";
import { referralLink } from "../lib/route";
import { clearAcceptances, parseSharedAcceptances, saveAcceptance } from "../lib/signatureStore";
import { termsOf } from "../lib/terms";
import { ProposeAgreementForm } from "./ProposeAgreementForm";
import { AgreementPhaseBadge, PhaseBadge, useAgreementPhase } from "../components/PhaseBadge";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { CopyButton } from "../components/CopyButton";
import { ShareButton } from "../components/ShareButton";
import { paymentBlocker } from "../lib/agreementPhase";
import { termsTextOf } from "../lib/termsText";
import { NegotiationPanel } from "../components/Negotiation";
import { describeHoldback, describeTiers } from "../lib/dynamic";
import { formatAmount } from "../lib/format";

export function AgreementsPage({ route }: { route: Extract<Route, { page: "agreements" }> }) {
  const { ledger, isPending, error } = useLedger();
  const { address } = useWalletReady();
  if (isPending) return <Loading what="agreements" />;
  if (error) return <ErrorNotice error={error} />;
  if (!ledger) return null;
  if (route.create) return <ProposeAgreementForm ledger={ledger} amend={route.amend} counter={route.counter} />;
  if (route.agreementId !== undefined) {
    const agreement = ledger.agreements.get(route.agreementId);
    if (!agreement) return <Empty>Agreement #{route.agreementId.toString()} does not exist.</Empty>;
    return <AgreementDetail agreement={agreement} networkName={readMetadata(ledger.networks.get(agreement.networkId)?.metadataURI ?? "").name} />;
  }
  const all = [...ledger.agreements.values()].reverse();
  const mine = all.filter((a) => isNamedIn(a, address));
  const waitingForMe = mine.filter((a) => a.status === AgreementStatus.Pending && isParty(a, address) && !hasAccepted(a, address!));
  return (
    <section aria-labelledby="agreements-title">
      <div className="heading-row">
        <h1 id="agreements-title">Agreements</h1>
        <a className="button" href="#/agreements/new">
          Propose an agreement
        </a>
      </div>
      {address ? (
        <>
          <h2>Waiting for my acceptance</h2>
          {waitingForMe.length === 0 ? <Empty>Nothing waits for you.</Empty> : <AgreementList agreements={waitingForMe} />}
          <h2>Agreements naming me</h2>
          {mine.length === 0 ? <Empty>No agreement names you yet.</Empty> : <AgreementList agreements={mine} />}
        </>
      ) : (
        <p className="muted">Connect a wallet to see the agreements that name you.</p>
      )}
      <h2>All agreements</h2>
      {all.length === 0 ? <Empty>No agreement has been proposed yet.</Empty> : <AgreementList agreements={all} />}
    </section>
  );
}

function AgreementList({ agreements }: { agreements: LedgerAgreement[] }) {
  const { labels } = useDeployment();
  const { ledger } = useLedger();
  return (
    <ul className="cards">
      {agreements.map((a) => (
        <li key={a.id.toString()} className="card">
          <h3>
            <a href={`#/agreements/${a.id}`}>
              Agreement #{a.id.toString()}
              {a.version > 1 ? ` (v${a.version})` : ""}
            </a>{" "}
            <AgreementPhaseBadge agreement={a} />
          </h3>
          <p className="muted">
            {a.parties.map((p) => `${labels.get(p.account) ?? p.account.slice(0, 8)} ${formatBps(p.shareBps)}`).join(" · ")} · referral {formatBps(a.referralFeeBps)}
            {a.status === AgreementStatus.Pending ? ` · ${a.acceptedBy.length}/${a.parties.length} accepted` : ""}
          </p>
          <ShareButton agreement={a} network={ledger?.networks.get(a.networkId)} />
        </li>
      ))}
    </ul>
  );
}

function AgreementDetail({ agreement: a, networkName }: { agreement: LedgerAgreement; networkName: string }) {
  const { deployment, labels } = useDeployment();
  const config = useConfig();
  const { address, ready } = useWalletReady();
  const { ledger } = useLedger();
  const tx = useContractTransaction();
  const status = a.status;
  const stored = useStoredAcceptances(a.id);
  const asset = useAssetInfo(a.asset);
  const [signFailure, setSignFailure] = useState<Failure>();
  const [signing, setSigning] = useState(false);
  const phase = useAgreementPhase(a);
  const missing = a.parties.length - a.acceptedBy.length;
  // Accepting by transaction activates at once when the caller is the last one missing; otherwise a free signature.
  const [how, setHow] = useState<"sign" | "transaction">(missing === 1 ? "transaction" : "sign");
  const pendingSigs = stored.filter((s) => !hasAccepted(a, s.signer) && isParty(a, s.signer) && BigInt(s.deadline) * 1000n > BigInt(Date.now()));
  const me = address ? getAddress(address) : undefined;
  const myStored = me ? stored.find((s) => sameAddress(s.signer, me)) : undefined;
  const canSign = status === AgreementStatus.Pending && isParty(a, me) && me && !hasAccepted(a, me) && !myStored;
  const network = ledger?.networks.get(a.networkId);
  const terms = termsOf(a);
  const myMembership = me ? network?.members.get(me) : undefined;
  const byMandate = a.acceptedByMandate;

  const sign = async () => {
    if (!me) return;
    setSigning(true);
    setSignFailure(undefined);
    try {
      const deadline = BigInt(Math.floor(Date.now() / 1000) + 7 * 24 * 3600);
      const signature = await signAcceptance(config, {
        ecoshare: deployment.ecoshare,
        agreementId: a.id,
        version: a.version,
        previousId: a.previousId,
        terms: termsOf(a),
        deadline,
        account: me,
      });
      saveAcceptance(deployment.chainId, deployment.ecoshare, a.id, { signer: me, deadline: deadline.toString(), signature });
    } catch (error) {
      setSignFailure(describeFailure(error));
    } finally {
      setSigning(false);
    }
  };

  const submit = () =>
    tx.send({
      address: deployment.ecoshare,
      abi: ecoshareAbi,
      functionName: "acceptWithSignatures",
      args: [a.id, pendingSigs.map((s) => ({ signer: s.signer, deadline: BigInt(s.deadline), signature: s.signature }))],
    });

  return (
    <section aria-labelledby="agreement-title">
      <p>
        <a href="#/agreements">← All agreements</a>
      </p>
      <h1 id="agreement-title">
        Agreement #{a.id.toString()} <PhaseBadge phase={phase} />
      </h1>
      <dl className="facts">
        <dt>Network</dt>
        <dd>
          <a href={`#/networks/${a.networkId}`}>{networkName || `#${a.networkId}`}</a>
        </dd>
        <dt>Version</dt>
        <dd>
          {a.version}
          {a.previousId !== 0n ? (
            <>
              {" "}
              (amends <a href={`#/agreements/${a.previousId}`}>#{a.previousId.toString()}</a>)
            </>
          ) : null}
        </dd>
        <dt>Paid in</dt>
        <dd>{asset.data ? `${asset.data.symbol} (${asset.data.decimals} decimals)` : "…"}</dd>
        <dt>Referral fee</dt>
        <dd>
          {terms ? describeTiers(a.referralFeeBps, terms.referralTiers, (v) => (asset.data ? formatAmount(v, asset.data) : v.toString())) : formatBps(a.referralFeeBps)} of each
          referred payment{terms && terms.referralTiers.length > 0 ? " (by the referrer's referred volume)" : ""}
        </dd>
        <dt>Holdback</dt>
        <dd>
          {terms && terms.holdbackPeriod > 0 ? (
            <>
              {describeHoldback(terms.holdbackPeriod)}; refunds by <AddressView address={terms.refunder} label={labels.get(terms.refunder)} />
            </>
          ) : (
            "none: payments are credited at once"
          )}
        </dd>
        <dt>Network fee</dt>
        <dd>
          {formatBps(a.networkFeeBps)} to <AddressView address={a.feeRecipient} label={labels.get(a.feeRecipient)} />
        </dd>
        <dt>Valid</dt>
        <dd>
          {formatTimestamp(a.validFrom)} to {formatTimestamp(a.validUntil)}
        </dd>
        <dt>Terms</dt>
        <dd className="terms-uri">
          <TermsView uri={a.termsURI} hash={a.termsHash} />
        </dd>
        {a.payments > 0 ? (
          <>
            <dt>Payments</dt>
            <dd>
              {a.payments} totalling <Amount value={a.volume} asset={a.asset} />
            </dd>
          </>
        ) : null}
      </dl>

      <h2>Parties</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Party</th>
              <th scope="col">Share of the vendor pool</th>
              <th scope="col">Acceptance</th>
            </tr>
          </thead>
          <tbody>
            {a.parties.map((p) => {
              const accepted = hasAccepted(a, p.account);
              const signed = stored.some((s) => sameAddress(s.signer, p.account));
              return (
                <tr key={p.account} data-party={p.account}>
                  <td>
                    <AddressView address={p.account} label={labels.get(p.account)} />
                  </td>
                  <td>{formatBps(p.shareBps)}</td>
                  <td data-acceptance={accepted ? (byMandate.some((m) => sameAddress(m, p.account)) ? "mandate" : "accepted") : signed ? "signed" : "waiting"}>
                    {accepted ? (byMandate.some((m) => sameAddress(m, p.account)) ? "✓ Accepted by mandate" : "✓ Accepted on-chain") : signed ? "Signed, not yet submitted" : "Waiting"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {terms && (status === AgreementStatus.Pending || byMandate.length > 0) ? (
        <ErrorBoundary what="the mandates">
          <MandateFit terms={terms} acceptedByMandate={byMandate} title="The parties' mandates" />
        </ErrorBoundary>
      ) : null}

      {status === AgreementStatus.Pending ? (
        <details className="panel" data-testid="parties-risk">
          <summary>The parties' track record (payments, refunds, exposure)</summary>
          {a.parties.map((p) => (
            <RiskFigures key={p.account} scope="vendor" subject={p.account} title={labels.get(p.account) ?? p.account} />
          ))}
        </details>
      ) : null}

      {ledger ? (
        <ErrorBoundary what="the negotiation">
          <NegotiationPanel agreement={a} ledger={ledger} />
        </ErrorBoundary>
      ) : null}

      {status === AgreementStatus.Pending ? (
        <div className="panel">
          <h2>Acceptance</h2>
          {canSign ? (
            <form
              className="accept-choice"
              onSubmit={(e) => {
                e.preventDefault();
                if (how === "sign") void sign();
                else void tx.send({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "accept", args: [a.id] });
              }}
            >
              <fieldset>
                <legend>How do you accept #{a.id.toString()}?</legend>
                <label className="radio">
                  <input type="radio" name="accept-how" value="sign" checked={how === "sign"} onChange={() => setHow("sign")} /> Sign, no gas: your signature
                  is kept in this browser and counts once someone submits it (you or another party, in one transaction for every signature)
                </label>
                <label className="radio">
                  <input type="radio" name="accept-how" value="transaction" checked={how === "transaction"} onChange={() => setHow("transaction")} /> Send a
                  transaction: counts at once, you pay the gas{missing === 1 ? " (yours is the last acceptance: it activates the agreement)" : ""}
                </label>
              </fieldset>
              <button type="submit" disabled={!ready || signing || tx.busy}>
                {signing ? "Sign in your wallet…" : `Accept #${a.id}`}
              </button>
            </form>
          ) : null}
          {myStored && me && !hasAccepted(a, me) ? (
            <p className="muted">
              Your signature is stored in this browser. Share it with whoever will submit:{" "}
              <button type="button" className="secondary" onClick={() => void navigator.clipboard.writeText(JSON.stringify(myStored))}>
                Copy my signature
              </button>
            </p>
          ) : null}
          <SignFailure failure={signFailure} />
          <p>
            {pendingSigs.length} signature{pendingSigs.length === 1 ? "" : "s"} collected here, {a.parties.length - a.acceptedBy.length} acceptance
            {a.parties.length - a.acceptedBy.length === 1 ? "" : "s"} still missing on-chain.
            {pendingSigs.length > 0 && pendingSigs.length >= a.parties.length - a.acceptedBy.length ? " Submitting them activates the agreement." : null}
          </p>
          {pendingSigs.length > 0 ? (
            <p>
              <button type="button" onClick={submit} disabled={!ready || tx.busy}>
                Submit {pendingSigs.length} signature{pendingSigs.length === 1 ? "" : "s"} (a transaction: you pay the gas)
              </button>{" "}
              <span className="muted small">Anyone can submit collected signatures; whoever does pays the gas.</span>
            </p>
          ) : null}
          <PasteShared
            summary="Add a signature shared by another party"
            label="Signature (JSON)"
            onAdd={(text) => {
              for (const s of parseSharedAcceptances(text)) saveAcceptance(deployment.chainId, deployment.ecoshare, a.id, s);
            }}
          />
        </div>
      ) : null}

      {phase === "expired" || phase === "not-yet-valid" ? (
        <p className="notice" data-testid="agreement-window">
          {paymentBlocker(a, phase)}
        </p>
      ) : null}
      {phase === "active" ? (
        <div className="panel">
          <h2>Pay and refer</h2>
          <p>
            <a className="button" href={`#/pay/${a.id}`}>
              Pay this agreement
            </a>{" "}
            <ShareButton agreement={a} network={network} />
          </p>
          {me && myMembership?.status === MemberStatus.Active && a.referralFeeBps > 0 ? (
            <ReferralLink agreementId={a.id} referrer={me} />
          ) : (
            <p className="muted">Active members of the network can share a referral link and earn {formatBps(a.referralFeeBps)} of each payment.</p>
          )}
        </div>
      ) : null}

      {isParty(a, me) && (status === AgreementStatus.Pending || a.status === AgreementStatus.Active) ? (
        <div className="panel">
          <h2>Change or end</h2>
          {a.status === AgreementStatus.Active && phase !== "expired" ? (
            <a className="button secondary" href={`#/agreements/new?amend=${a.id}`}>
              Propose an amendment
            </a>
          ) : null}{" "}
          <button
            type="button"
            className="danger"
            disabled={!ready || tx.busy}
            onClick={() => {
              if (window.confirm(`Terminate agreement #${a.id}? It will take no more payments; earnings stay collectable.`)) {
                void tx.send({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "terminate", args: [a.id] });
              }
            }}
          >
            Terminate
          </button>
        </div>
      ) : null}
      <TxStatus
        state={tx.state}
        what={tx.state.status === "confirmed" && a.status === AgreementStatus.Active ? "Agreement active" : undefined}
      />
      {status !== AgreementStatus.Pending && stored.length > 0 ? (
        <button type="button" className="link" onClick={() => clearAcceptances(deployment.chainId, deployment.ecoshare, a.id)}>
          Forget the signatures stored for this agreement
        </button>
      ) : null}
    </section>
  );
}

function ReferralLink({ agreementId, referrer }: { agreementId: bigint; referrer: Address }) {
  const link = referralLink(`${window.location.origin}${window.location.pathname}`, agreementId, referrer);
  return (
    <div className="referral">
      <label>
        My referral link
        <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} data-testid="referral-link" />
      </label>
      <CopyButton text={link} what="link" />
    </div>
  );
}

/** The agreement's terms: the inline text (decoded defensively) or the link, with its hash on hover. */
function TermsView({ uri, hash }: { uri: string; hash: string }) {
  const text = termsTextOf(uri);
  return (
    <>
      <code title={hash}>{text.shown}</code>
      {text.undecodable ? <small className="muted"> (its encoding is broken: shown as written)</small> : null}
    </>
  );
}
