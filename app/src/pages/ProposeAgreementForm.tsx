import { useEffect, useMemo, useState, type FormEvent } from "react";
import { getAddress } from "viem";

import type { Ledger } from "../../../scripts/lib/ledger.js";
import { AddressView } from "../components/AddressView";
import { useWalletReady } from "../components/ChainGuard";
import { Empty } from "../components/States";
import { TxStatus } from "../components/TxStatus";
import { ecoshareAbi } from "../contracts/abis";
import { useContractConstants } from "../hooks/useContractConstants";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { MemberStatus } from "../lib/enums";
import { decodeProtocolLog, toRawLog } from "../lib/protocolLog";
import { formatBps, isNative } from "../lib/format";
import { readMetadata } from "../lib/networks";
import { checkTerms, type PartyInput, type TermsFormInput } from "../lib/termsForm";
import { termsForViem } from "../lib/terms";

function toLocalInput(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function ProposeAgreementForm({ ledger, amend }: { ledger: Ledger; amend?: bigint | undefined }) {
  const { deployment, labels } = useDeployment();
  const { address, ready } = useWalletReady();
  const constants = useContractConstants();
  const tx = useContractTransaction();
  const previous = amend !== undefined ? ledger.agreements.get(amend) : undefined;
  const now = Math.floor(Date.now() / 1000);
  const tokens = Object.entries(deployment.tokens);

  const [input, setInput] = useState<TermsFormInput>(() => ({
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
  }));
  // The wallet may connect after the form opened: name the proposer as the first party when still empty.
  useEffect(() => {
    if (address && !previous) {
      setInput((old) => (old.parties[0]?.account === "" ? { ...old, parties: old.parties.map((p, i) => (i === 0 ? { ...p, account: address } : p)) } : old));
    }
  }, [address, previous]);
  const set = <K extends keyof TermsFormInput>(key: K, value: TermsFormInput[K]) => setInput((old) => ({ ...old, [key]: value }));
  const setParty = (i: number, patch: Partial<PartyInput>) =>
    set(
      "parties",
      input.parties.map((p, j) => (j === i ? { ...p, ...patch } : p)),
    );

  const myNetworks = useMemo(
    () =>
      [...ledger.networks.values()].filter(
        (n) => address && (getAddress(n.operator) === getAddress(address) || n.members.get(getAddress(address))?.status === MemberStatus.Active),
      ),
    [ledger, address],
  );
  const network = input.networkId ? ledger.networks.get(BigInt(input.networkId)) : undefined;
  const activeMembers = network ? [...network.members.entries()].filter(([, m]) => m.status === MemberStatus.Active).map(([a]) => a) : [];
  const check = constants
    ? checkTerms(input, network, { maxReferralFeeBps: constants.maxReferralFeeBps, maxParties: constants.maxParties, now })
    : undefined;
  const errors = check?.errors ?? {};

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!check?.terms || !ready) return;
    const terms = termsForViem(check.terms);
    const receipt = await tx.send(
      previous
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
      <h1 id="propose-title">{previous ? `Amend agreement #${previous.id}` : "Propose an agreement"}</h1>
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
                aria-invalid={Boolean(errors.partyRows?.[i])}
                aria-label={`Party ${i + 1} address`}
              />
            </label>
            <label className="share">
              <input inputMode="decimal" value={p.share} onChange={(e) => setParty(i, { share: e.target.value })} aria-label={`Party ${i + 1} share in percent`} />%
            </label>
            <button type="button" className="secondary" onClick={() => set("parties", input.parties.filter((_, j) => j !== i))} aria-label={`Remove party ${i + 1}`}>
              Remove
            </button>
            {errors.partyRows?.[i] ? <small className="field-error">{errors.partyRows[i]}</small> : null}
            {p.account && labels.get(p.account as `0x${string}`) ? <small>{labels.get(p.account as `0x${string}`)}</small> : null}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => set("parties", [...input.parties, { account: "", share: "0" }])}>
          Add a party
        </button>
        <p className={check && check.shareSumBps === 10_000 ? "share-total ok" : "share-total"} aria-live="polite">
          Total: {formatBps(check?.shareSumBps ?? 0)} {errors.parties ? <span className="field-error">{errors.parties}</span> : "✓"}
        </p>
      </fieldset>

      <label>
        Referral fee (%)
        <input inputMode="decimal" value={input.referralFee} onChange={(e) => set("referralFee", e.target.value)} aria-invalid={Boolean(errors.referralFee)} />
        <small>At most {constants ? formatBps(constants.maxReferralFeeBps) : "…"} (contract cap).</small>
        {errors.referralFee ? <small className="field-error">{errors.referralFee}</small> : null}
      </label>
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
      {previous ? (
        <p className="muted">
          Every party of #{previous.id.toString()} must stay named (give a 0% share to let one leave); it stays active until all parties accept this
          version.
        </p>
      ) : null}
      <button type="submit" disabled={!ready || tx.busy || !check?.terms}>
        {previous ? "Propose the amendment" : "Propose"}
      </button>
      <p className="muted">
        Proposing as a party counts as your acceptance. <AddressView address={address} label="You:" />
      </p>
      <TxStatus state={tx.state} what="Proposal" />
    </form>
  );
}
