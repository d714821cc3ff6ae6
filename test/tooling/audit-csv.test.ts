/**
 * The audit's CSV for spreadsheets, against a real node with the demo story seeded: exact base units kept
 * as text, decimal amounts with the asset's symbol and decimals, every row's block time equal to the
 * chain's, block timestamps read once per block, and a token that will not tell its symbol never loses a row.
 */
import { expect } from "chai";
import { Interface } from "ethers";
import type { Hex } from "viem";

import { ecoshareAbi } from "../../client/abis.generated.js";
import { formatAuditSummary } from "../../client/audit-format.js";
import { runAudit } from "../../client/audit.js";
import { isoTime } from "../../client/block-times.js";
import { parseBaseUnitsText, toCsv } from "../../client/csv.js";
import { ledgerFiles } from "../../client/ledger-export.js";
import { orderRefFromText } from "../../client/order-ref.js";
import { ETH } from "../../client/protocol.js";
import { providerClient, rpcRequest, type Eip1193Provider, type RpcClient } from "../../client/rpc-client.js";
import { parseCsv } from "./helpers/csv.js";
import { seededChain, type SeededChain } from "./helpers/nodes.js";

const WEI = 35813524000039835871n;
const SYMBOL_SELECTOR = new Interface(["function symbol() view returns (string)"]).getFunction("symbol")!.selector;

