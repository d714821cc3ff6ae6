/**
 * payOrder: several lines, each to its own agreement (any network, any asset), paid all or nothing in one
 * transaction, each line split exactly as `pay` splits it, each token pulled once for the sum of its lines.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";

import type { FeeOnTransferToken, MockStablecoin } from "../types/ethers-contracts/index.js";
import * as h from "./helpers/ecoshare.js";
import { ETH, NO_REFERRER, ORDER } from "./helpers/ecoshare.js";
import { eventSequence, ethValue, heldPaymentsOf, orderLine, REFUND_TO_PAYER, tokenPermit, type OrderLine } from "./helpers/payments.js";
import { expectSolvent } from "./helpers/solvency.js";
import { activeAgreement, deployWorld, expectedSplit, NETWORK_FEE_BPS } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

const SECOND_NETWORK_FEE_BPS = 250;
const NO_PERMITS: never[] = [];

/**
 * Two networks and three agreements: `ethId` (ETH, world network, alice/bob/carol, 5% referral), `tokenId`
 * (dUSD, world network, alice 60% / dave 40%, 3% referral) and `otherId` (dUSD, a second network with a 2.5%
 * fee, alice/bob, 7% referral). Its 3-line order pays all three with a referral.
 */
async function ordersFixture() {
  const w = await deployWorld(ethers);
  const [operator2, feeRecipient2, referrer2] = w.spare;
  const networkId2 = await h.createNetwork(w.ecoshare, operator2!, h.NetworkKind.VendorLed, feeRecipient2!.address, SECOND_NETWORK_FEE_BPS);
  await h.addMembers(w.ecoshare, networkId2, operator2!, [w.alice, w.bob]);
  await h.addMembers(w.ecoshare, networkId2, operator2!, [referrer2!], h.MemberRole.ReferralPartner);

  const ethId = (await activeAgreement(w)).id;
  const duo = [
    { account: w.alice.address as `0x${string}`, shareBps: 6_000 },
    { account: w.dave.address as `0x${string}`, shareBps: 4_000 },
  ];
  const tokenId = (await activeAgreement(w, { asset: w.tokenAddress, parties: duo, referralFeeBps: 300 }, [w.alice, w.dave])).id;
  const otherTerms = await h.makeTerms(w.ecoshare, networkId2, h.equalShares([w.alice.address, w.bob.address]), {
    asset: w.tokenAddress,
    referralFeeBps: 700,
  });
  const otherId = await h.activateAgreement(w.ecoshare, w.alice, [w.alice, w.bob], otherTerms);

  const lines: OrderLine[] = [
    orderLine(ethId, ETH, ethers.parseEther("1.5") + 7n, w.referrer.address),
    orderLine(tokenId, w.tokenAddress, 123_456_789n, w.referrer.address),
    orderLine(otherId, w.tokenAddress, 987_654_321n, referrer2!.address),
  ];
  const rates = [
    { networkFeeBps: NETWORK_FEE_BPS, referralFeeBps: 500 },
    { networkFeeBps: NETWORK_FEE_BPS, referralFeeBps: 300 },
    { networkFeeBps: SECOND_NETWORK_FEE_BPS, referralFeeBps: 700 },
  ];
  return {
    ...w,
    networkId2,
    operator2: operator2!,
    feeRecipient2: feeRecipient2!,
    referrer2: referrer2!,
    ethId,
    tokenId,
    otherId,
    lines,
    rates,
  };
}

type Fixture = Awaited<ReturnType<typeof ordersFixture>>;

/** Everything a payment can change: balances, what each party and fee recipient may collect, running totals, holdings. */
async function ledgerState(f: Fixture, agreementIds: bigint[] = [f.ethId, f.tokenId, f.otherId]) {
  const accounts = [f.alice, f.bob, f.carol, f.dave, f.referrer, f.referrer2, f.feeRecipient, f.feeRecipient2, f.customer];
  const state: Record<string, bigint> = {};
  for (const asset of [ETH, f.tokenAddress]) {
    for (const a of accounts) state[`balance ${a.address} ${asset}`] = await f.ecoshare.balanceOf(a.address, asset);
  }
  for (const id of agreementIds) {
    const a = await f.ecoshare.agreement(id);
    state[`pool ${id}`] = a.vendorPool;
    state[`fees ${id}`] = a.networkFees;
    state[`held ${id}`] = BigInt(a.heldPayments);
    for (const who of [...(await f.ecoshare.partiesOf(id)).map((p) => p.account), a.feeRecipient]) {
      state[`collectable ${id} ${who}`] = await f.ecoshare.collectable(id, who);
    }
  }
  state["ecoshare ETH"] = await ethers.provider.getBalance(f.ecoshareAddress);
  state["ecoshare dUSD"] = await f.token.balanceOf(f.ecoshareAddress);
  state["customer dUSD"] = await f.token.balanceOf(f.customer.address);
  return state;
}

