/**
 * The indexer's HTTP API (Ponder's built-in Hono server):
 * - GET /status, /ready (Ponder's own): the last indexed block; ready once the backfill is done.
 * - GET /balances[?account=0x..]: every account's money per asset (the contract's `balanceOf`).
 * - GET /earnings[?account=0x..][&at=<unix seconds>]: per agreement and party, what it may collect at `at`
 *   (default the chain's latest block time), as the contract's `collectable`.
 * - GET /payments?[agreementId=|payer=|referrer=][&before=<index>][&limit=]: payments newest first, a page at a time.
 * - GET /held-payments[?agreementId=]: held payments and what became of them.
 * - /sql/*: Ponder's SQL over HTTP (@ponder/client) on every table of ponder.schema.ts.
 * Integers are decimal strings (JSON has no 256-bit integers). Rows come in key order (agreement, account,
 * asset, hold id); payments newest first.
 */
import { db, publicClients } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { and, asc, client, desc, eq, lt } from "ponder";

const app = new Hono();
app.use("/sql/*", client({ db, schema }));

const json = (value: unknown) =>
  new Response(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)), {
    headers: { "content-type": "application/json", "access-control-allow-origin": "*" },
  });
const bad = (message: string) => new Response(JSON.stringify({ error: message }), { status: 400, headers: { "content-type": "application/json", "access-control-allow-origin": "*" } });

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const INTEGER = /^\d{1,78}$/;
function address(value: string | undefined, name: string): `0x${string}` | undefined | Error {
  if (value === undefined) return undefined;
  return ADDRESS.test(value) ? (value.toLowerCase() as `0x${string}`) : new Error(`${name} must be a 0x-prefixed 20-byte address, not "${value}".`);
}
function integer(value: string | undefined, name: string): bigint | undefined | Error {
  if (value === undefined) return undefined;
  return INTEGER.test(value) ? BigInt(value) : new Error(`${name} must be a non-negative integer, not "${value}".`);
}

/** The chain's latest block time: what `collectable` would be computed at now. */
async function now(): Promise<bigint> {
  return (await publicClients.ecoshare.getBlock({ blockTag: "latest" })).timestamp;
}

app.get("/balances", async (c) => {
  const account = address(c.req.query("account"), "account");
  if (account instanceof Error) return bad(account.message);
  const rows = await db
    .select()
    .from(schema.balance)
    .where(account === undefined ? undefined : eq(schema.balance.account, account))
    .orderBy(asc(schema.balance.account), asc(schema.balance.asset));
  return json(rows);
});

app.get("/earnings", async (c) => {
  const account = address(c.req.query("account"), "account");
  if (account instanceof Error) return bad(account.message);
  const at = integer(c.req.query("at"), "at");
  if (at instanceof Error) return bad(at.message);
  const time = at ?? (await now());
  const rows = await db
    .select({ earning: schema.earning, validUntil: schema.agreement.validUntil, feeRecipient: schema.agreement.feeRecipient })
    .from(schema.earning)
    .innerJoin(schema.agreement, eq(schema.agreement.id, schema.earning.agreementId))
    .where(account === undefined ? undefined : eq(schema.earning.account, account))
    .orderBy(asc(schema.earning.agreementId), asc(schema.earning.account));
  return json(
    rows.map(({ earning, validUntil, feeRecipient }) => ({
      ...earning,
      feeRecipient,
      collectable: time > validUntil ? earning.collectableClosed : earning.collectableOpen,
    })),
  );
});

app.get("/payments", async (c) => {
  const filters: ReturnType<typeof eq>[] = [];
  for (const name of ["payer", "referrer"] as const) {
    const value = address(c.req.query(name), name);
    if (value instanceof Error) return bad(value.message);
    if (value !== undefined) filters.push(eq(schema.payment[name], value));
  }
  const agreementId = integer(c.req.query("agreementId"), "agreementId");
  if (agreementId instanceof Error) return bad(agreementId.message);
  if (agreementId !== undefined) filters.push(eq(schema.payment.agreementId, agreementId));
  const before = integer(c.req.query("before"), "before");
  if (before instanceof Error) return bad(before.message);
  if (before !== undefined) filters.push(lt(schema.payment.index, Number(before)));
  const limit = integer(c.req.query("limit") ?? "100", "limit");
  if (limit instanceof Error || limit! < 1n || limit! > 1000n) return bad("limit must be an integer from 1 to 1000.");
  const rows = await db
    .select()
    .from(schema.payment)
    .where(filters.length === 0 ? undefined : and(...filters))
    .orderBy(desc(schema.payment.index))
    .limit(Number(limit));
  return json(rows);
});

app.get("/held-payments", async (c) => {
  const agreementId = integer(c.req.query("agreementId"), "agreementId");
  if (agreementId instanceof Error) return bad(agreementId.message);
  const rows = await db
    .select()
    .from(schema.heldPayment)
    .where(agreementId === undefined ? undefined : eq(schema.heldPayment.agreementId, agreementId))
    .orderBy(asc(schema.heldPayment.holdId));
  return json(rows);
});

export default app;
