/**
 * Turns the raw logs of the Ecoshare contract into typed events: the one decoder of the protocol's
 * client, used by the audit, the demo seed, the app and the indexer. viem's `decodeEventLog` over the
 * generated ABI (`as const`), given only the event the log's first topic names (found in a map built
 * once), since viem would otherwise format and look up the signature of every event of the ABI per log.
 *
 * The hot events, those every payment emits ({@link HOT_EVENTS}), are read word by word instead: each is
 * a fixed layout of one-word values (a held payment's struct too), so each field is a slice of a topic or
 * of the data at an offset known from the ABI. Measured on the demo's logs (bench/audit.md, "decoding
 * alone"): viem's generic decoder allocates a cursor per topic and decodes several times slower. The word reader is built
 * from the same ABI and checked against viem's decoder on every event kind (test/tooling/decode-events.test.ts).
 *
 * Integers of up to 32 bits (enums, basis points, versions) come out as numbers, wider ones as bigints,
 * addresses checksummed, structs as objects: the same shapes as client/eip712.ts (so an agreement's
 * `validFrom` and `validUntil`, uint32 on chain, come out as bigints, as its `AgreementTerms` has them).
 * viem gives integers of up to 48 bits as numbers: those of 33 to 48 bits are widened here.
 */
import { decodeEventLog, getAddress, toEventSelector, type AbiEvent, type AbiParameter, type Address, type Hex } from "viem";

import { integerBits, isNumberInteger } from "./abi-values.js";
import { ecoshareAbi } from "./abis.generated.js";
import type { AgreementTerms, MandateStruct } from "./eip712.js";
import type { RawLog } from "./fetch-logs.js";
import type { MemberRole, NetworkKind } from "./protocol.js";

/** A payment held by an agreement with a holdback period (IReferralPayments.HeldPayment), as the `PaymentHeld` event carries it. */
export interface HeldPayment {
  holdId: bigint;
  agreementId: bigint;
  payer: Address;
  referrer: Address;
  asset: Address;
  amount: bigint;
  networkFee: bigint;
  referralFee: bigint;
  vendorShare: bigint;
  releaseAt: bigint;
  /** Who a refund credits: the payer unless the payment (or its order) named someone else. */
  refundTo: Address;
}

/** The arguments of every event the Ecoshare contract emits, by event name. */
export interface EcoshareEventArgs {
  NetworkCreated: { networkId: bigint; operator: Address; kind: NetworkKind; feeRecipient: Address; feeBps: number; metadataURI: string };
  NetworkFeeUpdated: { networkId: bigint; feeRecipient: Address; feeBps: number };
  NetworkMetadataUpdated: { networkId: bigint; metadataURI: string };
  OperatorTransferStarted: { networkId: bigint; operator: Address; newOperator: Address };
  OperatorTransferred: { networkId: bigint; previousOperator: Address; newOperator: Address };
  MembershipRequested: { networkId: bigint; account: Address; role: MemberRole; metadataURI: string };
  MemberAdmitted: { networkId: bigint; account: Address; admittedBy: Address };
  MembershipDeclined: { networkId: bigint; account: Address; declinedBy: Address };
  MemberSuspended: { networkId: bigint; account: Address; operator: Address };
  MemberReinstated: { networkId: bigint; account: Address; operator: Address };
  MemberLeft: { networkId: bigint; account: Address };
  MemberMetadataUpdated: { networkId: bigint; account: Address; metadataURI: string };
  AgreementProposed: { agreementId: bigint; networkId: bigint; proposer: Address; previousId: bigint; version: number; terms: AgreementTerms };
  AgreementAccepted: { agreementId: bigint; party: Address; bySignature: boolean };
  AgreementActivated: { agreementId: bigint; previousId: bigint };
  AgreementSuperseded: { previousId: bigint; agreementId: bigint };
  AgreementTerminated: { agreementId: bigint; party: Address };
  AgreementCountered: { agreementId: bigint; counteredId: bigint; author: Address };
  CounterNonceInvalidated: { author: Address; nonce: bigint };
  /** `nonce`: the member's mandate nonce this set used (the mandate's version, named by AcceptedByMandate). */
  MandateSet: { networkId: bigint; member: Address; nonce: bigint; mandate: MandateStruct };
  MandateRevoked: { networkId: bigint; member: Address; nonce: bigint };
  /** An AgreementAccepted (bySignature false) for the same party follows in the same transaction. */
  AcceptedByMandate: { agreementId: bigint; party: Address; mandateNonce: bigint };
  /** No asset and no split: both follow from the agreement's terms (client/ledger.ts derives them). */
  PaymentSplit: { agreementId: bigint; payer: Address; referrer: Address; amount: bigint; orderRef: Hex };
  /** The next `lineCount` PaymentSplit events of the same transaction are the order's lines. */
  OrderPaid: { payer: Address; orderRef: Hex; lineCount: bigint; refundTo: Address };
  ReferralTierApplied: { agreementId: bigint; referrer: Address; tier: number; feeBps: number; volumeBefore: bigint };
  PaymentHeld: { holdId: bigint; agreementId: bigint; held: HeldPayment };
  HeldPaymentReleased: { holdId: bigint; agreementId: bigint };
  HeldPaymentRefunded: { holdId: bigint; agreementId: bigint; refundTo: Address; amount: bigint };
  EarningsCollected: { agreementId: bigint; account: Address; asset: Address; partyShare: bigint; networkFee: bigint };
  /** Earnings `collect` paid straight to `account`, in the agreement's asset, without touching its balance. */
  EarningsPaid: { agreementId: bigint; account: Address; partyShare: bigint; networkFee: bigint };
  Withdrawn: { account: Address; asset: Address; recipient: Address; amount: bigint };
  EIP712DomainChanged: Record<string, never>;
}

