/**
 * The indexer's tables. Every figure in them is computed by the audit's ledger rules
 * (client/ledger.ts, split-math.ts, referral-tiers.ts), applied to each event in chain order
 * (src/index.ts): the indexer holds no rule of its own.
 */
import { index, onchainTable, primaryKey } from "ponder";

/** Every payment and order line, with the split the rules give it. */
export const payment = onchainTable(
  "payment",
  (t) => ({
    /** Its place among the payments, from 0, in chain order. */
    index: t.integer().primaryKey(),
    agreementId: t.bigint().notNull(),
    asset: t.hex().notNull(),
    payer: t.hex().notNull(),
    referrer: t.hex().notNull(),
    amount: t.bigint().notNull(),
    orderRef: t.hex().notNull(),
    networkFee: t.bigint().notNull(),
    referralFee: t.bigint().notNull(),
    vendorShare: t.bigint().notNull(),
    referralFeeBps: t.integer().notNull(),
    tier: t.integer(),
    /** The order it is a line of (its index in `order_`) and its line number. */
    orderIndex: t.integer(),
    line: t.integer(),
    /** credited, pending, released or refunded. */
    status: t.text().notNull(),
    holdId: t.bigint(),
    refundTo: t.hex(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    agreementIdx: index().on(table.agreementId),
    payerIdx: index().on(table.payer),
    referrerIdx: index().on(table.referrer),
  }),
);

/** Every order (`payOrder`). */
export const order = onchainTable("order_", (t) => ({
  index: t.integer().primaryKey(),
  payer: t.hex().notNull(),
  orderRef: t.hex().notNull(),
  lineCount: t.integer().notNull(),
  refundTo: t.hex().notNull(),
  blockNumber: t.bigint().notNull(),
  transactionHash: t.hex().notNull(),
}));

/** Every payment held by an agreement with a holdback, and what became of it. */
export const heldPayment = onchainTable("held_payment", (t) => ({
  holdId: t.bigint().primaryKey(),
  agreementId: t.bigint().notNull(),
  payer: t.hex().notNull(),
  referrer: t.hex().notNull(),
  asset: t.hex().notNull(),
  amount: t.bigint().notNull(),
  releaseAt: t.bigint().notNull(),
  refundTo: t.hex().notNull(),
  /** pending, released or refunded. */
  status: t.text().notNull(),
  heldIn: t.hex().notNull(),
  settledIn: t.hex(),
}));

/** One account's money in one asset (the contract's `balanceOf` and where it came from). */
export const balance = onchainTable(
  "balance",
  (t) => ({
    account: t.hex().notNull(),
    asset: t.hex().notNull(),
    balance: t.bigint().notNull(),
    referralFees: t.bigint().notNull(),
    refunds: t.bigint().notNull(),
    collectedShares: t.bigint().notNull(),
    collectedNetworkFees: t.bigint().notNull(),
    paidByCollect: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.account, table.asset] }) }),
);

/** One version of an agreement and its running totals. */
export const agreement = onchainTable("agreement", (t) => ({
  id: t.bigint().primaryKey(),
  networkId: t.bigint().notNull(),
  lineageId: t.bigint().notNull(),
  version: t.integer().notNull(),
  asset: t.hex().notNull(),
  status: t.integer().notNull(),
  feeRecipient: t.hex().notNull(),
  validUntil: t.bigint().notNull(),
  vendorPool: t.bigint().notNull(),
  networkFees: t.bigint().notNull(),
  networkFeesCollected: t.bigint().notNull(),
  payments: t.integer().notNull(),
  volume: t.bigint().notNull(),
  heldPayments: t.integer().notNull(),
  heldAmount: t.bigint().notNull(),
}));

/**
 * What one account earns from one agreement: as a party (`collectableOpen` while the agreement may still
 * take payments, `collectableClosed` once its pool is final) and as its fee recipient, both net of what
 * was collected. `collectable` at a time t is the one the ledger's `isClosed` picks (see src/api).
 */
export const earning = onchainTable(
  "earning",
  (t) => ({
    agreementId: t.bigint().notNull(),
    account: t.hex().notNull(),
    asset: t.hex().notNull(),
    shareBps: t.integer().notNull(),
    collected: t.bigint().notNull(),
    collectableOpen: t.bigint().notNull(),
    collectableClosed: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.agreementId, table.account] }), accountIdx: index().on(table.account) }),
);
