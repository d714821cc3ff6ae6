/**
 * Turns the raw logs of the Ecoshare contract into typed events, decoded with the generated ABI.
 * Integers of up to 32 bits (enums, basis points, versions) come out as numbers, wider ones as bigints,
 * addresses checksummed, structs as objects: the same shapes as scripts/lib/eip712.ts (so an agreement's
 * `validFrom` and `validUntil`, uint32 on chain, come out as bigints, as its `AgreementTerms` has them).
 */
import { getAddress, Interface, type EventFragment, type ParamType } from "ethers";

import { ecoshareAbi } from "./abis.generated.js";
import { normaliseValue } from "./abi-values.js";
import type { Address, Hex } from "./eip1193.js";
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
  /** No asset and no split: both follow from the agreement's terms (scripts/lib/ledger.ts derives them). */
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

const ecoshareInterface = new Interface(ecoshareAbi);

/** Event fragments by topic, computed once: ethers would hash every event's signature on every lookup. */
const eventsByTopic = new Map<string, EventFragment>();
ecoshareInterface.forEachEvent((event) => eventsByTopic.set(event.topicHash, event));

/**
 * Events made only of one-word values (addresses, integers, booleans, bytes32) — payments, collections,
 * withdrawals — are read word by word: ethers' generic decoder would spend most of an audit's time on them.
 */
const WORD_TYPES = /^(address|bool|uint\d*|bytes32)$/;
const wordOnly = new Set([...eventsByTopic.values()].filter((e) => e.inputs.every((i) => WORD_TYPES.test(i.type))));
const checksummed = new Map<string, string>();

export type DecodeEcoshareLogParameters = { log: RawLog };
/** The decoded event, or `undefined` when the log is not one of Ecoshare's events. */
export type DecodeEcoshareLogReturnType = EcoshareEvent | undefined;

/** Decodes one log of the Ecoshare contract. */
export function decodeEcoshareLog({ log }: DecodeEcoshareLogParameters): DecodeEcoshareLogReturnType {
  const fragment = log.topics[0] === undefined ? undefined : eventsByTopic.get(log.topics[0]);
  if (fragment === undefined) return undefined;
  const args: Record<string, unknown> = {};
  if (wordOnly.has(fragment)) {
    let topic = 1;
    let offset = 2;
    for (const input of fragment.inputs) {
      const word = input.indexed ? log.topics[topic++] : `0x${log.data.slice(offset, (offset += 64))}`;
      if (word === undefined || word.length !== 66) throw new Error(`Malformed ${fragment.name} log in ${log.transactionHash}.`);
      args[input.name] = fromWord(input, word);
    }
  } else {
    const values = ecoshareInterface.decodeEventLog(fragment, log.data, log.topics);
    fragment.inputs.forEach((input, i) => {
      args[input.name] = normaliseValue(input, values[i]);
    });
    if (fragment.name === "AgreementProposed") args.terms = asAgreementTerms(args.terms as Record<string, unknown>);
    if (fragment.name === "MandateSet") args.mandate = asMandate(args.mandate as Record<string, unknown>);
  }
  return {
    eventName: fragment.name as EcoshareEventName,
    args,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    transactionIndex: log.transactionIndex,
    logIndex: log.logIndex,
  } as EcoshareEvent;
}

/** The topic (selector) of each event, e.g. to filter `eth_getLogs` by event. */
export function eventTopic(name: EcoshareEventName): Hex {
  const event = ecoshareInterface.getEvent(name);
  if (event === null) throw new Error(`The Ecoshare ABI has no event ${name}.`);
  return event.topicHash as Hex;
}

/** The names of the events in the generated ABI, to check this module covers them all. */
export function abiEventNames(): string[] {
  const names: string[] = [];
  ecoshareInterface.forEachEvent((event) => names.push(event.name));
  return names;
}

/** Decoded terms in the shape of eip712.ts's `AgreementTerms`: the validity window as bigints. */
function asAgreementTerms(terms: Record<string, unknown>): AgreementTerms {
  return { ...terms, validFrom: BigInt(terms.validFrom as number), validUntil: BigInt(terms.validUntil as number) } as unknown as AgreementTerms;
}

/** A decoded mandate in the shape of eip712.ts's `MandateStruct`: its expiry as a bigint. */
function asMandate(mandate: Record<string, unknown>): MandateStruct {
  return { ...mandate, expiresAt: BigInt(mandate.expiresAt as number) } as unknown as MandateStruct;
}

/** One ABI word as {@link normaliseValue} would give it. */
function fromWord(input: ParamType, word: string): unknown {
  if (input.type === "address") {
    const lower = `0x${word.slice(26)}`;
    let address = checksummed.get(lower);
    if (address === undefined) checksummed.set(lower, (address = getAddress(lower)));
    return address;
  }
  if (input.type === "bool") return BigInt(word) !== 0n;
  if (input.type === "bytes32") return word;
  return normaliseValue(input, BigInt(word));
}