export type EcoshareEventName = keyof EcoshareEventArgs;

/** Where a log sits in the chain. */
export interface LogPosition {
  blockNumber: bigint;
  transactionHash: Hex;
  transactionIndex: number;
  logIndex: number;
}

/** One decoded event: its name, its typed arguments and its position. */
export type EcoshareEvent = {
  [N in EcoshareEventName]: { eventName: N; args: EcoshareEventArgs[N] } & LogPosition;
}[EcoshareEventName];

/** The event named `N`. */
export type EcoshareEventOf<N extends EcoshareEventName> = Extract<EcoshareEvent, { eventName: N }>;

/** The agreement terms' validity window: uint32 on chain, bigints in eip712.ts's `AgreementTerms`. */
const BIGINT_FIELDS = new Set(["validFrom", "validUntil", "expiresAt"]);

type EcoshareAbiEvent = Extract<(typeof ecoshareAbi)[number], { type: "event" }>;

/** Turns viem's values into the shared shapes, in place; `undefined` when viem's already are. */
type Widen = (value: Record<string, unknown>) => void;

/**
 * The events every payment emits: read word by word ({@link wordLayout}). Any other event goes through
 * viem's decoder.
 */
export const HOT_EVENTS: readonly EcoshareEventName[] = ["PaymentSplit", "ReferralTierApplied", "PaymentHeld", "HeldPaymentReleased", "OrderPaid"];

interface KnownEvent {
  name: EcoshareEventName;
  /** The ABI viem is given: this event alone. */
  abi: readonly [EcoshareAbiEvent];
  widen: Widen | undefined;
  /** Hot events only: where each field sits, word by word. */
  words: WordLayout | undefined;
}

const eventItems = ecoshareAbi.filter((item): item is EcoshareAbiEvent => item.type === "event");
/** Events by topic, computed once. */
const eventsByTopic = new Map<string, KnownEvent>(
  eventItems.map((item) => [
    toEventSelector(item as AbiEvent),
    {
      name: item.name as EcoshareEventName,
      abi: [item] as const,
      widen: widener(item.inputs as readonly AbiParameter[]),
      words: HOT_EVENTS.includes(item.name as EcoshareEventName) ? wordLayout(item as AbiEvent) : undefined,
    },
  ]),
);
const topicsByName = new Map<string, Hex>([...eventsByTopic].map(([topic, event]) => [event.name, topic as Hex]));

export type DecodeEcoshareLogParameters = { log: RawLog };
/** The decoded event, or `undefined` when the log is not one of Ecoshare's events. */
export type DecodeEcoshareLogReturnType = EcoshareEvent | undefined;

/** Decodes one log of the Ecoshare contract. Throws, in plain words, on a log of a known event that does not fit it. */
export function decodeEcoshareLog({ log }: DecodeEcoshareLogParameters): DecodeEcoshareLogReturnType {
  const topic = log.topics[0];
  const known = topic === undefined ? undefined : eventsByTopic.get(topic);
  if (known === undefined) return undefined;
  let args: Record<string, unknown>;
  try {
    if (known.words !== undefined) args = readWords(known.words, log);
    else {
      args = decodeEventLog({ abi: known.abi, topics: log.topics as [Hex, ...Hex[]], data: log.data, strict: true }).args as Record<string, unknown>;
      known.widen?.(args);
    }
  } catch (error) {
    throw new Error(`The ${known.name} log ${log.logIndex} of transaction ${log.transactionHash} does not fit the Ecoshare ABI: ${(error as Error).message.split("\n")[0]}`);
  }
  return {
    eventName: known.name,
    args,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    transactionIndex: log.transactionIndex,
    logIndex: log.logIndex,
  } as EcoshareEvent;
}

/** The topic (selector) of each event, e.g. to filter `eth_getLogs` by event. */
export function eventTopic(name: EcoshareEventName): Hex {
  const topic = topicsByName.get(name);
  if (topic === undefined) throw new Error(`The Ecoshare ABI has no event ${name}.`);
  return topic;
}

