import { expect } from "chai";
import { network } from "hardhat";

import * as h from "./helpers/ecoshare.js";

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
      referralTiers: [{ fromVolume: 1_000_000n, feeBps: 800 }],
      holdbackPeriod: HOUR,
      refunder: hotel!.address as `0x${string}`,
    });
    const id = await h.activateAgreement(ecoshare, hotel!, [hotel!, airline!], terms);
    return { ecoshare, networkId, terms, id, operator: operator!, hotel: hotel!, airline: airline!, referrer: referrer!, customer: customer!, stranger: stranger! };
  }

  type Fixture = Awaited<ReturnType<typeof heldAgreement>>;

  /** A held payment as `PaymentHeld` records it and release/refund take it back. */
  interface HeldPayment {
    holdId: bigint;
    agreementId: bigint;
    payer: string;
    referrer: string;
    asset: string;
    amount: bigint;
    networkFee: bigint;
    referralFee: bigint;
    vendorShare: bigint;
    releaseAt: bigint;
  }

  /** Pays 1,000,000 wei with a referral and returns the held payment as PaymentHeld recorded it. */
  async function payHeld(f: Fixture, amount = 1_000_000n) {
    const tx = await f.ecoshare.connect(f.customer).pay(f.id, h.ETH, amount, f.referrer.address, h.ORDER, { value: amount });
    const receipt = await tx.wait();
    const log = receipt!.logs.map((l) => f.ecoshare.interface.parseLog(l)).find((l) => l?.name === "PaymentHeld")!;
    return log.args.held.toObject() as HeldPayment;
  }

  it("splits a held payment at once but credits nothing until release", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const tx = f.ecoshare.connect(f.customer).pay(f.id, h.ETH, 1_000_000n, f.referrer.address, h.ORDER, { value: 1_000_000n });
    await expect(tx)
      .to.emit(f.ecoshare, "PaymentSplit")
      .withArgs(f.id, f.customer.address, f.referrer.address, h.ETH, 1_000_000n, 10_000n, 50_000n, 940_000n, h.ORDER);
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    await expect(tx)
      .to.emit(f.ecoshare, "PaymentHeld")
      .withArgs(1n, f.id, [1n, f.id, f.customer.address, f.referrer.address, h.ETH, 1_000_000n, 10_000n, 50_000n, 940_000n, now + BigInt(HOUR)]);
    expect(await f.ecoshare.balanceOf(f.referrer.address, h.ETH)).to.equal(0n);
    expect(await f.ecoshare.collectable(f.id, f.hotel.address)).to.equal(0n);
    expect(await f.ecoshare.collectable(f.id, f.operator.address)).to.equal(0n);
    expect((await f.ecoshare.agreement(f.id)).heldPayments).to.equal(1n);
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
    await expect(f.ecoshare.releaseHeldPayments([held]))
      .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
      .withArgs(held.holdId);
  });

  it("refuses a held payment whose data was altered", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const held = await payHeld(f);
    await networkHelpers.time.increaseTo(held.releaseAt);
    await expect(f.ecoshare.releaseHeldPayments([{ ...held, referralFee: held.referralFee + 1n }]))
      .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
      .withArgs(held.holdId);
    await expect(f.ecoshare.releaseHeldPayments([{ ...held, holdId: 99n }]))
      .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
      .withArgs(99n);
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
    // Nothing reaches the network, the referrer or the parties; the referred volume is reversed too.
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
  });

  it("refuses a refund once the holdback is over", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const held = await payHeld(f);
    await networkHelpers.time.increaseTo(held.releaseAt);
    await expect(f.ecoshare.connect(f.hotel).refundHeldPayment(held))
      .to.be.revertedWithCustomError(f.ecoshare, "HoldbackOver")
      .withArgs(held.holdId, held.releaseAt);
  });

  it("counts held volume toward tiers until refunded", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const first = await payHeld(f);
    expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([1_000_000n, 1n, 800n]);
    await f.ecoshare.connect(f.hotel).refundHeldPayment(first);
    expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([0n, 0n, 500n]);
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
    const receipt = await (await f.ecoshare.connect(f.customer).pay(id, asset, 5_000_000n, h.NO_REFERRER, h.ORDER)).wait();
    const log = receipt!.logs.map((l) => f.ecoshare.interface.parseLog(l)).find((l) => l?.name === "PaymentHeld")!;
    const held = log.args.held.toObject() as HeldPayment;
    await expect(f.ecoshare.connect(f.airline).refundHeldPayment(held)).to.emit(f.ecoshare, "HeldPaymentRefunded");
    await expect(f.ecoshare.withdraw(f.customer.address, asset, [])).to.changeTokenBalances(ethers, token, [f.customer], [5_000_000n]);
  });

  it("refuses a held payment whose release could not fit the running totals, so none is ever stuck", async function () {
    const f = await networkHelpers.loadFixture(heldAgreement);
    const token = await h.deployStablecoin(ethers);
    const asset = (await token.getAddress()) as `0x${string}`;
    const terms = await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.hotel.address, f.airline.address]), {
      asset,
      referralFeeBps: 0,
      holdbackPeriod: HOUR,
      refunder: f.hotel.address as `0x${string}`,
    });
    const id = await h.activateAgreement(f.ecoshare, f.hotel, [f.hotel, f.airline], terms);
    const huge = 2n ** 127n + 2n ** 126n;
    await token.mint(f.customer.address, 2n * huge);
    await token.connect(f.customer).approve(await f.ecoshare.getAddress(), 2n * huge);
    await f.ecoshare.connect(f.customer).pay(id, asset, huge, h.NO_REFERRER, h.ORDER);
    // The first held payment's vendor share (99% of 1.5 * 2^127) plus the second's would pass 2^128 once released.
    await expect(f.ecoshare.connect(f.customer).pay(id, asset, huge, h.NO_REFERRER, h.ORDER)).to.be.revertedWithCustomError(
      f.ecoshare,
      "AmountTooLarge",
    );
    // The first is released and collected in full.
    const [log] = await f.ecoshare.queryFilter(f.ecoshare.filters.PaymentHeld(undefined, id));
    const held = (log!.args.held as unknown as { toObject(): HeldPayment }).toObject();
    await networkHelpers.time.increaseTo(held.releaseAt);
    await expect(f.ecoshare.releaseHeldPayments([held])).to.emit(f.ecoshare, "HeldPaymentReleased");
    expect((await f.ecoshare.agreement(id)).vendorPool).to.equal(held.vendorShare);
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
