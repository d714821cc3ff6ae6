/**
 * "Share" on an agreement: the partner's referral link (with a QR code), the embed snippet for its own web
 * page with its referral filled in (client/embed-snippet.ts, the same builder the demo's partner site
 * uses), fields to fix or bound the amount and set an order reference, and a live preview of the checkout.
 */
import { useEffect, useId, useRef, useState } from "react";
import { useConfig } from "wagmi";

import type { LedgerAgreement, LedgerNetwork } from "../../../client/ledger.js";
import { EMBED_ELEMENT, embedSnippet } from "../../../client/embed-snippet.js";
import { useAssetInfo } from "../hooks/useAssetInfo";
import { useDeployment } from "../hooks/useDeployment";
import { paymentBlocker, type AgreementPhase } from "../lib/agreementPhase";
import { readMetadata } from "../lib/networks";
import { checkShareDraft, referralStanding, type ShareDraft, type ShareField } from "../lib/shareDraft";
import { termsTextOf } from "../lib/termsText";
import { useWalletReady } from "./ChainGuard";
import { CopyButton } from "./CopyButton";
import { QrCode } from "./QrCode";

/** The app's own base URL: the link and the script point back here. */
function appBaseUrl(): string {
  return `${window.location.origin}${window.location.pathname.replace(/[^/]*$/, "")}`;
}

export interface ShareDialogProps {
  agreement: LedgerAgreement;
  network: LedgerNetwork | undefined;
  /** The agreement's phase by the chain's clock: a link to an agreement that takes no payment says so. */
  phase: AgreementPhase;
  onClose: () => void;
}

