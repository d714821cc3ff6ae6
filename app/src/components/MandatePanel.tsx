/**
 * A member's standing mandate for one network, in plain words: the one on-chain (`mandateOf`) and whether it
 * is live, an editor with plain validation errors, set by transaction (`grantMandate`) or signed (EIP-712
 * `SetMandate`) for anyone to submit (`grantSignedMandate`), revoked at once (`revokeMandateFor`), and the signed
 * mandates collected in this browser or pasted from another.
 */
import { useMemo, useState, type FormEvent } from "react";
import { getAddress, type Address } from "viem";
import { useConfig, useReadContract } from "wagmi";

import type { LedgerNetwork } from "../../../client/ledger.js";
import { signMandate } from "../actions/signMandate";
import { ecoshareAbi } from "../contracts/abis";
import { useChainTime } from "../hooks/useChainTime";
import { useContractConstants } from "../hooks/useContractConstants";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { useMandates } from "../hooks/useMandates";
import { useStoredList } from "../hooks/useStoredList";
import { useTokenNames } from "../hooks/useTokenNames";
import { describeFailure, type Failure } from "../lib/contractErrors";
import { MemberStatus } from "../lib/enums";
import { formatTimestamp, NATIVE_ASSET, shortAddress } from "../lib/format";
import { assetNamer, checkMandate, describeMandate, mandateInput, type ChainMandate, type MandateFormInput } from "../lib/mandateForm";
import { forgetMandate, parseMandate, readMandates, saveMandate, serializeMandate, type SignedMandate } from "../lib/mandateStore";
import { useWalletReady } from "./ChainGuard";
import { PasteShared } from "./PasteShared";
import { SignFailure, TxStatus } from "./TxStatus";

function longDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
}

/** The mandate's sentences as a list. */
export function MandateWords({ mandate, testId }: { mandate: ChainMandate; testId?: string }) {
  const tokens = useTokenNames();
  const name = useMemo(() => assetNamer(tokens), [tokens]);
  return (
    <ul className="plain mandate-words" data-testid={testId}>
      {describeMandate(mandate, name, longDate).map((sentence) => (
        <li key={sentence}>{sentence}</li>
      ))}
    </ul>
  );
}

