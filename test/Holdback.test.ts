import { expect } from "chai";
import { network } from "hardhat";

import * as h from "./helpers/ecoshare.js";
import { eventsOf } from "./helpers/events.js";
import { heldPaymentsOf, REFUND_TO_PAYER, type HeldPayment } from "./helpers/payments.js";
import { expectSolvent } from "./helpers/solvency.js";

const { ethers, networkHelpers } = await network.create();

const HOUR = 3_600;

describe("Holdback and refunds", function () {
  async function heldAgreement() {
    const [operator, hotel, airline, referrer, customer, stranger] = await ethers.getSigners();
    const ecoshare = await h.deployEcoshare(ethers);
    const networkId = await h.createNetwork(ecoshare, operator!, h.NetworkKind.VendorLed, operator!.address, 100);
    await h.addMembers(ecoshare, networkId, operator!, [hotel!, airline!, referrer!]);
    const terms = await h.makeTerms(ecoshare, networkId, h.equalShares([hotel!.address, airline!.address]), {
      referralFeeBps: 500,
      referralTiers: [{ fromVolume: 1_000_000n, feeBps: 800, holdbackPeriod: HOUR }],
      holdbackPeriod: HOUR,
      refunder: hotel!.address as `0x${string}`,
    });
    const id = await h.activateAgreement(ecoshare, hotel!, [hotel!, airline!], terms);
    return { ecoshare, networkId, terms, id, operator: operator!, hotel: hotel!, airline: airline!, referrer: referrer!, customer: customer!, stranger: stranger! };
  }

  type Fixture = Awaited<ReturnType<typeof heldAgreement>>;

  /** Pays `amount` wei (1,000,000 by default) with a referral and returns the held payment as PaymentHeld recorded it. */
  async function payHeld(f: Fixture, amount = 1_000_000n, referrer: string = f.referrer.address) {
    const tx = f.ecoshare.connect(f.customer).pay(f.id, h.ETH, amount, referrer, h.ORDER, REFUND_TO_PAYER, { value: amount });
    const [held] = await heldPaymentsOf(tx, f.ecoshare);
    return held!;
  }

  it("splits a held payment at once but credits nothing until release", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const tx = f.ecoshare.connect(f.customer).pay(f.id, h.ETH, 1_000_000n, f.referrer.address, h.ORDER, REFUND_TO_PAYER, { value: 1_000_000n });
    await expect(tx)
      .to.emit(f.ecoshare, "PaymentSplit")
      .withArgs(f.id, f.customer.address, f.referrer.address, 1_000_000n, h.ORDER);
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    // The held record carries the full split and the refund recipient (the payer, as none was named).
    const record = [1n, f.id, f.customer.address, f.referrer.address, h.ETH, 1_000_000n, 10_000n, 50_000n, 940_000n, now + BigInt(HOUR), f.customer.address];
    await expect(tx).to.emit(f.ecoshare, "PaymentHeld").withArgs(1n, f.id, record);
    await expect(tx).to.changeEtherBalances(ethers, [f.customer, f.ecoshare], [-1_000_000n, 1_000_000n]);
    expect(await f.ecoshare.balanceOf(f.referrer.address, h.ETH)).to.equal(0n);
    expect(await f.ecoshare.collectable(f.id, f.hotel.address)).to.equal(0n);
    expect(await f.ecoshare.collectable(f.id, f.operator.address)).to.equal(0n);
    expect((await f.ecoshare.agreement(f.id)).heldPayments).to.equal(1n);
    await expectSolvent(f.ecoshare, h.ETH);
  });

  it("releases after the holdback, by anyone's trigger, crediting the split recorded at payment", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const held = await payHeld(f);
    await expect(f.ecoshare.connect(f.stranger).releaseHeldPayments([held]))
      .to.be.revertedWithCustomError(f.ecoshare, "HoldbackNotOver")
      .withArgs(held.holdId, held.releaseAt);
    await networkHelpers.time.increaseTo(held.releaseAt);
    await expect(f.ecoshare.connect(f.stranger).releaseHeldPayments([held]))
      .to.emit(f.ecoshare, "HeldPaymentReleased")
      .withArgs(held.holdId, f.id);
    expect(await f.ecoshare.balanceOf(f.referrer.address, h.ETH)).to.equal(50_000n);
    expect(await f.ecoshare.collectable(f.id, f.hotel.address)).to.equal(470_000n);
    expect(await f.ecoshare.collectable(f.id, f.operator.address)).to.equal(10_000n);
    expect((await f.ecoshare.agreement(f.id)).heldPayments).to.equal(0n);
    await expectSolvent(f.ecoshare, h.ETH);
    // Released already: a second release is a no-op (see "batch release" below), not a second credit.
    await expect(f.ecoshare.releaseHeldPayments([held])).not.to.emit(f.ecoshare, "HeldPaymentReleased");
    expect(await f.ecoshare.balanceOf(f.referrer.address, h.ETH)).to.equal(50_000n);
  });

  it("refuses a held payment whose data was altered", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const held = await payHeld(f);
    await networkHelpers.time.increaseTo(held.releaseAt);
    await expect(f.ecoshare.releaseHeldPayments([{ ...held, referralFee: held.referralFee + 1n }]))
      .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
      .withArgs(held.holdId);
    await expect(f.ecoshare.releaseHeldPayments([{ ...held, refundTo: f.stranger.address }]))
      .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
      .withArgs(held.holdId);
    await expect(f.ecoshare.releaseHeldPayments([{ ...held, holdId: 99n }]))
      .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
      .withArgs(99n);
    await expect(f.ecoshare.releaseHeldPayments([{ ...held, holdId: 0n }]))
      .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
      .withArgs(0n);
  });

  it("lets the refunder refund in full within the holdback, reversing the whole split", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const held = await payHeld(f);
    await expect(f.ecoshare.connect(f.airline).refundHeldPayment(held))
      .to.be.revertedWithCustomError(f.ecoshare, "NotRefunder")
      .withArgs(f.id, f.airline.address);
    await expect(f.ecoshare.connect(f.hotel).refundHeldPayment(held))
      .to.emit(f.ecoshare, "HeldPaymentRefunded")
      .withArgs(held.holdId, f.id, f.customer.address, 1_000_000n);
    // Nothing reaches the network, the referrer or the parties, and no volume was ever counted.
    expect(await f.ecoshare.balanceOf(f.referrer.address, h.ETH)).to.equal(0n);
    expect((await f.ecoshare.agreement(f.id)).vendorPool).to.equal(0n);
    expect((await f.ecoshare.agreement(f.id)).networkFees).to.equal(0n);
    expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([0n, 0n, 500n]);
    // The customer withdraws the refund like any balance.
    await expect(f.ecoshare.withdraw(f.customer.address, h.ETH, [])).to.changeEtherBalances(
      ethers,
      [f.customer, f.ecoshare],
      [1_000_000n, -1_000_000n],
    );
    await expect(f.ecoshare.connect(f.hotel).refundHeldPayment(held))
      .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
      .withArgs(held.holdId);
    await expectSolvent(f.ecoshare, h.ETH);
  });

  it("refuses a refund once the holdback is over", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const held = await payHeld(f);
    await networkHelpers.time.increaseTo(held.releaseAt);
    await expect(f.ecoshare.connect(f.hotel).refundHeldPayment(held))
      .to.be.revertedWithCustomError(f.ecoshare, "HoldbackOver")
      .withArgs(held.holdId, held.releaseAt);
  });

  describe("loyalty volume is earned (a held payment counts once released, never if refunded)", function () {
    it("a big held payment later refunded does not lift the rate of a genuine payment made in between", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      // 1,000,000 would reach the 8% tier at once if it counted when paid.
      const big = await payHeld(f, 1_000_000n);
      expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([0n, 0n, 500n]);
      const tx = f.ecoshare.connect(f.customer).pay(f.id, h.ETH, 10_000n, f.referrer.address, h.ORDER, REFUND_TO_PAYER, { value: 10_000n });
      await expect(tx).to.emit(f.ecoshare, "ReferralTierApplied").withArgs(f.id, f.referrer.address, 0, 500, 0n);
      const [genuine] = await heldPaymentsOf(tx, f.ecoshare);
      expect(genuine!.referralFee).to.equal(500n); // the base 5%, not 8% (800)
      await expect(f.ecoshare.connect(f.hotel).refundHeldPayment(big)).to.emit(f.ecoshare, "HeldPaymentRefunded");
      expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([0n, 0n, 500n]);
      await networkHelpers.time.increaseTo(genuine!.releaseAt);
      await f.ecoshare.releaseHeldPayments([genuine!]);
      expect(await f.ecoshare.balanceOf(f.referrer.address, h.ETH)).to.equal(500n);
      expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([10_000n, 0n, 500n]);
      await expectSolvent(f.ecoshare, h.ETH);
    });

    it("a released held payment counts toward the tier from its release on", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      const first = await payHeld(f, 1_000_000n);
      // Still held: the next payment is rated on the volume before it, which is 0.
      const whileHeld = await payHeld(f, 10_000n);
      expect(whileHeld.referralFee).to.equal(500n);
      await networkHelpers.time.increaseTo(first.releaseAt);
      await f.ecoshare.releaseHeldPayments([first]);
      expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([1_000_000n, 1n, 800n]);
      const tx = f.ecoshare.connect(f.customer).pay(f.id, h.ETH, 10_000n, f.referrer.address, h.ORDER, REFUND_TO_PAYER, { value: 10_000n });
      await expect(tx).to.emit(f.ecoshare, "ReferralTierApplied").withArgs(f.id, f.referrer.address, 1, 800, 1_000_000n);
      const [afterRelease] = await heldPaymentsOf(tx, f.ecoshare);
      expect(afterRelease!.referralFee).to.equal(800n);
      // Releasing the one paid while the first was held counts it too.
      await networkHelpers.time.increaseTo(afterRelease!.releaseAt);
      await f.ecoshare.releaseHeldPayments([whileHeld, afterRelease!]);
      expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([1_020_000n, 1n, 800n]);
      expect(await f.ecoshare.balanceOf(f.referrer.address, h.ETH)).to.equal(50_000n + 500n + 800n);
    });

    it("a payment without a referrer counts for nobody", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      const held = await payHeld(f, 2_000_000n, h.NO_REFERRER);
      await networkHelpers.time.increaseTo(held.releaseAt);
      await f.ecoshare.releaseHeldPayments([held]);
      expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([0n, 0n, 500n]);
      expect(await f.ecoshare.referredVolume(f.id, h.NO_REFERRER)).to.deep.equal([0n, 0n, 500n]);
    });
  });

  describe("batch release skips records settled by someone else", function () {
    it("releases the others when one was released first, emitting only for them", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      const held = [await payHeld(f, 1_000n), await payHeld(f, 2_000n), await payHeld(f, 3_000n)];
      await networkHelpers.time.increaseTo(held[2]!.releaseAt);
      await f.ecoshare.connect(f.stranger).releaseHeldPayments([held[1]!]);
      const tx = f.ecoshare.releaseHeldPayments(held);
      const released = (await eventsOf(tx, f.ecoshare, "HeldPaymentReleased")).map((e) => e.holdId);
      expect(released).to.deep.equal([held[0]!.holdId, held[2]!.holdId]);
      // Each was credited once: 5% of 1,000 + 2,000 + 3,000 to the referrer, 94% to the pool.
      expect(await f.ecoshare.balanceOf(f.referrer.address, h.ETH)).to.equal(300n);
      expect((await f.ecoshare.agreement(f.id)).vendorPool).to.equal(5_640n);
      expect((await f.ecoshare.agreement(f.id)).heldPayments).to.equal(0n);
      // All settled: the same batch again changes nothing.
      expect(await eventsOf(f.ecoshare.releaseHeldPayments(held), f.ecoshare, "HeldPaymentReleased")).to.deep.equal([]);
      expect((await f.ecoshare.agreement(f.id)).vendorPool).to.equal(5_640n);
      await expectSolvent(f.ecoshare, h.ETH);
    });

    it("releases the others when one was refunded, and does not credit the refunded one", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      const held = [await payHeld(f, 1_000n), await payHeld(f, 2_000n)];
      await f.ecoshare.connect(f.hotel).refundHeldPayment(held[0]!);
      await networkHelpers.time.increaseTo(held[1]!.releaseAt);
      const released = (await eventsOf(f.ecoshare.releaseHeldPayments(held), f.ecoshare, "HeldPaymentReleased")).map((e) => e.holdId);
      expect(released).to.deep.equal([held[1]!.holdId]);
      expect(await f.ecoshare.balanceOf(f.referrer.address, h.ETH)).to.equal(100n);
      expect(await f.ecoshare.balanceOf(f.customer.address, h.ETH)).to.equal(1_000n);
      expect((await f.ecoshare.agreement(f.id)).vendorPool).to.equal(1_880n);
      await expectSolvent(f.ecoshare, h.ETH);
    });

    it("still reverts the whole batch on an altered record of a payment still held", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      const held = [await payHeld(f, 1_000n), await payHeld(f, 2_000n)];
      await networkHelpers.time.increaseTo(held[1]!.releaseAt);
      await f.ecoshare.releaseHeldPayments([held[0]!]);
      await expect(f.ecoshare.releaseHeldPayments([held[0]!, { ...held[1]!, vendorShare: held[1]!.vendorShare + 1n }]))
        .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
        .withArgs(held[1]!.holdId);
      expect((await f.ecoshare.agreement(f.id)).heldPayments).to.equal(1n);
    });

    it("a batch with one payment still in its holdback reverts whole", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      const early = await payHeld(f, 1_000n);
      await networkHelpers.time.increase(HOUR / 2);
      const late = await payHeld(f, 2_000n);
      await networkHelpers.time.increaseTo(early.releaseAt);
      await expect(f.ecoshare.releaseHeldPayments([early, late]))
        .to.be.revertedWithCustomError(f.ecoshare, "HoldbackNotOver")
        .withArgs(late.holdId, late.releaseAt);
      expect((await f.ecoshare.agreement(f.id)).heldPayments).to.equal(2n);
    });
  });

  it("keeps the last wei waiting while a payment is held, even after termination", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    // Shares 5000/5000 of an odd pool: the last wei waits for the close.
    const released = await payHeld(f, 1_001n); // vendor share 941
    const held = await payHeld(f, 1_002n); // vendor share 942
    await networkHelpers.time.increaseTo(held.releaseAt);
    await f.ecoshare.releaseHeldPayments([released]);
    await f.ecoshare.connect(f.airline).terminate(f.id);
    const pool = (await f.ecoshare.agreement(f.id)).vendorPool;
    expect(pool).to.equal(941n);
    // Terminated, but not final while a payment is held: each party may collect floor(941 / 2) only.
    expect(await f.ecoshare.collectable(f.id, f.hotel.address)).to.equal(470n);
    expect(await f.ecoshare.collectable(f.id, f.airline.address)).to.equal(470n);
    // A payment still held could add to the pool: after its release the pool is final.
    await f.ecoshare.releaseHeldPayments([held]);
    const finalPool = (await f.ecoshare.agreement(f.id)).vendorPool;
    const hotel = await f.ecoshare.collectable(f.id, f.hotel.address);
    const airline = await f.ecoshare.collectable(f.id, f.airline.address);
    expect([finalPool, hotel, airline]).to.deep.equal([1_883n, 941n, 942n]);
  });

  it("holds token payments the same way", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const token = await h.deployStablecoin(ethers);
    const asset = (await token.getAddress()) as `0x${string}`;
    const terms = await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.hotel.address, f.airline.address]), {
      asset,
      holdbackPeriod: HOUR,
      refunder: f.airline.address as `0x${string}`,
    });
    const id = await h.activateAgreement(f.ecoshare, f.hotel, [f.hotel, f.airline], terms);
    await token.mint(f.customer.address, 5_000_000n);
    await token.connect(f.customer).approve(await f.ecoshare.getAddress(), 5_000_000n);
    const [held] = await heldPaymentsOf(f.ecoshare.connect(f.customer).pay(id, asset, 5_000_000n, h.NO_REFERRER, h.ORDER, REFUND_TO_PAYER), f.ecoshare);
    await expect(f.ecoshare.connect(f.hotel).refundHeldPayment(held!))
      .to.be.revertedWithCustomError(f.ecoshare, "NotRefunder")
      .withArgs(id, f.hotel.address);
    await expect(f.ecoshare.connect(f.airline).refundHeldPayment(held!))
      .to.emit(f.ecoshare, "HeldPaymentRefunded")
      .withArgs(held!.holdId, id, f.customer.address, 5_000_000n);
    await expect(f.ecoshare.withdraw(f.customer.address, asset, [])).to.changeTokenBalances(ethers, token, [f.customer], [5_000_000n]);
  });

  describe("a held payment whose release could not fit the running totals is refused when made, so none is ever stuck", function () {
    /** A token agreement of the holdback network, with its fee set to `networkFeeBps` first and no referral fee. */
    async function heldTokenAgreement(f: Fixture, networkFeeBps: number) {
      await f.ecoshare.connect(f.operator).setNetworkFee(f.networkId, f.operator.address, networkFeeBps);
      const token = await h.deployStablecoin(ethers);
      const asset = (await token.getAddress()) as `0x${string}`;
      const terms = await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.hotel.address, f.airline.address]), {
        asset,
        referralFeeBps: 0,
        holdbackPeriod: HOUR,
        refunder: f.hotel.address as `0x${string}`,
      });
      const id = await h.activateAgreement(f.ecoshare, f.hotel, [f.hotel, f.airline], terms);
      await token.mint(f.customer.address, 2n ** 113n);
      await token.connect(f.customer).approve(await f.ecoshare.getAddress(), ethers.MaxUint256);
      const pay = (amount: bigint) => f.ecoshare.connect(f.customer).pay(id, asset, amount, h.NO_REFERRER, h.ORDER, REFUND_TO_PAYER);
      return { id, asset, pay };
    }

    it("by the vendor pool's bound (2^112 - 1) counted with what is held", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      const { id, asset, pay } = await heldTokenAgreement(f, 0);
      const max = 2n ** 112n - 1n;
      const [first] = await heldPaymentsOf(pay(max - 5n), f.ecoshare);
      // Alone it would fit; with the payment already held it would not.
      await expect(pay(6n)).to.be.revertedWithCustomError(f.ecoshare, "AmountTooLarge").withArgs(max + 1n);
      const [second] = await heldPaymentsOf(pay(5n), f.ecoshare);
      await networkHelpers.time.increaseTo(second!.releaseAt);
      await expect(f.ecoshare.releaseHeldPayments([first!, second!])).to.emit(f.ecoshare, "HeldPaymentReleased");
      expect((await f.ecoshare.agreement(id)).vendorPool).to.equal(max);
      await expectSolvent(f.ecoshare, asset);
    });

    it("by the network fees' bound (2^104 - 1) counted with what is held", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      const { id, asset, pay } = await heldTokenAgreement(f, 1_000);
      const maxFees = 2n ** 104n - 1n;
      // 10% of 6 * 2^104 is 0.6 * 2^104: one fits, two do not; their vendor shares would fit easily.
      const huge = 6n * 2n ** 104n;
      const [held] = await heldPaymentsOf(pay(huge), f.ecoshare);
      await expect(pay(huge)).to.be.revertedWithCustomError(f.ecoshare, "AmountTooLarge").withArgs(2n * (huge / 10n));
      expect(2n * (huge / 10n) > maxFees).to.equal(true);
      await networkHelpers.time.increaseTo(held!.releaseAt);
      await expect(f.ecoshare.releaseHeldPayments([held!])).to.emit(f.ecoshare, "HeldPaymentReleased");
      const a = await f.ecoshare.agreement(id);
      expect([a.vendorPool, a.networkFees]).to.deep.equal([held!.vendorShare, held!.networkFee]);
      await expectSolvent(f.ecoshare, asset);
    });
  });

  describe("validation", function () {
    it("rejects a holdback longer than MAX_HOLDBACK_PERIOD", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      const max = await f.ecoshare.MAX_HOLDBACK_PERIOD();
      const terms = { ...f.terms, holdbackPeriod: Number(max) + 1 };
      await expect(f.ecoshare.connect(f.hotel).propose(terms))
        .to.be.revertedWithCustomError(f.ecoshare, "HoldbackTooLong")
        .withArgs(max + 1n, max);
    });

    it("requires a refunder that is a party exactly when there is a holdback", async function () {
      const f = await networkHelpers.loadFixture(heldAgreement);
      await expect(f.ecoshare.connect(f.hotel).propose({ ...f.terms, refunder: h.ETH }))
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidRefunder")
        .withArgs(h.ETH);
      await expect(f.ecoshare.connect(f.hotel).propose({ ...f.terms, holdbackPeriod: 0 }))
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidRefunder")
        .withArgs(f.hotel.address);
      await expect(f.ecoshare.connect(f.hotel).propose({ ...f.terms, refunder: f.referrer.address as `0x${string}` }))
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidRefunder")
        .withArgs(f.referrer.address);
    });
  });
});
