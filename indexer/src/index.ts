/**
 * Indexing: each Ecoshare log, in chain order, is decoded by the protocol client's decoder
 * (scripts/lib/decode-events.ts) and applied to a ledger by the audit's own rules (scripts/lib/ledger.ts
 * `applyEvent`); the rows the event changed are then written to the tables of ponder.schema.ts.
 * The indexer holds no rule of its own, so its balances and earnings are the audit's by construction.
 *
 * The ledger lives in memory and is rebuilt from the first block on every start: `npm start` drops the
 * indexer's previous tables (see package.json), so a restart never resumes with an empty ledger.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";

import { abiEventNames, decodeEcoshareLog } from "../../scripts/lib/decode-events.js";
import type { Address, Hex } from "../../scripts/lib/eip1193.js";
import { applyEvent, collectable, createLedger, lineageVersions, type LedgerAgreement } from "../../scripts/lib/ledger.js";

const ledger = createLedger();
/** What was last written per row, to write only the rows an event changed. */
const written = new Map<string, string>();
let paymentsWritten = 0;
let ordersWritten = 0;

const fingerprint = (value: object) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
const changed = (key: string, value: object) => {
  const print = fingerprint(value);
  if (written.get(key) === print) return false;
  written.set(key, print);
  return true;
};

type Db = Parameters<Parameters<typeof ponder.on<"Ecoshare:PaymentSplit">>[1]>[0]["context"]["db"];

for (const name of abiEventNames()) {
  ponder.on(`Ecoshare:${name}` as "Ecoshare:PaymentSplit", async ({ event, context }) => {
    const { log, block, transaction } = event;
    if (ledger.events === 0 && paymentsWritten === 0 && written.size === 0 && (await context.db.find(schema.agreement, { id: 1n })) !== null) {
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
    applyEvent(ledger, decoded);
    await writeChanges(context.db, block.timestamp, touchedAgreements(decoded.args as Record<string, unknown>));
  });
}

/**
 * The agreements an event may have changed: those it names, with every version of their lineages (the
 * first version to activate outruns the others, a counter-proposal joins its lineage).
 */
function touchedAgreements(args: Record<string, unknown>): LedgerAgreement[] {
  const held = args.held as { agreementId?: bigint } | undefined;
  const ids = [args.agreementId, args.previousId, args.counteredId, held?.agreementId].filter((id): id is bigint => typeof id === "bigint" && id !== 0n);
  const touched = new Map<bigint, LedgerAgreement>();
  for (const id of ids) {
    const agreement = ledger.agreements.get(id);
    if (agreement === undefined) continue;
    for (const version of lineageVersions(ledger, agreement.lineageId)) touched.set(version.id, version);
    touched.set(agreement.id, agreement);
  }
  return [...touched.values()];
}

async function writeChanges(db: Db, timestamp: bigint, agreements: LedgerAgreement[]): Promise<void> {
  // Payments and orders are appended in chain order; held payments change their status later.
  for (; ordersWritten < ledger.orders.length; ordersWritten++) {
    const o = ledger.orders[ordersWritten]!;
    await db.insert(schema.order).values({
      index: o.index,
      payer: o.payer,
      orderRef: o.orderRef,
      lineCount: o.lineCount,
      refundTo: o.refundTo,
      blockNumber: o.blockNumber,
      transactionHash: o.transactionHash,
    });
  }
  for (; paymentsWritten < ledger.payments.length; paymentsWritten++) {
    const p = ledger.payments[paymentsWritten]!;
    const row = paymentRow(p, timestamp);
    written.set(`payment/${p.index}`, p.status);
    await db.insert(schema.payment).values(row);
  }
  for (const held of ledger.heldPayments.values()) {
    const { status, settledIn } = held;
    if (!changed(`held/${held.holdId}`, { status, settledIn })) continue;
    const row = {
      holdId: held.holdId,
      agreementId: held.agreementId,
      payer: held.payer,
      referrer: held.referrer,
      asset: held.asset,
      amount: held.amount,
      releaseAt: held.releaseAt,
      refundTo: held.refundTo,
      status,
      heldIn: held.heldIn,
      settledIn: settledIn ?? null,
    };
    await db.insert(schema.heldPayment).values(row).onConflictDoUpdate({ status, settledIn: settledIn ?? null });
    if (held.payment !== undefined) {
      const p = ledger.payments[held.payment]!;
      if (written.get(`payment/${p.index}`) !== p.status) {
        written.set(`payment/${p.index}`, p.status);
        await db.update(schema.payment, { index: p.index }).set({ status: p.status });
      }
    }
  }
  for (const entry of ledger.accounts.values()) {
    if (!changed(`balance/${entry.account}/${entry.asset}`, entry)) continue;
    const { account, asset, ...figures } = entry;
    await db.insert(schema.balance).values(entry).onConflictDoUpdate(figures);
    void account;
    void asset;
  }
  for (const agreement of agreements) await writeAgreement(db, agreement);
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
  if (changed(`agreement/${a.id}`, row)) {
    const { id, ...rest } = row;
    void id;
    await db.insert(schema.agreement).values(row).onConflictDoUpdate(rest);
  }
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
    if (!changed(`earning/${a.id}/${account}`, earning)) continue;
    const { agreementId, account: _account, ...figures } = earning;
    void agreementId;
    void _account;
    await db.insert(schema.earning).values(earning).onConflictDoUpdate(figures);
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
