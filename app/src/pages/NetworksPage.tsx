import { useMemo, useState, type FormEvent } from "react";
import { getAddress, isAddress, type Address } from "viem";

import type { LedgerNetwork } from "../../../client/ledger.js";
import { ecoshareAbi } from "../contracts/abis";
import { AddressView } from "../components/AddressView";
import { useWalletReady } from "../components/ChainGuard";
import { Empty, ErrorNotice, Loading } from "../components/States";
import { TxStatus } from "../components/TxStatus";
import { useContractConstants } from "../hooks/useContractConstants";
import { useContractTransaction } from "../hooks/useContractTransaction";
import { useDeployment } from "../hooks/useDeployment";
import { useLedger } from "../hooks/useProtocolLog";
import { admissionRule, label, MEMBER_ROLES, MEMBER_STATUSES, MemberRole, MemberStatus, NETWORK_KINDS, NetworkKind } from "../lib/enums";
import { formatBps } from "../lib/format";
import { canAdmit, memberCountText, memberOf, memberProfiles, metadataURI, readMetadata } from "../lib/networks";
import { NetworkVolume } from "../components/NetworkVolume";
import { RiskFigures } from "../components/RiskFigures";
import { MandatePanel } from "../components/MandatePanel";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { percentToBps } from "../lib/termsForm";
import { checkNetworkProfile, EMPTY_PROFILE, type NetworkProfileDraft } from "../lib/networkProfile";
import { NetworkProfileFields } from "../components/NetworkProfileFields";

export function NetworksPage({ networkId }: { networkId?: bigint | undefined }) {
  const { ledger, data, isPending, error } = useLedger();
  if (isPending) return <Loading what="networks" />;
  if (error) return <ErrorNotice error={error} />;
  if (!ledger || !data) return null;
  if (networkId !== undefined) {
    const network = ledger.networks.get(networkId);
    if (!network) return <Empty>Network #{networkId.toString()} does not exist.</Empty>;
    return <NetworkDetail network={network} profiles={memberProfiles(data.events)} />;
  }
  const networks = [...ledger.networks.values()];
  return (
    <section aria-labelledby="networks-title">
      <h1 id="networks-title">Networks</h1>
      {networks.length === 0 ? (
        <Empty>No network yet. Create the first one below.</Empty>
      ) : (
        <ul className="cards">
          {networks.map((n) => {
            const meta = readMetadata(n.metadataURI);
            return (
              <li key={n.id.toString()} className="card">
                <h2>
                  <a href={`#/networks/${n.id}`}>{meta.name}</a>
                </h2>
                {meta.description ? <p className="muted">{meta.description}</p> : null}
                <p>
                  {label(NETWORK_KINDS, n.kind)} · network fee {formatBps(n.feeBps)} · <span data-testid="member-count">{memberCountText(n)}</span>
                </p>
              </li>
            );
          })}
        </ul>
      )}
      <CreateNetworkForm />
    </section>
  );
}