export function ShareDialog({ agreement: a, network, phase, onClose }: ShareDialogProps) {
  const { deployment } = useDeployment();
  const config = useConfig();
  const { address } = useWalletReady();
  const asset = useAssetInfo(a.asset);
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [draft, setDraft] = useState<ShareDraft>({ mode: "range", amount: "", min: "", max: "", orderRef: "" });

  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const networkName = readMetadata(network?.metadataURI ?? "").name || `network #${a.networkId}`;
  const standing = referralStanding(a, network, networkName, address);
  const checked = asset.data ? checkShareDraft(draft, asset.data) : undefined;
  const rpcUrl = config.chains.find((c) => c.id === deployment.chainId)?.rpcUrls.default.http[0];
  const snippet =
    checked && Object.keys(checked.errors).length === 0
      ? embedSnippet({
          appUrl: appBaseUrl(),
          chainId: deployment.chainId,
          contract: deployment.ecoshare,
          rpcUrl,
          fromBlock: deployment.deployBlock,
          agreementId: a.id,
          amount: checked.amount,
          referrer: standing.referrer,
          orderRef: checked.orderRef,
        })
      : undefined;
  const blocker = paymentBlocker(a, phase);
  const set = (patch: Partial<ShareDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const error = (field: ShareField) => checked?.errors[field];
  const field = (name: ShareField, label: string, hint?: string) => (
    <div className="field">
      <label>
        {label}
        <input
          inputMode={name === "orderRef" ? "text" : "decimal"}
          value={draft[name]}
          onChange={(e) => set({ [name]: e.target.value })}
          aria-invalid={Boolean(error(name))}
          aria-describedby={`${titleId}-${name}`}
          placeholder={name === "orderRef" ? "CS-2026-0142" : undefined}
        />
      </label>
      <small id={`${titleId}-${name}`} className={error(name) ? "field-error" : undefined}>
        {error(name) ?? hint}
      </small>
    </div>
  );

  return (
    <div className="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog share-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <div className="heading-row">
          <h2 id={titleId} ref={heading} tabIndex={-1}>
            Share agreement #{a.id.toString()}
          </h2>
          <button type="button" className="secondary" onClick={onClose}>
            Close
          </button>
        </div>
        <p className="muted">{termsTextOf(a.termsURI).shown}</p>
        {blocker ? <p className="notice notice-pending">{blocker} A payment through a link or button shared now would be refused.</p> : null}
        {standing.note ? (
          <p className="notice" data-testid="share-standing">
            {standing.note}
          </p>
        ) : null}

        <fieldset>
          <legend>Amount{asset.data ? ` (${asset.data.symbol})` : ""}</legend>
          <label className="radio">
            <input type="radio" name="share-amount" checked={draft.mode === "range"} onChange={() => set({ mode: "range" })} /> The customer chooses it
          </label>
          <label className="radio">
            <input type="radio" name="share-amount" checked={draft.mode === "fixed"} onChange={() => set({ mode: "fixed" })} /> A fixed amount
          </label>
          {draft.mode === "fixed" ? (
            field("amount", "Amount")
          ) : (
            <div className="row">
              {field("min", "Lowest (optional)")}
              {field("max", "Highest (optional)")}
            </div>
          )}
        </fieldset>
        {field("orderRef", "Order reference (optional)", "Your own reference, shown in the receipt and the audit; at most 31 plain characters.")}

        {asset.error ? (
          <p className="notice notice-error">The agreement's asset could not be read from the chain, so no amount can be checked: {asset.error.message}</p>
        ) : !asset.data ? (
          <p className="loading">Reading the agreement's asset…</p>
        ) : null}
        {snippet ? (
          <>
            <h3>Referral link</h3>
            <div className="share-link">
              <div className="referral">
                <input readOnly value={snippet.link} aria-label="Referral link" onFocus={(e) => e.currentTarget.select()} data-testid="share-link" />
                <CopyButton text={snippet.link} what="link" />
              </div>
              <QrCode text={snippet.link} label={`QR code of the link ${snippet.link}`} />
            </div>
            <h3>Embed on your web page</h3>
            <p className="muted small">
              Paste this where the pay button goes: the script loads the checkout from this app, the element pays with the customer's own wallet.
            </p>
            <textarea readOnly rows={Math.min(12, snippet.html.split("\n").length)} value={snippet.html} aria-label="Embed snippet" data-testid="share-snippet" />
            <CopyButton text={snippet.html} what="snippet" />
            <h3>Preview</h3>
            <CheckoutPreview scriptUrl={snippet.scriptUrl} attributes={snippet.attributes} />
          </>
        ) : asset.data ? (
          <p className="muted" data-testid="share-fix">
            Correct the fields above to get the link and the snippet.
          </p>
        ) : null}
      </div>
    </div>
  );
}

/**
 * The checkout as a partner's page shows it: the element's script loaded once from this app, as the
 * snippet's `<script>` does, and the element created with the snippet's attributes (a new one whenever they
 * change). Attributes rather than React props, so the element reads exactly what the snippet says.
 */
function CheckoutPreview({ scriptUrl, attributes }: { scriptUrl: string; attributes: [string, string][] }) {
  const slot = useRef<HTMLDivElement>(null);
  const script = useEmbedScript(scriptUrl);
  const key = JSON.stringify(attributes);
  useEffect(() => {
    const element = document.createElement(EMBED_ELEMENT);
    for (const [name, value] of JSON.parse(key) as [string, string][]) element.setAttribute(name, value);
    slot.current?.replaceChildren(element);
    return () => element.remove();
  }, [key]);
  return (
    <div className="share-preview" data-testid="share-preview" data-preview={script}>
      {script === "failed" ? (
        <p className="notice notice-error">
          The checkout could not be loaded from {scriptUrl}, so there is no preview: the snippet would not work on a partner's page either until this app
          serves it.
        </p>
      ) : script === "loading" ? (
        <p className="loading">Loading the checkout…</p>
      ) : null}
      <div ref={slot} />
    </div>
  );
}

/** Loads the element's module script once per page (as a host page does), and tells whether it defined the element. */
function useEmbedScript(scriptUrl: string): "loading" | "ready" | "failed" {
  const [state, setState] = useState<"loading" | "ready" | "failed">(() => (customElements.get(EMBED_ELEMENT) ? "ready" : "loading"));
  useEffect(() => {
    if (customElements.get(EMBED_ELEMENT)) return setState("ready");
    let script = [...document.querySelectorAll("script")].find((s) => s.src === scriptUrl);
    // A module that failed to load stays failed for this page (the browser keeps the failure): say so at once.
    if (script?.dataset.state === "failed") return setState("failed");
    if (!script) {
      const added = document.createElement("script");
      added.type = "module";
      added.src = scriptUrl;
      added.addEventListener("error", () => (added.dataset.state = "failed"));
      document.head.append(added);
      script = added;
    }
    let live = true;
    const failed = () => live && setState("failed");
    script.addEventListener("error", failed);
    void customElements.whenDefined(EMBED_ELEMENT).then(() => live && setState("ready"));
    return () => {
      live = false;
      script.removeEventListener("error", failed);
    };
  }, [scriptUrl]);
  return state;
}