export function MandatePanel({ network }: { network: LedgerNetwork }) {
  const { deployment, labels } = useDeployment();
  const { address, ready } = useWalletReady();
  const me = address ? getAddress(address) : undefined;
  const member = me ? network.members.get(me) : undefined;
  const accounts = useMemo(() => (me ? [me] : []), [me]);
  const { mandates } = useMandates(network.id, accounts);
  const mine = mandates?.[0];
  const hasMandate = mine !== undefined && mine.mandate.networkId !== 0n;
  const now = Number(useChainTime());
  const tx = useContractTransaction();
  const stored = useStoredList(() => readMandates(deployment.chainId, deployment.ecoshare, network.id), `${deployment.ecoshare}:${network.id}`);

  const submit = async (s: SignedMandate) => {
    const receipt = await tx.send({
      address: deployment.ecoshare,
      abi: ecoshareAbi,
      functionName: "grantSignedMandate",
      args: [s.member, s.mandate, BigInt(s.nonce), BigInt(s.deadline), s.signature],
    });
    if (receipt) forgetMandate(deployment.chainId, deployment.ecoshare, s);
  };

  return (
    <div className="panel" data-testid="mandate-panel" aria-labelledby="mandate-title">
      <h2 id="mandate-title">My mandate</h2>
      <p className="muted small">
        A mandate accepts, for you and at once, any agreement of this network whose terms fall inside its bounds: a proposal or counter inside every party's
        mandate activates in the same transaction. Outside it, you accept by hand as before.
      </p>
      {!me ? (
        <p className="muted">Connect a wallet to give a mandate.</p>
      ) : member?.status !== MemberStatus.Active ? (
        <p className="muted">Only active members of this network give mandates.</p>
      ) : mandates === undefined ? (
        <p className="muted">Reading your mandate…</p>
      ) : (
        <>
          {hasMandate ? (
            <div data-testid="mandate-current" data-live={mine.live}>
              <p>
                <strong>{mine.live ? "Live:" : BigInt(mine.mandate.expiresAt) <= BigInt(now) ? "Expired:" : "Not live:"}</strong>{" "}
                {mine.live ? "it accepts for you any agreement inside these bounds." : "it accepts nothing; set a new one to give a mandate again."}
              </p>
              <MandateWords mandate={mine.mandate} testId="mandate-words" />
              <button
                type="button"
                className="danger"
                disabled={!ready || tx.busy}
                onClick={() => void tx.send({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "revokeMandateFor", args: [network.id] })}
              >
                Revoke my mandate now
              </button>
            </div>
          ) : (
            <p data-testid="mandate-current" data-live="false">
              You have no mandate here: every agreement waits for your acceptance by hand.
            </p>
          )}
          <MandateEditor key={`${mine?.nonce ?? 0n}`} network={network} member={me} current={hasMandate ? mine.mandate : undefined} nonce={mine?.nonce} tx={tx} now={now} />
        </>
      )}
      {stored.length > 0 ? (
        <>
          <h3>Signed mandates waiting to be submitted</h3>
          <ul className="plain">
            {stored.map((s) => (
              <li key={s.signature} data-testid="signed-mandate">
                Mandate signed by {labels.get(s.member) ?? shortAddress(s.member)}, valid until {formatTimestamp(BigInt(s.deadline))}{" "}
                <button type="button" disabled={!ready || tx.busy} onClick={() => void submit(s)}>
                  Submit {labels.get(s.member) ?? shortAddress(s.member)}'s mandate
                </button>{" "}
                <button type="button" className="secondary" onClick={() => void navigator.clipboard.writeText(serializeMandate(s))}>
                  Copy
                </button>{" "}
                <button type="button" className="link" onClick={() => forgetMandate(deployment.chainId, deployment.ecoshare, s)}>
                  Forget
                </button>
                <details>
                  <summary>What it says</summary>
                  <MandateWords mandate={s.mandate} />
                </details>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <PasteShared
        summary="Add a mandate signed by a member (anyone may submit it)"
        label="Signed mandate (JSON)"
        onAdd={(text) => {
          const s = parseMandate(text);
          if (s.mandate.networkId !== network.id) throw new Error(`This mandate is for network #${s.mandate.networkId}, not this one (#${network.id}).`);
          saveMandate(deployment.chainId, deployment.ecoshare, s);
        }}
      />
      <TxStatus state={tx.state} what="Mandate" />
    </div>
  );
}

function MandateEditor({
  network,
  member,
  current,
  nonce,
  tx,
  now,
}: {
  network: LedgerNetwork;
  member: Address;
  current: ChainMandate | undefined;
  nonce: bigint | undefined;
  tx: ReturnType<typeof useContractTransaction>;
  now: number;
}) {
  const { deployment } = useDeployment();
  const config = useConfig();
  const { ready } = useWalletReady();
  const constants = useContractConstants();
  const maxAssets = useReadContract({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "MAX_MANDATE_ASSETS", query: { staleTime: Number.POSITIVE_INFINITY } });
  const nextNonce = useReadContract({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "nextMandateNonce", args: [member], scopeKey: `nonce:${nonce ?? 0n}` });
  const tokens = Object.entries(useTokenNames());
  const [input, setInput] = useState<MandateFormInput>(() => mandateInput(current, { networkFeeBps: network.feeBps, assets: [NATIVE_ASSET, ...tokens.map(([, a]) => a)], now }));
  const [open, setOpen] = useState(current === undefined);
  const [signed, setSigned] = useState(false);
  const [signing, setSigning] = useState(false);
  const [signFailure, setSignFailure] = useState<Failure>();
  const check = constants && maxAssets.data !== undefined ? checkMandate(input, { networkId: network.id, now, maxAssets: Number(maxAssets.data), maxHoldbackPeriod: constants.maxHoldbackPeriod }) : undefined;
  const errors = check?.errors ?? {};
  const set = <K extends keyof MandateFormInput>(key: K, value: MandateFormInput[K]) => {
    setSigned(false);
    setInput((old) => ({ ...old, [key]: value }));
  };
  const toggleAsset = (asset: Address, on: boolean) => set("assets", on ? [...input.assets, asset] : input.assets.filter((a) => a.toLowerCase() !== asset.toLowerCase()));

  const setByTransaction = async (e: FormEvent) => {
    e.preventDefault();
    if (!check?.mandate) return;
    await tx.send({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "grantMandate", args: [check.mandate] });
  };
  const sign = async () => {
    if (!check?.mandate || nextNonce.data === undefined) return;
    setSigning(true);
    setSignFailure(undefined);
    try {
      const deadline = BigInt(now + 7 * 86_400);
      const signature = await signMandate(config, { ecoshare: deployment.ecoshare, member, mandate: check.mandate, nonce: nextNonce.data, deadline });
      saveMandate(deployment.chainId, deployment.ecoshare, { member, mandate: check.mandate, nonce: nextNonce.data.toString(), deadline: deadline.toString(), signature });
      setSigned(true);
    } catch (error) {
      setSignFailure(describeFailure(error));
    } finally {
      setSigning(false);
    }
  };

  if (!open) {
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        Change my mandate
      </button>
    );
  }
  const field = (key: keyof typeof errors) => (errors[key] ? <small className="field-error" data-error={key}>{errors[key]}</small> : null);
  return (
    <form onSubmit={setByTransaction} aria-label="Mandate editor" data-testid="mandate-editor" noValidate>
      <h3>{current ? "Change my mandate" : "Give a mandate"}</h3>
      <p className="mandate-sentence">
        <label>
          My share at least{" "}
          <input className="inline" inputMode="decimal" value={input.minShare} onChange={(e) => set("minShare", e.target.value)} aria-invalid={Boolean(errors.minShare)} aria-label="My share at least (%)" />% of the vendor pool
        </label>
        {field("minShare")}
      </p>
      <p className="mandate-sentence">
        <label>
          Referral fee at most{" "}
          <input className="inline" inputMode="decimal" value={input.maxReferralFee} onChange={(e) => set("maxReferralFee", e.target.value)} aria-invalid={Boolean(errors.maxReferralFee)} aria-label="Referral fee at most (%)" />%, loyalty tiers included
        </label>
        {field("maxReferralFee")}
      </p>
      <p className="mandate-sentence">
        <label>
          Network fee at most{" "}
          <input className="inline" inputMode="decimal" value={input.maxNetworkFee} onChange={(e) => set("maxNetworkFee", e.target.value)} aria-invalid={Boolean(errors.maxNetworkFee)} aria-label="Network fee at most (%)" />%
        </label>
        {field("maxNetworkFee")}
      </p>
      <p className="mandate-sentence">
        <label>
          Holdback between{" "}
          <input className="inline" inputMode="decimal" value={input.minHoldbackDays} onChange={(e) => set("minHoldbackDays", e.target.value)} aria-invalid={Boolean(errors.holdback)} aria-label="Holdback at least (days)" />
        </label>{" "}
        <label>
          and{" "}
          <input className="inline" inputMode="decimal" value={input.maxHoldbackDays} onChange={(e) => set("maxHoldbackDays", e.target.value)} aria-invalid={Boolean(errors.holdback)} aria-label="Holdback at most (days)" /> days
        </label>
        {field("holdback")}
      </p>
      <fieldset className="mandate-sentence">
        <legend>Only</legend>
        {[["ETH", NATIVE_ASSET] as const, ...tokens].map(([name, asset]) => (
          <label key={asset} className="radio">
            <input type="checkbox" checked={input.assets.some((a) => a.toLowerCase() === asset.toLowerCase())} onChange={(e) => toggleAsset(asset, e.target.checked)} /> {name}
          </label>
        ))}
        {field("assets")}
      </fieldset>
      <p className="mandate-sentence">
        <label>
          Agreements valid at most{" "}
          <input className="inline" inputMode="numeric" value={input.maxValidityMonths} onChange={(e) => set("maxValidityMonths", e.target.value)} aria-invalid={Boolean(errors.maxValidity)} aria-label="Agreements valid at most (months)" /> months
        </label>
        {field("maxValidity")}
      </p>
      <p className="mandate-sentence">
        <label>
          This mandate expires on <input type="date" value={input.expiresOn} onChange={(e) => set("expiresOn", e.target.value)} aria-invalid={Boolean(errors.expiresOn)} aria-label="This mandate expires on" />
        </label>
        {field("expiresOn")}
      </p>
      {check?.mandate ? (
        <details open>
          <summary>In plain words</summary>
          <MandateWords mandate={check.mandate} testId="mandate-preview" />
        </details>
      ) : null}
      <p className="actions">
        <button type="submit" disabled={!ready || tx.busy || !check?.mandate}>
          Set by transaction
        </button>{" "}
        <button type="button" className="secondary" disabled={!ready || signing || !check?.mandate || nextNonce.data === undefined} onClick={() => void sign()}>
          {signing ? "Sign in your wallet…" : "Sign it (anyone may submit it)"}
        </button>
        {current ? (
          <>
            {" "}
            <button type="button" className="link" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </>
        ) : null}
      </p>
      {signed ? (
        <p className="notice" role="status" data-testid="mandate-signed">
          Signed and stored in this browser (below): anyone may submit it, until you set or revoke a mandate, which spends its nonce.
        </p>
      ) : null}
      <SignFailure failure={signFailure} />
    </form>
  );
}
