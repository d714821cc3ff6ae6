/**
 * The ledger rebuilt from the event log alone: every network, agreement, position and balance, with the
 * split and entitlement rules of client/split-math.ts. Events are applied one at a time, in chain
 * order, so the audit rebuilds it in one pass and the app can keep it up to date as new logs arrive.
 *
 * The ledger trusts no number the contract reports: `PaymentSplit` carries no split, so each payment is
 * split by the rules from its agreement's terms (`networkFeeBps`, `referralFeeBps`, tiers from
 * `AgreementProposed`) and the tier its referrer reached; the `ReferralTierApplied` just before it and the
 * `PaymentHeld` just after are cross-checked against that, and every inconsistency between the log and the
 * rules is recorded as an anomaly with the transaction that caused it.
 *
 * Protocol v2 (docs/architecture.md):
 * - Orders: an `OrderPaid` opens an order; the next `lineCount` `PaymentSplit` events of the same
 *   transaction are its lines, in order (the one place this grouping rule is written).
 * - Held payments: a payment under holdback credits nothing until its release; a refund credits its whole
 *   amount to the refund recipient bound into the held record (`refundTo`).
 * - Loyalty volume is earned: a referrer's volume (per lineage, tiered versions only) counts a payment when
 *   it is credited: at once, or for a held payment on its release; a refund changes no volume.
 * - Trust decides the holdback: a tiered payment with a referrer is held for its tier's holdback (the
 *   agreement's at the base tier; 0 credits it at once), any other payment for the agreement's.
 * - Earnings leave by `withdraw` (`EarningsCollected` into the balance, `Withdrawn` out of it) or by
 *   `collect` (`EarningsPaid`: collected and paid straight to the account).
 * - The first version of a negotiation that activates outruns the other pending versions of its lineage.
 * - Mandates: `MandateSet` replaces a member's mandate for one network, `MandateRevoked` removes it; both use
 *   the member's next sequential mandate nonce. An `AcceptedByMandate` must name the nonce of the mandate in
 *   force, and the agreement's terms must fall inside it by the negotiator's rule (client/negotiator.ts,
 *   the contract's bounds); its expiry the contract checked against the block's time, which the log lacks.
 */
import type { Address, Hex } from "viem";
import type { EcoshareEvent, EcoshareEventOf, HeldPayment, LogPosition } from "./decode-events.js";
import type { MandateStruct, ReferralTier } from "./eip712.js";
import { mandateMisses } from "./negotiator.js";
import { AgreementStatus, ETH, MemberStatus, mayRefer, type MemberRole, type NetworkKind } from "./protocol.js";
import { referralTierFor } from "./referral-tiers.js";
import { entitlement, finalEntitlement, openEntitlement, shareStarts, splitPayment, type SplitPaymentReturnType } from "./split-math.js";

/** A network as the log describes it. */
export interface LedgerNetwork {
  id: bigint;
  kind: NetworkKind;
  operator: Address;
  pendingOperator: Address;
  feeRecipient: Address;
  feeBps: number;
  metadataURI: string;
  /** Members and requests; also accounts that left while suspended (status None, awaiting reinstatement). */
  members: Map<Address, LedgerMember>;
}

/** One account's standing in one network, as the contract's `membership` reports it. */
export interface LedgerMember {
  role: MemberRole;
  status: MemberStatus;
  /** Left while suspended: only the operator may admit it again. */
  awaitsReinstatement: boolean;
}

/** One party of an agreement: its slice of the vendor pool and what it collected of it. */
export interface LedgerParty {
  account: Address;
  shareStart: number;
  shareBps: number;
  collected: bigint;
}

/** One version of an agreement, with its running totals. */
export interface LedgerAgreement {
  id: bigint;
  networkId: bigint;
  /** Counts up across the lineage (amendments and counter-proposals). */
  version: number;
  /** The active version this one replaces once active (0: none). */
  previousId: bigint;
  /** The lineage: the id of its first proposal. */
  lineageId: bigint;
  /** The pending version this one counters (0: not a counter-proposal). */
  counteredId: bigint;
  /** Who countered (the proposer of a counter-proposal), when it is one. */
  counterAuthor?: Address;
  /** The version that replaced this one (an amendment) or outran it (a competing version of its negotiation). */
  supersededBy: bigint;
  proposer: Address;
  asset: Address;
  referralFeeBps: number;
  /** Loyalty tiers above the base rate (empty: a flat rate, and no volume is tracked). */
  referralTiers: ReferralTier[];
  /** Who may refer: a bitmask of `1 << MemberRole` (0: any active member). */
  referrerRoles: number;
  networkFeeBps: number;
  feeRecipient: Address;
  /** Seconds each payment stays held (0: none); a tiered payment's referrer may have earned a shorter one. */
  holdbackPeriod: number;
  /** The party that may refund a held payment (address(0) without holdback). */
  refunder: Address;
  validFrom: bigint;
  validUntil: bigint;
  termsHash: Hex;
  termsURI: string;
  status: AgreementStatus;
  parties: LedgerParty[];
  acceptedBy: Address[];
  /** The parties whose standing mandate accepted for them (`AcceptedByMandate`), in log order. */
  acceptedByMandate: Address[];
  /** Sum of the vendor shares credited: of payments not held, and of held payments once released. */
  vendorPool: bigint;
  /** Sum of the network fees credited, as the vendor pool. */
  networkFees: bigint;
  networkFeesCollected: bigint;
  payments: number;
  referredPayments: number;
  /** Sum of the payments' amounts (held and refunded ones included): what customers paid, not what was earned. */
  volume: bigint;
  /** Sum of the referral fees credited out of this agreement's payments. */
  referralFees: bigint;
  /** Payments held now: neither released nor refunded (the contract's `heldPayments`). */
  heldPayments: number;
  /** Their amounts. */
  heldAmount: bigint;
  releasedPayments: number;
  releasedAmount: bigint;
  refundedPayments: number;
  refundedAmount: bigint;
}

/** A payment held by an agreement with a holdback period, and what became of it. */
export interface LedgerHeldPayment extends HeldPayment {
  status: "pending" | "released" | "refunded";
  /** The payment it holds: its index in {@link Ledger.payments}. */
  payment?: number;
  /** The transaction that paid (and held) it, and its block. */
  heldIn: Hex;
  heldAtBlock: bigint;
  /** The transaction that released or refunded it, and its block. */
  settledIn?: Hex;
  settledAtBlock?: bigint;
}

/**
 * A referrer's loyalty and track record in one lineage, under tiered versions: what the contract's
 * `referralRecord` counts (paid, earned = volume, released, refunded, still held = pending).
 */
