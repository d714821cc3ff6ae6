/**
 * `<ecoshare-checkout>`: Ecoshare's checkout as a custom element any web page can embed with one script tag
 * (no React). It reads the agreement(s) from the chain, shows the exact split with the app's preview rules
 * (`planOrder`, `partyGains`), pays through the customer's own EIP-6963 wallet with the app's actions, and
 * tells the host page with DOM events (`ecoshare-ready`, `ecoshare-paid`, `ecoshare-failed`). Shadow DOM,
 * styled by a constructed stylesheet: it runs under a strict CSP (docs/embedding.md lists the directives).
 */
import { formatUnits, type Address, type Hash } from "viem";

import type { ActionClients } from "../actions/clients";
import { InsufficientFundsError } from "../actions/prepareOrderTokens";
import type { TxPhase } from "../actions/sendContractTransaction";
import { describeFailure, withLikelyReason } from "../lib/contractErrors";
import { formatAmount, formatBps, NATIVE_ASSET, shortAddress, type AssetInfo } from "../lib/format";
import type { NetworkMetadata } from "../lib/networks";
import { encodeOrderRef, generateOrderRef, parseAmountText, planOrder, type OrderLineInput, type OrderPlan } from "../lib/order";
import type { PaidLine } from "../lib/paidLines";
import { likelyPaymentProblem } from "../lib/paymentChecks";
import { partyGains } from "../lib/splitPreview";
import styles from "./checkout.css?inline";
import { CHECKOUT_ATTRIBUTES, CheckoutConfigError, propertyName, readCheckoutConfig, type CheckoutAttribute, type CheckoutConfig } from "./checkoutConfig";
import { payCheckout } from "./payCheckout";
import { readCheckoutFacts, type CheckoutFacts } from "./readCheckout";
import { checkoutChain, connectWallet, readClient, switchWalletChain, walletChainId, watchWallets, type WalletDetail } from "./wallet";

/** One paid line in `ecoshare-paid`'s detail. Amounts are base units as decimal strings (JSON-safe). */
export interface EcosharePaidLine {
  agreementId: string;
  asset: Address;
  symbol: string;
  decimals: number;
  amount: string;
  networkFee: string;
  referralFee: string;
  vendorShare: string;
  /** Held for the agreement's holdback period: refundable until then, credited after. */
  held: boolean;
}

export interface EcosharePaidDetail {
  txHash: Hash;
  /** The order reference as text (the page's `order-ref`, or the one generated). */
  orderRef: string;
  lines: EcosharePaidLine[];
}

export interface EcoshareFailedDetail {
  /** The plain sentence the customer sees (the app's sentence for a contract error). */
  reason: string;
  /** The contract's custom error ("SelfReferral"), or "UserRejected", "InsufficientFunds", "CheckoutConfigError", … */
  errorName: string | undefined;
}

export interface EcoshareReadyDetail {
  chainId: number;
  contract: Address;
  agreementIds: string[];
}

const PHASE_TEXT: Record<TxPhase, string> = {
  simulating: "Checking the payment with the contract…",
  "awaiting-wallet": "Confirm in your wallet…",
  pending: "Waiting for the transaction to be mined…",
  confirmed: "Confirmed.",
};

/** A permit signed here is void after an hour (chain time). */
const PERMIT_SECONDS = 3600n;

/** What will be paid, and why the typed amount does not do (if so). */
interface Planned {
  plan: OrderPlan;
  amountError: string | undefined;
}

type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: { class?: string; part?: string; attrs?: Record<string, string> } = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.part) el.setAttribute("part", props.part);
  for (const [name, value] of Object.entries(props.attrs ?? {})) el.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

let sharedSheet: CSSStyleSheet | undefined;

export class EcoshareCheckoutElement extends HTMLElement {
  static observedAttributes = [...CHECKOUT_ATTRIBUTES];

