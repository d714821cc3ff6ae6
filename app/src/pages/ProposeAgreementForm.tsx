import { useEffect, useMemo, useState, type FormEvent } from "react";
import { getAddress, isAddress } from "viem";
import { useConfig } from "wagmi";

import type { Ledger } from "../../../client/ledger.js";
import { AddressView } from "../components/AddressView";
import { useWalletReady } from "../components/ChainGuard";
import { Empty } from "../components/States";
import { SignFailure, TxStatus } from "../components/TxStatus";
import { ecoshareAbi } from "../contracts/abis";
import { useContractConstants } from "../hooks/useContractConstants";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { MemberStatus } from "../lib/enums";
import { decodeProtocolLog, toRawLog } from "../lib/protocolLog";
import { formatBps, isNative, NATIVE_ASSET } from "../lib/format";
import { readMetadata } from "../lib/networks";
import { checkTerms, inputFromTerms, type PartyInput, type TermsFormInput, type TierInput } from "../lib/termsForm";
import { termsForViem, termsOf } from "../lib/terms";
import { signCounterProposal } from "../actions/signCounterProposal";
import { useAssetInfo } from "../hooks/useAssetInfo";
import { describeFailure, type Failure } from "../lib/contractErrors";
import { saveCounter } from "../lib/counterStore";
import { ReferrerRolesField } from "../components/ReferrerRolesField";
import { useChainTime } from "../hooks/useChainTime";
import { MandateFit } from "../components/MandateFit";
import { ProposeFromMandates } from "../components/ProposeFromMandates";