export interface LedgerReferral {
  lineageId: bigint;
  referrer: Address;
  /** Every tiered payment that named it, held or not, counted when made. */
  paid: bigint;
  /** Held payments released (counted into `volume` too). */
  released: bigint;
  /**
   * Earned volume, what the contract's `referredVolume` returns for every version of the lineage: payments
   * credited at once, and held payments once released.
   */
  volume: bigint;
  /** Held payments that named it and are neither released nor refunded: not counted yet. */
  pending: bigint;
  /** Tiered payments that named it, held and refunded ones included. */
  payments: number;
  /** Held payments refunded: never counted into its volume. */
  refunded: bigint;
  /** The tier and rate its last payment was charged. */
  lastTier: number;
  lastFeeBps: number;
  /** The highest tier any of its payments was charged. */
  highestTier: number;
}

/** The versions of one agreement: proposals, amendments and counter-proposals. */
export interface LedgerLineage {
  lineageId: bigint;
  /** Version ids in the order proposed. */
  versions: bigint[];
  /** The active version (the contract's `activeVersionOf`), or 0 while none has activated. */
  activeId: bigint;
}

/** One account's money in one asset. */
export interface LedgerAccount {
  account: Address;
  asset: Address;
  /** Withdrawable now, as the contract's `balanceOf`. */
  balance: bigint;
  /** Referral fees credited (of held payments: once released). */
  referralFees: bigint;
  /** Held payments refunded to this account as their refund recipient (`refundTo`, by default the payer). */
  refunds: bigint;
  /** Party shares collected from agreements, by `withdraw` (into the balance) or `collect` (paid straight out). */
  collectedShares: bigint;
  /** Network fees collected as fee recipient, by either route. */
  collectedNetworkFees: bigint;
  /** Of those collected earnings, what `collect` paid straight to the account (it never was in the balance). */
  paidByCollect: bigint;
  /** Paid out of the balance by `withdraw` or `withdrawTo`. */
  withdrawn: bigint;
}

/** One payment: a `pay`, a `payWithPermit` or one line of an order, with the split the rules give it. */
export interface LedgerPayment extends LogPosition {
  /** Its place among the payments, from 0, in chain order. */
  index: number;
  agreementId: bigint;
  /** The agreement's asset. */
  asset: Address;
  payer: Address;
  /** address(0): none. */
  referrer: Address;
  amount: bigint;
  orderRef: Hex;
  networkFee: bigint;
  referralFee: bigint;
  vendorShare: bigint;
  /** The referral rate charged: 0 without a referrer, the agreement's rate, or its tier's. */
  referralFeeBps: number;
  /** The loyalty tier charged (tiered agreements with a referrer only; 0 is the base rate). */
  tier?: number;
  /** Seconds it is held: the agreement's holdback, or its tier's (0: credited at once). */
  holdbackPeriod: number;
  /** The order it is a line of (its index in {@link Ledger.orders}) and its line number from 0. */
  order?: number;
  line?: number;
  /** Credited at once, or held (then pending, released or refunded). */
  status: "credited" | "pending" | "released" | "refunded";
  /** Held payments: the hold id and who a refund credits. */
  holdId?: bigint;
  refundTo?: Address;
}

/** One order: `payOrder`'s lines, paid in one transaction under one reference. */
export interface LedgerOrder extends LogPosition {
  /** Its place among the orders, from 0, in chain order. */
  index: number;
  payer: Address;
  orderRef: Hex;
  lineCount: number;
  /** Who a refund of any held line credits (the payer unless it named someone else). */
  refundTo: Address;
  /** Its lines: indexes in {@link Ledger.payments}, in order. */
  lines: number[];
  /** What its lines add up to, per asset, assets in the order of their first line. */
  totals: { asset: Address; amount: bigint }[];
}

/** A counter-proposal nonce its author cancelled (`invalidateCounterNonce`). */
export interface LedgerCounterNonce {
  author: Address;
  nonce: bigint;
  transactionHash: Hex;
}

/** A member's standing mandate for one network, as the log last set it. */
export interface LedgerMandate {
  networkId: bigint;
  member: Address;
  mandate: MandateStruct;
  /** The mandate nonce it was set with. */
  nonce: bigint;
  transactionHash: Hex;
}

/** The key of `member`'s mandate for `networkId` in {@link Ledger.mandates}. */
export function mandateKey(networkId: bigint, member: Address): string {
  return `${networkId}/${member.toLowerCase()}`;
}

/** Something in the log that breaks the rules. */
export interface LedgerAnomaly {
  message: string;
  blockNumber: bigint;
  transactionHash: Hex;
  account?: Address;
  agreementId?: bigint;
}

export interface Ledger {
  networks: Map<bigint, LedgerNetwork>;
  agreements: Map<bigint, LedgerAgreement>;
  /** Keyed by {@link accountKey}. */
  accounts: Map<string, LedgerAccount>;
  /** Every held payment, by hold id. */
  heldPayments: Map<bigint, LedgerHeldPayment>;
  /** Referred volumes, keyed by {@link referralKey}. */
  referrals: Map<string, LedgerReferral>;
  lineages: Map<bigint, LedgerLineage>;
  /** Every payment and order line, in chain order. */
  payments: LedgerPayment[];
  orders: LedgerOrder[];
  cancelledCounterNonces: LedgerCounterNonce[];
  /** Mandates in force (set and not revoked; some may have expired since), keyed by {@link mandateKey}. */
  mandates: Map<string, LedgerMandate>;
  /** Each member's next mandate nonce, keyed by lower-case address. */
  mandateNonces: Map<string, bigint>;
  anomalies: LedgerAnomaly[];
  events: number;
  lastBlock: bigint;
}

/** An empty ledger. */
export function createLedger(): Ledger {
  return {
    networks: new Map(),
    agreements: new Map(),
    accounts: new Map(),
    heldPayments: new Map(),
    referrals: new Map(),
    lineages: new Map(),
    payments: [],
    orders: [],
    cancelledCounterNonces: [],
    mandates: new Map(),
    mandateNonces: new Map(),
    anomalies: [],
    events: 0,
    lastBlock: 0n,
  };
}

/** The key of `referrer`'s volume in lineage `lineageId` in {@link Ledger.referrals}. */
export function referralKey(lineageId: bigint, referrer: Address): string {
  return `${lineageId}/${referrer.toLowerCase()}`;
}

/** The key of `account`'s entry for `asset` in {@link Ledger.accounts}. */
export function accountKey(account: Address, asset: Address): string {
  return `${account.toLowerCase()}/${asset.toLowerCase()}`;
}

/**
 * What one event changed in the ledger: the keys of the entries it created or updated (an entry an event
 * only read may be named too). The indexer writes just these rows.
 */
export interface LedgerChanges {
  networks: Set<bigint>;
  agreements: Set<bigint>;
  /** Keyed by {@link accountKey}. */
  accounts: Set<string>;
  heldPayments: Set<bigint>;
  /** Keyed by {@link referralKey}. */
  referrals: Set<string>;
  lineages: Set<bigint>;
  /** Indexes in {@link Ledger.payments}: new payments, and those whose status or hold changed. */
  payments: Set<number>;
  /** Indexes in {@link Ledger.orders}: new orders, and those that gained a line. */
  orders: Set<number>;
}

export type BuildLedgerParameters = { events: Iterable<EcoshareEvent> };

