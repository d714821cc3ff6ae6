/**
 * Connect a wallet: the injected wallets found by EIP-6963 discovery and, on the local chain only, the
 * development wallet with its demo-account switcher.
 */
import { useEffect, useRef, useState } from "react";
import { useConnect, useConnection, useConnectors, useDisconnect, type Connector } from "wagmi";

import { useLabel } from "../hooks/useDeployment";
import { describeFailure } from "../lib/contractErrors";
import { shortAddress } from "../lib/format";
import { DEV_WALLET_ID, type DevWalletProperties } from "../wagmi/devWalletId";

function isDevWallet(connector: Connector | undefined): connector is Connector & DevWalletProperties {
  return connector?.id === DEV_WALLET_ID;
}

export function ConnectButton() {
  const connection = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const [open, setOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const label = useLabel(connection.address);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    menuRef.current?.querySelector("button")?.focus();
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  if (connection.status === "connected") {
    const dev = isDevWallet(connection.connector) ? connection.connector : undefined;
    return (
      <div className="wallet">
        {dev ? <DevAccountSwitcher connector={dev} /> : null}
        <span className="wallet-address" title={connection.address}>
          {label && !dev ? <span className="wallet-label">{label}</span> : null}
          <code>{shortAddress(connection.address)}</code>
        </span>
        <button type="button" className="secondary" onClick={() => disconnect.mutate({})}>
          Disconnect
        </button>
      </div>
    );
  }

  const injected = connectors.filter((c) => !isDevWallet(c));
  const devConnector = connectors.find(isDevWallet);
  const failure = connect.error ? describeFailure(connect.error) : undefined;
  return (
    <div className="wallet">
      <button type="button" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen((v) => !v)} disabled={connection.status === "connecting" || connection.status === "reconnecting"}>
        {connection.status === "connecting" || connection.status === "reconnecting" ? "Connecting…" : "Connect wallet"}
      </button>
      {open ? (
        <div className="wallet-menu" ref={menuRef} role="menu" aria-label="Choose a wallet">
          {injected.length === 0 ? (
            <p className="muted">No browser wallet found. Install MetaMask, Rabby or another wallet extension.</p>
          ) : (
            injected.map((c) => (
              <button key={c.uid} type="button" role="menuitem" className="wallet-option" onClick={() => connect.mutate({ connector: c }, { onSuccess: () => setOpen(false) })}>
                {c.icon ? <img src={c.icon} alt="" width={20} height={20} /> : null}
                {c.name}
              </button>
            ))
          )}
          {devConnector ? (
            <button type="button" role="menuitem" className="wallet-option dev" data-testid="dev-wallet" onClick={() => connect.mutate({ connector: devConnector }, { onSuccess: () => setOpen(false) })}>
              <span className="dev-badge">DEV</span> Development wallet
              <small>Local chain only: the node's public demo accounts. Never use these keys with real funds.</small>
            </button>
          ) : null}
        </div>
      ) : null}
      {failure ? (
        <p className={failure.kind === "rejected" ? "notice" : "notice notice-error"} role="status">
          {failure.kind === "rejected" ? "Connection declined in the wallet." : failure.message}
        </p>
      ) : null}
    </div>
  );
}

function DevAccountSwitcher({ connector }: { connector: Connector & DevWalletProperties }) {
  const { accounts, current } = connector.devAccounts();
  return (
    <label className="dev-switcher">
      <span className="dev-badge" title="Development wallet: public demo keys, local chain only">
        DEV
      </span>
      <span className="sr-only">Demo account</span>
      <select value={current} aria-label="Demo account" onChange={(e) => connector.selectAccount(Number(e.target.value))}>
        {accounts.map((a) => (
          <option key={a.index} value={a.index}>
            {a.label} ({shortAddress(a.address)})
          </option>
        ))}
      </select>
    </label>
  );
}
