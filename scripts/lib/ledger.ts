/**
 * The ledger rebuilt from the event log alone: every network, agreement, position and balance, with the
 * split and entitlement rules of scripts/lib/split-math.ts. Events are applied one at a time, in chain
 * order, so the audit rebuilds it in one pass and the app can keep it up to date as new logs arrive.
 *
 * The ledger trusts no number the contract reports: a payment is split by the rules (the event's own
 * split is only cross-checked), and every inconsistency between the log and the rules is recorded as an
 * anomaly with the transaction that caused it.
 */
import type { Address, Hex } from "./eip1193.js";
import type { EcoshareEvent, EcoshareEventOf, LogPosition } from "./decode-events.js";
import { AgreementStatus, ETH, MemberStatus, type MemberRole, type NetworkKind } from "./protocol.js";
import { entitlement, finalEntitlement, openEntitlement, shareStarts, splitPayment } from "./split-math.js";

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
  version: number;
  previousId: bigint;
  proposer: Address;
  asset: Address;
  referralFeeBps: number;
  networkFeeBps: number;
  feeRecipient: Address;
  validFrom: bigint;
  validUntil: bigint;
  termsHash: Hex;
  termsURI: string;
  status: AgreementStatus;
  parties: LedgerParty[];
  acceptedBy: Address[];
  /** Sum of the payments' vendor shares. */
  vendorPool: bigint;
  /** Sum of the payments' network fees. */
  networkFees: bigint;
  networkFeesCollected: bigint;
  payments: number;
  referredPayments: number;
  /** Sum of the payments' amounts. */
  volume: bigint;
  /** Sum of the referral fees paid out of this agreement's payments. */
  referralFees: bigint;
}

/** One account's money in one asset. */
export interface LedgerAccount {
  account: Address;
  asset: Address;
  /** Withdrawable now, as the contract's `balanceOf`. */
  balance: bigint;
  referralFees: bigint;
  collectedShares: bigint;
  collectedNetworkFees: bigint;
  withdrawn: bigint;
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
  anomalies: LedgerAnomaly[];
  events: number;
  lastBlock: bigint;
}

/** An empty ledger. */
export function createLedger(): Ledger {
  return { networks: new Map(), agreements: new Map(), accounts: new Map(), anomalies: [], events: 0, lastBlock: 0n };
}

/** The key of `account`'s entry for `asset` in {@link Ledger.accounts}. */
export function accountKey(account: Address, asset: Address): string {
  return `${account.toLowerCase()}/${asset.toLowerCase()}`;
}

export type BuildLedgerParameters = { events: Iterable<EcoshareEvent> };

/** Rebuilds the ledger from `events`, in chain order. */
export function buildLedger({ events }: BuildLedgerParameters): Ledger {
  const ledger = createLedger();
  for (const event of events) applyEvent(ledger, event);
  return ledger;
}

