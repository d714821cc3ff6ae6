import { expect } from "chai";
import { network } from "hardhat";

import * as h from "./helpers/ecoshare.js";

const { ethers, networkHelpers } = await network.create();

describe("Loyalty tiers", function () {
  // 5% up to 10,000 wei referred, 7% from 10,000, 9% from 30,000.
  const tiers = [
    { fromVolume: 10_000n, feeBps: 700, holdbackPeriod: 0 },
    { fromVolume: 30_000n, feeBps: 900, holdbackPeriod: 0 },
  ];

  async function tieredAgreement() {
    const [operator, vendorA, vendorB, referrer, otherReferrer, customer] = await ethers.getSigners();
    const ecoshare = await h.deployEcoshare(ethers);
    const networkId = await h.createNetwork(ecoshare, operator!, h.NetworkKind.VendorLed, operator!.address, 0);
    await h.addMembers(ecoshare, networkId, operator!, [vendorA!, vendorB!, referrer!, otherReferrer!]);
    const terms = await h.makeTerms(ecoshare, networkId, h.equalShares([vendorA!.address, vendorB!.address]), {
      referralFeeBps: 500,
      referralTiers: tiers,
    });
    const id = await h.activateAgreement(ecoshare, vendorA!, [vendorA!, vendorB!], terms);
    return { ecoshare, networkId, terms, id, operator: operator!, vendorA: vendorA!, vendorB: vendorB!, referrer: referrer!, otherReferrer: otherReferrer!, customer: customer! };
  }

  const pay = (f: Awaited<ReturnType<typeof tieredAgreement>>, amount: bigint, referrer = f.referrer.address) =>
    f.ecoshare.connect(f.customer).pay(f.id, h.ETH, amount, referrer, h.ORDER, h.ETH, { value: amount });

  it("stores the tiers and starts every referrer at the base rate", async function () {
    const f = await networkHelpers.loadFixture(tieredAgreement);
    const stored = await f.ecoshare.referralTiersOf(f.id);
    expect(stored.map((t) => [t.fromVolume, Number(t.feeBps)])).to.deep.equal([
      [10_000n, 700],
      [30_000n, 900],
    ]);
    expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([0n, 0n, 500n]);
  });

  it("charges each payment the rate of the tier reached before it", async function () {
    const f = await networkHelpers.loadFixture(tieredAgreement);
    // 9,000 referred before: still the base tier, though this payment crosses 10,000.
    await pay(f, 9_000n);
    const earned = () => f.ecoshare.balanceOf(f.referrer.address, h.ETH);
    expect(await earned()).to.equal(450n);
    await expect(pay(f, 2_000n))
      .to.emit(f.ecoshare, "ReferralTierApplied")
      .withArgs(f.id, f.referrer.address, 0, 500, 9_000n)
      .and.to.emit(f.ecoshare, "PaymentSplit")
      .withArgs(f.id, f.customer.address, f.referrer.address, 2_000n, h.ORDER);
    expect(await earned()).to.equal(450n + 100n);
    // 11,000 referred before: tier 1 at 7%.
    await expect(pay(f, 20_000n))
      .to.emit(f.ecoshare, "ReferralTierApplied")
      .withArgs(f.id, f.referrer.address, 1, 700, 11_000n)
      .and.to.emit(f.ecoshare, "PaymentSplit")
      .withArgs(f.id, f.customer.address, f.referrer.address, 20_000n, h.ORDER);
    expect(await earned()).to.equal(450n + 100n + 1_400n);
    // 31,000 referred before: tier 2 at 9%.
    await expect(pay(f, 1_000n)).to.emit(f.ecoshare, "ReferralTierApplied").withArgs(f.id, f.referrer.address, 2, 900, 31_000n);
    expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([32_000n, 2n, 900n]);
    expect(await earned()).to.equal(450n + 100n + 1_400n + 90n);
    // The vendors share what is left (no network fee here): 32,000 less 2,040 of referral fees.
    expect((await f.ecoshare.agreement(f.id)).vendorPool).to.equal(32_000n - 2_040n);
  });

  it("counts each referrer's volume separately and ignores payments without a referrer", async function () {
    const f = await networkHelpers.loadFixture(tieredAgreement);
    await pay(f, 15_000n);
    await pay(f, 50_000n, h.NO_REFERRER);
    expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([15_000n, 1n, 700n]);
    expect(await f.ecoshare.referredVolume(f.id, f.otherReferrer.address)).to.deep.equal([0n, 0n, 500n]);
    await expect(pay(f, 1_000n, f.otherReferrer.address))
      .to.emit(f.ecoshare, "ReferralTierApplied")
      .withArgs(f.id, f.otherReferrer.address, 0, 500, 0n);
  });

  it("keeps a referrer's volume across an amendment of the agreement", async function () {
    const f = await networkHelpers.loadFixture(tieredAgreement);
    await pay(f, 12_000n);
    const amended = await h.activateAgreement(f.ecoshare, f.vendorA, [f.vendorA, f.vendorB], { ...f.terms, termsURI: "ipfs://v2" }, f.id);
    expect((await f.ecoshare.agreement(amended)).lineageId).to.equal(f.id);
    expect(await f.ecoshare.referredVolume(amended, f.referrer.address)).to.deep.equal([12_000n, 1n, 700n]);
    await expect(f.ecoshare.connect(f.customer).pay(amended, h.ETH, 1_000n, f.referrer.address, h.ORDER, h.ETH, { value: 1_000n }))
      .to.emit(f.ecoshare, "ReferralTierApplied")
      .withArgs(amended, f.referrer.address, 1, 700, 12_000n);
  });

  it("counts a lineage's volume in its one asset: versions keeping the token keep it, another asset is refused", async function () {
    const f = await networkHelpers.loadFixture(tieredAgreement);
    // A dUSD lineage (6 decimals): tiers from 10,000 and 30,000 dUSD.
    const token = await h.deployStablecoin(ethers);
    const tokenAddress = (await token.getAddress()) as `0x${string}`;
    const dusd = (units: bigint) => units * 10n ** 6n;
    await token.mint(f.customer.address, dusd(100_000n));
    await token.connect(f.customer).approve(await f.ecoshare.getAddress(), ethers.MaxUint256);
    const terms = await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.vendorA.address, f.vendorB.address]), {
      asset: tokenAddress,
      referralTiers: [
        { fromVolume: dusd(10_000n), feeBps: 700, holdbackPeriod: 0 },
        { fromVolume: dusd(30_000n), feeBps: 900, holdbackPeriod: 0 },
      ],
    });
    const vendors = [f.vendorA, f.vendorB];
    const v1 = await h.activateAgreement(f.ecoshare, f.vendorA, vendors, terms);
    const payToken = (id: bigint, amount: bigint) =>
      f.ecoshare.connect(f.customer).pay(id, tokenAddress, amount, f.referrer.address, h.ORDER, h.ETH);
    await payToken(v1, dusd(12_000n));
    // Moving the lineage to ETH would compare wei with dUSD units (12,000 dUSD would read as 1.2e10 wei): refused.
    await expect(f.ecoshare.connect(f.vendorA).proposeAmendment(v1, { ...terms, asset: h.ETH }))
      .to.be.revertedWithCustomError(f.ecoshare, "AmendmentChangesAsset")
      .withArgs(tokenAddress, h.ETH);
    // An amendment in the same token keeps the referrer at tier 1 ...
    const v2 = await h.activateAgreement(f.ecoshare, f.vendorA, vendors, { ...terms, termsURI: "ipfs://v2" }, v1);
    expect(await f.ecoshare.referredVolume(v2, f.referrer.address)).to.deep.equal([dusd(12_000n), 1n, 700n]);
    await expect(payToken(v2, dusd(20_000n)))
      .to.emit(f.ecoshare, "ReferralTierApplied")
      .withArgs(v2, f.referrer.address, 1, 700, dusd(12_000n));
    // ... and so does a counter to the next amendment, which wins: the referrer reached tier 2 in the lineage.
    const v3 = await h.propose(f.ecoshare, f.vendorA, { ...terms, termsURI: "ipfs://v3" }, v2);
    await f.ecoshare.connect(f.vendorB).counterPropose(v3, { ...terms, termsURI: "ipfs://v3-countered" });
    const counter = await f.ecoshare.agreementCount();
    await expect(f.ecoshare.connect(f.vendorA).accept(counter)).to.emit(f.ecoshare, "AgreementActivated").withArgs(counter, v2);
    expect(await f.ecoshare.referredVolume(counter, f.referrer.address)).to.deep.equal([dusd(32_000n), 2n, 900n]);
    await expect(payToken(counter, dusd(1_000n)))
      .to.emit(f.ecoshare, "ReferralTierApplied")
      .withArgs(counter, f.referrer.address, 2, 900, dusd(32_000n));
    // 5% of 12,000 + 7% of 20,000 + 9% of 1,000 dUSD.
    expect(await f.ecoshare.balanceOf(f.referrer.address, tokenAddress)).to.equal(dusd(600n + 1_400n + 90n));
    // The ETH lineage of the fixture is its own: this referrer has referred nothing there.
    expect(await f.ecoshare.referredVolume(f.id, f.referrer.address)).to.deep.equal([0n, 0n, 500n]);
  });

  it("emits no tier event for an agreement without tiers", async function () {
    const f = await networkHelpers.loadFixture(tieredAgreement);
    const flat = await h.activateAgreement(
      f.ecoshare,
      f.vendorA,
      [f.vendorA, f.vendorB],
      await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.vendorA.address, f.vendorB.address])),
    );
    await expect(f.ecoshare.connect(f.customer).pay(flat, h.ETH, 50_000n, f.referrer.address, h.ORDER, h.ETH, { value: 50_000n }))
      .not.to.emit(f.ecoshare, "ReferralTierApplied");
    expect(await f.ecoshare.referredVolume(flat, f.referrer.address)).to.deep.equal([0n, 0n, 500n]);
  });

  describe("validation", function () {
    async function rejects(overrides: { fromVolume: bigint; feeBps: number; holdbackPeriod: number }[], index: number) {
      const f = await networkHelpers.loadFixture(tieredAgreement);
      const terms = await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.vendorA.address]), { referralTiers: overrides });
      await expect(f.ecoshare.connect(f.vendorA).propose(terms))
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidReferralTier")
        .withArgs(index);
    }

    it("rejects a tier starting at 0", () => rejects([{ fromVolume: 0n, feeBps: 600, holdbackPeriod: 0 }], 0));
    it("rejects thresholds that do not ascend", () =>
      rejects(
        [
          { fromVolume: 10n, feeBps: 600, holdbackPeriod: 0 },
          { fromVolume: 10n, feeBps: 700, holdbackPeriod: 0 },
        ],
        1,
      ));
    it("rejects a tier rate above the referral fee cap", () => rejects([{ fromVolume: 10n, feeBps: 5_001, holdbackPeriod: 0 }], 0));
    it("rejects more than MAX_REFERRAL_TIERS tiers", async function () {
      const f = await networkHelpers.loadFixture(tieredAgreement);
      const max = Number(await f.ecoshare.MAX_REFERRAL_TIERS());
      const many = Array.from({ length: max + 1 }, (_, i) => ({ fromVolume: BigInt(i + 1), feeBps: 500, holdbackPeriod: 0 }));
      const terms = await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.vendorA.address]), { referralTiers: many });
      await expect(f.ecoshare.connect(f.vendorA).propose(terms))
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidReferralTier")
        .withArgs(max);
      await expect(f.ecoshare.connect(f.vendorA).propose({ ...terms, referralTiers: many.slice(0, max) })).not.to.be.revert(ethers);
    });
  });
});