function payOrder(f: Fixture, lines: OrderLine[], options: { payer?: HardhatEthersSigner; refundTo?: string; value?: bigint } = {}) {
  const payer = options.payer ?? f.customer;
  return f.ecoshare
    .connect(payer)
    .payOrder(lines, ORDER, options.refundTo ?? REFUND_TO_PAYER, NO_PERMITS, { value: options.value ?? ethValue(lines) });
}

describe("Orders (payOrder)", function () {
  describe("a 3-line order across two networks, in ETH and two dUSD lines", function () {
    it("splits each line exactly as the same payments made one by one", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      const ethSum = ethValue(f.lines);
      await expect(payOrder(f, f.lines)).to.changeEtherBalances(ethers, [f.customer, f.ecoshare], [-ethSum, ethSum]);
      const byOrder = await ledgerState(f);

      const g = await networkHelpers.loadFixture(ordersFixture);
      for (const line of g.lines) {
        const value = line.asset === ETH ? line.amount : 0n;
        await g.ecoshare.connect(g.customer).pay(line.agreementId, line.asset, line.amount, line.referrer, ORDER, REFUND_TO_PAYER, { value });
      }
      expect(byOrder).to.deep.equal(await ledgerState(g));

      // And each is the split its agreement's terms give.
      for (const [i, line] of f.lines.entries()) {
        const split = expectedSplit(line.amount, f.rates[i]!.networkFeeBps, f.rates[i]!.referralFeeBps);
        expect(byOrder[`pool ${line.agreementId}`], `line ${i} vendor share`).to.equal(split.vendorShare);
        expect(byOrder[`fees ${line.agreementId}`], `line ${i} network fee`).to.equal(split.networkFee);
      }
      const [eth, tok, other] = f.lines.map((l, i) => expectedSplit(l.amount, f.rates[i]!.networkFeeBps, f.rates[i]!.referralFeeBps));
      expect(byOrder[`balance ${f.referrer.address} ${ETH}`]).to.equal(eth!.referralFee);
      expect(byOrder[`balance ${f.referrer.address} ${f.tokenAddress}`]).to.equal(tok!.referralFee);
      expect(byOrder[`balance ${f.referrer2.address} ${f.tokenAddress}`]).to.equal(other!.referralFee);
      expect(byOrder[`collectable ${f.otherId} ${f.feeRecipient2.address}`]).to.equal(other!.networkFee);
      await expectSolvent(f.ecoshare, ETH);
      await expectSolvent(f.ecoshare, f.tokenAddress);
    });

    it("pulls the token once, for the sum of its lines", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      const tokenSum = f.lines[1]!.amount + f.lines[2]!.amount;
      const receipt = await (await payOrder(f, f.lines)).wait();
      const pulls = await f.token.queryFilter(f.token.filters.Transfer(f.customer.address), receipt!.blockNumber, receipt!.blockNumber);
      expect(pulls.map((e) => [e.args.from, e.args.to, e.args.value])).to.deep.equal([[f.customer.address, f.ecoshareAddress, tokenSum]]);
      expect(await f.token.balanceOf(f.ecoshareAddress)).to.equal(tokenSum);
    });

    it("emits OrderPaid first (line count, effective refundTo), then each line's PaymentSplit in order", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      const events = await eventSequence(payOrder(f, f.lines), f.ecoshare);
      expect(events.map((e) => e.name)).to.deep.equal(["OrderPaid", "PaymentSplit", "PaymentSplit", "PaymentSplit"]);
      // refundTo = address(0) means the payer, and OrderPaid says so.
      expect([...events[0]!.args]).to.deep.equal([f.customer.address, ORDER, 3n, f.customer.address]);
      for (const [i, line] of f.lines.entries()) {
        expect([...events[i + 1]!.args]).to.deep.equal([line.agreementId, f.customer.address, line.referrer, line.amount, ORDER]);
      }
      const named = await eventSequence(payOrder(f, f.lines, { refundTo: f.outsider.address }), f.ecoshare);
      expect([...named[0]!.args]).to.deep.equal([f.customer.address, ORDER, 3n, f.outsider.address]);
    });

    it("orders a tiered line's ReferralTierApplied before its PaymentSplit, and a held line's PaymentHeld after", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      const tiered = (await activeAgreement(f, { referralTiers: [{ fromVolume: 1_000n, feeBps: 900, holdbackPeriod: 0 }] })).id;
      const held = (await activeAgreement(f, { holdbackPeriod: 3_600, refunder: f.alice.address as `0x${string}` })).id;
      const lines = [orderLine(tiered, ETH, 5_000n, f.referrer.address), orderLine(held, ETH, 7_000n, f.referrer.address), f.lines[0]!];
      const tx = payOrder(f, lines, { refundTo: f.outsider.address });
      const events = await eventSequence(tx, f.ecoshare);
      expect(events.map((e) => e.name)).to.deep.equal([
        "OrderPaid",
        "ReferralTierApplied",
        "PaymentSplit",
        "PaymentSplit",
        "PaymentHeld",
        "PaymentSplit",
      ]);
      expect([...events[1]!.args]).to.deep.equal([tiered, f.referrer.address, 0n, 500n, 0n]);
      expect(events.filter((e) => e.name === "PaymentSplit").map((e) => e.args.agreementId)).to.deep.equal([tiered, held, f.ethId]);
      const [record] = await heldPaymentsOf(tx, f.ecoshare);
      expect([record!.agreementId, record!.payer, record!.amount, record!.refundTo]).to.deep.equal([
        held,
        f.customer.address,
        7_000n,
        f.outsider.address,
      ]);
      // The held line is credited nothing yet; the others are.
      expect((await f.ecoshare.agreement(held)).vendorPool).to.equal(0n);
      expect(await f.ecoshare.balanceOf(f.referrer.address, ETH)).to.equal(250n + expectedSplit(f.lines[0]!.amount, NETWORK_FEE_BPS, 500).referralFee);
      await expectSolvent(f.ecoshare, ETH);
    });

    it("rates two lines to one tiered agreement as two payments one after the other", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      const tiers = { referralTiers: [{ fromVolume: 1_000n, feeBps: 900, holdbackPeriod: 0 }] };
      const tiered = (await activeAgreement(f, tiers)).id;
      const lines = [orderLine(tiered, ETH, 1_000n, f.referrer.address), orderLine(tiered, ETH, 10_000n, f.referrer.address)];
      const events = await eventSequence(payOrder(f, lines), f.ecoshare);
      const applied = events.filter((e) => e.name === "ReferralTierApplied").map((e) => [e.args.tier, e.args.feeBps, e.args.volumeBefore]);
      expect(applied).to.deep.equal([
        [0n, 500n, 0n],
        [1n, 900n, 1_000n],
      ]);
      // 5% of 1,000 then 9% of 10,000.
      expect(await f.ecoshare.balanceOf(f.referrer.address, ETH)).to.equal(50n + 900n);
      expect(await f.ecoshare.referredVolume(tiered, f.referrer.address)).to.deep.equal([11_000n, 1n, 900n]);
    });
  });

  describe("permits", function () {
    /** A second test token with its own agreement, and a payer holding both tokens who approved neither. */
    async function permitsFixture() {
      const f = await ordersFixture();
      const token2 = (await ethers.deployContract("MockStablecoin")) as unknown as MockStablecoin;
      const token2Address = (await token2.getAddress()) as `0x${string}`;
      const token2Id = (await activeAgreement(f, { asset: token2Address })).id;
      const payer = f.outsider;
      await f.token.mint(payer.address, 10n ** 12n);
      await token2.mint(payer.address, 10n ** 12n);
      const deadline = BigInt(await networkHelpers.time.latest()) + h.DAY;
      return { ...f, token2, token2Address, token2Id, payer, deadline };
    }

    it("a permit per token lets a payer with no allowance pay the order in one transaction", async function () {
      const f = await networkHelpers.loadFixture(permitsFixture);
      const lines = [...f.lines, orderLine(f.token2Id, f.token2Address, 5_000_000n)];
      const dusd = f.lines[1]!.amount + f.lines[2]!.amount;
      const permits = [
        await tokenPermit(f.token, f.payer, f.ecoshareAddress, dusd, f.deadline),
        await tokenPermit(f.token2, f.payer, f.ecoshareAddress, 5_000_000n, f.deadline),
      ];
      const tx = f.ecoshare.connect(f.payer).payOrder(lines, ORDER, REFUND_TO_PAYER, permits, { value: ethValue(lines) });
      await expect(tx).to.emit(f.ecoshare, "OrderPaid").withArgs(f.payer.address, ORDER, 4n, f.payer.address);
      await expect(tx).to.changeTokenBalances(ethers, f.token, [f.payer, f.ecoshare], [-dusd, dusd]);
      await expect(tx).to.changeTokenBalances(ethers, f.token2, [f.payer, f.ecoshare], [-5_000_000n, 5_000_000n]);
      expect(await f.token.allowance(f.payer.address, f.ecoshareAddress)).to.equal(0n);
      expect(await f.token2.allowance(f.payer.address, f.ecoshareAddress)).to.equal(0n);
      expect([await f.token.nonces(f.payer.address), await f.token2.nonces(f.payer.address)]).to.deep.equal([1n, 1n]);
      expect((await f.ecoshare.agreement(f.token2Id)).vendorPool).to.equal(expectedSplit(5_000_000n, NETWORK_FEE_BPS, 0).vendorShare);
      await expectSolvent(f.ecoshare, f.token2Address);
    });

    it("without a permit for one of the tokens, the order fails on that token's allowance", async function () {
      const f = await networkHelpers.loadFixture(permitsFixture);
      const lines = [f.lines[1]!, orderLine(f.token2Id, f.token2Address, 5_000_000n)];
      const permits = [await tokenPermit(f.token, f.payer, f.ecoshareAddress, f.lines[1]!.amount, f.deadline)];
      await expect(f.ecoshare.connect(f.payer).payOrder(lines, ORDER, REFUND_TO_PAYER, permits))
        .to.be.revertedWithCustomError(f.token2, "ERC20InsufficientAllowance")
        .withArgs(f.ecoshareAddress, 0n, 5_000_000n);
      expect(await f.token.nonces(f.payer.address)).to.equal(0n); // the whole order, permit included, reverted
    });

    it("a permit already used by a front-runner is ignored when the allowance is there", async function () {
      const f = await networkHelpers.loadFixture(permitsFixture);
      const lines = [f.lines[1]!];
      const permit = await tokenPermit(f.token, f.payer, f.ecoshareAddress, lines[0]!.amount, f.deadline);
      await f.token.connect(f.customer).permit(f.payer.address, f.ecoshareAddress, permit.value, permit.deadline, permit.v, permit.r, permit.s);
      await expect(f.ecoshare.connect(f.payer).payOrder(lines, ORDER, REFUND_TO_PAYER, [permit])).to.changeTokenBalance(
        ethers,
        f.token,
        f.payer,
        -lines[0]!.amount,
      );
    });

    it("PermitNeedsToken: a permit naming address(0)", async function () {
      const f = await networkHelpers.loadFixture(permitsFixture);
      const permit = { ...(await tokenPermit(f.token, f.payer, f.ecoshareAddress, 1n, f.deadline)), token: ETH };
      await expect(
        f.ecoshare.connect(f.payer).payOrder([f.lines[0]!], ORDER, REFUND_TO_PAYER, [permit], { value: f.lines[0]!.amount }),
      ).to.be.revertedWithCustomError(f.ecoshare, "PermitNeedsToken");
    });
  });

  describe("rejections: all or nothing", function () {
    it("WrongPaymentValue: msg.value must be the sum of the ETH lines", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      const sum = ethValue(f.lines);
      await expect(payOrder(f, f.lines, { value: sum - 1n }))
        .to.be.revertedWithCustomError(f.ecoshare, "WrongPaymentValue")
        .withArgs(sum, sum - 1n);
      await expect(payOrder(f, f.lines, { value: sum + 1n }))
        .to.be.revertedWithCustomError(f.ecoshare, "WrongPaymentValue")
        .withArgs(sum, sum + 1n);
      const twoEth = [f.lines[0]!, orderLine(f.ethId, ETH, 3n)];
      await expect(payOrder(f, twoEth, { value: f.lines[0]!.amount }))
        .to.be.revertedWithCustomError(f.ecoshare, "WrongPaymentValue")
        .withArgs(f.lines[0]!.amount + 3n, f.lines[0]!.amount);
      await expect(payOrder(f, f.lines.slice(1), { value: 1n }))
        .to.be.revertedWithCustomError(f.ecoshare, "WrongPaymentValue")
        .withArgs(0n, 1n);
    });

    it("EmptyOrder", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      await expect(payOrder(f, [])).to.be.revertedWithCustomError(f.ecoshare, "EmptyOrder");
      await expect(payOrder(f, [], { value: 1n })).to.be.revertedWithCustomError(f.ecoshare, "EmptyOrder");
    });

    /** A bad last line reverts the order: nothing of the good lines before it stays. */
    async function expectOrderReverts(f: Fixture, bad: OrderLine, error: string, args: unknown[]) {
      const before = await ledgerState(f);
      const lines = [...f.lines, bad];
      await expect(payOrder(f, lines))
        .to.be.revertedWithCustomError(f.ecoshare, error)
        .withArgs(...args);
      expect(await ledgerState(f)).to.deep.equal(before);
    }

    it("an inactive agreement in a line reverts the whole order", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      const { id } = await activeAgreement(f);
      await f.ecoshare.connect(f.bob).terminate(id);
      await expectOrderReverts(f, orderLine(id, ETH, 1_000n), "AgreementNotActive", [id, h.AgreementStatus.Terminated]);
      await expectOrderReverts(f, orderLine(99n, ETH, 1_000n), "AgreementNotActive", [99n, h.AgreementStatus.None]);
    });

    it("a line in the wrong asset reverts the whole order", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      await expectOrderReverts(f, orderLine(f.tokenId, ETH, 1_000n), "WrongPaymentAsset", [f.tokenId, f.tokenAddress, ETH]);
      await expectOrderReverts(f, orderLine(f.ethId, f.tokenAddress, 1_000n), "WrongPaymentAsset", [f.ethId, ETH, f.tokenAddress]);
    });

    it("a bad referrer in a line reverts the whole order", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      // referrer is a member of the world network only, not of the second.
      await expectOrderReverts(f, orderLine(f.otherId, f.tokenAddress, 1_000n, f.referrer.address), "ReferrerNotActiveMember", [
        f.networkId2,
        f.referrer.address,
      ]);
      await expectOrderReverts(f, orderLine(f.ethId, ETH, 1_000n, f.customer.address), "SelfReferral", [f.customer.address]);
    });

    it("a zero line reverts the whole order", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      const before = await ledgerState(f);
      await expect(payOrder(f, [...f.lines, orderLine(f.tokenId, f.tokenAddress, 0n)])).to.be.revertedWithCustomError(
        f.ecoshare,
        "ZeroPayment",
      );
      expect(await ledgerState(f)).to.deep.equal(before);
    });

    it("lines whose running total would overflow revert together, though each fits alone", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      await f.ecoshare.connect(f.operator).setNetworkFee(f.networkId, f.feeRecipient.address, 0);
      const { id } = await activeAgreement(f, { asset: f.tokenAddress, referralFeeBps: 0 });
      const half = 2n ** 111n;
      await f.token.mint(f.customer.address, 2n * half);
      const before = await ledgerState(f, [id]);
      await expect(payOrder(f, [orderLine(id, f.tokenAddress, half), orderLine(id, f.tokenAddress, half)]))
        .to.be.revertedWithCustomError(f.ecoshare, "AmountTooLarge")
        .withArgs(2n * half);
      expect(await ledgerState(f, [id])).to.deep.equal(before);
      await expect(payOrder(f, [orderLine(id, f.tokenAddress, half), orderLine(id, f.tokenAddress, half - 1n)])).to.emit(
        f.ecoshare,
        "OrderPaid",
      );
      expect((await f.ecoshare.agreement(id)).vendorPool).to.equal(2n ** 112n - 1n);
    });

    it("TokenDeliveryShortfall: a fee-on-transfer token in an order", async function () {
      const f = await networkHelpers.loadFixture(ordersFixture);
      const fot = (await ethers.deployContract("FeeOnTransferToken")) as unknown as FeeOnTransferToken;
      const fotAddress = (await fot.getAddress()) as `0x${string}`;
      const { id } = await activeAgreement(f, { asset: fotAddress });
      await fot.mint(f.customer.address, 30_000n);
      await fot.connect(f.customer).approve(f.ecoshareAddress, 30_000n);
      const lines = [f.lines[0]!, orderLine(id, fotAddress, 10_000n), orderLine(id, fotAddress, 20_000n)];
      await expect(payOrder(f, lines))
        .to.be.revertedWithCustomError(f.ecoshare, "TokenDeliveryShortfall")
        .withArgs(fotAddress, 30_000n, 29_700n);
    });
  });

  describe("held lines", function () {
    /** Two vendors' held agreements: `hotelId` (alice and bob, refunded by alice), `tourId` (carol and dave, by carol). */
    async function heldLinesFixture() {
      const f = await ordersFixture();
      const held = { holdbackPeriod: 3_600 };
      const hotelId = (
        await activeAgreement(f, { ...held, parties: h.equalShares([f.alice.address, f.bob.address]), refunder: f.alice.address as `0x${string}` }, [
          f.alice,
          f.bob,
        ])
      ).id;
      const tourId = (
        await activeAgreement(f, { ...held, parties: h.equalShares([f.carol.address, f.dave.address]), refunder: f.carol.address as `0x${string}` }, [
          f.carol,
          f.dave,
        ])
      ).id;
      const lines = [orderLine(hotelId, ETH, 300_000n, f.referrer.address), orderLine(tourId, ETH, 100_000n)];
      const records = await heldPaymentsOf(payOrder(f as Fixture, lines), f.ecoshare);
      return { ...f, hotelId, tourId, records };
    }

    it("each vendor's refunder refunds its own line only", async function () {
      const f = await networkHelpers.loadFixture(heldLinesFixture);
      const [hotel, tour] = f.records;
      expect([hotel!.agreementId, tour!.agreementId]).to.deep.equal([f.hotelId, f.tourId]);
      await expect(f.ecoshare.connect(f.alice).refundHeldPayment(tour!))
        .to.be.revertedWithCustomError(f.ecoshare, "NotRefunder")
        .withArgs(f.tourId, f.alice.address);
      await expect(f.ecoshare.connect(f.carol).refundHeldPayment(hotel!))
        .to.be.revertedWithCustomError(f.ecoshare, "NotRefunder")
        .withArgs(f.hotelId, f.carol.address);
      // A record of one agreement presented as the other's does not pass either.
      await expect(f.ecoshare.connect(f.carol).refundHeldPayment({ ...hotel!, agreementId: f.tourId }))
        .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
        .withArgs(hotel!.holdId);
      await expect(f.ecoshare.connect(f.alice).refundHeldPayment(hotel!))
        .to.emit(f.ecoshare, "HeldPaymentRefunded")
        .withArgs(hotel!.holdId, f.hotelId, f.customer.address, 300_000n);
      // The tour line is untouched by the hotel's refund and is released after the holdback.
      expect((await f.ecoshare.agreement(f.tourId)).heldPayments).to.equal(1n);
      await networkHelpers.time.increaseTo(tour!.releaseAt);
      await expect(f.ecoshare.releaseHeldPayments([hotel!, tour!]))
        .to.emit(f.ecoshare, "HeldPaymentReleased")
        .withArgs(tour!.holdId, f.tourId);
      expect((await f.ecoshare.agreement(f.tourId)).vendorPool).to.equal(99_000n);
      expect(await f.ecoshare.balanceOf(f.customer.address, ETH)).to.equal(300_000n);
      expect(await f.ecoshare.balanceOf(f.referrer.address, ETH)).to.equal(0n);
      await expectSolvent(f.ecoshare, ETH);
    });
  });
});