/** Rebuilds the ledger from `events`, in chain order. */
export function buildLedger({ events }: BuildLedgerParameters): Ledger {
  const builder = ledgerBuilder();
  for (const event of events) builder.add(event);
  return builder.finish();
}

/** A ledger rebuilt as the events arrive (in chain order, e.g. a range of the log at a time): `add` each, then `finish` once. */
export function ledgerBuilder(): { add(event: EcoshareEvent): void; finish(): Ledger; readonly soFar: Ledger } {
  const ledger = createLedger();
  return {
    add: (event) => apply(ledger, event),
    /** The ledger as far as it is built, unchecked (a payment may still await the event that completes it), to read while it grows. */
    get soFar() {
      return ledger;
    },
    finish: () => {
      checkNothingAwaited(ledger);
      return ledger;
    },
  };
}

/** Applies one event to `ledger` and tells what it changed. Events must come in chain order. */
export function applyEvent(ledger: Ledger, event: EcoshareEvent): LedgerChanges {
  const changes: LedgerChanges = {
    networks: new Set(),
    agreements: new Set(),
    accounts: new Set(),
    heldPayments: new Set(),
    referrals: new Set(),
    lineages: new Set(),
    payments: new Set(),
    orders: new Set(),
  };
  const transient = transientOf(ledger);
  transient.changes = changes;
  try {
    apply(ledger, event);
  } finally {
    transient.changes = undefined;
  }
  return changes;
}

/** Records that the event being applied changed an entry (when the caller asked what changed). */
function touch<K extends keyof LedgerChanges>(ledger: Ledger, kind: K, key: LedgerChanges[K] extends Set<infer T> ? T : never): void {
  (transients.get(ledger)?.changes?.[kind] as Set<unknown> | undefined)?.add(key);
}

function apply(ledger: Ledger, event: EcoshareEvent): void {
  ledger.events++;
  if (event.blockNumber > ledger.lastBlock) ledger.lastBlock = event.blockNumber;
  const open = transients.get(ledger)?.order;
  // An order's lines all come in its own transaction: anything else first means some are missing.
  if (open !== undefined && (event.transactionHash !== open.transactionHash || event.eventName === "OrderPaid")) closeOrder(ledger);
  switch (event.eventName) {
    case "NetworkCreated": {
      const { networkId, operator, kind, feeRecipient, feeBps, metadataURI } = event.args;
      touch(ledger, "networks", networkId);
      ledger.networks.set(networkId, {
        id: networkId,
        kind,
        operator,
        pendingOperator: ETH,
        feeRecipient,
        feeBps,
        metadataURI,
        members: new Map(),
      });
      return;
    }
    case "NetworkFeeUpdated": {
      const net = network(ledger, event, event.args.networkId);
      if (net) Object.assign(net, { feeRecipient: event.args.feeRecipient, feeBps: event.args.feeBps });
      return;
    }
    case "NetworkMetadataUpdated": {
      const net = network(ledger, event, event.args.networkId);
      if (net) net.metadataURI = event.args.metadataURI;
      return;
    }
    case "OperatorTransferStarted": {
      const net = network(ledger, event, event.args.networkId);
      if (net) net.pendingOperator = event.args.newOperator;
      return;
    }
    case "OperatorTransferred": {
      const net = network(ledger, event, event.args.networkId);
      if (net) Object.assign(net, { operator: event.args.newOperator, pendingOperator: ETH });
      return;
    }
    case "MembershipRequested": {
      const members = network(ledger, event, event.args.networkId)?.members;
      const awaitsReinstatement = members?.get(event.args.account)?.awaitsReinstatement ?? false;
      members?.set(event.args.account, { role: event.args.role, status: MemberStatus.Pending, awaitsReinstatement });
      return;
    }
    case "MemberAdmitted": {
      const member = memberOf(ledger, event, event.args.networkId, event.args.account);
      if (member) Object.assign(member, { status: MemberStatus.Active, awaitsReinstatement: false });
      return;
    }
    case "MemberReinstated":
    case "MemberSuspended": {
      const member = memberOf(ledger, event, event.args.networkId, event.args.account);
      if (member) member.status = event.eventName === "MemberSuspended" ? MemberStatus.Suspended : MemberStatus.Active;
      return;
    }
    case "MembershipDeclined":
    case "MemberLeft": {
      // Leaving while suspended (or declined while waiting for reinstatement) is remembered on chain.
      const members = network(ledger, event, event.args.networkId)?.members;
      const member = members?.get(event.args.account);
      const remembered = member !== undefined && (member.awaitsReinstatement || (event.eventName === "MemberLeft" && member.status === MemberStatus.Suspended));
      if (remembered) Object.assign(member, { status: MemberStatus.None, awaitsReinstatement: true });
      else members?.delete(event.args.account);
      return;
    }
    case "AgreementProposed":
      proposeAgreement(ledger, event);
      return;
    case "AgreementAccepted": {
      const agreement = agreementOf(ledger, event, event.args.agreementId);
      agreement?.acceptedBy.push(event.args.party);
      return;
    }
    case "AgreementActivated": {
      const agreement = agreementOf(ledger, event, event.args.agreementId);
      if (agreement) activate(ledger, agreement);
      return;
    }
    case "AgreementSuperseded": {
      const agreement = agreementOf(ledger, event, event.args.previousId);
      if (agreement) Object.assign(agreement, { status: AgreementStatus.Superseded, supersededBy: event.args.agreementId });
      return;
    }
    case "AgreementCountered":
      counter(ledger, event);
      return;
    case "CounterNonceInvalidated":
      ledger.cancelledCounterNonces.push({ ...event.args, transactionHash: event.transactionHash });
      return;
    case "MandateSet":
    case "MandateRevoked":
      grantMandate(ledger, event);
      return;
    case "AcceptedByMandate":
      acceptByMandate(ledger, event);
      return;
    case "OrderPaid":
      openOrder(ledger, event);
      return;
    case "ReferralTierApplied":
      transientOf(ledger).tierApplied = event;
      return;
    case "PaymentHeld":
      hold(ledger, event);
      return;
    case "HeldPaymentReleased":
      release(ledger, event);
      return;
    case "HeldPaymentRefunded":
      refund(ledger, event);
      return;
    case "AgreementTerminated": {
      const agreement = agreementOf(ledger, event, event.args.agreementId);
      if (agreement) agreement.status = AgreementStatus.Terminated;
      return;
    }
    case "PaymentSplit":
      splitInto(ledger, event);
      return;
    case "EarningsCollected":
    case "EarningsPaid":
      collectInto(ledger, event);
      return;
    case "Withdrawn":
      withdrawFrom(ledger, event);
      return;
    case "MemberMetadataUpdated":
    case "EIP712DomainChanged":
      return;
  }
}

/**
 * Whether `agreement`'s vendor pool is final at `timestamp`, so its parties may collect their last wei: it
 * takes no more payments and holds none that a release could still add.
 */
export function isClosed(agreement: LedgerAgreement, timestamp: bigint): boolean {
  if (agreement.heldPayments !== 0) return false;
  return (
    agreement.status === AgreementStatus.Terminated ||
    agreement.status === AgreementStatus.Superseded ||
    timestamp > agreement.validUntil
  );
}