  #root: ShadowRoot;
  #brand: CSSStyleSheet | undefined;
  #nodes: { logo: HTMLImageElement; title: HTMLElement; summary: HTMLElement; amountLabel: HTMLLabelElement; amountCaption: HTMLElement; amount: HTMLInputElement; amountHint: HTMLElement; actions: HTMLElement; status: HTMLElement; error: HTMLElement; receipt: HTMLElement };
  #config: CheckoutConfig | undefined;
  #facts: CheckoutFacts | undefined;
  #problem: { reason: string; errorName: string | undefined } | undefined;
  #wallets: readonly WalletDetail[] = [];
  #wallet: WalletDetail | undefined;
  #clients: ActionClients | undefined;
  #walletChain: number | undefined;
  #busy: string | undefined;
  #step: string | undefined;
  #paid: EcosharePaidDetail | undefined;
  #loadSeq = 0;
  #scheduled = false;
  #unwatch: (() => void) | undefined;
  #readyFor: string | undefined;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    if ("adoptedStyleSheets" in Document.prototype && typeof CSSStyleSheet.prototype.replaceSync === "function") {
      sharedSheet ??= new CSSStyleSheet();
      if (sharedSheet.cssRules.length === 0) sharedSheet.replaceSync(styles);
      this.#brand = new CSSStyleSheet();
      this.#root.adoptedStyleSheets = [sharedSheet, this.#brand];
    } else {
      // Browsers without constructable stylesheets (none current): a <style>, which a strict CSP would block.
      this.#root.append(h("style", {}, styles));
    }
    const amount = h("input", { part: "amount-input", attrs: { inputmode: "decimal", autocomplete: "off", placeholder: "0.00" } });
    amount.addEventListener("input", () => {
      this.#paid = undefined;
      this.#problem = undefined;
      this.#render();
    });
    const amountCaption = h("span", {}, "Amount");
    const amountHint = h("small", {});
    const amountLabel = h("label", { part: "amount" }, amountCaption, amount, amountHint);
    this.#nodes = {
      logo: h("img", { part: "logo", attrs: { alt: "" } }),
      title: h("strong", {}, "Ecoshare checkout"),
      summary: h("div", { part: "summary", class: "summary" }),
      amountLabel,
      amountCaption,
      amount,
      amountHint,
      actions: h("div", { class: "actions" }),
      status: h("p", { class: "status", attrs: { role: "status", "aria-live": "polite" } }),
      error: h("div", { part: "error", class: "error", attrs: { role: "alert" } }),
      receipt: h("div", { part: "receipt", class: "receipt" }),
    };
    const n = this.#nodes;
    n.logo.hidden = true;
    this.#root.append(
      h(
        "div",
        { class: "checkout", part: "container" },
        h("header", { part: "header" }, n.logo, h("div", {}, n.title, h("small", {}, "Checkout, split on-chain by Ecoshare"))),
        n.amountLabel,
        n.summary,
        n.actions,
        n.status,
        n.error,
        n.receipt,
        h("footer", {}, "You pay from your own wallet; the split shown is what the contract will record."),
      ),
    );
  }

  connectedCallback(): void {
    this.#unwatch ??= watchWallets((wallets) => {
      this.#wallets = wallets;
      this.#render();
    });
    this.#schedule();
  }

  disconnectedCallback(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  attributeChangedCallback(): void {
    this.#paid = undefined;
    this.#schedule();
  }

  /** Attribute changes made together (a snippet, a framework's render) load once. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      void this.#load();
    });
  }

  #emit(name: "ecoshare-ready", detail: EcoshareReadyDetail): void;
  #emit(name: "ecoshare-paid", detail: EcosharePaidDetail): void;
  #emit(name: "ecoshare-failed", detail: EcoshareFailedDetail): void;
  #emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #fail(reason: string, errorName: string | undefined): void {
    this.#problem = { reason, errorName };
    this.#render();
    this.#emit("ecoshare-failed", { reason, errorName });
  }

  async #load(): Promise<void> {
    if (!this.isConnected) return;
    const seq = ++this.#loadSeq;
    let config: CheckoutConfig;
    try {
      config = readCheckoutConfig((name) => this.getAttribute(name));
    } catch (error) {
      this.#config = undefined;
      this.#facts = undefined;
      if (error instanceof CheckoutConfigError) return this.#fail(error.message, error.name);
      throw error;
    }
    const changedChain = this.#config?.chainId !== config.chainId || this.#config?.rpcUrl !== config.rpcUrl;
    this.#config = config;
    this.#problem = undefined;
    if (changedChain && this.#clients) this.#clients = { ...this.#clients, ...this.#rebuiltClients(config) };
    if (config.customerAmount && this.#nodes.amount.value === "" && config.lines[0]?.amount) this.#nodes.amount.value = config.lines[0].amount;
    const client = this.#readClient(config);
    if (!client) {
      this.#facts = undefined;
      return this.#render();
    }
    this.#busy = this.#facts ? undefined : "Reading the agreement…";
    this.#render();
    try {
      const referrers = [config.referrer, ...config.lines.map((l) => l.referrer)].filter((r): r is Address => r !== undefined);
      const facts = await readCheckoutFacts(client, { ecoshare: config.contract, agreementIds: config.lines.map((l) => l.agreementId), referrers, fromBlock: config.fromBlock });
      if (seq !== this.#loadSeq) return;
      this.#facts = facts;
      this.#busy = undefined;
      this.#brandWith(facts.networks.get(facts.agreements.get(config.lines[0]!.agreementId)!.networkId));
      this.#render();
      const key = `${config.chainId}:${config.contract}:${config.lines.map((l) => l.agreementId).join(",")}`;
      if (this.#readyFor !== key) {
        this.#readyFor = key;
        this.#emit("ecoshare-ready", { chainId: config.chainId, contract: config.contract, agreementIds: config.lines.map((l) => l.agreementId.toString()) });
      }
    } catch (error) {
      if (seq !== this.#loadSeq) return;
      this.#busy = undefined;
      this.#facts = undefined;
      const failure = describeFailure(error);
      const reason =
        failure.kind === "reverted"
          ? failure.message
          : `The checkout could not read the chain: ${failure.message} Check the chain-id, contract and rpc-url attributes, then reload.`;
      this.#fail(reason, failure.kind === "reverted" ? failure.errorName : "ReadFailed");
    }
  }

  /** Reads go through the page's RPC URL, or through the wallet once it is on the checkout's chain. */
  #readClient(config: CheckoutConfig) {
    if (config.rpcUrl) return readClient(checkoutChain(config.chainId, config.rpcUrl), config.rpcUrl);
    if (this.#clients && this.#walletChain === config.chainId) return this.#clients.publicClient;
    return undefined;
  }

  #rebuiltClients(config: CheckoutConfig): Partial<ActionClients> {
    if (!this.#wallet) return {};
    const publicClient = readClient(checkoutChain(config.chainId, config.rpcUrl), config.rpcUrl, this.#wallet);
    return publicClient ? { publicClient } : {};
  }

  #brandWith(metadata: NetworkMetadata | undefined): void {
    const n = this.#nodes;
    n.title.textContent = metadata?.name ?? "Ecoshare checkout";
    if (metadata?.logo) {
      n.logo.src = metadata.logo;
      n.logo.alt = `${metadata.name} logo`;
      n.logo.hidden = false;
    } else n.logo.hidden = true;
    // readMetadata lets only hex colours through, so nothing else reaches the stylesheet.
    const rules = [metadata?.colors?.accent ? `--_brand-accent: ${metadata.colors.accent};` : "", metadata?.colors?.background ? `--_brand-background: ${metadata.colors.background};` : ""].join("");
    this.#brand?.replaceSync(rules ? `:host { ${rules} }` : "");
  }

  /** The plan of what will be paid, by the app's rules, once the facts are read and the amounts read. */
  #plan(): Planned | undefined {
    const config = this.#config;
    const facts = this.#facts;
    // Facts read for other attributes (a reload under way) plan nothing.
    if (!config || !facts || config.lines.some((l) => !facts.agreements.has(l.agreementId))) return undefined;
    const inputs: OrderLineInput[] = [];
    let amountError: string | undefined;
    for (const line of config.lines) {
      const agreement = facts.agreements.get(line.agreementId)!;
      const info = facts.assets.get(agreement.asset.toLowerCase())!;
      const text = config.customerAmount ? this.#nodes.amount.value : (line.amount ?? "");
      const parsed = parseAmountText(text, info);
      if (!parsed) {
        amountError = `Enter an amount in ${info.symbol}.`;
        continue;
      }
      if ("error" in parsed) {
        amountError = parsed.error;
        continue;
      }
      if (config.customerAmount) amountError = boundsProblem(parsed.amount, config, info);
      inputs.push({ agreement, amount: parsed.amount, referrer: line.referrer });
    }
    const plan = planOrder({
      lines: inputs,
      referrer: config.referrer,
      payer: this.#clients?.walletClient.account.address,
      standingOf: facts.standingOf,
      volumeOf: facts.volumeOf,
      now: facts.now,
    });
    return { plan, amountError };
  }

  async #connect(wallet: WalletDetail): Promise<void> {
    const config = this.#config;
    if (!config) return;
    this.#busy = `Connecting ${wallet.info.name}…`;
    this.#problem = undefined;
    this.#render();
    try {
      const chain = checkoutChain(config.chainId, config.rpcUrl);
      this.#clients = await connectWallet(wallet, chain, config.rpcUrl);
      this.#wallet = wallet;
      this.#walletChain = await walletChainId(this.#clients);
      const provider = wallet.provider as { on?: (event: string, listener: (value: unknown) => void) => void };
      // Listen once per wallet: connecting again (another account) adds no second listener.
      if (!this.#listening.has(wallet.provider)) this.#listen(provider);
      this.#busy = undefined;
      if (!this.#facts) await this.#load();
      this.#render();
    } catch (error) {
      this.#busy = undefined;
      this.#clients = undefined;
      this.#failWith(error);
    }
  }

  #listening = new WeakSet<object>();

  #listen(provider: { on?: (event: string, listener: (value: unknown) => void) => void }): void {
    this.#listening.add(provider);
    provider.on?.("chainChanged", (id) => {
      this.#walletChain = Number(id);
      if (!this.#facts) void this.#load();
      this.#render();
    });
    provider.on?.("accountsChanged", () => {
      // Another account: connect again so the plan (self-referral, balances) is the new payer's.
      this.#clients = undefined;
      this.#render();
    });
  }

  async #switchChain(): Promise<void> {
    const config = this.#config;
    if (!config || !this.#clients) return;
    this.#busy = "Switching your wallet's network…";
    this.#problem = undefined;
    this.#render();
    try {
      await switchWalletChain(this.#clients, checkoutChain(config.chainId, config.rpcUrl));
      this.#walletChain = await walletChainId(this.#clients);
      this.#busy = undefined;
      if (!this.#facts) await this.#load();
      this.#render();
    } catch (error) {
      this.#busy = undefined;
      this.#failWith(error);
    }
  }

  #failWith(error: unknown, likely?: string): void {
    if (error instanceof InsufficientFundsError) return this.#fail(error.message, "InsufficientFunds");
    const failure = withLikelyReason(describeFailure(error), likely);
    const errorName = failure.kind === "rejected" ? "UserRejected" : failure.kind === "reverted" ? failure.errorName : error instanceof Error ? error.name : undefined;
    this.#fail(failure.message, errorName);
  }

  async #pay(): Promise<void> {
    const config = this.#config;
    const facts = this.#facts;
    const clients = this.#clients;
    const planned = this.#plan();
    if (!config || !facts || !clients || !planned || planned.amountError || planned.plan.problems.length > 0) return;
    const orderRefText = config.orderRef ?? generateOrderRef();
    const encoded = encodeOrderRef(orderRefText);
    if ("error" in encoded) return this.#fail(encoded.error, "CheckoutConfigError");
    this.#busy = "Paying…";
    this.#problem = undefined;
    this.#paid = undefined;
    this.#render();
    try {
      const { receipt, lines } = await payCheckout(
        clients,
        {
          ecoshare: config.contract,
          chainId: config.chainId,
          plan: planned.plan,
          single: config.lines.length === 1 && !config.lines[0]!.referrer,
          orderRefText,
          orderRef: encoded.orderRef,
          refundTo: config.refundTo,
          infoOf: (asset) => facts.assets.get(asset.toLowerCase()),
          deadline: facts.now + PERMIT_SECONDS,
        },
        {
          onStep: (text) => {
            this.#step = text;
            this.#render();
          },
          onPhase: (phase) => {
            this.#busy = PHASE_TEXT[phase];
            this.#render();
          },
        },
      );
      this.#paid = { txHash: receipt.transactionHash, orderRef: orderRefText, lines: lines.map((l) => this.#paidLine(l)) };
      this.#busy = undefined;
      this.#step = undefined;
      if (config.customerAmount) this.#nodes.amount.value = "";
      this.#render();
      this.#emit("ecoshare-paid", this.#paid);
      // The pools moved: read again so a next payment's preview is exact.
      void this.#load();
    } catch (error) {
      this.#busy = undefined;
      this.#step = undefined;
      this.#failWith(error, likelyPaymentProblem(planned.plan.problems));
    }
  }

  #paidLine(line: PaidLine): EcosharePaidLine {
    const info = this.#facts!.assets.get(line.asset.toLowerCase())!;
    return {
      agreementId: line.agreementId.toString(),
      asset: line.asset,
      symbol: info.symbol,
      decimals: info.decimals,
      amount: line.amount.toString(),
      networkFee: line.networkFee.toString(),
      referralFee: line.referralFee.toString(),
      vendorShare: line.vendorShare.toString(),
      held: line.held,
    };
  }

  #render(): void {
    const n = this.#nodes;
    const config = this.#config;
    const facts = this.#facts;
    const planned = this.#plan();

    // The amount field: only when the customer chooses it.
    n.amountLabel.hidden = !config?.customerAmount || !planned;
    if (config?.customerAmount && facts && planned) {
      const info = facts.assets.get(facts.agreements.get(config.lines[0]!.agreementId)!.asset.toLowerCase())!;
      n.amountCaption.textContent = `Amount (${info.symbol})`;
      n.amountHint.textContent = boundsText(config, info);
      n.amount.setAttribute("aria-invalid", String(Boolean(planned?.amountError && n.amount.value !== "")));
    }

    n.summary.replaceChildren(...(planned ? this.#summary(planned.plan, planned.amountError) : []));
    n.actions.replaceChildren(...this.#actions(planned));
    n.status.textContent = this.#step ?? this.#busy ?? "";
    n.status.hidden = !this.#step && !this.#busy;
    n.error.textContent = this.#problem?.reason ?? "";
    n.error.hidden = !this.#problem;
    n.receipt.replaceChildren(...(this.#paid ? this.#receipt(this.#paid) : []));
    n.receipt.hidden = !this.#paid;
  }

  #summary(plan: OrderPlan, amountError: string | undefined): Node[] {
    const facts = this.#facts!;
    const infoOf = (asset: Address) => facts.assets.get(asset.toLowerCase())!;
    const multiNetwork = new Set(plan.lines.map((l) => l.agreement.networkId)).size > 1;
    const nodes: Node[] = plan.lines.map((line, i) => {
      const info = infoOf(line.agreement.asset);
      const network = facts.networks.get(line.agreement.networkId)?.name ?? `Network #${line.agreement.networkId}`;
      const referred = line.referrer !== NATIVE_ASSET;
      const rows = [
        row(`Network fee (${formatBps(line.agreement.networkFeeBps)})`, formatAmount(line.split.networkFee, info), "networkFee"),
        row(`Referral fee (${referred ? `${formatBps(line.referralFeeBps)} to ${shortAddress(line.referrer)}` : "no referrer"})`, formatAmount(line.split.referralFee, info), "referralFee"),
        row("Vendor share, for the parties", formatAmount(line.split.vendorShare, info), "vendorShare"),
        ...partyGains({ parties: line.agreement.parties, vendorPoolBefore: line.vendorPoolBefore, vendorShare: line.split.vendorShare }).map((p) =>
          row(`↳ ${shortAddress(p.account)} (${formatBps(p.shareBps)})`, formatAmount(p.gain, info), undefined, "sub"),
        ),
      ];
      return h(
        "div",
        { class: "line", attrs: { "data-line": String(i), "data-agreement": line.agreement.id.toString() } },
        h("h3", {}, h("span", {}, `${plan.lines.length > 1 ? `${i + 1}. ` : ""}${multiNetwork ? `${network} · ` : ""}Agreement #${line.agreement.id}`), h("span", {}, formatAmount(line.amount, info))),
        h("table", {}, h("tbody", {}, ...rows)),
        line.referrerSkipped ? h("p", { class: "note" }, line.referrerSkipped) : null,
        line.held ? h("p", { class: "note" }, "Held for a while: within that time the vendor can refund you in full; after it, the split is credited.") : null,
      );
    });
    if (plan.lines.length > 1) {
      nodes.push(h("div", { class: "totals", attrs: { "data-testid": "totals" } }, h("span", {}, "Total"), h("span", {}, plan.totals.map((t) => formatAmount(t.amount, infoOf(t.asset))).join(" + "))));
    }
    const problems = [...(amountError && (this.#nodes.amount.value !== "" || !this.#config?.customerAmount) ? [amountError] : []), ...plan.problems.filter((p) => !p.startsWith("Add at least"))];
    for (const problem of problems) nodes.push(h("p", { class: "note", attrs: { "data-problem": "" } }, problem));
    return nodes;
  }

  #actions(planned: Planned | undefined): Node[] {
    const config = this.#config;
    if (!config) return [];
    const busy = Boolean(this.#busy);
    if (!this.#clients) {
      if (this.#wallets.length === 0) {
        return [h("p", { class: "muted" }, "No browser wallet found. Install one (a wallet extension for your browser), then reload this page to pay.")];
      }
      return this.#wallets.map((wallet) => {
        const button = h(
          "button",
          { part: "button", attrs: { type: "button", "data-action": "connect" } },
          wallet.info.icon ? h("img", { attrs: { src: wallet.info.icon, alt: "" } }) : null,
          this.#wallets.length === 1 ? `Connect ${wallet.info.name} to pay` : `Pay with ${wallet.info.name}`,
        );
        button.disabled = busy;
        button.addEventListener("click", () => void this.#connect(wallet));
        return button;
      });
    }
    if (this.#walletChain !== config.chainId) {
      const button = h("button", { part: "button", attrs: { type: "button", "data-action": "switch-chain" } }, `Switch your wallet to ${checkoutChain(config.chainId, config.rpcUrl).name}`);
      button.disabled = busy;
      button.addEventListener("click", () => void this.#switchChain());
      return [h("p", { class: "muted" }, `Your wallet is on chain ${this.#walletChain}; this checkout pays on chain ${config.chainId}.`), button];
    }
    if (this.#paid) {
      // Paid: no second payment by a stray click; the customer starts a new one on purpose.
      const again = h("button", { part: "button", attrs: { type: "button", "data-action": "new-payment" } }, "Make another payment");
      again.addEventListener("click", () => {
        this.#paid = undefined;
        this.#render();
      });
      return [again];
    }
    const plan = planned?.plan;
    const info = plan && this.#facts ? (asset: Address) => this.#facts!.assets.get(asset.toLowerCase())! : undefined;
    const label = !plan || !info || plan.lines.length === 0 ? "Pay" : plan.lines.length === 1 ? `Pay ${formatAmount(plan.lines[0]!.amount, info(plan.lines[0]!.agreement.asset))}` : `Pay the order (${plan.lines.length} lines)`;
    const button = h("button", { part: "button", attrs: { type: "button", "data-action": "pay" } }, label);
    button.disabled = busy || !plan || Boolean(planned?.amountError) || plan.problems.length > 0 || plan.lines.length === 0;
    button.addEventListener("click", () => void this.#pay());
    return [h("small", {}, `Paying from ${shortAddress(this.#clients.walletClient.account.address)} (${this.#wallet?.info.name ?? "wallet"})`), button];
  }

  #receipt(paid: EcosharePaidDetail): Node[] {
    return [
      h("h2", {}, "Paid"),
      ...paid.lines.map((l) => {
        const info = { symbol: l.symbol, decimals: l.decimals };
        const amount = (value: string) => formatAmount(BigInt(value), info);
        return h(
          "div",
          { class: "line", attrs: { "data-paid-agreement": l.agreementId } },
          h("h3", {}, h("span", {}, `Agreement #${l.agreementId}`), h("span", {}, amount(l.amount))),
          h(
            "table",
            {},
            h("tbody", {}, row("Network fee", amount(l.networkFee), "networkFee"), row("Referral fee", amount(l.referralFee), "referralFee"), row("Vendor share", amount(l.vendorShare), "vendorShare")),
          ),
          l.held ? h("p", { class: "note" }, "Held: refundable during the holdback, credited after.") : null,
        );
      }),
      h("p", { class: "note" }, "Order reference: ", h("strong", { attrs: { "data-receipt": "orderRef" } }, paid.orderRef)),
      h("p", { class: "note" }, "Transaction: ", h("code", { attrs: { "data-receipt": "transaction" } }, paid.txHash)),
    ];
  }
}

function row(label: string, value: string, key?: string, className?: string): HTMLTableRowElement {
  return h("tr", className ? { class: className } : {}, h("th", { attrs: { scope: "row" } }, label), h("td", key ? { attrs: { "data-split": key } } : {}, value));
}

function boundsText(config: CheckoutConfig, info: AssetInfo): string {
  const { minAmount: min, maxAmount: max } = config;
  if (min && max) return `Between ${min} and ${max} ${info.symbol}.`;
  if (min) return `At least ${min} ${info.symbol}.`;
  if (max) return `At most ${max} ${info.symbol}.`;
  return "";
}

function boundsProblem(amount: bigint, config: CheckoutConfig, info: AssetInfo): string | undefined {
  const parse = (text: string | undefined) => (text === undefined ? undefined : parseAmountText(text, info));
  const min = parse(config.minAmount);
  const max = parse(config.maxAmount);
  if (min && "amount" in min && amount < min.amount) return `Enter at least ${formatUnits(min.amount, info.decimals)} ${info.symbol}.`;
  if (max && "amount" in max && amount > max.amount) return `Enter at most ${formatUnits(max.amount, info.decimals)} ${info.symbol}.`;
  return undefined;
}

// Each attribute is also a property: `el.chainId = 8453`, `el.lines = [{ agreement: 3, amount: "0.5" }]`.
for (const attribute of CHECKOUT_ATTRIBUTES) {
  Object.defineProperty(EcoshareCheckoutElement.prototype, propertyName(attribute), {
    configurable: true,
    enumerable: true,
    get(this: HTMLElement) {
      const value = this.getAttribute(attribute);
      return attribute === "lines" && value ? JSON.parse(value) : value;
    },
    set(this: HTMLElement, value: unknown) {
      if (value === undefined || value === null || value === "") this.removeAttribute(attribute);
      else this.setAttribute(attribute as CheckoutAttribute, typeof value === "string" ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
    },
  });
}

if (!customElements.get("ecoshare-checkout")) customElements.define("ecoshare-checkout", EcoshareCheckoutElement);

declare global {
  interface HTMLElementTagNameMap {
    "ecoshare-checkout": EcoshareCheckoutElement;
  }
  interface HTMLElementEventMap {
    "ecoshare-ready": CustomEvent<EcoshareReadyDetail>;
    "ecoshare-paid": CustomEvent<EcosharePaidDetail>;
    "ecoshare-failed": CustomEvent<EcoshareFailedDetail>;
  }
}
