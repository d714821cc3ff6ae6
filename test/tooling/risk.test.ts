/**
 * Risk figures (client/risk.ts) from a real chain's events: a referrer with one payment refunded, one
 * released and one still held, and a proven referrer paid at once; the figures per referrer, vendor and
 * network match what happened, to the wei.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { decodeEcoshareLog, type HeldPayment } from "../../client/decode-events.js";
import type { Address } from "viem";
import { buildLedger } from "../../client/ledger.js";
import { refundRateBps, releaseBlocksOf, releaseTimes, riskFigures, riskOf } from "../../client/risk.js";
import { riskSeries } from "../../client/risk-series.js";
import * as h from "../helpers/ecoshare.js";
import { rawLog } from "./helpers/raw-log.js";

const { ethers } = await network.create();

describe("risk figures", function () {
  this.timeout(120_000);

  it("counts paid, refunded, released and held volume and the refund rate per referrer, vendor and network", async function () {
    const [operator, vendor, newcomer, proven, customer] = await ethers.getSigners();
    const ecoshare = await h.deployEcoshare(ethers);
    const address = (await ecoshare.getAddress()) as Address;
    const startBlock = await ethers.provider.getBlockNumber();
    const networkId = await h.createNetwork(ecoshare, operator!, h.NetworkKind.VendorLed, operator!.address, 100);
    await h.addMembers(ecoshare, networkId, operator!, [vendor!, newcomer!, proven!]);
    const heldId = await h.propose(ecoshare, vendor!, await h.makeTerms(ecoshare, networkId, h.equalShares([vendor!.address]), { referralFeeBps: 500, holdbackPeriod: Number(h.DAY), refunder: vendor!.address as Address }));
    const openId = await h.propose(ecoshare, vendor!, await h.makeTerms(ecoshare, networkId, h.equalShares([vendor!.address]), { referralFeeBps: 500 }));
    const pay = async (id: bigint, referrer: string, amount: bigint) => (await ecoshare.connect(customer!).pay(id, h.ETH, amount, referrer, h.ORDER, h.NO_REFERRER, { value: amount })).wait();
    const held: HeldPayment[] = [];
    const heldBlocks: number[] = [];
    for (const amount of [1_000n, 3_000n]) {
      const receipt = await pay(heldId, newcomer!.address, amount);
      heldBlocks.push(receipt!.blockNumber);
      for (const log of receipt!.logs) {
        const decoded = decodeEcoshareLog({ log: rawLog(log) });
        if (decoded?.eventName === "PaymentHeld") held.push(decoded.args.held);
      }
    }
    await (await ecoshare.connect(vendor!).refundHeldPayment(held[0]!)).wait();
    await ethers.provider.send("evm_increaseTime", [Number(h.DAY) + 1]);
    const releaseReceipt = await (await ecoshare.connect(customer!).releaseHeldPayments([held[1]!])).wait();
    await pay(heldId, newcomer!.address, 500n);
    await pay(openId, proven!.address, 7_000n);

    const logs = await ethers.provider.getLogs({ address, fromBlock: startBlock, toBlock: "latest" });
    const events = logs.map((log) => decodeEcoshareLog({ log: rawLog(log) })!);
    const ledger = buildLedger({ events });
    const rows = riskFigures(ledger);
    const pick = ({ payments, paid, refundedPayments, refunded, released, held: h2, clean, refundRateBps: rate }: (typeof rows)[number]) => ({ payments, paid, refundedPayments, refunded, released, held: h2, clean, rate });
    expect(riskOf(rows, "referrer", newcomer!.address).map(pick)).to.deep.equal([{ payments: 3, paid: 4_500n, refundedPayments: 1, refunded: 1_000n, released: 3_000n, held: 500n, clean: 3_000n, rate: 2_222 }]);
    expect(riskOf(rows, "referrer", proven!.address).map(pick)).to.deep.equal([{ payments: 1, paid: 7_000n, refundedPayments: 0, refunded: 0n, released: 0n, held: 0n, clean: 7_000n, rate: 0 }]);
    expect(riskOf(rows, "vendor", vendor!.address).map(pick)).to.deep.equal([{ payments: 4, paid: 11_500n, refundedPayments: 1, refunded: 1_000n, released: 3_000n, held: 500n, clean: 10_000n, rate: 869 }]);
    expect(riskOf(rows, "network", String(networkId)).map((r) => r.paid)).to.deep.equal([11_500n]);
    expect(refundRateBps(0n, 0n)).to.equal(0);

    // Over time: one point per block that changed the newcomer's figures, the refund and release in their own blocks.
    const [series, ...others] = riskSeries({ ledger, events, scope: "referrer", subject: newcomer!.address });
    expect(others).to.deep.equal([]);
    const steps = series!.points.map(({ paid, refunded, released, held: h3, clean }) => ({ paid, refunded, released, held: h3, clean }));
    expect(steps).to.deep.equal([
      { paid: 1_000n, refunded: 0n, released: 0n, held: 1_000n, clean: 0n },
      { paid: 4_000n, refunded: 0n, released: 0n, held: 4_000n, clean: 0n },
      { paid: 4_000n, refunded: 1_000n, released: 0n, held: 3_000n, clean: 0n },
      { paid: 4_000n, refunded: 1_000n, released: 3_000n, held: 0n, clean: 3_000n },
      { paid: 4_500n, refunded: 1_000n, released: 3_000n, held: 500n, clean: 3_000n },
    ]);
    const blocks = series!.points.map((p) => p.blockNumber);
    expect([...blocks].sort((a, b) => Number(a - b))).to.deep.equal(blocks);
    // The last point of every subject's series is its figures row.
    for (const row of rows) {
      const last = riskSeries({ ledger, events, scope: row.scope, subject: row.subject }).find((s) => s.asset === row.asset)!.points.at(-1)!;
      expect({ paid: last.paid, refunded: last.refunded, released: last.released, held: last.held, clean: last.clean }).to.deep.equal({ paid: row.paid, refunded: row.refunded, released: row.released, held: row.held, clean: row.clean });
    }
    expect(riskSeries({ ledger, events, scope: "referrer", subject: newcomer!.address, maxPoints: 2 })[0]!.points.map((p) => p.paid)).to.deep.equal([1_000n, 4_500n]);
    // Time to release: from the block that held the 3,000 to the block that released it, by the blocks' times.
    const blockTimes = new Map<bigint, bigint>();
    for (const log of logs) blockTimes.set(BigInt(log.blockNumber), BigInt((await ethers.provider.getBlock(log.blockNumber))!.timestamp));
    const seconds = Number(blockTimes.get(BigInt(releaseReceipt!.blockNumber))! - blockTimes.get(BigInt(heldBlocks[1]!))!);
    expect(seconds > Number(h.DAY)).to.equal(true);
    const timed = riskFigures(buildLedger({ events: logs.map((log) => decodeEcoshareLog({ log: rawLog(log) })!) }), blockTimes);
    const times = (rows: typeof timed) => rows.map((r) => [r.releasedPayments, r.medianReleaseSeconds, r.meanReleaseSeconds]);
    expect(times(riskOf(timed, "referrer", newcomer!.address))).to.deep.equal([[1, seconds, seconds]]);
    expect(times(riskOf(timed, "referrer", proven!.address))).to.deep.equal([[0, undefined, undefined]]);
    // A page reads only the blocks its subject's time to release needs: where the 3,000 was held and released.
    const wanted = [BigInt(heldBlocks[1]!), BigInt(releaseReceipt!.blockNumber)];
    expect(releaseBlocksOf(ledger, "referrer", newcomer!.address).sort()).to.deep.equal(wanted.sort());
    expect(releaseBlocksOf(ledger, "referrer", proven!.address)).to.deep.equal([]);
    // Without block times there is nothing to measure.
    expect(times(riskOf(rows, "referrer", newcomer!.address))).to.deep.equal([[1, undefined, undefined]]);
  });

  it("takes the median and mean time to release, rounded down", function () {
    expect(releaseTimes([])).to.deep.equal({ median: undefined, mean: undefined });
    expect(releaseTimes([300, 100, 200])).to.deep.equal({ median: 200, mean: 200 });
    expect(releaseTimes([100, 400, 201, 50])).to.deep.equal({ median: 150, mean: 187 });
  });
});
