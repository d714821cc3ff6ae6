/**
 * Orders in the ledger (client/ledger.ts) against the contract: `payOrder`'s lines grouped by the rule
 * (the next `lineCount` PaymentSplit events of the OrderPaid's transaction), each line's derived split equal
 * to what the contract credited (to the wei), a held line refunded to the order's refund recipient, earnings
 * paid by `collect`, and the whole ledger reconciled with the contract's views. Also the order reference's
 * text form (client/order-ref.ts).
 */
import { expect } from "chai";
import { Signature } from "ethers";
import { network } from "hardhat";

import { decodeEcoshareLog, type EcoshareEvent, type HeldPayment } from "../../client/decode-events.js";
import type { Address, Hex } from "viem";
import { domainFromErc5267, permitTypes } from "../../client/eip712.js";
import { buildLedger, type Ledger } from "../../client/ledger.js";
import { formatOrderRef, orderRefFromText, orderRefText } from "../../client/order-ref.js";
import { MemberRole } from "../../client/protocol.js";
import type { Ecoshare } from "../../types/ethers-contracts/index.js";
import { reconcile } from "../../client/reconcile.js";
import { providerClient } from "../../client/rpc-client.js";
import * as h from "../helpers/ecoshare.js";
import { rawLog } from "./helpers/raw-log.js";

const connection = await network.create();
const { ethers } = connection;
const DUSD = 1_000_000n;

