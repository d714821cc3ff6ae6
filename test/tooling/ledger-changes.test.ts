/**
 * applyEvent reports what each event changed (the indexer writes only those rows): replayed over a whole
 * demo story (payments, orders, held payments released and refunded, an amendment, a counter-proposal,
 * withdrawals), every entry of the ledger that an event created or altered must be among the keys it reports.
 */
import { expect } from "chai";

import { decodeEcoshareLog, type EcoshareEvent } from "../../client/decode-events.js";
import { fetchLogs } from "../../client/fetch-logs.js";
import { applyEvent, createLedger, type Ledger, type LedgerChanges } from "../../client/ledger.js";
import { getBlockNumber } from "viem/actions";
import { seededChain, type SeededChain } from "./helpers/nodes.js";

const print = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Map ? [...v] : v));

/** Every entry of the ledger by the kind and key applyEvent reports it under, as text. */
function snapshot(ledger: Ledger): Map<string, string> {
  const entries = new Map<string, string>();
  const add = (kind: keyof LedgerChanges, key: unknown, value: unknown) => entries.set(`${kind}:${String(key)}`, print(value));
  for (const [key, value] of ledger.networks) add("networks", key, value);
  for (const [key, value] of ledger.agreements) add("agreements", key, value);
  for (const [key, value] of ledger.accounts) add("accounts", key, value);
  for (const [key, value] of ledger.heldPayments) add("heldPayments", key, value);
  for (const [key, value] of ledger.referrals) add("referrals", key, value);
  for (const [key, value] of ledger.lineages) add("lineages", key, value);
  ledger.payments.forEach((value, index) => add("payments", index, value));
  ledger.orders.forEach((value, index) => add("orders", index, value));
  return entries;
}

describe("applyEvent's report of what changed", function () {
  this.timeout(120_000);
  let chain: SeededChain;
  let events: EcoshareEvent[];
  before(async () => {
    chain = await seededChain({ days: 4, paymentsPerDay: 12 });
    const logs = await fetchLogs({ client: chain.client, address: chain.ecoshare, fromBlock: 0n, toBlock: await getBlockNumber(chain.client) });
    events = logs.map((log) => decodeEcoshareLog({ log })!);
  });
  after(async () => chain?.close());

  it("names every entry an event created or changed, for every event of the story", function () {
    const ledger = createLedger();
    let before = snapshot(ledger);
    const kinds = new Set<string>();
    for (const event of events) {
      const changes = applyEvent(ledger, event);
      const after = snapshot(ledger);
      const reported = new Set(Object.entries(changes).flatMap(([kind, keys]) => [...(keys as Set<unknown>)].map((key) => `${kind}:${String(key)}`)));
      for (const [key, value] of after) {
        if (before.get(key) === value) continue;
        expect(reported.has(key), `${event.eventName} in ${event.transactionHash} changed ${key} without saying so`).to.equal(true);
        kinds.add(key.split(":")[0]!);
      }
      before = after;
    }
    // The story exercises every kind of entry the indexer writes.
    expect([...kinds]).to.include.members(["networks", "agreements", "accounts", "heldPayments", "referrals", "lineages", "payments", "orders"]);
    expect(events.map((e) => e.eventName)).to.include.members(["HeldPaymentReleased", "HeldPaymentRefunded", "AgreementCountered", "AgreementSuperseded", "Withdrawn"]);
  });
});