function CreateNetworkForm() {
  const { deployment } = useDeployment();
  const { address, ready } = useWalletReady();
  const constants = useContractConstants();
  const tx = useContractTransaction();
  const [profile, setProfile] = useState<NetworkProfileDraft>(EMPTY_PROFILE);
  const [touched, setTouched] = useState(false);
  const checkedProfile = checkNetworkProfile(profile);
  // The name's "required" error waits for a first edit; the others show as soon as they are typed.
  const profileErrors = touched ? checkedProfile.errors : { ...checkedProfile.errors, name: undefined };
  const [kind, setKind] = useState<NetworkKind>(NetworkKind.VendorLed);
  const [fee, setFee] = useState("2");
  const [recipient, setRecipient] = useState("");
  const feeBps = percentToBps(fee);
  const feeError =
    feeBps === undefined ? "Enter a fee in percent, e.g. 2.5." : constants && feeBps > constants.maxNetworkFeeBps ? `At most ${formatBps(constants.maxNetworkFeeBps)}.` : undefined;
  const recipientValue = recipient || address || "";
  const recipientError = recipientValue && !isAddress(recipientValue) ? "Enter an address." : undefined;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!ready || feeError || recipientError || !checkedProfile.uri || feeBps === undefined) return;
    await tx.send({
      address: deployment.ecoshare,
      abi: ecoshareAbi,
      functionName: "createNetwork",
      args: [kind, getAddress(recipientValue), feeBps, checkedProfile.uri],
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="create-network">
      <h2 id="create-network">Create a network</h2>
      <NetworkProfileFields
        draft={profile}
        errors={profileErrors}
        onChange={(d) => {
          setProfile(d);
          setTouched(true);
        }}
      />
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind(Number(e.target.value) as NetworkKind)}>
          {NETWORK_KINDS.map((k, i) => (
            <option key={k} value={i}>
              {k}
            </option>
          ))}
        </select>
        <small>{admissionRule(kind)}</small>
      </label>
      <label>
        Network fee (%)
        <input inputMode="decimal" value={fee} onChange={(e) => setFee(e.target.value)} aria-invalid={Boolean(feeError)} />
        {feeError ? <small className="field-error">{feeError}</small> : null}
      </label>
      <label>
        Fee recipient
        <input value={recipientValue} onChange={(e) => setRecipient(e.target.value)} placeholder="0x…" aria-invalid={Boolean(recipientError)} />
        {recipientError ? <small className="field-error">{recipientError}</small> : null}
      </label>
      <button type="submit" disabled={!ready || tx.busy || Boolean(feeError || recipientError) || !checkedProfile.uri}>
        Create network
      </button>
      {!address ? <p className="muted">Connect a wallet to create a network.</p> : null}
      <TxStatus state={tx.state} what="Network creation" />
    </form>
  );
}

