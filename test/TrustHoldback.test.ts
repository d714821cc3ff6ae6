import { expect } from "chai";
import { network } from "hardhat";

import type { AgreementTerms } from "../client/eip712.js";
import * as h from "./helpers/ecoshare.js";
import { heldPaymentsOf, REFUND_TO_PAYER } from "./helpers/payments.js";
import { expectSolvent } from "./helpers/solvency.js";

const { ethers, networkHelpers } = await network.create();

const DAY = 86_400;

describe("Trust-based holdback and risk counters", function () {
  // Held 7 days at the base tier; from 1,000 earned 1 day at 7%; from 5,000 earned credited at once at 8%.
  const tiers = [
    { fromVolume: 1_000n, feeBps: 700, holdbackPeriod: DAY },
    { fromVolume: 5_000n, feeBps: 800, holdbackPeriod: 0 },
  ];

  async function trustAgreement() {
    const [operator, hotel, airline, newcomer, proven, customer] = await ethers.getSigners();
    const ecoshare = await h.deployEcoshare(ethers);
    const networkId = await h.createNetwork(ecoshare, operator!, h.NetworkKind.VendorLed, operator!.address, 100);
    await h.addMembers(ecoshare, networkId, operator!, [hotel!, airline!, newcomer!, proven!]);
    const terms = await h.makeTerms(ecoshare, networkId, h.equalShares([hotel!.address, airline!.address]), {
      referralFeeBps: 500,
      referralTiers: tiers,
      holdbackPeriod: 7 * DAY,
      refunder: hotel!.address as `0x${string}`,
      validUntil: BigInt((await networkHelpers.time.latest()) + 365 * DAY),
    });
    const id = await h.activateAgreement(ecoshare, hotel!, [hotel!, airline!], terms);
    return { ecoshare, networkId, terms, id, hotel: hotel!, airline: airline!, newcomer: newcomer!, proven: proven!, customer: customer! };
  }
  type Fixture = Awaited<ReturnType<typeof trustAgreement>>;

  const pay = (f: Fixture, amount: bigint, referrer: string, id = f.id) =>
    f.ecoshare.connect(f.customer).pay(id, h.ETH, amount, referrer, h.ORDER, REFUND_TO_PAYER, { value: amount });
  const payHeld = async (f: Fixture, amount: bigint, referrer: string, id = f.id) => (await heldPaymentsOf(pay(f, amount, referrer, id), f.ecoshare))[0]!;
  const record = async (f: Fixture, referrer: string, id = f.id) => {
    const r = await f.ecoshare.referralRecord(id, referrer);
    return { paid: r.paid, earned: r.earned, released: r.released, refunded: r.refunded, held: r.held, tier: Number(r.tier), feeBps: Number(r.feeBps), holdbackPeriod: Number(r.holdbackPeriod) };
  };

  it("holds a referrer with refunds longer than a proven one", async function () {
    const f = await networkHelpers.loadFixture(trustAgreement);
    // Both start at the base tier: held for the agreement's 7 days.
    const refundedOne = await payHeld(f, 1_000n, f.newcomer.address);
    expect(refundedOne.releaseAt - BigInt(await networkHelpers.time.latest())).to.equal(BigInt(7 * DAY));
    const releasedOne = await payHeld(f, 1_000n, f.proven.address);
    await f.ecoshare.connect(f.hotel).refundHeldPayment(refundedOne);
    await networkHelpers.time.increaseTo(releasedOne.releaseAt);
    await f.ecoshare.releaseHeldPayments([releasedOne]);

    // The refunded volume was never earned: the newcomer stays at the base tier, the proven one reached tier 1.
    expect(await record(f, f.newcomer.address)).to.deep.equal({ paid: 1_000n, earned: 0n, released: 0n, refunded: 1_000n, held: 0n, tier: 0, feeBps: 500, holdbackPeriod: 7 * DAY });
    expect(await record(f, f.proven.address)).to.deep.equal({ paid: 1_000n, earned: 1_000n, released: 1_000n, refunded: 0n, held: 0n, tier: 1, feeBps: 700, holdbackPeriod: DAY });

    const tx = pay(f, 2_000n, f.newcomer.address);
    await expect(tx).to.emit(f.ecoshare, "ReferralTierApplied").withArgs(f.id, f.newcomer.address, 0, 500, 0n);
    const newcomerHeld = (await heldPaymentsOf(tx, f.ecoshare))[0]!;
    const newcomerAt = BigInt(await networkHelpers.time.latest());
    const provenHeld = await payHeld(f, 2_000n, f.proven.address);
    const provenAt = BigInt(await networkHelpers.time.latest());
    expect(newcomerHeld.releaseAt - newcomerAt).to.equal(BigInt(7 * DAY));
    expect(provenHeld.releaseAt - provenAt).to.equal(BigInt(DAY));
    expect([newcomerHeld.referralFee, provenHeld.referralFee]).to.deep.equal([100n, 140n]);

    // A day later the proven referrer's customer is released; the newcomer's is still refundable.
    await networkHelpers.time.increaseTo(provenHeld.releaseAt);
    await expect(f.ecoshare.releaseHeldPayments([newcomerHeld]))
      .to.be.revertedWithCustomError(f.ecoshare, "HoldbackNotOver")
      .withArgs(newcomerHeld.holdId, newcomerHeld.releaseAt);
    await expect(f.ecoshare.releaseHeldPayments([provenHeld])).to.emit(f.ecoshare, "HeldPaymentReleased");
    expect(await record(f, f.newcomer.address)).to.deep.equal({ paid: 3_000n, earned: 0n, released: 0n, refunded: 1_000n, held: 2_000n, tier: 0, feeBps: 500, holdbackPeriod: 7 * DAY });
    expect(await record(f, f.proven.address)).to.deep.equal({ paid: 3_000n, earned: 3_000n, released: 3_000n, refunded: 0n, held: 0n, tier: 1, feeBps: 700, holdbackPeriod: DAY });
    await expectSolvent(f.ecoshare, h.ETH);
  });

  it("credits a top-tier referrer's payment at once, counting it as earned", async function () {
    const f = await networkHelpers.loadFixture(trustAgreement);
    const first = await payHeld(f, 5_000n, f.proven.address);
    await networkHelpers.time.increaseTo(first.releaseAt);
    await f.ecoshare.releaseHeldPayments([first]);
    expect((await record(f, f.proven.address)).holdbackPeriod).to.equal(0);
    const balanceBefore = await f.ecoshare.balanceOf(f.proven.address, h.ETH);
    const heldBefore = (await f.ecoshare.agreement(f.id)).heldPayments;
    const tx = pay(f, 10_000n, f.proven.address);
    await expect(tx).to.emit(f.ecoshare, "ReferralTierApplied").withArgs(f.id, f.proven.address, 2, 800, 5_000n);
    await expect(tx).not.to.emit(f.ecoshare, "PaymentHeld");
    expect(await f.ecoshare.balanceOf(f.proven.address, h.ETH)).to.equal(balanceBefore + 800n);
    expect((await f.ecoshare.agreement(f.id)).heldPayments).to.equal(heldBefore);
    expect(await record(f, f.proven.address)).to.deep.equal({ paid: 15_000n, earned: 15_000n, released: 5_000n, refunded: 0n, held: 0n, tier: 2, feeBps: 800, holdbackPeriod: 0 });
    expect(await f.ecoshare.referredVolume(f.id, f.proven.address)).to.deep.equal([15_000n, 2n, 800n]);
    await expectSolvent(f.ecoshare, h.ETH);
  });

  it("holds payments without a referrer for the agreement's holdback, whoever is trusted", async function () {
    const f = await networkHelpers.loadFixture(trustAgreement);
    const held = await payHeld(f, 9_000n, h.NO_REFERRER);
    expect(held.releaseAt - BigInt(await networkHelpers.time.latest())).to.equal(BigInt(7 * DAY));
    expect(await record(f, h.NO_REFERRER)).to.deep.equal({ paid: 0n, earned: 0n, released: 0n, refunded: 0n, held: 0n, tier: 0, feeBps: 500, holdbackPeriod: 7 * DAY });
  });

  it("keeps a referrer's record across the lineage's versions, with each version's tiers", async function () {
    const f = await networkHelpers.loadFixture(trustAgreement);
    const refunded = await payHeld(f, 1_000n, f.newcomer.address);
    await f.ecoshare.connect(f.hotel).refundHeldPayment(refunded);
    const stricter = { ...f.terms, referralTiers: [{ fromVolume: 1_000n, feeBps: 600, holdbackPeriod: 3 * DAY }], termsURI: "ipfs://v2" };
    const v2 = await h.activateAgreement(f.ecoshare, f.hotel, [f.hotel, f.airline], stricter, f.id);
    const held = await payHeld(f, 4_000n, f.newcomer.address, v2);
    expect(await record(f, f.newcomer.address, v2)).to.deep.equal({ paid: 5_000n, earned: 0n, released: 0n, refunded: 1_000n, held: 4_000n, tier: 0, feeBps: 500, holdbackPeriod: 7 * DAY });
    await networkHelpers.time.increaseTo(held.releaseAt);
    await f.ecoshare.releaseHeldPayments([held]);
    expect(await record(f, f.newcomer.address, v2)).to.deep.equal({ paid: 5_000n, earned: 4_000n, released: 4_000n, refunded: 1_000n, held: 0n, tier: 1, feeBps: 600, holdbackPeriod: 3 * DAY });
    // The first version reads the same lineage counters through its own tiers.
    expect(await record(f, f.newcomer.address, f.id)).to.deep.equal({ paid: 5_000n, earned: 4_000n, released: 4_000n, refunded: 1_000n, held: 0n, tier: 1, feeBps: 700, holdbackPeriod: DAY });
  });

  it("keeps no counters for untiered agreements, whose payments keep their cost", async function () {
    const f = await networkHelpers.loadFixture(trustAgreement);
    const flat = await h.activateAgreement(f.ecoshare, f.hotel, [f.hotel, f.airline], { ...f.terms, referralTiers: [], termsURI: "ipfs://flat" });
    const held = await payHeld(f, 3_000n, f.newcomer.address, flat);
    await f.ecoshare.connect(f.hotel).refundHeldPayment(held);
    expect(await record(f, f.newcomer.address, flat)).to.deep.equal({ paid: 0n, earned: 0n, released: 0n, refunded: 0n, held: 0n, tier: 0, feeBps: 500, holdbackPeriod: 7 * DAY });
  });

  it("refuses a paid volume beyond 2^128 - 1 in one lineage", async function () {
    const f = await networkHelpers.loadFixture(trustAgreement);
    const token = await h.deployStablecoin(ethers);
    const asset = (await token.getAddress()) as `0x${string}`;
    const id = await h.activateAgreement(f.ecoshare, f.hotel, [f.hotel, f.airline], { ...f.terms, asset, termsURI: "ipfs://token" });
    await token.mint(f.customer.address, 2n ** 129n);
    await token.connect(f.customer).approve(await f.ecoshare.getAddress(), ethers.MaxUint256);
    await expect(f.ecoshare.connect(f.customer).pay(id, asset, 2n ** 128n, f.proven.address, h.ORDER, REFUND_TO_PAYER))
      .to.be.revertedWithCustomError(f.ecoshare, "AmountTooLarge")
      .withArgs(2n ** 128n);
  });

  describe("validation: earned trust may only shorten the holdback", function () {
    async function rejects(overrides: Partial<AgreementTerms>, index: number, period: number, max: number) {
      const f = await networkHelpers.loadFixture(trustAgreement);
      await expect(f.ecoshare.connect(f.hotel).propose({ ...f.terms, ...overrides }))
        .to.be.revertedWithCustomError(f.ecoshare, "ReferralTierHoldbackTooLong")
        .withArgs(index, period, max);
    }

    it("rejects a first tier held longer than the agreement", () =>
      rejects({ referralTiers: [{ fromVolume: 10n, feeBps: 600, holdbackPeriod: 7 * DAY + 1 }] }, 0, 7 * DAY + 1, 7 * DAY));
    it("rejects a tier held longer than the tier below", () =>
      rejects(
        {
          referralTiers: [
            { fromVolume: 10n, feeBps: 600, holdbackPeriod: DAY },
            { fromVolume: 20n, feeBps: 700, holdbackPeriod: 2 * DAY },
          ],
        },
        1,
        2 * DAY,
        DAY,
      ));
    it("rejects a tier holdback on an agreement that holds nothing", () =>
      rejects({ holdbackPeriod: 0, refunder: h.ETH, referralTiers: [{ fromVolume: 10n, feeBps: 600, holdbackPeriod: 60 }] }, 0, 60, 0));
    it("accepts equal holdbacks, and a tier that credits at once", async function () {
      const f = await networkHelpers.loadFixture(trustAgreement);
      const referralTiers = [
        { fromVolume: 10n, feeBps: 600, holdbackPeriod: 7 * DAY },
        { fromVolume: 20n, feeBps: 700, holdbackPeriod: 0 },
      ];
      await expect(f.ecoshare.connect(f.hotel).propose({ ...f.terms, referralTiers })).to.emit(f.ecoshare, "AgreementProposed");
      const id = await f.ecoshare.agreementCount();
      expect((await f.ecoshare.referralTiersOf(id)).map((t) => Number(t.holdbackPeriod))).to.deep.equal([7 * DAY, 0]);
    });
  });
});
