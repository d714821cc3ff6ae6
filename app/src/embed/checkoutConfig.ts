/**
 * The embedded checkout's attributes, read and checked: every mistake a partner can make in its snippet
 * comes back as one plain sentence naming the attribute and what it should hold.
 */
import { getAddress, isAddress, type Address } from "viem";

/** The attributes `<ecoshare-checkout>` reads (each also a camelCase property). */
export const CHECKOUT_ATTRIBUTES = [
  "chain-id",
  "contract",
  "rpc-url",
  "agreement",
  "amount",
  "min-amount",
  "max-amount",
  "lines",
  "referrer",
  "order-ref",
  "refund-to",
  "from-block",
] as const;

export type CheckoutAttribute = (typeof CHECKOUT_ATTRIBUTES)[number];

export interface CheckoutLineConfig {
  agreementId: bigint;
  /** Decimal text in the asset's units ("0.5"); undefined when the customer chooses it (within bounds). */
  amount: string | undefined;
  referrer: Address | undefined;
}

export interface CheckoutConfig {
  chainId: number;
  contract: Address;
  rpcUrl: string | undefined;
  lines: CheckoutLineConfig[];
  /** Bounds of the amount the customer types (single agreement without a fixed `amount`). */
  minAmount: string | undefined;
  maxAmount: string | undefined;
  /** Whether the customer types the amount. */
  customerAmount: boolean;
  referrer: Address | undefined;
  orderRef: string | undefined;
  refundTo: Address | undefined;
  fromBlock: bigint;
}

export class CheckoutConfigError extends Error {
  override name = "CheckoutConfigError";
}

const DECIMAL = /^\d+(\.\d+)?$/;

function address(value: string, attribute: string, what: string): Address {
  if (!isAddress(value, { strict: false })) throw new CheckoutConfigError(`The ${attribute} attribute must be ${what} (0x and 40 hex digits); "${value}" is not one.`);
  return getAddress(value);
}

function positiveInteger(value: string, attribute: string, what: string): bigint {
  if (!/^\d+$/.test(value.trim()) || BigInt(value.trim()) === 0n) throw new CheckoutConfigError(`The ${attribute} attribute must be ${what} (a whole number above 0); "${value}" is not one.`);
  return BigInt(value.trim());
}

function decimal(value: string, attribute: string): string {
  const text = value.trim();
  if (!DECIMAL.test(text)) throw new CheckoutConfigError(`The ${attribute} attribute must be an amount in the asset's units, like 120 or 0.5; "${value}" is not one.`);
  return text;
}

/** Reads the attributes (`get` returns an attribute's value, or null when absent). */
export function readCheckoutConfig(get: (name: CheckoutAttribute) => string | null): CheckoutConfig {
  const value = (name: CheckoutAttribute) => {
    const v = get(name);
    return v === null || v.trim() === "" ? undefined : v.trim();
  };
  const chainText = value("chain-id");
  if (!chainText) throw new CheckoutConfigError("The checkout needs a chain-id attribute: the chain's number, e.g. 8453 for Base or 31337 for a local node.");
  const chainId = Number(positiveInteger(chainText, "chain-id", "the chain's number"));
  const contractText = value("contract");
  if (!contractText) throw new CheckoutConfigError("The checkout needs a contract attribute: the address of the Ecoshare contract on that chain.");
  const contract = address(contractText, "contract", "the Ecoshare contract's address");
  const rpcUrl = value("rpc-url");
  if (rpcUrl && !/^https?:\/\//.test(rpcUrl)) throw new CheckoutConfigError(`The rpc-url attribute must be an http(s) URL; "${rpcUrl}" is not one.`);
  const referrerText = value("referrer");
  const referrer = referrerText ? address(referrerText, "referrer", "the referrer's address") : undefined;
  const refundText = value("refund-to");
  const refundTo = refundText ? address(refundText, "refund-to", "the address refunds are credited to") : undefined;
  const orderRef = value("order-ref");
  if (orderRef !== undefined && (orderRef.length > 31 || !/^[\x20-\x7e]+$/.test(orderRef))) {
    throw new CheckoutConfigError(`The order-ref attribute is 1 to 31 plain ASCII characters (letters, digits, spaces, punctuation); "${orderRef}" is not.`);
  }
  const fromText = value("from-block");
  const fromBlock = fromText ? (/^\d+$/.test(fromText) ? BigInt(fromText) : failFromBlock(fromText)) : 0n;

  const agreementText = value("agreement");
  const linesText = value("lines");
  const minAmount = value("min-amount") === undefined ? undefined : decimal(value("min-amount")!, "min-amount");
  const maxAmount = value("max-amount") === undefined ? undefined : decimal(value("max-amount")!, "max-amount");
  const base = { chainId, contract, rpcUrl, referrer, orderRef, refundTo, fromBlock, minAmount, maxAmount };

  if (agreementText && linesText) throw new CheckoutConfigError("Give either an agreement attribute (one payment) or a lines attribute (an order), not both.");
  if (linesText) {
    if (minAmount || maxAmount) throw new CheckoutConfigError("min-amount and max-amount apply to a single agreement; an order's lines each carry their amount.");
    return { ...base, lines: readLines(linesText), customerAmount: false };
  }
  if (!agreementText) throw new CheckoutConfigError("The checkout needs an agreement attribute (the agreement's number) or a lines attribute (an order).");
  const agreementId = positiveInteger(agreementText, "agreement", "the agreement's number");
  const amountText = value("amount");
  const amount = amountText === undefined ? undefined : decimal(amountText, "amount");
  if (amount === undefined && !minAmount && !maxAmount) {
    throw new CheckoutConfigError("The checkout needs an amount attribute, or min-amount and/or max-amount to let the customer choose the amount.");
  }
  if (minAmount && maxAmount && Number(minAmount) > Number(maxAmount)) throw new CheckoutConfigError(`min-amount (${minAmount}) is above max-amount (${maxAmount}).`);
  const customerAmount = Boolean(minAmount || maxAmount);
  return { ...base, lines: [{ agreementId, amount, referrer: undefined }], customerAmount };
}

function failFromBlock(text: string): never {
  throw new CheckoutConfigError(`The from-block attribute must be a block number (the deployment's block); "${text}" is not one.`);
}

function readLines(text: string): CheckoutLineConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CheckoutConfigError('The lines attribute must be JSON: an array like [{"agreement": 3, "amount": "0.5"}].');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new CheckoutConfigError('The lines attribute must be a non-empty array like [{"agreement": 3, "amount": "0.5"}].');
  return parsed.map((line: unknown, i) => {
    const where = `lines[${i}]`;
    if (typeof line !== "object" || line === null) throw new CheckoutConfigError(`${where} must be an object with agreement and amount.`);
    const { agreement, amount, referrer } = line as Record<string, unknown>;
    if (agreement === undefined || amount === undefined) throw new CheckoutConfigError(`${where} needs an agreement and an amount.`);
    return {
      agreementId: positiveInteger(String(agreement), `${where}.agreement`, "the agreement's number"),
      amount: decimal(String(amount), `${where}.amount`),
      referrer: referrer === undefined || referrer === null || referrer === "" ? undefined : address(String(referrer), `${where}.referrer`, "the line's referrer address"),
    };
  });
}

/** `chain-id` -> `chainId`. */
export function propertyName(attribute: CheckoutAttribute): string {
  return attribute.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