export type CollectableParameters = { agreement: LedgerAgreement; account: Address; timestamp: bigint };

/** What `account` may collect from `agreement` at `timestamp`, as the contract's `collectable` computes it. */
export function collectable({ agreement, account, timestamp }: CollectableParameters): bigint {
  const closed = isClosed(agreement, timestamp);
  let owed = 0n;
  const party = agreement.parties.find((p) => sameAddress(p.account, account));
  if (party && party.shareBps !== 0) {
    owed += entitlement({ vendorPool: agreement.vendorPool, shareStart: party.shareStart, shareBps: party.shareBps, closed }) - party.collected;
  }
  if (sameAddress(agreement.feeRecipient, account)) owed += agreement.networkFees - agreement.networkFeesCollected;
  return owed;
}

/**
 * What the contract owes in each asset: every balance, plus every agreement's uncollected pool and fees,
 * plus every payment still held.
 */
export function owedByAsset(ledger: Ledger): Map<Address, bigint> {
  const owed = new Map<Address, bigint>();
  const add = (asset: Address, amount: bigint) => owed.set(asset, (owed.get(asset) ?? 0n) + amount);
  for (const entry of ledger.accounts.values()) add(entry.asset, entry.balance);
  for (const a of ledger.agreements.values()) {
    const collected = a.parties.reduce((sum, p) => sum + p.collected, 0n);
    add(a.asset, a.vendorPool - collected + a.networkFees - a.networkFeesCollected + a.heldAmount);
  }
  return owed;
}

/** Held payments in one asset: still pending, released, refunded. */
export interface HeldTotals {
  asset: Address;
  pending: bigint;
  pendingPayments: number;
  released: bigint;
  releasedPayments: number;
  refunded: bigint;
  refundedPayments: number;
}

/** Held payments per asset (only assets of agreements with a holdback). */
export function heldTotals(ledger: Ledger): HeldTotals[] {
  const totals = new Map<string, HeldTotals>();
  for (const a of ledger.agreements.values()) {
    if (a.holdbackPeriod === 0 && a.heldPayments + a.releasedPayments + a.refundedPayments === 0) continue;
    const key = a.asset.toLowerCase();
    const entry = totals.get(key) ?? { asset: a.asset, pending: 0n, pendingPayments: 0, released: 0n, releasedPayments: 0, refunded: 0n, refundedPayments: 0 };
    entry.pending += a.heldAmount;
    entry.pendingPayments += a.heldPayments;
    entry.released += a.releasedAmount;
    entry.releasedPayments += a.releasedPayments;
    entry.refunded += a.refundedAmount;
    entry.refundedPayments += a.refundedPayments;
    totals.set(key, entry);
  }
  return [...totals.values()].sort((x, y) => x.asset.localeCompare(y.asset));
}

/** The versions of lineage `lineageId` in the order proposed: a negotiation thread, with its amendments. */
export function lineageVersions(ledger: Ledger, lineageId: bigint): LedgerAgreement[] {
  return (ledger.lineages.get(lineageId)?.versions ?? []).flatMap((id) => ledger.agreements.get(id) ?? []);
}

export type ReferralStandingParameters = { ledger: Ledger; agreementId: bigint; referrer: Address };

/** `referrer`'s track record in the lineage of `agreementId`, as the contract's `referralRecord` counts it. */
export interface ReferralStanding {
  paid: bigint;
  /** Earned volume: the contract's `referredVolume`. */
  volume: bigint;
  released: bigint;
  refunded: bigint;
  /** Still held: the exposure. */
  held: bigint;
  /** The tier, rate and holdback its next payment to that version gets. */
  tier: number;
  feeBps: number;
  holdbackPeriod: number;
}

/** `referrer`'s record in the lineage of `agreementId`, with the tier, rate and holdback of that version. */
export function referralStanding({ ledger, agreementId, referrer }: ReferralStandingParameters): ReferralStanding | undefined {
  const agreement = ledger.agreements.get(agreementId);
  if (agreement === undefined) return undefined;
  const r = ledger.referrals.get(referralKey(agreement.lineageId, referrer));
  const volume = r?.volume ?? 0n;
  const record = { paid: r?.paid ?? 0n, volume, released: r?.released ?? 0n, refunded: r?.refunded ?? 0n, held: r?.pending ?? 0n };
  return { ...record, ...referralTierFor({ ...agreement, volume }) };
}

/** A network's fees in one asset, summed over its agreements. */
export interface NetworkFeeTotals {
  networkId: bigint;
  asset: Address;
  feeRecipients: Address[];
  networkFees: bigint;
  networkFeesCollected: bigint;
}

/** Every network's fees per asset. */
export function networkFeeTotals(ledger: Ledger): NetworkFeeTotals[] {
  const totals = new Map<string, NetworkFeeTotals>();
  for (const a of ledger.agreements.values()) {
    const key = `${a.networkId}/${a.asset}`;
    const entry = totals.get(key) ?? {
      networkId: a.networkId,
      asset: a.asset,
      feeRecipients: [],
      networkFees: 0n,
      networkFeesCollected: 0n,
    };
    entry.networkFees += a.networkFees;
    entry.networkFeesCollected += a.networkFeesCollected;
    if (!entry.feeRecipients.some((r) => sameAddress(r, a.feeRecipient))) entry.feeRecipients.push(a.feeRecipient);
    totals.set(key, entry);
  }
  return [...totals.values()].sort((x, y) => (x.networkId === y.networkId ? x.asset.localeCompare(y.asset) : x.networkId < y.networkId ? -1 : 1));
}

/** `account`'s entry for `asset`, created empty on first use. */
export function accountEntry(ledger: Ledger, account: Address, asset: Address): LedgerAccount {
  const key = accountKey(account, asset);
  touch(ledger, "accounts", key);
  let entry = ledger.accounts.get(key);
  if (entry === undefined) {
    entry = { account, asset, balance: 0n, referralFees: 0n, refunds: 0n, collectedShares: 0n, collectedNetworkFees: 0n, paidByCollect: 0n, withdrawn: 0n };
    ledger.accounts.set(key, entry);
  }
  return entry;
}