function NetworkDetail({ network, profiles }: { network: LedgerNetwork; profiles: Map<string, string> }) {
  const { deployment, labels } = useDeployment();
  const { address, ready } = useWalletReady();
  const tx = useContractTransaction();
  const [role, setRole] = useState<MemberRole>(MemberRole.ReferralPartner);
  const [profile, setProfile] = useState("");
  const meta = readMetadata(network.metadataURI);
  const me = memberOf(network, address);
  const isOperator = address !== undefined && getAddress(address) === getAddress(network.operator);
  const admitter = canAdmit(network, address);
  const members = useMemo(() => [...network.members.entries()], [network]);
  const call = (functionName: "admit" | "decline" | "suspend" | "reinstate", account: Address) =>
    tx.send({ address: deployment.ecoshare, abi: ecoshareAbi, functionName, args: [network.id, account] });

  return (
    <section aria-labelledby="network-title">
      <p>
        <a href="#/networks">← All networks</a>
      </p>
      <h1 id="network-title">{meta.name}</h1>
      {meta.description ? <p className="muted">{meta.description}</p> : null}
      <dl className="facts">
        <dt>Kind</dt>
        <dd>
          {label(NETWORK_KINDS, network.kind)} ({admissionRule(network.kind)})
        </dd>
        <dt>Operator</dt>
        <dd>
          <AddressView address={network.operator} label={labels.get(network.operator)} />
        </dd>
        <dt>Network fee</dt>
        <dd>
          {formatBps(network.feeBps)} to <AddressView address={network.feeRecipient} label={labels.get(network.feeRecipient)} />
        </dd>
      </dl>

      {isOperator ? <EditNetworkProfile network={network} /> : null}
      {isOperator ? <NetworkVolume networkId={network.id} /> : null}
      <RiskFigures scope="network" subject={String(network.id)} title="Risk: payments, refunds and exposure" chart />

      <h2>Members</h2>
      {members.length === 0 ? (
        <Empty>No members yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {members.map(([account, m]) => {
                const name = readMetadata(profiles.get(`${network.id}/${account}`) ?? "").name;
                return (
                  <tr key={account} data-member={account}>
                    <td>
                      {name ? <strong>{name} </strong> : null}
                      <AddressView address={account} />
                    </td>
                    <td>{label(MEMBER_ROLES, m.role)}</td>
                    <td>
                      <span className={`status status-${label(MEMBER_STATUSES, m.status).toLowerCase()}`}>{label(MEMBER_STATUSES, m.status)}</span>
                    </td>
                    <td>
                      <div className="actions">
                      {m.status === MemberStatus.Pending && admitter ? (
                        <>
                          <button type="button" disabled={!ready || tx.busy} onClick={() => call("admit", account)}>
                            Admit
                          </button>
                          <button type="button" className="secondary" disabled={!ready || tx.busy} onClick={() => call("decline", account)}>
                            Decline
                          </button>
                        </>
                      ) : null}
                      {m.status === MemberStatus.Active && isOperator && getAddress(account) !== getAddress(network.operator) ? (
                        <button type="button" className="secondary" disabled={!ready || tx.busy} onClick={() => call("suspend", account)}>
                          Suspend
                        </button>
                      ) : null}
                      {m.status === MemberStatus.Suspended && isOperator ? (
                        <button type="button" disabled={!ready || tx.busy} onClick={() => call("reinstate", account)}>
                          Reinstate
                        </button>
                      ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <div className="panel">
        <h2>My membership</h2>
        {!address ? (
          <p className="muted">Connect a wallet to join this network.</p>
        ) : me ? (
          <>
            <p>
              You are a {label(MEMBER_ROLES, me.role).toLowerCase()} here, status <strong>{label(MEMBER_STATUSES, me.status).toLowerCase()}</strong>
              {me.status === MemberStatus.Pending ? ": waiting for an admitter." : "."}
            </p>
            <button
              type="button"
              className="secondary"
              disabled={!ready || tx.busy}
              onClick={() => tx.send({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "leave", args: [network.id] })}
            >
              {me.status === MemberStatus.Pending ? "Withdraw my request" : "Leave the network"}
            </button>
          </>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void tx.send({
                address: deployment.ecoshare,
                abi: ecoshareAbi,
                functionName: "join",
                args: [network.id, role, metadataURI(profile.trim() || "Member")],
              });
            }}
          >
            <p className="muted">
              {network.kind === NetworkKind.Marketplace || isOperator
                ? "You become an active member at once."
                : "Your request waits until an admitter accepts it."}
            </p>
            <label>
              Role
              <select value={role} onChange={(e) => setRole(Number(e.target.value) as MemberRole)}>
                {MEMBER_ROLES.map((r, i) => (
                  <option key={r} value={i}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Your business name
              <input value={profile} onChange={(e) => setProfile(e.target.value)} placeholder="Harbour Hotel" />
            </label>
            <button type="submit" disabled={!ready || tx.busy}>
              {network.kind === NetworkKind.Marketplace || isOperator ? "Join" : "Ask to join"}
            </button>
          </form>
        )}
      </div>
      <ErrorBoundary what="the mandate">
        <MandatePanel network={network} />
      </ErrorBoundary>
      <TxStatus state={tx.state} />
    </section>
  );
}

/** The operator edits the network's profile and co-branding (`setNetworkMetadata`). */
function EditNetworkProfile({ network }: { network: LedgerNetwork }) {
  const { deployment } = useDeployment();
  const { ready } = useWalletReady();
  const tx = useContractTransaction();
  const meta = readMetadata(network.metadataURI);
  const [profile, setProfile] = useState<NetworkProfileDraft>({
    name: meta.name,
    description: meta.description ?? "",
    logo: meta.logo ?? "",
    accent: meta.colors?.accent ?? "",
    background: meta.colors?.background ?? "",
  });
  const checked = checkNetworkProfile(profile);
  const unchanged = checked.uri === network.metadataURI;
  return (
    <details className="panel" data-testid="edit-network-profile">
      <summary>Edit the network's profile and co-branding</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!checked.uri || unchanged) return;
          void tx.send({ address: deployment.ecoshare, abi: ecoshareAbi, functionName: "setNetworkMetadata", args: [network.id, checked.uri] });
        }}
      >
        <NetworkProfileFields draft={profile} errors={checked.errors} onChange={setProfile} />
        <button type="submit" disabled={!ready || tx.busy || !checked.uri || unchanged}>
          Save the profile
        </button>
        <TxStatus state={tx.state} what="Profile update" />
      </form>
    </details>
  );
}