describe("audit CSV for spreadsheets", function () {
  this.timeout(180_000);
  let chain: SeededChain;
  let labels: Map<string, string>;
  let paidIn: Hex;

  before(async function () {
    chain = await seededChain({ days: 3, paymentsPerDay: 12 });
    labels = new Map((chain.record.demo?.accounts ?? []).map((a) => [a.address.toLowerCase(), a.label]));
    const alice = chain.record.demo!.accounts.find((a) => a.label === "Alice")!.address;
    // 35.813524000039835871 ETH for a room: 20 significant digits, more than a spreadsheet's number keeps.
    const data = new Interface(ecoshareAbi).encodeFunctionData("pay", [chain.seed.agreements.room!, ETH, WEI, ETH, orderRefFromText("CSV-WEI-1"), ETH]);
    paidIn = await rpc<Hex>("eth_sendTransaction", [{ from: alice, to: chain.ecoshare, data, value: `0x${WEI.toString(16)}` }]);
  });
  after(async () => chain?.close());

  const rpc = <T>(method: string, params: readonly unknown[] = []) => rpcRequest<T>(chain.client, method, params);
  const audit = (client: RpcClient = chain.client) => runAudit({ client, ecoshare: chain.ecoshare, fromBlock: BigInt(chain.record.deployBlock) });
  const csv = (files: Map<string, string>, name: string) => parseCsv(files.get(name)!);

  it("keeps a 20-digit wei amount exact in the base-units column and shows it as 35.813524000039835871 ETH", async function () {
    const report = await audit();
    expect(report.passed).to.equal(true);
    const files = ledgerFiles({ report, labels, chainId: 31337 });
    const { header, rows } = csv(files, "payments.csv");
    expect(header.join(",")).to.equal(
      "payment,order,line,transactionHash,blockNumber,blockTime,logIndex,agreementId,payer,payerLabel,referrer,referrerLabel,asset,assetSymbol,assetDecimals," +
        "amount,amountBaseUnits,networkFee,networkFeeBaseUnits,referralFee,referralFeeBaseUnits,vendorShare,vendorShareBaseUnits,referralFeeBps,tier,orderRef,orderRefHex,status,holdId,refundTo",
    );
    const row = rows.find((r) => r.transactionHash === paidIn)!;
    expect(row).to.include({ amount: "35.813524000039835871", amountBaseUnits: "'35813524000039835871", assetSymbol: "ETH", assetDecimals: "18", orderRef: "CSV-WEI-1", payerLabel: "Alice" });
    expect(parseBaseUnitsText(row.amountBaseUnits!)).to.equal(WEI);
    // The split's columns add up exactly, read back from text.
    const parts = ["networkFee", "referralFee", "vendorShare"].map((c) => parseBaseUnitsText(row[`${c}BaseUnits`]!));
    expect(parts.reduce((s, v) => s + v, 0n)).to.equal(WEI);
    // Every payment and order line is a row, and the JSON stays exact (base units as strings) with the block time.
    expect(rows).to.have.length(report.ledger.payments.length);
    expect(rows.filter((r) => r.order !== "")).to.have.length(report.ledger.orders.reduce((n, o) => n + o.lines.length, 0));
    const json = (JSON.parse(files.get("payments.json")!) as { transactionHash: string; amount: string; blockTime: string; decimals: number }[]).find((p) => p.transactionHash === paidIn)!;
    expect(json).to.include({ amount: "35813524000039835871", blockTime: row.blockTime, decimals: 18 });
  });

  it("shows a 6-decimal token's amounts with its symbol and 6 decimals", async function () {
    const report = await audit();
    const files = ledgerFiles({ report, labels, chainId: 31337 });
    const dusd = csv(files, "payments.csv").rows.filter((r) => r.asset!.toLowerCase() === chain.stablecoin.toLowerCase());
    expect(dusd.length).to.be.greaterThan(0);
    for (const r of dusd) {
      expect(r).to.include({ assetSymbol: "dUSD", assetDecimals: "6" });
      expect(r.amount).to.match(/^\d+\.\d{6}$/);
      expect(BigInt(r.amount!.replace(".", ""))).to.equal(parseBaseUnitsText(r.amountBaseUnits!));
    }
    const held = csv(files, "held.csv").rows.find((r) => r.asset!.toLowerCase() === chain.stablecoin.toLowerCase())!;
    expect(held.assetSymbol).to.equal("dUSD");
    expect(held.pending).to.match(/^\d+\.\d{6}$/);
  });

  it("gives every row of every CSV its block and a block time equal to the chain's, reading each block once", async function () {
    const counts = new Map<string, number>();
    const counting: Eip1193Provider = {
      request(args: { method: string; params?: readonly unknown[] }) {
        counts.set(args.method, (counts.get(args.method) ?? 0) + 1);
        return rpcRequest(chain.client, args.method, args.params);
      },
    };
    const report = await audit(providerClient(counting));
    const distinctBlocks = new Set([...report.events.map((e) => e.blockNumber), report.toBlock]);
    const blockReads = counts.get("eth_getBlockByNumber") ?? 0;
    expect(blockReads).to.be.at.most(distinctBlocks.size);
    // Several events share a block in the seed: one request per row would have been more.
    expect(report.events.length).to.be.greaterThan(distinctBlocks.size);

    const chainTimes = new Map<string, string>();
    const timeOf = async (block: string) => {
      if (!chainTimes.has(block)) {
        const header = await rpc<{ timestamp: Hex }>("eth_getBlockByNumber", [`0x${BigInt(block).toString(16)}`, false]);
        chainTimes.set(block, isoTime(BigInt(header.timestamp)));
      }
      return chainTimes.get(block)!;
    };
    const files = ledgerFiles({ report, labels, chainId: 31337 });
    let checked = 0;
    for (const [name, content] of files) {
      if (!name.endsWith(".csv")) continue;
      const { header, rows } = parseCsv(content);
      const pairs = [["blockNumber", "blockTime"], ["asOfBlock", "asOfTime"], ["heldBlock", "heldTime"], ["settledBlock", "settledTime"]].filter(([b]) => header.includes(b!));
      expect(pairs, `${name} has a block time column`).to.not.deep.equal([]);
      for (const row of rows) {
        const present = pairs.filter(([b]) => row[b!] !== "");
        expect(present, `${name}: a row without a block`).to.not.deep.equal([]);
        for (const [b, t] of present) {
          expect(row[t!]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          expect(row[t!], `${name} ${b} ${row[b!]}`).to.equal(await timeOf(row[b!]!));
          checked++;
        }
      }
    }
    expect(checked).to.be.greaterThan(report.ledger.payments.length);
  });

  it("warns in plain words and keeps every row in base units when a token will not tell its symbol", async function () {
    // The RPC fails symbol() on the stablecoin (as a token without one, or a flaky RPC, would); everything else is the real node.
    const failing: Eip1193Provider = {
      async request(args: { method: string; params?: readonly unknown[] }) {
        const [call] = (args.params ?? []) as [{ to?: string; data?: string }?];
        if (args.method === "eth_call" && call?.to?.toLowerCase() === chain.stablecoin.toLowerCase() && call.data?.startsWith(SYMBOL_SELECTOR)) {
          throw Object.assign(new Error("execution reverted"), { code: 3 });
        }
        return rpcRequest(chain.client, args.method, args.params);
      },
    };
    const report = await audit(providerClient(failing));
    expect(report.passed).to.equal(true);
    expect(report.warnings).to.have.length(1);
    expect(report.warnings[0]).to.include(chain.stablecoin).and.to.include("symbol() failed").and.to.include("base units only");
    expect(formatAuditSummary({ report, labels }).join("\n")).to.include(`Warning: The token ${chain.stablecoin}`);
    const files = ledgerFiles({ report, labels, chainId: 31337 });
    const rows = csv(files, "payments.csv").rows;
    expect(rows).to.have.length(report.ledger.payments.length);
    const dusd = rows.filter((r) => r.asset!.toLowerCase() === chain.stablecoin.toLowerCase());
    expect(dusd.length).to.be.greaterThan(0);
    for (const r of dusd) {
      expect(r).to.include({ assetSymbol: "", assetDecimals: "", amount: "" });
      expect(r.amountBaseUnits).to.match(/^'\d+$/);
    }
    const sum = dusd.reduce((s, r) => s + parseBaseUnitsText(r.amountBaseUnits!), 0n);
    const expected = report.ledger.payments.filter((p) => p.asset.toLowerCase() === chain.stablecoin.toLowerCase()).reduce((s, p) => s + p.amount, 0n);
    expect(sum).to.equal(expected);
    expect((JSON.parse(files.get("ledger.json")!) as { warnings: string[] }).warnings).to.deep.equal(report.warnings);
  });

  it("keeps a text cell that a spreadsheet would run as a formula as text, and a negative amount as a number", function () {
    const text = toCsv([{ termsURI: "=HYPERLINK(\"http://x\",\"y\")", label: "@SUM(1)", difference: "-0.000001", note: "-1+2" }]);
    const { rows } = parseCsv(text);
    expect(rows[0]).to.deep.equal({ termsURI: "'=HYPERLINK(\"http://x\",\"y\")", label: "'@SUM(1)", difference: "-0.000001", note: "'-1+2" });
    expect(parseBaseUnitsText("'-1")).to.equal(-1n);
    expect(() => parseBaseUnitsText("'1e21")).to.throw(/not an amount in base units/);
  });
});