/** The accounts that may collect from `agreement`: its parties and its fee recipient. */
export function entitledAccounts(agreement: LedgerAgreement): Address[] {
  const accounts = agreement.parties.map((p) => p.account);
  if (!accounts.some((a) => sameAddress(a, agreement.feeRecipient))) accounts.push(agreement.feeRecipient);
  return accounts;
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function proposeAgreement(ledger: Ledger, event: EcoshareEventOf<"AgreementProposed">): void {
  const { agreementId, networkId, proposer, previousId, version, terms } = event.args;
  const starts = shareStarts(terms.parties);
  // An amendment continues its previous version's lineage; a counter-proposal learns its lineage from the
  // `AgreementCountered` that follows.
  const lineageId = previousId === 0n ? agreementId : (ledger.agreements.get(previousId)?.lineageId ?? previousId);
  const previous = ledger.agreements.get(previousId);
  if (previous !== undefined && !sameAddress(previous.asset, terms.asset)) {
    anomaly(ledger, event, `amendment ${agreementId} changes the asset of agreement ${previousId} from ${previous.asset} to ${terms.asset}`, { agreementId });
  }
  touch(ledger, "agreements", agreementId);
  ledger.agreements.set(agreementId, {
    id: agreementId,
    networkId,
    version,
    previousId,
    lineageId,
    counteredId: 0n,
    supersededBy: 0n,
    proposer,
    asset: terms.asset,
    referralFeeBps: terms.referralFeeBps,
    referralTiers: terms.referralTiers.map((t) => ({ ...t })),
    referrerRoles: terms.referrerRoles,
    networkFeeBps: terms.networkFeeBps,
    feeRecipient: terms.feeRecipient,
    holdbackPeriod: terms.holdbackPeriod,
    refunder: terms.refunder,
    validFrom: terms.validFrom,
    validUntil: terms.validUntil,
    termsHash: terms.termsHash,
    termsURI: terms.termsURI,
    status: AgreementStatus.Pending,
    parties: terms.parties.map((p, i) => ({ account: p.account, shareBps: p.shareBps, shareStart: starts[i] ?? 0, collected: 0n })),
    acceptedBy: [],
    acceptedByMandate: [],
    vendorPool: 0n,
    networkFees: 0n,
    networkFeesCollected: 0n,
    payments: 0,
    referredPayments: 0,
    volume: 0n,
    referralFees: 0n,
    heldPayments: 0,
    heldAmount: 0n,
    releasedPayments: 0,
    releasedAmount: 0n,
    refundedPayments: 0,
    refundedAmount: 0n,
  });
  lineageOf(ledger, lineageId).versions.push(agreementId);
}

function lineageOf(ledger: Ledger, lineageId: bigint): LedgerLineage {
  touch(ledger, "lineages", lineageId);
  let lineage = ledger.lineages.get(lineageId);
  if (lineage === undefined) ledger.lineages.set(lineageId, (lineage = { lineageId, versions: [], activeId: 0n }));
  return lineage;
}

/** Activates `agreement`; the pending versions of its lineage that would replace another version can no longer. */
function activate(ledger: Ledger, agreement: LedgerAgreement): void {
  agreement.status = AgreementStatus.Active;
  const lineage = lineageOf(ledger, agreement.lineageId);
  lineage.activeId = agreement.id;
  for (const version of lineageVersions(ledger, lineage.lineageId)) {
    // The contract's rule: a pending version may activate only while the active version is the one it replaces.
    if (version.status === AgreementStatus.Pending && version.previousId !== agreement.id) {
      touch(ledger, "agreements", version.id);
      Object.assign(version, { status: AgreementStatus.Superseded, supersededBy: agreement.id });
    }
  }
}

function counter(ledger: Ledger, event: EcoshareEventOf<"AgreementCountered">): void {
  const { agreementId, counteredId, author } = event.args;
  const agreement = agreementOf(ledger, event, agreementId);
  const countered = agreementOf(ledger, event, counteredId);
  if (agreement === undefined || countered === undefined) return;
  Object.assign(agreement, { counteredId, counterAuthor: author });
  if (!countered.parties.some((p) => sameAddress(p.account, author))) {
    anomaly(ledger, event, `${author} countered agreement ${counteredId} without being a party`, { account: author, agreementId });
  }
  if (!sameAddress(agreement.asset, countered.asset)) {
    anomaly(ledger, event, `counter-proposal ${agreementId} changes the asset of agreement ${counteredId} from ${countered.asset} to ${agreement.asset}`, { agreementId });
  }
  if (agreement.lineageId === countered.lineageId) return;
  // A counter to a first proposal was filed under a lineage of its own: move it to the thread it answers.
  const own = ledger.lineages.get(agreement.lineageId);
  touch(ledger, "lineages", agreement.lineageId);
  if (own !== undefined) {
    own.versions = own.versions.filter((id) => id !== agreementId);
    if (own.versions.length === 0) ledger.lineages.delete(own.lineageId);
  }
  agreement.lineageId = countered.lineageId;
  lineageOf(ledger, agreement.lineageId).versions.push(agreementId);
  // A counter whose author was the last to accept activated before this event.
  if (agreement.status === AgreementStatus.Active) activate(ledger, agreement);
}

/** An `OrderPaid` opens an order: the next `lineCount` `PaymentSplit` events of its transaction are its lines. */
function openOrder(ledger: Ledger, event: EcoshareEventOf<"OrderPaid">): void {
  const { payer, orderRef, lineCount, refundTo } = event.args;
  const order: LedgerOrder = {
    index: ledger.orders.length,
    payer,
    orderRef,
    lineCount: Number(lineCount),
    refundTo,
    lines: [],
    totals: [],
    blockNumber: event.blockNumber,
    transactionHash: event.transactionHash,
    transactionIndex: event.transactionIndex,
    logIndex: event.logIndex,
  };
  ledger.orders.push(order);
  touch(ledger, "orders", order.index);
  if (lineCount === 0n) anomaly(ledger, event, `order ${order.index} by ${payer} has no lines`);
  else transientOf(ledger).order = order;
}

/** Ends the order still waiting for lines: it has fewer than it announced. */
function closeOrder(ledger: Ledger): void {
  const transient = transientOf(ledger);
  const order = transient.order;
  transient.order = undefined;
  if (order !== undefined && order.lines.length < order.lineCount) {
    anomaly(ledger, order, `order ${order.index} by ${order.payer} announced ${order.lineCount} lines; its transaction has ${order.lines.length}`, {
      account: order.payer,
    });
  }
}

/** Adds `payment` to the order waiting for lines, if any: the grouping rule of orders. */
function addToOrder(ledger: Ledger, payment: LedgerPayment): void {
  const transient = transientOf(ledger);
  const order = transient.order;
  if (order === undefined) return;
  if (!sameAddress(payment.payer, order.payer) || payment.orderRef !== order.orderRef) {
    anomaly(ledger, payment, `line ${order.lines.length} of order ${order.index} was paid by ${payment.payer} under ${payment.orderRef}, not by its payer under its reference`, {
      account: payment.payer,
      agreementId: payment.agreementId,
    });
  }
  touch(ledger, "orders", order.index);
  Object.assign(payment, { order: order.index, line: order.lines.length });
  order.lines.push(payment.index);
  const total = order.totals.find((t) => sameAddress(t.asset, payment.asset));
  if (total === undefined) order.totals.push({ asset: payment.asset, amount: payment.amount });
  else total.amount += payment.amount;
  if (order.lines.length === order.lineCount) transient.order = undefined;
}

function splitInto(ledger: Ledger, event: EcoshareEventOf<"PaymentSplit">): void {
  const { agreementId, payer, referrer, amount, orderRef } = event.args;
  const transient = transientOf(ledger);
  const tierApplied = transient.tierApplied;
  transient.tierApplied = undefined;
  checkNothingAwaited(ledger, { orders: false });
  const agreement = agreementOf(ledger, event, agreementId);
  if (agreement === undefined) return;
  if (agreement.status !== AgreementStatus.Active) {
    anomaly(ledger, event, `agreement ${agreementId} took a payment while ${statusName(agreement.status)}`, { agreementId });
  }
  const referred = !sameAddress(referrer, ETH);
  if (referred) checkReferrer(ledger, event, agreement);
  const tiered = isTieredPayment(agreement, referrer);
  const { tier, feeBps, holdbackPeriod } = tiered ? applyTier(ledger, event, agreement, tierApplied) : paymentTerms({ agreement, referrer, volumeBefore: undefined });
  if (!tiered && tierApplied !== undefined) {
    anomaly(ledger, tierApplied, `a tier was applied to a payment to agreement ${agreementId}, which has no tiers or no referrer`, { agreementId });
  }
  const payment: LedgerPayment = {
    index: ledger.payments.length,
    agreementId,
    asset: agreement.asset,
    payer,
    referrer,
    amount,
    orderRef,
    ...splitPayment({ amount, networkFeeBps: agreement.networkFeeBps, referralFeeBps: feeBps }),
    referralFeeBps: feeBps,
    ...(tier === undefined ? {} : { tier }),
    holdbackPeriod,
    status: holdbackPeriod === 0 ? "credited" : "pending",
    blockNumber: event.blockNumber,
    transactionHash: event.transactionHash,
    transactionIndex: event.transactionIndex,
    logIndex: event.logIndex,
  };
  ledger.payments.push(payment);
  touch(ledger, "payments", payment.index);
  addToOrder(ledger, payment);
  agreement.payments++;
  agreement.volume += amount;
  if (referred) agreement.referredPayments++;
  if (tiered) referralOf(ledger, agreement, referrer).paid += amount;
  // Under holdback nothing is credited: the `PaymentHeld` that follows records it, its release credits it.
  if (holdbackPeriod !== 0) transient.awaitingHold = payment;
  else {
    credit(ledger, agreement, referrer, payment);
    if (tiered) referralOf(ledger, agreement, referrer).volume += amount;
  }
}

/** Whether a payment to `agreement` referred by `referrer` is charged a loyalty tier (a tiered agreement, a referrer). */
export function isTieredPayment(agreement: Pick<LedgerAgreement, "referralTiers">, referrer: Address): boolean {
  return !sameAddress(referrer, ETH) && agreement.referralTiers.length > 0;
}

/** What one payment is charged: its referral rate, its holdback and, when tiered, its loyalty tier. */
export interface PaymentTerms {
  tier?: number;
  feeBps: number;
  holdbackPeriod: number;
}

/**
 * The terms of a payment to `agreement` referred by `referrer` (address(0): none), as the contract charges
 * them: no referral fee without a referrer; the agreement's rate and holdback, or, for a tiered payment,
 * those of the tier its referrer's earned volume `volumeBefore` (before this payment) reached. The rules
 * here and the page that reads one payment alone (its `ReferralTierApplied` gives `volumeBefore`) share it.
 */
export function paymentTerms({
  agreement,
  referrer,
  volumeBefore,
}: {
  agreement: Pick<LedgerAgreement, "referralFeeBps" | "holdbackPeriod" | "referralTiers">;
  referrer: Address;
  volumeBefore: bigint | undefined;
}): PaymentTerms {
  if (!isTieredPayment(agreement, referrer)) return { feeBps: sameAddress(referrer, ETH) ? 0 : agreement.referralFeeBps, holdbackPeriod: agreement.holdbackPeriod };
  if (volumeBefore === undefined) throw new Error("A tiered payment's terms need its referrer's earned volume before it.");
  return referralTierFor({ ...agreement, volume: volumeBefore });
}

/** A referrer must be an active member in a role the agreement lets refer, and not the payer. */
function checkReferrer(ledger: Ledger, event: EcoshareEventOf<"PaymentSplit">, agreement: LedgerAgreement): void {
  const { referrer, payer } = event.args;
  const subject = { account: referrer, agreementId: agreement.id };
  const member = ledger.networks.get(agreement.networkId)?.members.get(referrer);
  if (member?.status !== MemberStatus.Active) {
    anomaly(ledger, event, `referrer ${referrer} of a payment to agreement ${agreement.id} is not an active member`, subject);
  } else if (!mayRefer(agreement.referrerRoles, member.role)) {
    anomaly(ledger, event, `referrer ${referrer} of a payment to agreement ${agreement.id} has role ${member.role}, which the agreement does not let refer`, subject);
  }
  if (sameAddress(referrer, payer)) anomaly(ledger, event, `${payer} referred its own payment to agreement ${agreement.id}`, subject);
}

/** Credits a split: the referral fee to the referrer's balance, the rest to the agreement's totals. */
function credit(ledger: Ledger, agreement: LedgerAgreement, referrer: Address, split: SplitPaymentReturnType): void {
  agreement.vendorPool += split.vendorShare;
  agreement.networkFees += split.networkFee;
  if (sameAddress(referrer, ETH)) return;
  agreement.referralFees += split.referralFee;
  const entry = accountEntry(ledger, referrer, agreement.asset);
  entry.balance += split.referralFee;
  entry.referralFees += split.referralFee;
}

/** `referrer`'s loyalty in the lineage of `agreement`, created empty on first use. */
function referralOf(ledger: Ledger, agreement: LedgerAgreement, referrer: Address): LedgerReferral {
  const key = referralKey(agreement.lineageId, referrer);
  touch(ledger, "referrals", key);
  let referral = ledger.referrals.get(key);
  if (referral === undefined) {
    referral = { lineageId: agreement.lineageId, referrer, paid: 0n, volume: 0n, released: 0n, pending: 0n, payments: 0, refunded: 0n, lastTier: 0, lastFeeBps: 0, highestTier: 0 };
    ledger.referrals.set(key, referral);
  }
  return referral;
}

/**
 * The tier, rate and holdback a tiered payment gets: those its referrer's earned volume reached before it, as
 * the `ReferralTierApplied` emitted just before must say. Counting the payment in is the caller's (at once, or
 * on release for a held payment).
 */
function applyTier(
  ledger: Ledger,
  event: EcoshareEventOf<"PaymentSplit">,
  agreement: LedgerAgreement,
  applied: EcoshareEventOf<"ReferralTierApplied"> | undefined,
): { tier: number; feeBps: number; holdbackPeriod: number } {
  const { referrer } = event.args;
  const referral = referralOf(ledger, agreement, referrer);
  const volumeBefore = referral.volume;
  const { tier, feeBps, holdbackPeriod } = paymentTerms({ agreement, referrer, volumeBefore }) as Required<PaymentTerms>;
  const subject = { account: referrer, agreementId: agreement.id };
  if (applied === undefined || applied.transactionHash !== event.transactionHash) {
    anomaly(ledger, event, `a tiered payment to agreement ${agreement.id} has no ReferralTierApplied`, subject);
  } else {
    const a = applied.args;
    if (a.agreementId !== agreement.id || !sameAddress(a.referrer, referrer) || a.tier !== tier || a.feeBps !== feeBps || a.volumeBefore !== volumeBefore) {
      anomaly(
        ledger,
        applied,
        `ReferralTierApplied to ${a.referrer} in agreement ${a.agreementId} says tier ${a.tier} at ${a.feeBps} bps after ${a.volumeBefore}; ` +
          `the rules give tier ${tier} at ${feeBps} bps after ${volumeBefore}`,
        subject,
      );
    }
  }
  referral.payments++;
  Object.assign(referral, { lastTier: tier, lastFeeBps: feeBps, highestTier: Math.max(referral.highestTier, tier) });
  return { tier, feeBps, holdbackPeriod };
}

function hold(ledger: Ledger, event: EcoshareEventOf<"PaymentHeld">): void {
  const { holdId, agreementId, held } = event.args;
  const transient = transientOf(ledger);
  const payment = transient.awaitingHold;
  transient.awaitingHold = undefined;
  const agreement = agreementOf(ledger, event, agreementId);
  if (agreement === undefined) return;
  const fields = ["agreementId", "payer", "referrer", "asset", "amount", "networkFee", "referralFee", "vendorShare"] as const;
  const order = payment?.order === undefined ? undefined : ledger.orders[payment.order];
  if (payment === undefined || payment.transactionHash !== event.transactionHash) {
    anomaly(ledger, event, `payment ${holdId} held by agreement ${agreementId} follows no payment to it`, { agreementId });
  } else if (held.holdId !== holdId || fields.some((f) => String(held[f]).toLowerCase() !== String(payment[f]).toLowerCase())) {
    anomaly(ledger, event, `held payment ${holdId} of agreement ${agreementId} is not the payment split just before`, { agreementId });
  }
  if (sameAddress(held.refundTo, ETH) || (order !== undefined && !sameAddress(held.refundTo, order.refundTo))) {
    anomaly(ledger, event, `held payment ${holdId} of agreement ${agreementId} would refund ${held.refundTo}, not its order's refund recipient`, { agreementId });
  }
  if (ledger.heldPayments.has(holdId)) anomaly(ledger, event, `hold id ${holdId} is used twice`, { agreementId });
  touch(ledger, "heldPayments", holdId);
  ledger.heldPayments.set(holdId, { ...held, status: "pending", heldIn: event.transactionHash, heldAtBlock: event.blockNumber, ...(payment === undefined ? {} : { payment: payment.index }) });
  if (payment !== undefined) {
    touch(ledger, "payments", payment.index);
    Object.assign(payment, { holdId, refundTo: held.refundTo });
  }
  agreement.heldPayments++;
  agreement.heldAmount += held.amount;
  if (!sameAddress(held.referrer, ETH) && agreement.referralTiers.length > 0) referralOf(ledger, agreement, held.referrer).pending += held.amount;
}

/** The held payment `holdId` of `agreementId`, if it is still pending; otherwise an anomaly. */
function takeHeld(ledger: Ledger, event: EcoshareEventOf<"HeldPaymentReleased" | "HeldPaymentRefunded">): [LedgerHeldPayment, LedgerAgreement] | undefined {
  const { holdId, agreementId } = event.args;
  const held = ledger.heldPayments.get(holdId);
  const agreement = agreementOf(ledger, event, agreementId);
  if (held === undefined || held.agreementId !== agreementId || held.status !== "pending") {
    const why = held === undefined ? "was never held" : held.status !== "pending" ? `was already ${held.status}` : `belongs to agreement ${held.agreementId}`;
    anomaly(ledger, event, `held payment ${holdId} of agreement ${agreementId} ${why}`, { agreementId });
    return undefined;
  }
  if (agreement === undefined) return undefined;
  touch(ledger, "heldPayments", holdId);
  held.settledIn = event.transactionHash;
  held.settledAtBlock = event.blockNumber;
  agreement.heldPayments--;
  agreement.heldAmount -= held.amount;
  return [held, agreement];
}

/** Marks a held payment and its payment record `status`; its pending volume leaves the referrer's pending. */
function settle(ledger: Ledger, held: LedgerHeldPayment, agreement: LedgerAgreement, status: "released" | "refunded"): LedgerReferral | undefined {
  held.status = status;
  const payment = held.payment === undefined ? undefined : ledger.payments[held.payment];
  if (payment !== undefined) {
    touch(ledger, "payments", payment.index);
    payment.status = status;
  }
  if (sameAddress(held.referrer, ETH) || agreement.referralTiers.length === 0) return undefined;
  const referral = referralOf(ledger, agreement, held.referrer);
  referral.pending -= held.amount;
  return referral;
}

function release(ledger: Ledger, event: EcoshareEventOf<"HeldPaymentReleased">): void {
  const taken = takeHeld(ledger, event);
  if (taken === undefined) return;
  const [held, agreement] = taken;
  agreement.releasedPayments++;
  agreement.releasedAmount += held.amount;
  credit(ledger, agreement, held.referrer, held);
  // Earned now: the released payment counts into its referrer's volume.
  const referral = settle(ledger, held, agreement, "released");
  if (referral !== undefined) {
    referral.volume += held.amount;
    referral.released += held.amount;
  }
}

function refund(ledger: Ledger, event: EcoshareEventOf<"HeldPaymentRefunded">): void {
  const taken = takeHeld(ledger, event);
  if (taken === undefined) return;
  const [held, agreement] = taken;
  const { refundTo, amount } = event.args;
  if (!sameAddress(refundTo, held.refundTo) || amount !== held.amount) {
    anomaly(ledger, event, `held payment ${held.holdId} of ${held.amount} for ${held.refundTo} was refunded as ${amount} to ${refundTo}`, {
      account: refundTo,
      agreementId: agreement.id,
    });
  }
  agreement.refundedPayments++;
  agreement.refundedAmount += held.amount;
  // Never earned: the volume stays as it was.
  const referral = settle(ledger, held, agreement, "refunded");
  if (referral !== undefined) referral.refunded += held.amount;
  const entry = accountEntry(ledger, held.refundTo, held.asset);
  entry.balance += held.amount;
  entry.refunds += held.amount;
}

/** State between the events of one payment (its tier before the split, its hold after) and of one order. */
interface Transient {
  tierApplied?: EcoshareEventOf<"ReferralTierApplied"> | undefined;
  awaitingHold?: LedgerPayment | undefined;
  /** The order still waiting for lines. */
  order?: LedgerOrder | undefined;
  /** What the event being applied changed, when {@link applyEvent} is asked. */
  changes?: LedgerChanges | undefined;
}
const transients = new WeakMap<Ledger, Transient>();

function transientOf(ledger: Ledger): Transient {
  let transient = transients.get(ledger);
  if (transient === undefined) transients.set(ledger, (transient = {}));
  return transient;
}

/** A payment under holdback must be followed by its `PaymentHeld`; an order by all its lines. */
function checkNothingAwaited(ledger: Ledger, { orders = true }: { orders?: boolean } = {}): void {
  const transient = transientOf(ledger);
  if (transient.awaitingHold !== undefined) {
    const { agreementId } = transient.awaitingHold;
    anomaly(ledger, transient.awaitingHold, `a payment to agreement ${agreementId}, which holds it for ${transient.awaitingHold.holdbackPeriod} s, was not held`, { agreementId });
    transient.awaitingHold = undefined;
  }
  if (orders) closeOrder(ledger);
}

/** `EarningsCollected` (by `withdraw`, into the balance) and `EarningsPaid` (by `collect`, paid straight out). */
function collectInto(ledger: Ledger, event: EcoshareEventOf<"EarningsCollected" | "EarningsPaid">): void {
  const { agreementId, account, partyShare, networkFee } = event.args;
  const agreement = agreementOf(ledger, event, agreementId);
  if (agreement === undefined) return;
  if (event.eventName === "EarningsCollected" && !sameAddress(event.args.asset, agreement.asset)) {
    anomaly(ledger, event, `${account} collected ${event.args.asset} from agreement ${agreementId}, whose asset is ${agreement.asset}`, {
      account,
      agreementId,
    });
  }
  if (partyShare !== 0n) {
    const party = agreement.parties.find((p) => sameAddress(p.account, account));
    if (party === undefined) {
      anomaly(ledger, event, `${account} collected a party share of agreement ${agreementId} without being a party`, { account, agreementId });
    } else {
      party.collected += partyShare;
      // The contract lets a party reach its open entitlement, or its final one once the pool is closed.
      const open = openEntitlement({ vendorPool: agreement.vendorPool, shareBps: party.shareBps });
      const final = finalEntitlement({ vendorPool: agreement.vendorPool, shareStart: party.shareStart, shareBps: party.shareBps });
      if (party.collected !== open && party.collected !== final) {
        anomaly(ledger, event, `${account} has collected ${party.collected} of agreement ${agreementId}; the rules allow ${open} (or ${final} once closed)`, {
          account,
          agreementId,
        });
      }
    }
  }
  if (networkFee !== 0n) {
    const outstanding = agreement.networkFees - agreement.networkFeesCollected;
    if (!sameAddress(agreement.feeRecipient, account)) {
      anomaly(ledger, event, `${account} collected network fees of agreement ${agreementId} without being its fee recipient`, {
        account,
        agreementId,
      });
    } else if (networkFee !== outstanding) {
      anomaly(ledger, event, `${account} collected ${networkFee} network fees of agreement ${agreementId}; the log gives ${outstanding} outstanding`, {
        account,
        agreementId,
      });
    }
    agreement.networkFeesCollected += networkFee;
  }
  if (event.eventName === "EarningsPaid" && partyShare + networkFee === 0n) {
    anomaly(ledger, event, `${account} was paid nothing from agreement ${agreementId}`, { account, agreementId });
  }
  const entry = accountEntry(ledger, account, agreement.asset);
  entry.collectedShares += partyShare;
  entry.collectedNetworkFees += networkFee;
  if (event.eventName === "EarningsPaid") entry.paidByCollect += partyShare + networkFee;
  else entry.balance += partyShare + networkFee;
}

function withdrawFrom(ledger: Ledger, event: EcoshareEventOf<"Withdrawn">): void {
  const { account, asset, amount } = event.args;
  const entry = accountEntry(ledger, account, asset);
  // `withdraw` pays out the whole balance, after collecting into it.
  if (amount !== entry.balance) {
    anomaly(ledger, event, `${account} withdrew ${amount} of ${asset}; the log gives a balance of ${entry.balance}`, { account });
  }
  entry.balance -= amount;
  entry.withdrawn += amount;
}

function network(ledger: Ledger, event: LogPosition, networkId: bigint): LedgerNetwork | undefined {
  const net = ledger.networks.get(networkId);
  touch(ledger, "networks", networkId);
  if (net === undefined) anomaly(ledger, event, `event for network ${networkId}, which was never created`);
  return net;
}

function memberOf(ledger: Ledger, event: LogPosition, networkId: bigint, account: Address): LedgerMember | undefined {
  const member = network(ledger, event, networkId)?.members.get(account);
  if (member === undefined || member.status === MemberStatus.None) {
    anomaly(ledger, event, `${account} changed status in network ${networkId} without a membership request`, { account });
    return undefined;
  }
  return member;
}

function grantMandate(ledger: Ledger, event: EcoshareEventOf<"MandateSet"> | EcoshareEventOf<"MandateRevoked">): void {
  const { networkId, member, nonce } = event.args;
  const expected = ledger.mandateNonces.get(member.toLowerCase()) ?? 0n;
  if (nonce !== expected) anomaly(ledger, event, `${member} used mandate nonce ${nonce}; its next one was ${expected}`, { account: member });
  ledger.mandateNonces.set(member.toLowerCase(), nonce + 1n);
  const key = mandateKey(networkId, member);
  if (event.eventName === "MandateRevoked") ledger.mandates.delete(key);
  else ledger.mandates.set(key, { networkId, member, mandate: event.args.mandate, nonce, transactionHash: event.transactionHash });
}

function acceptByMandate(ledger: Ledger, event: EcoshareEventOf<"AcceptedByMandate">): void {
  const { agreementId, party, mandateNonce } = event.args;
  const agreement = agreementOf(ledger, event, agreementId);
  if (agreement === undefined) return;
  agreement.acceptedByMandate.push(party);
  const inForce = ledger.mandates.get(mandateKey(agreement.networkId, party));
  if (inForce === undefined || inForce.nonce !== mandateNonce) {
    anomaly(ledger, event, `agreement ${agreementId} was accepted by ${party}'s mandate ${mandateNonce}, which is not the one in force`, { account: party, agreementId });
    return;
  }
  // The expiry was checked on chain at the block's time; `now` 0 leaves it out here.
  const misses = mandateMisses(agreement, { ...inForce.mandate, account: party }, 0n);
  if (misses.length > 0) {
    anomaly(ledger, event, `agreement ${agreementId} was accepted by ${party}'s mandate although ${misses.map((m) => m.message).join(" ")}`, { account: party, agreementId });
  }
}

function agreementOf(ledger: Ledger, event: LogPosition, agreementId: bigint): LedgerAgreement | undefined {
  const agreement = ledger.agreements.get(agreementId);
  touch(ledger, "agreements", agreementId);
  if (agreement === undefined) anomaly(ledger, event, `event for agreement ${agreementId}, which was never proposed`, { agreementId });
  return agreement;
}

function anomaly(
  ledger: Ledger,
  event: LogPosition,
  message: string,
  subject: { account?: Address; agreementId?: bigint } = {},
): void {
  ledger.anomalies.push({ message, blockNumber: event.blockNumber, transactionHash: event.transactionHash, ...subject });
}

function statusName(status: AgreementStatus): string {
  return Object.entries(AgreementStatus).find(([, v]) => v === status)?.[0] ?? String(status);
}