/** The names of the events in the generated ABI, to check this module covers them all. */
export function abiEventNames(): string[] {
  return eventItems.map((item) => item.name);
}

/**
 * What turns viem's values for `params` into the shared shapes (integers of 33 to 48 bits, and the terms'
 * validity window, as bigints), or `undefined` when nothing needs to change: the hot events need nothing.
 */
function widener(params: readonly AbiParameter[]): Widen | undefined {
  const steps: Widen[] = [];
  for (const param of params) {
    const name = param.name!;
    const bits = integerBits(param.type);
    // viem gives integers of up to 48 bits as numbers.
    if (bits !== undefined && bits <= 48 && (!isNumberInteger(param.type) || BIGINT_FIELDS.has(name))) {
      steps.push((value) => (value[name] = BigInt(value[name] as number)));
    } else if ("components" in param && param.components !== undefined) {
      const inner = widener(param.components);
      if (inner === undefined) continue;
      if (param.type === "tuple") steps.push((value) => inner(value[name] as Record<string, unknown>));
      else if (param.type === "tuple[]") steps.push((value) => (value[name] as Record<string, unknown>[]).forEach(inner));
      else throw new Error(`decode-events cannot widen ${param.type} ${name}: teach widener this type.`);
    }
  }
  return steps.length === 0 ? undefined : (value) => steps.forEach((step) => step(value));
}

/**
 * One field of a word layout: a value read from one 32-byte word at a place fixed by the ABI (`topic`: the
 * index of its topic; otherwise `offset`: where its 64 hex digits start in the data), or a struct of such fields.
 */
type WordField = { name: string; read: (word: string) => unknown; topic?: number; offset?: number } | { name: string; fields: WordField[] };

interface WordLayout {
  fields: WordField[];
  /** Topics after the selector, and 32-byte words of data. */
  topics: number;
  words: number;
}

const ZERO_PREFIX = "0".repeat(56);
const checksummed = new Map<string, Hex>();

/** Reads one word (64 hex digits, no 0x) as `type` in the shared shapes: what viem gives, widened as {@link widener} widens. */
function wordReader(type: string, name: string): (word: string) => unknown {
  if (type === "address") {
    return (word) => {
      const lower = `0x${word.slice(24)}`;
      let address = checksummed.get(lower);
      if (address === undefined) checksummed.set(lower, (address = getAddress(lower)));
      return address;
    };
  }
  if (type === "bool") return (word) => /[^0]/.test(word);
  if (type === "bytes32") return (word) => `0x${word}`;
  // Unsigned only: a negative int would need its two's complement read.
  const unsigned = type.startsWith("uint") && integerBits(type) !== undefined;
  if (unsigned && isNumberInteger(type) && !BIGINT_FIELDS.has(name)) {
    return (word) => {
      if (!word.startsWith(ZERO_PREFIX)) throw new Error(`${name} does not fit a ${type}`);
      return Number.parseInt(word.slice(56), 16);
    };
  }
  if (unsigned) return (word) => BigInt(`0x${word}`);
  throw new Error(`decode-events cannot read ${type} ${name} word by word: leave its event out of HOT_EVENTS or teach wordReader the type.`);
}

/** Where each field of `event` sits: indexed ones in the topics, the rest (static structs flattened) in the data's words. */
function wordLayout(event: AbiEvent): WordLayout {
  let topics = 0;
  let words = 0;
  const field = (param: AbiParameter, indexed: boolean): WordField => {
    if (param.type === "tuple" && "components" in param && !indexed) return { name: param.name!, fields: param.components.map((c) => field(c, false)) };
    const read = wordReader(param.type, param.name!);
    // Topic 0 is the selector; the data's words start after "0x".
    return indexed ? { name: param.name!, read, topic: ++topics } : { name: param.name!, read, offset: 2 + 64 * words++ };
  };
  const fields = event.inputs.map((input) => field(input, input.indexed === true));
  return { fields, topics, words };
}

/** The arguments of a hot event's log, read word by word. */
function readWords(layout: WordLayout, log: RawLog): Record<string, unknown> {
  if (log.topics.length !== layout.topics + 1) throw new Error(`${log.topics.length - 1} indexed values, not ${layout.topics}`);
  if (log.data.length !== 2 + 64 * layout.words) throw new Error(`${(log.data.length - 2) / 2} bytes of data, not ${32 * layout.words}`);
  return readFields(layout.fields, log);
}

function readFields(fields: readonly WordField[], log: RawLog): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const f of fields) {
    if ("fields" in f) value[f.name] = readFields(f.fields, log);
    else if (f.topic !== undefined) value[f.name] = f.read(log.topics[f.topic]!.slice(2));
    else value[f.name] = f.read(log.data.slice(f.offset, f.offset! + 64));
  }
  return value;
}