/** Applies one event to `ledger`. Events must come in chain order. */
export function applyEvent(ledger: Ledger, event: EcoshareEvent): void {
  ledger.events++;
  if (event.blockNumber > ledger.lastBlock) ledger.lastBlock = event.blockNumber;
  switch (event.eventName) {
    case "NetworkCreated": {
      const { networkId, operator, kind, feeRecipient, feeBps, metadataURI } = event.args;
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
      if (agreement) agreement.status = AgreementStatus.Active;
      return;
    }
    case "AgreementSuperseded": {
      const agreement = agreementOf(ledger, event, event.args.previousId);
      if (agreement) agreement.status = AgreementStatus.Superseded;
      return;
    }
    case "AgreementTerminated": {
      const agreement = agreementOf(ledger, event, event.args.agreementId);
      if (agreement) agreement.status = AgreementStatus.Terminated;
      return;
    }
    case "PaymentSplit":
      splitInto(ledger, event);
      return;
    case "EarningsCollected":
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

/** Whether `agreement`'s vendor pool is final at `timestamp`, so its parties may collect their last wei. */
export function isClosed(agreement: LedgerAgreement, timestamp: bigint): boolean {
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

/** What the contract owes in each asset: every balance, plus every agreement's uncollected pool and fees. */
export function owedByAsset(ledger: Ledger): Map<Address, bigint> {
  const owed = new Map<Address, bigint>();
  const add = (asset: Address, amount: bigint) => owed.set(asset, (owed.get(asset) ?? 0n) + amount);
  for (const entry of ledger.accounts.values()) add(entry.asset, entry.balance);
  for (const a of ledger.agreements.values()) {
    const collected = a.parties.reduce((sum, p) => sum + p.collected, 0n);
    add(a.asset, a.vendorPool - collected + a.networkFees - a.networkFeesCollected);
  }
  return owed;
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
  let entry = ledger.accounts.get(key);
  if (entry === undefined) {
    entry = { account, asset, balance: 0n, referralFees: 0n, collectedShares: 0n, collectedNetworkFees: 0n, withdrawn: 0n };
    ledger.accounts.set(key, entry);
  }
  return entry;
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function proposeAgreement(ledger: Ledger, event: EcoshareEventOf<"AgreementProposed">): void {
  const { agreementId, networkId, proposer, previousId, version, terms } = event.args;
  const starts = shareStarts(terms.parties);
  ledger.agreements.set(agreementId, {
    id: agreementId,
    networkId,
    version,
    previousId,
    proposer,
    asset: terms.asset,
    referralFeeBps: terms.referralFeeBps,
    networkFeeBps: terms.networkFeeBps,
    feeRecipient: terms.feeRecipient,
    validFrom: terms.validFrom,
    validUntil: terms.validUntil,
    termsHash: terms.termsHash,
    termsURI: terms.termsURI,
    status: AgreementStatus.Pending,
    parties: terms.parties.map((p, i) => ({ account: p.account, shareBps: p.shareBps, shareStart: starts[i] ?? 0, collected: 0n })),
    acceptedBy: [],
    vendorPool: 0n,
    networkFees: 0n,
    networkFeesCollected: 0n,
    payments: 0,
    referredPayments: 0,
    volume: 0n,
    referralFees: 0n,
  });
}

function splitInto(ledger: Ledger, event: EcoshareEventOf<"PaymentSplit">): void {
  const { agreementId, referrer, asset, amount } = event.args;
  const agreement = agreementOf(ledger, event, agreementId);
  if (agreement === undefined) return;
  if (agreement.status !== AgreementStatus.Active) {
    anomaly(ledger, event, `agreement ${agreementId} took a payment while ${statusName(agreement.status)}`, { agreementId });
  }
  if (!sameAddress(asset, agreement.asset)) {
    anomaly(ledger, event, `agreement ${agreementId} took a payment in ${asset}, not its asset ${agreement.asset}`, { agreementId });
  }
  const referred = !sameAddress(referrer, ETH);
  if (referred) {
    const member = ledger.networks.get(agreement.networkId)?.members.get(referrer);
    if (member?.status !== MemberStatus.Active) {
      anomaly(ledger, event, `referrer ${referrer} of a payment to agreement ${agreementId} is not an active member`, {
        account: referrer,
        agreementId,
      });
    }
  }
  const split = splitPayment({
    amount,
    networkFeeBps: agreement.networkFeeBps,
    referralFeeBps: referred ? agreement.referralFeeBps : 0,
  });
  for (const field of ["networkFee", "referralFee", "vendorShare"] as const) {
    if (split[field] !== event.args[field]) {
      anomaly(ledger, event, `payment to agreement ${agreementId}: the event says ${field} ${event.args[field]}, the rules give ${split[field]}`, {
        agreementId,
      });
    }
  }
  agreement.vendorPool += split.vendorShare;
  agreement.networkFees += split.networkFee;
  agreement.payments++;
  agreement.volume += amount;
  if (referred) {
    agreement.referredPayments++;
    agreement.referralFees += split.referralFee;
    const entry = accountEntry(ledger, referrer, asset);
    entry.balance += split.referralFee;
    entry.referralFees += split.referralFee;
  }
}

function collectInto(ledger: Ledger, event: EcoshareEventOf<"EarningsCollected">): void {
  const { agreementId, account, asset, partyShare, networkFee } = event.args;
  const agreement = agreementOf(ledger, event, agreementId);
  if (agreement === undefined) return;
  if (!sameAddress(asset, agreement.asset)) {
    anomaly(ledger, event, `${account} collected ${asset} from agreement ${agreementId}, whose asset is ${agreement.asset}`, {
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
  const entry = accountEntry(ledger, account, agreement.asset);
  entry.balance += partyShare + networkFee;
  entry.collectedShares += partyShare;
  entry.collectedNetworkFees += networkFee;
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

function agreementOf(ledger: Ledger, event: LogPosition, agreementId: bigint): LedgerAgreement | undefined {
  const agreement = ledger.agreements.get(agreementId);
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