function toLocalInput(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Proposes an agreement, amends an active one (`amend`) or counters a pending one (`counter`). Amending and
 * countering start from the version's full terms (tiers, holdback and refunder included).
 */
export function ProposeAgreementForm({ ledger, amend, counter }: { ledger: Ledger; amend?: bigint | undefined; counter?: bigint | undefined }) {
  const sourceId = counter ?? amend;
  const source = sourceId !== undefined ? ledger.agreements.get(sourceId) : undefined;
  const asset = useAssetInfo(source?.asset ?? NATIVE_ASSET);
  if (sourceId !== undefined && !source) return <Empty>Agreement #{sourceId.toString()} does not exist.</Empty>;
  if (sourceId !== undefined && !asset.data) return <Empty>Loading agreement #{sourceId.toString()}…</Empty>;
  const prefill = source && asset.data ? inputFromTerms(termsOf(source), asset.data.decimals, toLocalInput) : undefined;
  return <ProposeForm ledger={ledger} amend={amend} counter={counter} prefill={prefill} />;
}

function ProposeForm({ ledger, amend, counter, prefill }: { ledger: Ledger; amend?: bigint | undefined; counter?: bigint | undefined; prefill?: TermsFormInput | undefined }) {
  const { deployment, labels } = useDeployment();
  const config = useConfig();
  const { address, ready } = useWalletReady();
  const constants = useContractConstants();
  const tx = useContractTransaction();
  const previous = amend !== undefined ? ledger.agreements.get(amend) : counter !== undefined ? ledger.agreements.get(counter) : undefined;
  const now = Number(useChainTime());
  const tokens = Object.entries(deployment.tokens);
  const [signed, setSigned] = useState<string>();
  const [signFailure, setSignFailure] = useState<Failure>();
  const [signing, setSigning] = useState(false);

  const [input, setInput] = useState<TermsFormInput>(() => prefill ?? ({
    networkId: previous ? previous.networkId.toString() : "",
    asset: previous ? (isNative(previous.asset) ? "ETH" : previous.asset) : "ETH",
    parties: previous
      ? previous.parties.map((p) => ({ account: p.account, share: String(p.shareBps / 100) }))
      : [
          { account: address ?? "", share: "50" },
          { account: "", share: "50" },
        ],
    referralFee: previous ? String(previous.referralFeeBps / 100) : "10",
    validFrom: toLocalInput(now),
    validUntil: toLocalInput(now + 365 * 24 * 3600),
    termsText: "",
    termsURI: "",
    tiers: [],
    holdbackDays: "",
    refunder: "",
  }));
  // The wallet may connect after the form opened: name the proposer as the first party when still empty.
  useEffect(() => {
    if (address && !previous) {
      setInput((old) => (old.parties[0]?.account === "" ? { ...old, parties: old.parties.map((p, i) => (i === 0 ? { ...p, account: address } : p)) } : old));
    }
  }, [address, previous]);
  // A field's error shows once that field (or one it depends on) was changed, or after a submit: never on a fresh form.
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const touch = (...keys: string[]) => setTouched((old) => (keys.every((k) => old.has(k)) ? old : new Set([...old, ...keys])));
  const shown = (...keys: string[]) => submitted || keys.some((k) => touched.has(k));
  const set = <K extends keyof TermsFormInput>(key: K, value: TermsFormInput[K]) => {
    touch(key);
    setInput((old) => ({ ...old, [key]: value }));
  };
  const setParty = (i: number, patch: Partial<PartyInput>) => {
    touch(patch.account !== undefined ? `account${i}` : `share${i}`);
    setInput((old) => ({ ...old, parties: old.parties.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  };

  const myNetworks = useMemo(
    () =>
      [...ledger.networks.values()].filter(
        (n) => address && (getAddress(n.operator) === getAddress(address) || n.members.get(getAddress(address))?.status === MemberStatus.Active),
      ),
    [ledger, address],
  );
  const network = input.networkId ? ledger.networks.get(BigInt(input.networkId)) : undefined;
  const activeMembers = network ? [...network.members.entries()].filter(([, m]) => m.status === MemberStatus.Active).map(([a]) => a) : [];
  const assetInfo = useAssetInfo(input.asset === "ETH" ? NATIVE_ASSET : (input.asset as `0x${string}`));
  const check = constants
    ? checkTerms(input, network, { ...constants, decimals: assetInfo.data?.decimals ?? 18, now })
    : undefined;
  const symbol = assetInfo.data?.symbol ?? (input.asset === "ETH" ? "ETH" : "tokens");
  const setTier = (i: number, patch: Partial<TierInput>) => {
    touch(`tier${i}`);
    setInput((old) => ({ ...old, tiers: old.tiers.map((t, j) => (j === i ? { ...t, ...patch } : t)) }));
  };
  // Each valid party once: a party named twice must not give the refunder list two options with one key.
  const partyAccounts = [...new Set(input.parties.map((p) => p.account.trim()).filter((a) => isAddress(a)).map((a) => getAddress(a)))];

  const signCounter = async () => {
    if (!check?.terms || !address || counter === undefined) return;
    setSigning(true);
    setSignFailure(undefined);
    try {
      const deadline = BigInt(now + 7 * 24 * 3600);
      const { signature, nonce } = await signCounterProposal(config, { ecoshare: deployment.ecoshare, counteredId: counter, terms: check.terms, deadline, account: getAddress(address) });
      const entry = { counteredId: counter.toString(), author: getAddress(address), deadline: deadline.toString(), nonce: nonce.toString(), signature, terms: check.terms };
      saveCounter(deployment.chainId, deployment.ecoshare, entry);
      setSigned(signature);
    } catch (error) {
      setSignFailure(describeFailure(error));
    } finally {
      setSigning(false);
    }
  };
  const all = check?.errors ?? {};
  const pick = (rows: Record<number, string> | undefined, prefix: string) =>
    rows ? Object.fromEntries(Object.entries(rows).filter(([i]) => shown(`${prefix}${i}`))) : undefined;
  const errors = {
    networkId: shown("networkId") ? all.networkId : undefined,
    asset: shown("asset") ? all.asset : undefined,
    parties: shown("parties", ...input.parties.map((_, i) => `share${i}`)) ? all.parties : undefined,
    partyAccounts: pick(all.partyAccounts, "account"),
    partyShares: pick(all.partyShares, "share"),
    referralFee: shown("referralFee") ? all.referralFee : undefined,
    referrerRoles: shown("referrerRoles") ? all.referrerRoles : undefined,
    tierRows: pick(all.tierRows, "tier"),
    tiers: shown("tiers") ? all.tiers : undefined,
    holdback: shown("holdbackDays") ? all.holdback : undefined,
    refunder: shown("refunder", "holdbackDays") ? all.refunder : undefined,
    validFrom: shown("validFrom", "validUntil") ? all.validFrom : undefined,
    validUntil: shown("validFrom", "validUntil") ? all.validUntil : undefined,
    terms: shown("termsText", "termsURI") ? all.terms : undefined,
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!check?.terms) {
      setSubmitted(true);
      return;
    }
    if (!ready) return;
    const terms = termsForViem(check.terms);
    const receipt = await tx.send(
      counter !== undefined
        ? { address: deployment.ecoshare, abi: ecoshareAbi, functionName: "counterPropose", args: [counter, terms] }
        : previous
        ? { address: deployment.ecoshare, abi: ecoshareAbi, functionName: "proposeAmendment", args: [previous.id, terms] }
        : { address: deployment.ecoshare, abi: ecoshareAbi, functionName: "propose", args: [terms] },
    );
    // Open the new agreement: its id is in the AgreementProposed event of the receipt.
    const proposed = receipt?.logs
      .map((log) => toRawLog(log))
      .map((raw) => (raw ? decodeProtocolLog(raw) : undefined))
      .find((event) => event?.eventName === "AgreementProposed");
    if (proposed?.eventName === "AgreementProposed") window.location.hash = `#/agreements/${proposed.args.agreementId}`;
  };

  if (!address) return <Empty>Connect a wallet to propose an agreement.</Empty>;
  return (
    <form className="panel form-wide" onSubmit={submit} aria-labelledby="propose-title" noValidate>
      <p>
        <a href="#/agreements">← All agreements</a>
      </p>
      <h1 id="propose-title">{counter !== undefined ? `Counter agreement #${counter}` : previous ? `Amend agreement #${previous.id}` : "Propose an agreement"}</h1>
      {counter !== undefined ? (
        <p className="muted">
          Prefilled from #{counter.toString()}: change what you want to negotiate. Your counter becomes the next version of the thread and counts as your
          acceptance of it; the first version every party accepts activates.
        </p>
      ) : null}
      {myNetworks.length === 0 ? <p className="notice">You are not an active member of any network: join one first.</p> : null}
      <label>
        Network
        <select value={input.networkId} onChange={(e) => set("networkId", e.target.value)} disabled={Boolean(previous)} aria-invalid={Boolean(errors.networkId)}>
          <option value="">Choose…</option>
          {myNetworks.map((n) => (
            <option key={n.id.toString()} value={n.id.toString()}>
              {readMetadata(n.metadataURI).name}
            </option>
          ))}
        </select>
        {errors.networkId ? <small className="field-error">{errors.networkId}</small> : null}
        {network ? (
          <small>
            Network fee {formatBps(network.feeBps)} to {labels.get(network.feeRecipient) ?? network.feeRecipient}, frozen into the agreement.
          </small>
        ) : null}
      </label>
      <label>
        Paid in
        <select value={tokens.some(([, a]) => a === input.asset) || input.asset === "ETH" ? input.asset : "other"} onChange={(e) => set("asset", e.target.value === "other" ? "" : e.target.value)}>
          <option value="ETH">ETH</option>
          {tokens.map(([name, token]) => (
            <option key={token} value={token}>
              {name}
            </option>
          ))}
          <option value="other">Another token…</option>
        </select>
      </label>
      {input.asset !== "ETH" && !tokens.some(([, a]) => a === input.asset) ? (
        <label>
          Token address
          <input value={input.asset} onChange={(e) => set("asset", e.target.value)} placeholder="0x…" aria-invalid={Boolean(errors.asset)} />
          {errors.asset ? <small className="field-error">{errors.asset}</small> : null}
        </label>
      ) : null}

      <fieldset>
        <legend>Parties and their shares of the vendor pool</legend>
        <datalist id="active-members">
          {activeMembers.map((m) => (
            <option key={m} value={m}>
              {labels.get(m) ?? ""}
            </option>
          ))}
        </datalist>
        {input.parties.map((p, i) => (
          <div className="party-row" key={i}>
            <label>
              <span className="sr-only">Party {i + 1} address</span>
              <input
                list="active-members"
                value={p.account}
                placeholder="Member address 0x…"
                onChange={(e) => setParty(i, { account: e.target.value.trim() })}
                aria-invalid={Boolean(errors.partyAccounts?.[i])}
                aria-label={`Party ${i + 1} address`}
              />
            </label>
            <label className="share">
              <input
                inputMode="decimal"
                value={p.share}
                onChange={(e) => setParty(i, { share: e.target.value })}
                aria-label={`Party ${i + 1} share in percent`}
                aria-invalid={Boolean(errors.partyShares?.[i])}
              />
              %
            </label>
            <button type="button" className="secondary" onClick={() => set("parties", input.parties.filter((_, j) => j !== i))} aria-label={`Remove party ${i + 1}`}>
              Remove
            </button>
            {errors.partyAccounts?.[i] ? (
              <small className="field-error" data-error={`account${i}`}>
                {errors.partyAccounts[i]}
              </small>
            ) : null}
            {errors.partyShares?.[i] ? (
              <small className="field-error" data-error={`share${i}`}>
                {errors.partyShares[i]}
              </small>
            ) : null}
            {p.account && labels.get(p.account as `0x${string}`) ? <small>{labels.get(p.account as `0x${string}`)}</small> : null}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setInput((old) => ({ ...old, parties: [...old.parties, { account: "", share: "0" }] }))}>
          Add a party
        </button>
        <p className={check && check.shareSumBps === 10_000 ? "share-total ok" : "share-total"} aria-live="polite">
          Total: {formatBps(check?.shareSumBps ?? 0)} {errors.parties ? <span className="field-error">{errors.parties}</span> : check?.shareSumBps === 10_000 ? "✓" : null}
        </p>
        <ProposeFromMandates
          network={network}
          parties={partyAccounts}
          onTerms={(terms) => {
            touch("parties", "referralFee", "holdbackDays", "refunder", "validFrom", "validUntil", "asset");
            setInput((old) => ({ ...inputFromTerms(terms, assetInfo.data?.decimals ?? 18, toLocalInput), termsText: old.termsText, termsURI: old.termsURI, referrerRoles: old.referrerRoles }));
          }}
        />
      </fieldset>

      <label>
        Referral fee (%)
        <input inputMode="decimal" value={input.referralFee} onChange={(e) => set("referralFee", e.target.value)} aria-invalid={Boolean(errors.referralFee)} />
        <small>At most {constants ? formatBps(constants.maxReferralFeeBps) : "…"} (contract cap).</small>
        {errors.referralFee ? <small className="field-error">{errors.referralFee}</small> : null}
      </label>
      <ReferrerRolesField value={input.referrerRoles} onChange={(v) => set("referrerRoles", v)} error={errors.referrerRoles} />
      <fieldset>
        <legend>Loyalty and trust tiers (optional)</legend>
        <p className="muted small">
          A referrer earns a tier once its earned volume under this agreement (payments credited: held ones once released, never refunded ones)
          has reached the threshold before a payment. The tier sets the payment's rate and how long it is held: never longer than the tier below
          (the holdback below for the first tier); 0 days credits a proven referrer's customers at once. Base rate and holdback below the first
          threshold: the referral fee and holdback of the agreement.
        </p>
        {input.tiers.map((t, i) => (
          <div className="party-row tier-row" key={i}>
            <label>
              From
              <input inputMode="decimal" value={t.fromVolume} onChange={(e) => setTier(i, { fromVolume: e.target.value })} aria-label={`Tier ${i + 1} from volume`} aria-invalid={Boolean(errors.tierRows?.[i])} placeholder="10" />
              {symbol} referred: rate
            </label>
            <label className="share">
              <input inputMode="decimal" value={t.fee} onChange={(e) => setTier(i, { fee: e.target.value })} aria-label={`Tier ${i + 1} rate in percent`} aria-invalid={Boolean(errors.tierRows?.[i])} placeholder="7" />%
            </label>
            <label className="share">
              held
              <input inputMode="decimal" value={t.holdbackDays ?? ""} onChange={(e) => setTier(i, { holdbackDays: e.target.value })} aria-label={`Tier ${i + 1} holdback in days`} aria-invalid={Boolean(errors.tierRows?.[i])} placeholder="as below" />
              days
            </label>
            <button type="button" className="secondary" onClick={() => set("tiers", input.tiers.filter((_, j) => j !== i))} aria-label={`Remove tier ${i + 1}`}>
              Remove
            </button>
            {errors.tierRows?.[i] ? <small className="field-error">{errors.tierRows[i]}</small> : null}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => set("tiers", [...input.tiers, { fromVolume: "", fee: "" }])} disabled={input.tiers.length >= (constants?.maxReferralTiers ?? 8)}>
          Add a tier
        </button>
        {errors.tiers ? <small className="field-error">{errors.tiers}</small> : null}
      </fieldset>
      <div className="row">
        <label>
          Holdback (days)
          <input inputMode="decimal" value={input.holdbackDays} onChange={(e) => set("holdbackDays", e.target.value)} placeholder="0 = none" aria-invalid={Boolean(errors.holdback)} />
          <small>Payments stay pending (refundable) this long before they are credited; at most {constants ? constants.maxHoldbackPeriod / 86400 : "…"} days.</small>
          {errors.holdback ? <small className="field-error">{errors.holdback}</small> : null}
        </label>
        <label>
          Refunder
          <select value={input.refunder} onChange={(e) => set("refunder", e.target.value)} aria-invalid={Boolean(errors.refunder)}>
            <option value="">None</option>
            {partyAccounts.map((a) => (
              <option key={a} value={a}>
                {labels.get(a as `0x${string}`) ?? a}
              </option>
            ))}
          </select>
          <small>The party that may refund a held payment; needed exactly when there is a holdback.</small>
          {errors.refunder ? <small className="field-error">{errors.refunder}</small> : null}
        </label>
      </div>
      <div className="row">
        <label>
          Valid from
          <input type="datetime-local" value={input.validFrom} onChange={(e) => set("validFrom", e.target.value)} aria-invalid={Boolean(errors.validFrom)} />
          {errors.validFrom ? <small className="field-error">{errors.validFrom}</small> : null}
        </label>
        <label>
          Valid until
          <input type="datetime-local" value={input.validUntil} onChange={(e) => set("validUntil", e.target.value)} aria-invalid={Boolean(errors.validUntil)} />
          {errors.validUntil ? <small className="field-error">{errors.validUntil}</small> : null}
        </label>
      </div>
      <label>
        The agreement in words
        <textarea rows={3} value={input.termsText} onChange={(e) => set("termsText", e.target.value)} placeholder="Package deals sold by referral partners…" />
      </label>
      <label>
        Link to the full text (optional)
        <input value={input.termsURI} onChange={(e) => set("termsURI", e.target.value)} placeholder="https://… or ipfs://…" />
        {errors.terms ? <small className="field-error">{errors.terms}</small> : null}
      </label>
      {previous && counter === undefined ? (
        <p className="muted">
          Every party of #{previous.id.toString()} must stay named (give a 0% share to let one leave); it stays active until all parties accept this
          version.
        </p>
      ) : null}
      {check?.terms ? <MandateFit terms={check.terms} title="The parties' mandates and these terms" /> : null}
      {submitted && !check?.terms ? (
        <p className="notice notice-error" role="alert" data-testid="form-errors">
          Some fields need attention: see the messages above.
        </p>
      ) : null}
      <button type="submit" disabled={!ready || tx.busy}>
        {counter !== undefined ? "Counter by transaction" : previous ? "Propose the amendment" : "Propose"}
      </button>
      {counter !== undefined ? (
        <>
          {" "}
          <button type="button" className="secondary" disabled={!ready || signing || !check?.terms} onClick={() => void signCounter()}>
            {signing ? "Sign in your wallet…" : "Sign the counter-proposal (someone else submits it)"}
          </button>
          {signed ? (
            <p className="notice" role="status" data-testid="counter-signed">
              Signed and stored in this browser. Anyone can submit it from <a href={`#/agreements/${counter}`}>agreement #{counter.toString()}</a>.
            </p>
          ) : null}
          <SignFailure failure={signFailure} />
        </>
      ) : null}
      <p className="muted">
        Proposing as a party counts as your acceptance. <AddressView address={address} label="You:" />
      </p>
      <TxStatus state={tx.state} what="Proposal" />
    </form>
  );
}
