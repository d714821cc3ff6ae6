/**
 * The embed snippet a partner pastes into its own web page: the `<script>` that loads the checkout element
 * from the app's origin and one `<ecoshare-checkout>` element with the deployment, the agreement (or the
 * lines of an order), the amount or its bounds, the partner's referral and an order reference; plus the
 * referral link to the same payment in the app. Written once: the app's Share dialog shows it and the
 * demo's partner site (scripts/demo/partner-site.ts) embeds it.
 *
 * Pure: it checks nothing against the chain and parses no amount (the dialog checks those in the asset's
 * units first); it only refuses values the element could never read.
 */
import { checkoutLink, referralLink } from "./app-links.js";
import type { Address } from "viem";

/** The element's tag name. */
export const EMBED_ELEMENT = "ecoshare-checkout";

/** Where the app serves the element's script (an ES module), relative to the app's base URL. */
export const EMBED_SCRIPT_PATH = "embed/ecoshare-checkout.js";

/** One line of an order: an agreement and the amount to pay to it, as decimal text in the agreement's asset. */
export interface EmbedLine {
  agreementId: bigint;
  amount: string;
}

/** The amount of a single-agreement checkout: fixed, chosen by the customer within bounds, or free. */
export type EmbedAmount = { amount: string } | { minAmount?: string | undefined; maxAmount?: string | undefined };

export type EmbedSnippetParameters = {
  /** The app's base URL, ending with `/` (e.g. `http://127.0.0.1:5173/`): the script and the link point there. */
  appUrl: string;
  chainId: number;
  /** The Ecoshare contract, from the deployment record. */
  contract: Address;
  /** The RPC endpoint the element reads the chain through; left out, the element uses its own default. */
  rpcUrl?: string | undefined;
  /** The deployment's block (from the record): the element reads events from there, never from genesis. */
  fromBlock?: bigint | number | undefined;
  /** The partner credited as referrer (the connected account); left out, a plain pay button. */
  referrer?: Address | undefined;
  /** The host page's order reference (at most 31 printable ASCII characters, as the app's checkout). */
  orderRef?: string | undefined;
  /** Who receives refunds of held payments instead of the payer. */
  refundTo?: Address | undefined;
} & ({ agreementId: bigint; amount?: EmbedAmount | undefined } | { lines: readonly EmbedLine[] });

export interface EmbedSnippetReturnType {
  /** The element's attributes, in the snippet's order (the app's live preview renders them). */
  attributes: [name: string, value: string][];
  /** The script's URL. */
  scriptUrl: string;
  /** The HTML to paste: the script tag, then the element. */
  html: string;
  /** The referral link into the app for the same agreement (pay page) or the same lines (checkout). */
  link: string;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** The snippet and referral link for `parameters`; throws when a value could not be written into the snippet. */
export function embedSnippet(parameters: EmbedSnippetParameters): EmbedSnippetReturnType {
  const { appUrl, chainId, contract, rpcUrl, fromBlock, referrer, orderRef, refundTo } = parameters;
  if (!appUrl.endsWith("/")) throw new Error(`The app's base URL must end with "/" (got ${appUrl}).`);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new Error(`The chain id must be a positive integer (got ${chainId}).`);
  const decimal = (what: string, value: string) => {
    if (!DECIMAL.test(value)) throw new Error(`${what} must be a decimal number such as 0.05 (got "${value}").`);
    return value;
  };
  if (orderRef !== undefined && !/^[\x20-\x7e]{1,31}$/.test(orderRef)) {
    throw new Error(`An order reference is 1 to 31 printable ASCII characters (got "${orderRef}").`);
  }

  const attributes: [string, string][] = [
    ["chain-id", String(chainId)],
    ["contract", contract],
    ...(rpcUrl ? [["rpc-url", rpcUrl] as [string, string]] : []),
    ...(fromBlock === undefined ? [] : [["from-block", BigInt(fromBlock).toString()] as [string, string]]),
  ];
  let link: string;
  if ("lines" in parameters) {
    if (parameters.lines.length === 0) throw new Error("An order needs at least one line.");
    const lines = parameters.lines.map((l, i) => ({
      agreement: l.agreementId.toString(),
      amount: decimal(`Line ${i + 1}'s amount`, l.amount),
      ...(referrer ? { referrer } : {}),
    }));
    attributes.push(["lines", JSON.stringify(lines)]);
    link = checkoutLink(appUrl, referrer, [...new Set(parameters.lines.map((l) => l.agreementId))]);
  } else {
    attributes.push(["agreement", parameters.agreementId.toString()]);
    const amount = parameters.amount;
    if (amount && "amount" in amount) attributes.push(["amount", decimal("The amount", amount.amount)]);
    else {
      if (amount?.minAmount) attributes.push(["min-amount", decimal("The lowest amount", amount.minAmount)]);
      if (amount?.maxAmount) attributes.push(["max-amount", decimal("The highest amount", amount.maxAmount)]);
    }
    if (referrer) attributes.push(["referrer", referrer]);
    link = referralLink(appUrl, parameters.agreementId, referrer);
  }
  if (orderRef !== undefined) attributes.push(["order-ref", orderRef]);
  if (refundTo) attributes.push(["refund-to", refundTo]);

  const scriptUrl = `${appUrl}${EMBED_SCRIPT_PATH}`;
  const html = [
    `<script type="module" src="${escapeAttribute(scriptUrl, '"')}"></script>`,
    `<${EMBED_ELEMENT}`,
    ...attributes.map(([name, value]) => `  ${name}=${quoteAttribute(value)}`),
    `></${EMBED_ELEMENT}>`,
  ].join("\n");
  return { attributes, scriptUrl, html, link };
}

/** `value` as a quoted HTML attribute value: in single quotes when it holds double quotes (JSON), else double. */
function quoteAttribute(value: string): string {
  const quote = value.includes('"') && !value.includes("'") ? "'" : '"';
  return `${quote}${escapeAttribute(value, quote)}${quote}`;
}

function escapeAttribute(value: string, quote: '"' | "'"): string {
  return value.replaceAll("&", "&amp;").replaceAll(quote, quote === '"' ? "&quot;" : "&#39;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
