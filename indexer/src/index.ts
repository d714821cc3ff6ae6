/**
 * Indexing: each Ecoshare log, in chain order, is decoded by the protocol client's decoder
 * (client/decode-events.ts) and applied to a ledger by the audit's own rules (client/ledger.ts
 * `applyEvent`), which reports what the event changed; only those rows are written to the tables of
 * ponder.schema.ts, so indexing an event costs the same at the first payment and at the millionth.
 * The indexer holds no rule of its own, so its balances and earnings are the audit's by construction.
 *
 * The ledger lives in memory and is rebuilt from the first block on every start: `npm start` drops the
 * indexer's previous tables (see package.json), so a restart never resumes with an empty ledger.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";

import { abiEventNames, decodeEcoshareLog } from "../../client/decode-events.js";
import type { Address, Hex } from "viem";
import { applyEvent, collectable, createLedger, type LedgerAgreement, type LedgerChanges } from "../../client/ledger.js";
import { omit } from "./omit.js";

const ledger = createLedger();
/** Payments and orders already inserted: the ledger appends them in chain order. */
let paymentsWritten = 0;
let ordersWritten = 0;

type Db = Parameters<Parameters<typeof ponder.on<"Ecoshare:PaymentSplit">>[1]>[0]["context"]["db"];

for (const name of abiEventNames()) {
  ponder.on(`Ecoshare:${name}` as "Ecoshare:PaymentSplit", async ({ event, context }) => {
    const { log, block, transaction } = event;
    if (ledger.events === 0 && (await context.db.find(schema.agreement, { id: 1n })) !== null) {
      throw new Error("The indexer's tables hold an earlier run but its ledger is empty: start it with a fresh schema (npm start does).");
    }
    const decoded = decodeEcoshareLog({
      log: {
        address: log.address as Address,
        // Ponder pads the topics to four with nulls.
        topics: (log.topics as (Hex | null)[]).filter((t): t is Hex => t !== null),
        data: log.data as Hex,
        blockNumber: block.number,
        blockHash: block.hash as Hex,
        transactionHash: transaction.hash,
        transactionIndex: transaction.transactionIndex,
        logIndex: log.logIndex,
      },
    });
    if (decoded === undefined) return;
    await writeChanges(context.db, block.timestamp, applyEvent(ledger, decoded));
  });
}

/** Writes the rows of what one event changed, as the ledger reports it: never a scan of the whole ledger. */
async function writeChanges(db: Db, timestamp: bigint, changes: LedgerChanges): Promise<void> {
  for (const index of changes.orders) {
    // An order's row holds nothing its lines change: written once, when it is new.
    if (index < ordersWritten) continue;
    const o = ledger.orders[index]!;
    await db.insert(schema.order).values({
      index: o.index,
      payer: o.payer,
      orderRef: o.orderRef,
      lineCount: o.lineCount,
      refundTo: o.refundTo,
      blockNumber: o.blockNumber,
      transactionHash: o.transactionHash,
    });
    ordersWritten = index + 1;
  }
  for (const index of changes.payments) {
    const p = ledger.payments[index]!;
    if (index < paymentsWritten) {
      await db.update(schema.payment, { index }).set({ status: p.status, holdId: p.holdId ?? null, refundTo: p.refundTo ?? null });
    } else {
      await db.insert(schema.payment).values(paymentRow(p, timestamp));
      paymentsWritten = index + 1;
    }
  }
  for (const holdId of changes.heldPayments) {
    const held = ledger.heldPayments.get(holdId);
    if (held === undefined) continue;
    const row = {
      holdId,
      agreementId: held.agreementId,
      payer: held.payer,
      referrer: held.referrer,
      asset: held.asset,
      amount: held.amount,
      releaseAt: held.releaseAt,
      refundTo: held.refundTo,
      status: held.status,
      heldIn: held.heldIn,
      settledIn: held.settledIn ?? null,
    };
    await db.insert(schema.heldPayment).values(row).onConflictDoUpdate({ status: row.status, settledIn: row.settledIn });
  }
  for (const key of changes.accounts) {
    const entry = ledger.accounts.get(key);
    if (entry === undefined) continue;
    await db.insert(schema.balance).values(entry).onConflictDoUpdate(omit(entry, "account", "asset"));
  }
  for (const id of changes.agreements) {
    const agreement = ledger.agreements.get(id);
    if (agreement !== undefined) await writeAgreement(db, agreement);
  }
}

async function writeAgreement(db: Db, a: LedgerAgreement): Promise<void> {
  const row = {
    id: a.id,
    networkId: a.networkId,
    lineageId: a.lineageId,
    version: a.version,
    asset: a.asset,
    status: a.status,
    feeRecipient: a.feeRecipient,
    validUntil: a.validUntil,
    vendorPool: a.vendorPool,
    networkFees: a.networkFees,
    networkFeesCollected: a.networkFeesCollected,
    payments: a.payments,
    volume: a.volume,
    heldPayments: a.heldPayments,
    heldAmount: a.heldAmount,
  };
  await db.insert(schema.agreement).values(row).onConflictDoUpdate(omit(row, "id"));
  const accounts = a.parties.map((p) => p.account);
  if (!accounts.some((x) => x.toLowerCase() === a.feeRecipient.toLowerCase())) accounts.push(a.feeRecipient);
  for (const account of accounts) {
    const party = a.parties.find((p) => p.account.toLowerCase() === account.toLowerCase());
    const earning = {
      agreementId: a.id,
      account,
      asset: a.asset,
      shareBps: party?.shareBps ?? 0,
      collected: party?.collected ?? 0n,
      // The ledger's own `collectable`, before and after the agreement's window closes.
      collectableOpen: collectable({ agreement: a, account, timestamp: a.validFrom }),
      collectableClosed: collectable({ agreement: a, account, timestamp: a.validUntil + 1n }),
    };
    await db.insert(schema.earning).values(earning).onConflictDoUpdate(omit(earning, "agreementId", "account"));
  }
}

function paymentRow(p: (typeof ledger.payments)[number], timestamp: bigint) {
  return {
    index: p.index,
    agreementId: p.agreementId,
    asset: p.asset,
    payer: p.payer,
    referrer: p.referrer,
    amount: p.amount,
    orderRef: p.orderRef,
    networkFee: p.networkFee,
    referralFee: p.referralFee,
    vendorShare: p.vendorShare,
    referralFeeBps: p.referralFeeBps,
    tier: p.tier ?? null,
    orderIndex: p.order ?? null,
    line: p.line ?? null,
    status: p.status,
    holdId: p.holdId ?? null,
    refundTo: p.refundTo ?? null,
    blockNumber: p.blockNumber,
    timestamp,
    transactionHash: p.transactionHash,
    logIndex: p.logIndex,
  };
}