describe("orders in the ledger", function () {
  this.timeout(120_000);

  it("reads an order reference as text only when it is printable ASCII padded with zeros", function () {
    const ref = orderRefFromText("CS-2026-0142");
    expect(ref).to.equal(`0x${Buffer.from("CS-2026-0142").toString("hex").padEnd(64, "0")}`);
    expect(orderRefText(ref)).to.equal("CS-2026-0142");
    expect(orderRefText(orderRefFromText("x".repeat(32)))).to.equal("x".repeat(32));
    const hash = "0x8f0d9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7" as Hex;
    expect(formatOrderRef(hash)).to.equal(hash);
    expect(orderRefText(h.ORDER as Hex)).to.equal(undefined, "bytes 0xab are not ASCII");
    expect(orderRefText(`0x${"00".repeat(32)}`)).to.equal(undefined, "no reference");
    expect(orderRefText(`0x4142004300${"00".repeat(27)}`)).to.equal(undefined, "a byte after the padding");
    expect(orderRefText(`0x41420a${"00".repeat(29)}`)).to.equal(undefined, "a line feed is not printable");
    expect(() => orderRefFromText("x".repeat(33))).to.throw("1 to 32 printable ASCII characters");
    expect(() => orderRefFromText("café")).to.throw("1 to 32 printable ASCII characters");
  });

  it("groups an order's lines, derives each line's split as the contract credits it, and refunds a held line to refundTo", async function () {
    const [operator, hotel, restaurant, events, agent, guest, booker] = await ethers.getSigners();
    const ecoshare = await h.deployEcoshare(ethers);
    const token = await h.deployStablecoin(ethers);
    const address = (await ecoshare.getAddress()) as Address;
    const tokenAddress = (await token.getAddress()) as Address;
    const startBlock = await ethers.provider.getBlockNumber();
    const networkId = await h.createNetwork(ecoshare, operator!, h.NetworkKind.VendorLed, operator!.address, 150);
    await h.addMembers(ecoshare, networkId, operator!, [hotel!, restaurant!, events!]);
    await h.addMembers(ecoshare, networkId, operator!, [agent!], h.MemberRole.ReferralPartner);
    const agreement = async (vendor: typeof hotel, overrides: Parameters<typeof h.makeTerms>[3]) =>
      h.propose(ecoshare, vendor!, await h.makeTerms(ecoshare, networkId, h.equalShares([vendor!.address]), overrides));
    // A room in ETH; dinner in dUSD with a loyalty tier; an event in dUSD held two days, only referral partners refer.
    const room = await agreement(hotel, { referralFeeBps: 500 });
    const dinner = await agreement(restaurant, { asset: tokenAddress, referralFeeBps: 300, referralTiers: [{ fromVolume: 50n * DUSD, feeBps: 900, holdbackPeriod: 0 }] });
    const event = await agreement(events, {
      asset: tokenAddress,
      referralFeeBps: 400,
      holdbackPeriod: Number(2n * h.DAY),
      refunder: events!.address as Address,
      referrerRoles: 1 << MemberRole.ReferralPartner,
    });

    // The booker has no allowance: one permit for the sum of the dUSD lines, pulled once.
    await (await token.mint(booker!.address, 1_000n * DUSD)).wait();
    const lines = [
      { agreementId: room, asset: h.ETH, amount: 3n * 10n ** 17n + 7n, referrer: agent!.address },
      { agreementId: dinner, asset: tokenAddress, amount: 80n * DUSD + 3n, referrer: agent!.address },
      { agreementId: event, asset: tokenAddress, amount: 45n * DUSD + 1n, referrer: agent!.address },
      { agreementId: dinner, asset: tokenAddress, amount: 20n * DUSD + 9n, referrer: agent!.address },
    ];
    const tokens = lines.filter((l) => l.asset !== h.ETH).reduce((s, l) => s + l.amount, 0n);
    const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + h.DAY;
    const tokenDomain = domainFromErc5267([...(await token.eip712Domain())]);
    const permit = Signature.from(
      await booker!.signTypedData(tokenDomain, { Permit: [...permitTypes.Permit] }, { owner: booker!.address, spender: address, value: tokens, nonce: 0n, deadline }),
    );
    const orderRef = orderRefFromText("CS-0042");
    // A plain payment first, then the order: the grouping takes exactly the order's lines.
    await (await ecoshare.connect(guest!).pay(room, h.ETH, 10n ** 16n, h.NO_REFERRER, h.ORDER, h.NO_REFERRER, { value: 10n ** 16n })).wait();
    const before = await credited(ecoshare, [room, dinner], agent!.address, tokenAddress);
    const receipt = await (
      await ecoshare
        .connect(booker!)
        .payOrder(lines, orderRef, guest!.address, [{ token: tokenAddress, value: tokens, deadline, v: permit.v, r: permit.r, s: permit.s }], { value: lines[0]!.amount })
    ).wait();
    const after = await credited(ecoshare, [room, dinner], agent!.address, tokenAddress);
    const held = receipt!.logs.flatMap((log) => {
      const decoded = decodeEcoshareLog({ log: rawLog(log) });
      return decoded?.eventName === "PaymentHeld" ? [decoded.args.held] : [];
    });
    expect(held).to.have.length(1);

    let ledger = await ledgerOf(address, startBlock);
    expect(ledger.anomalies).to.deep.equal([]);
    expect(ledger.orders).to.have.length(1);
    const [order] = ledger.orders;
    expect(order).to.include({ payer: booker!.address, orderRef, lineCount: 4, refundTo: guest!.address, transactionHash: receipt!.hash });
    expect(order!.lines).to.deep.equal([1, 2, 3, 4]);
    expect(order!.totals).to.deep.equal([{ asset: h.ETH, amount: lines[0]!.amount }, { asset: tokenAddress, amount: tokens }]);
    expect(ledger.payments[0]).to.not.have.property("order");
    const orderLines = order!.lines.map((i) => ledger.payments[i]!);
    expect(orderLines.map((p) => [p.order, p.line, p.agreementId, p.amount])).to.deep.equal(lines.map((l, i) => [0, i, l.agreementId, l.amount]));

    // Each line's split, derived from the terms, is what the contract credited: running totals and the
    // referrer's balance for the credited lines (both dinner lines together), the held record for the event.
    const [roomLine, dinnerLine, eventLine, dinnerAgain] = orderLines as [typeof orderLines[number], typeof orderLines[number], typeof orderLines[number], typeof orderLines[number]];
    expect([after.pools[0]! - before.pools[0]!, after.fees[0]! - before.fees[0]!]).to.deep.equal([roomLine.vendorShare, roomLine.networkFee]);
    expect([after.pools[1]! - before.pools[1]!, after.fees[1]! - before.fees[1]!]).to.deep.equal([
      dinnerLine.vendorShare + dinnerAgain.vendorShare,
      dinnerLine.networkFee + dinnerAgain.networkFee,
    ]);
    expect(after.referrerEth - before.referrerEth).to.equal(roomLine.referralFee);
    expect(after.referrerToken - before.referrerToken).to.equal(dinnerLine.referralFee + dinnerAgain.referralFee);
    expect([roomLine.referralFeeBps, dinnerLine.referralFeeBps, dinnerLine.tier, dinnerAgain.referralFeeBps, dinnerAgain.tier]).to.deep.equal([500, 300, 0, 900, 1]);
    const { networkFee, referralFee, vendorShare, refundTo } = held[0]!;
    expect({ networkFee, referralFee, vendorShare, refundTo }).to.deep.equal({
      networkFee: eventLine.networkFee,
      referralFee: eventLine.referralFee,
      vendorShare: eventLine.vendorShare,
      refundTo: guest!.address,
    });
    expect(eventLine).to.include({ status: "pending", holdId: held[0]!.holdId, refundTo: guest!.address });

    // The event is cancelled: its line is refunded to the guest, not to the booker who paid.
    await (await ecoshare.connect(events!).refundHeldPayment(held[0] as HeldPayment)).wait();
    // The hotel collects the room straight to its wallet.
    await (await ecoshare.connect(hotel!).claim(room)).wait();
    ledger = await ledgerOf(address, startBlock);
    expect(ledger.anomalies).to.deep.equal([]);
    expect(ledger.payments[eventLine.index]!.status).to.equal("refunded");
    expect(ledger.accounts.get(`${guest!.address.toLowerCase()}/${tokenAddress.toLowerCase()}`)).to.include({ balance: eventLine.amount, refunds: eventLine.amount });
    expect(ledger.accounts.get(`${booker!.address.toLowerCase()}/${tokenAddress.toLowerCase()}`)).to.equal(undefined);
    expect(await ecoshare.balanceOf(guest!.address, tokenAddress)).to.equal(eventLine.amount);
    const hotelEntry = ledger.accounts.get(`${hotel!.address.toLowerCase()}/${h.ETH}`)!;
    expect([hotelEntry.balance, hotelEntry.paidByCollect, hotelEntry.collectedShares]).to.deep.equal([0n, hotelEntry.collectedShares, ledger.agreements.get(room)!.vendorPool]);
    expect(await ecoshare.collectable(room, hotel!.address)).to.equal(0n);

    // The ledger agrees with every view of the contract.
    const head = await ethers.provider.getBlock("latest");
    const { mismatches } = await reconcile({ client: providerClient(connection.provider), ecoshare: address, ledger, blockNumber: BigInt(head!.number), timestamp: BigInt(head!.timestamp) });
    expect(mismatches).to.deep.equal([]);

    // The grouping rule: a line must come in the order's own transaction, and an order without its OrderPaid is none.
    const log = await eventsOf(address, startBlock);
    const lastLine = log.findLast((e) => e.eventName === "PaymentSplit" && e.transactionHash === receipt!.hash)!;
    const moved = buildLedger({ events: log.map((e) => (e === lastLine ? { ...e, transactionHash: `0x${"ee".repeat(32)}` as Hex } : e)) });
    expect(moved.anomalies.map((a) => a.message)).to.include(`order 0 by ${booker!.address} announced 4 lines; its transaction has 3`);
    expect(moved.payments.at(-1)).to.not.have.property("order");
    const unannounced = buildLedger({ events: log.filter((e) => e.eventName !== "OrderPaid") });
    expect(unannounced.orders).to.deep.equal([]);
    expect(unannounced.payments.every((p) => p.order === undefined)).to.equal(true);
  });
});

/** The running totals of `agreementIds` and the referrer's balances, to measure what one transaction credited. */
async function credited(ecoshare: Ecoshare, agreementIds: bigint[], referrer: string, token: string) {
  const views = await Promise.all(agreementIds.map((id) => ecoshare.agreement(id)));
  return {
    pools: views.map((v) => v.vendorPool),
    fees: views.map((v) => v.networkFees),
    referrerEth: await ecoshare.balanceOf(referrer, h.ETH),
    referrerToken: await ecoshare.balanceOf(referrer, token),
  };
}

async function eventsOf(address: Address, fromBlock: number): Promise<EcoshareEvent[]> {
  const logs = await ethers.provider.getLogs({ address, fromBlock, toBlock: "latest" });
  return logs.map((log) => decodeEcoshareLog({ log: rawLog(log) })!);
}

async function ledgerOf(address: Address, fromBlock: number): Promise<Ledger> {
  return buildLedger({ events: await eventsOf(address, fromBlock) });
}
