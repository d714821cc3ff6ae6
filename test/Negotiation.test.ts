import { expect } from "chai";
import { network } from "hardhat";

import { counterProposalTypes, domainFromErc5267, randomCounterNonce, type AgreementTerms } from "../client/eip712.js";
import * as h from "./helpers/ecoshare.js";

const { ethers, networkHelpers } = await network.create();

describe("Negotiation", function () {
  async function opening() {
    const [operator, hotel, airline, restaurant, relayer] = await ethers.getSigners();
    const ecoshare = await h.deployEcoshare(ethers);
    const networkId = await h.createNetwork(ecoshare, operator!, h.NetworkKind.VendorLed, operator!.address, 100);
    await h.addMembers(ecoshare, networkId, operator!, [hotel!, airline!, restaurant!]);
    const parties = [hotel!, airline!, restaurant!];
    const terms = await h.makeTerms(ecoshare, networkId, h.equalShares(parties.map((p) => p.address)));
    const offerId = await h.propose(ecoshare, hotel!, terms);
    const token = await h.deployStablecoin(ethers);
    const tokenAddress = (await token.getAddress()) as `0x${string}`;
    return {
      ecoshare,
      networkId,
      terms,
      offerId,
      tokenAddress,
      operator: operator!,
      hotel: hotel!,
      airline: airline!,
      restaurant: restaurant!,
      relayer: relayer!,
    };
  }
  type Fixture = Awaited<ReturnType<typeof opening>>;

  const counterTerms = (f: Fixture): AgreementTerms => ({
    ...f.terms,
    parties: [
      { account: f.hotel.address as `0x${string}`, shareBps: 3_000 },
      { account: f.airline.address as `0x${string}`, shareBps: 5_000 },
      { account: f.restaurant.address as `0x${string}`, shareBps: 2_000 },
    ],
    referralFeeBps: 700,
  });

  /** `author`'s EIP-712 signature of a counter to `counteredId`, over the domain the contract publishes. */
  async function signCounter(
    f: Fixture,
    author: typeof f.hotel,
    counteredId: bigint,
    terms: AgreementTerms,
    nonce: bigint,
    deadline: bigint,
  ) {
    const domain = domainFromErc5267(await f.ecoshare.eip712Domain());
    return author.signTypedData(domain, counterProposalTypes as never, { author: author.address, counteredId, terms, nonce, deadline });
  }

  it("answers a proposal with a counter in the same lineage, accepted by its author", async function () {
    const f = await networkHelpers.loadFixture(opening);
    const tx = f.ecoshare.connect(f.airline).counterPropose(f.offerId, counterTerms(f));
    await expect(tx).to.emit(f.ecoshare, "AgreementCountered").withArgs(2n, f.offerId, f.airline.address);
    await expect(tx).to.emit(f.ecoshare, "AgreementProposed").withArgs(2n, f.networkId, f.airline.address, 0n, 2n, (terms: { referralFeeBps: bigint; parties: unknown[] }) =>
      terms.referralFeeBps === 700n && terms.parties.length === 3,
    );
    await expect(tx).to.emit(f.ecoshare, "AgreementAccepted").withArgs(2n, f.airline.address, false);
    const counter = await f.ecoshare.agreement(2n);
    expect([counter.lineageId, counter.version, counter.previousId]).to.deep.equal([f.offerId, 2n, 0n]);
    expect(await f.ecoshare.hasAccepted(2n, f.hotel.address)).to.equal(false);
  });

  it("activates the first version every party accepts and closes the others", async function () {
    const f = await networkHelpers.loadFixture(opening);
    await f.ecoshare.connect(f.airline).counterPropose(f.offerId, counterTerms(f));
    const counterId = 2n;
    await f.ecoshare.connect(f.hotel).accept(counterId);
    await expect(f.ecoshare.connect(f.restaurant).accept(counterId))
      .to.emit(f.ecoshare, "AgreementActivated")
      .withArgs(counterId, 0n);
    expect(await f.ecoshare.activeVersionOf(f.offerId)).to.equal(counterId);
    // The opening offer can no longer activate, and says so.
    expect((await f.ecoshare.agreement(f.offerId)).status).to.equal(BigInt(h.AgreementStatus.Superseded));
    await expect(f.ecoshare.connect(f.airline).accept(f.offerId))
      .to.be.revertedWithCustomError(f.ecoshare, "NegotiationSettled")
      .withArgs(f.offerId, counterId);
    await expect(f.ecoshare.connect(f.restaurant).counterPropose(f.offerId, f.terms))
      .to.be.revertedWithCustomError(f.ecoshare, "NegotiationSettled")
      .withArgs(f.offerId, counterId);
  });

  it("lets the original offer win if it is accepted first", async function () {
    const f = await networkHelpers.loadFixture(opening);
    await f.ecoshare.connect(f.airline).counterPropose(f.offerId, counterTerms(f));
    await f.ecoshare.connect(f.airline).accept(f.offerId);
    await f.ecoshare.connect(f.restaurant).accept(f.offerId);
    expect((await f.ecoshare.agreement(f.offerId)).status).to.equal(BigInt(h.AgreementStatus.Active));
    await expect(f.ecoshare.connect(f.hotel).accept(2n))
      .to.be.revertedWithCustomError(f.ecoshare, "NegotiationSettled")
      .withArgs(2n, f.offerId);
  });

  it("counters an amendment: the winner replaces the active version", async function () {
    const f = await networkHelpers.loadFixture(opening);
    const parties = [f.hotel, f.airline, f.restaurant];
    const active = await h.activateAgreement(f.ecoshare, f.hotel, parties, f.terms);
    const amendment = await h.propose(f.ecoshare, f.hotel, { ...f.terms, termsURI: "ipfs://v2" }, active);
    await f.ecoshare.connect(f.restaurant).counterPropose(amendment, counterTerms(f));
    const counter = await f.ecoshare.agreementCount();
    expect((await f.ecoshare.agreement(counter)).previousId).to.equal(active);
    await f.ecoshare.connect(f.hotel).accept(counter);
    await expect(f.ecoshare.connect(f.airline).accept(counter))
      .to.emit(f.ecoshare, "AgreementSuperseded")
      .withArgs(active, counter);
    await expect(f.ecoshare.connect(f.airline).accept(amendment))
      .to.be.revertedWithCustomError(f.ecoshare, "NegotiationSettled")
      .withArgs(amendment, counter);
  });

  it("only lets a party of the countered version counter it, keeping every party", async function () {
    const f = await networkHelpers.loadFixture(opening);
    await expect(f.ecoshare.connect(f.operator).counterPropose(f.offerId, counterTerms(f)))
      .to.be.revertedWithCustomError(f.ecoshare, "NotAgreementParty")
      .withArgs(f.offerId, f.operator.address);
    const dropsRestaurant = { ...f.terms, parties: h.equalShares([f.hotel.address, f.airline.address]) };
    await expect(f.ecoshare.connect(f.airline).counterPropose(f.offerId, dropsRestaurant))
      .to.be.revertedWithCustomError(f.ecoshare, "AmendmentDropsParty")
      .withArgs(f.restaurant.address);
  });

  it("cannot change the asset: the lineage's referral volumes and tier thresholds are in one asset", async function () {
    const f = await networkHelpers.loadFixture(opening);
    await expect(f.ecoshare.connect(f.airline).counterPropose(f.offerId, { ...counterTerms(f), asset: f.tokenAddress }))
      .to.be.revertedWithCustomError(f.ecoshare, "AmendmentChangesAsset")
      .withArgs(h.ETH, f.tokenAddress);
    // A counter to an amendment is held to the asset of the lineage too.
    const active = await h.activateAgreement(f.ecoshare, f.hotel, [f.hotel, f.airline, f.restaurant], f.terms);
    const amendment = await h.propose(f.ecoshare, f.hotel, { ...f.terms, termsURI: "ipfs://v2" }, active);
    await expect(f.ecoshare.connect(f.restaurant).counterPropose(amendment, { ...counterTerms(f), asset: f.tokenAddress }))
      .to.be.revertedWithCustomError(f.ecoshare, "AmendmentChangesAsset")
      .withArgs(h.ETH, f.tokenAddress);
  });

  describe("signed counter-proposals", function () {
    it("lets anyone submit a counter its author signed, once", async function () {
      const f = await networkHelpers.loadFixture(opening);
      const terms = counterTerms(f);
      const deadline = f.terms.validUntil;
      const nonce = randomCounterNonce();
      const signature = await signCounter(f, f.restaurant, f.offerId, terms, nonce, deadline);
      expect(await f.ecoshare.isCounterNonceUsed(f.restaurant.address, nonce)).to.equal(false);
      const submit = () =>
        f.ecoshare.connect(f.relayer).counterProposeWithSignature(f.offerId, terms, f.restaurant.address, nonce, deadline, signature);
      await expect(submit()).to.emit(f.ecoshare, "AgreementCountered").withArgs(2n, f.offerId, f.restaurant.address);
      expect(await f.ecoshare.hasAccepted(2n, f.restaurant.address)).to.equal(true);
      expect(await f.ecoshare.isCounterNonceUsed(f.restaurant.address, nonce)).to.equal(true);
      // Replaying it fails: its nonce is spent.
      await expect(submit()).to.be.revertedWithCustomError(f.ecoshare, "CounterNonceUsed").withArgs(f.restaurant.address, nonce);
      expect(await f.ecoshare.agreementCount()).to.equal(2n);
    });

    it("rejects a signature by someone else, over other terms, or past its deadline", async function () {
      const f = await networkHelpers.loadFixture(opening);
      const terms = counterTerms(f);
      const deadline = f.terms.validUntil;
      const nonce = randomCounterNonce();
      const byAirline = await signCounter(f, f.airline, f.offerId, terms, nonce, deadline);
      await expect(f.ecoshare.counterProposeWithSignature(f.offerId, terms, f.restaurant.address, nonce, deadline, byAirline))
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidCounterSignature")
        .withArgs(f.restaurant.address);
      const signature = await signCounter(f, f.restaurant, f.offerId, terms, nonce, deadline);
      await expect(
        f.ecoshare.counterProposeWithSignature(f.offerId, { ...terms, referralFeeBps: 900 }, f.restaurant.address, nonce, deadline, signature),
      )
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidCounterSignature")
        .withArgs(f.restaurant.address);
      const now = BigInt(await networkHelpers.time.latest());
      const stale = await signCounter(f, f.restaurant, f.offerId, terms, nonce, now);
      await networkHelpers.time.increase(10);
      await expect(f.ecoshare.counterProposeWithSignature(f.offerId, terms, f.restaurant.address, nonce, now, stale))
        .to.be.revertedWithCustomError(f.ecoshare, "CounterSignatureExpired")
        .withArgs(f.restaurant.address, now);
      // None of the failures spent the nonce: the good signature still goes through.
      expect(await f.ecoshare.isCounterNonceUsed(f.restaurant.address, nonce)).to.equal(false);
      await expect(f.ecoshare.counterProposeWithSignature(f.offerId, terms, f.restaurant.address, nonce, deadline, signature))
        .to.emit(f.ecoshare, "AgreementCountered")
        .withArgs(2n, f.offerId, f.restaurant.address);
    });

    it("counterProposalDigest is the EIP-712 digest of the shared types, for any nonce and whoever signs", async function () {
      const f = await networkHelpers.loadFixture(opening);
      const terms = counterTerms(f);
      const domain = domainFromErc5267(await f.ecoshare.eip712Domain());
      const deadline = f.terms.validUntil;
      for (const nonce of [0n, 255n, 256n, randomCounterNonce(), 2n ** 256n - 1n]) {
        expect(await f.ecoshare.counterProposalDigest(f.offerId, terms, f.airline.address, nonce, deadline)).to.equal(
          ethers.TypedDataEncoder.hash(domain, counterProposalTypes as never, {
            author: f.airline.address,
            counteredId: f.offerId,
            terms,
            nonce,
            deadline,
          }),
        );
      }
      // What an author signs with ethers is what the contract checks.
      const nonce = randomCounterNonce();
      const signature = await signCounter(f, f.airline, f.offerId, terms, nonce, deadline);
      const digest = await f.ecoshare.counterProposalDigest(f.offerId, terms, f.airline.address, nonce, deadline);
      expect(ethers.recoverAddress(digest, signature)).to.equal(f.airline.address);
    });

    it("lets an author keep counters to two pending versions outstanding and submit them in either order", async function () {
      const f = await networkHelpers.loadFixture(opening);
      await f.ecoshare.connect(f.airline).counterPropose(f.offerId, counterTerms(f));
      const airlineCounter = 2n;
      const deadline = f.terms.validUntil;
      const toOffer = { id: f.offerId, terms: { ...counterTerms(f), referralFeeBps: 800 }, nonce: randomCounterNonce() };
      const toCounter = { id: airlineCounter, terms: { ...counterTerms(f), referralFeeBps: 900 }, nonce: randomCounterNonce() };
      const signed = [];
      for (const c of [toOffer, toCounter]) {
        signed.push({ ...c, signature: await signCounter(f, f.restaurant, c.id, c.terms, c.nonce, deadline) });
      }
      // Submitted last-signed first: neither nonce waits for the other.
      for (const [i, c] of [signed[1]!, signed[0]!].entries()) {
        await expect(
          f.ecoshare.connect(f.relayer).counterProposeWithSignature(c.id, c.terms, f.restaurant.address, c.nonce, deadline, c.signature),
        )
          .to.emit(f.ecoshare, "AgreementCountered")
          .withArgs(3n + BigInt(i), c.id, f.restaurant.address);
        expect(await f.ecoshare.isCounterNonceUsed(f.restaurant.address, c.nonce)).to.equal(true);
      }
      expect((await f.ecoshare.agreement(3n)).referralFeeBps).to.equal(900n);
      expect((await f.ecoshare.agreement(4n)).referralFeeBps).to.equal(800n);
    });

    it("lets an author sign two counters to the same version and submit the second one first", async function () {
      const f = await networkHelpers.loadFixture(opening);
      const deadline = f.terms.validUntil;
      const first = { terms: { ...counterTerms(f), referralFeeBps: 600 }, nonce: randomCounterNonce() };
      const second = { terms: { ...counterTerms(f), referralFeeBps: 650 }, nonce: randomCounterNonce() };
      const signatures = [
        await signCounter(f, f.airline, f.offerId, first.terms, first.nonce, deadline),
        await signCounter(f, f.airline, f.offerId, second.terms, second.nonce, deadline),
      ];
      await expect(f.ecoshare.counterProposeWithSignature(f.offerId, second.terms, f.airline.address, second.nonce, deadline, signatures[1]!))
        .to.emit(f.ecoshare, "AgreementCountered")
        .withArgs(2n, f.offerId, f.airline.address);
      await expect(f.ecoshare.counterProposeWithSignature(f.offerId, first.terms, f.airline.address, first.nonce, deadline, signatures[0]!))
        .to.emit(f.ecoshare, "AgreementCountered")
        .withArgs(3n, f.offerId, f.airline.address);
      expect([(await f.ecoshare.agreement(2n)).referralFeeBps, (await f.ecoshare.agreement(3n)).referralFeeBps]).to.deep.equal([650n, 600n]);
    });

    it("refuses a used nonce under any other signed counter", async function () {
      const f = await networkHelpers.loadFixture(opening);
      const deadline = f.terms.validUntil;
      const nonce = randomCounterNonce();
      const terms = counterTerms(f);
      await f.ecoshare.counterProposeWithSignature(
        f.offerId,
        terms,
        f.airline.address,
        nonce,
        deadline,
        await signCounter(f, f.airline, f.offerId, terms, nonce, deadline),
      );
      const other = { ...terms, referralFeeBps: 100 };
      const again = await signCounter(f, f.airline, 2n, other, nonce, deadline);
      await expect(f.ecoshare.counterProposeWithSignature(2n, other, f.airline.address, nonce, deadline, again))
        .to.be.revertedWithCustomError(f.ecoshare, "CounterNonceUsed")
        .withArgs(f.airline.address, nonce);
    });

    it("invalidateCounterNonce cancels one signed counter and leaves the author's others", async function () {
      const f = await networkHelpers.loadFixture(opening);
      const deadline = f.terms.validUntil;
      const terms = counterTerms(f);
      const [cancelled, kept] = [randomCounterNonce(), randomCounterNonce()];
      const signatures = {
        cancelled: await signCounter(f, f.restaurant, f.offerId, terms, cancelled, deadline),
        kept: await signCounter(f, f.restaurant, f.offerId, terms, kept, deadline),
      };
      await expect(f.ecoshare.connect(f.restaurant).invalidateCounterNonce(cancelled))
        .to.emit(f.ecoshare, "CounterNonceInvalidated")
        .withArgs(f.restaurant.address, cancelled);
      expect(await f.ecoshare.isCounterNonceUsed(f.restaurant.address, cancelled)).to.equal(true);
      expect(await f.ecoshare.isCounterNonceUsed(f.restaurant.address, kept)).to.equal(false);
      await expect(f.ecoshare.counterProposeWithSignature(f.offerId, terms, f.restaurant.address, cancelled, deadline, signatures.cancelled))
        .to.be.revertedWithCustomError(f.ecoshare, "CounterNonceUsed")
        .withArgs(f.restaurant.address, cancelled);
      await expect(f.ecoshare.connect(f.restaurant).invalidateCounterNonce(cancelled))
        .to.be.revertedWithCustomError(f.ecoshare, "CounterNonceUsed")
        .withArgs(f.restaurant.address, cancelled);
      // Nonces are the author's own: another account cancelling the same number changes nothing for it.
      await expect(f.ecoshare.connect(f.airline).invalidateCounterNonce(kept))
        .to.emit(f.ecoshare, "CounterNonceInvalidated")
        .withArgs(f.airline.address, kept);
      await expect(f.ecoshare.counterProposeWithSignature(f.offerId, terms, f.restaurant.address, kept, deadline, signatures.kept))
        .to.emit(f.ecoshare, "AgreementCountered")
        .withArgs(2n, f.offerId, f.restaurant.address);
    });

    it("keeps each nonce to its own bit, across the bitmap's 256-bit words", async function () {
      const f = await networkHelpers.loadFixture(opening);
      const max = 2n ** 256n - 1n;
      for (const nonce of [255n, 256n, max]) await f.ecoshare.connect(f.hotel).invalidateCounterNonce(nonce);
      const used = async (nonce: bigint) => f.ecoshare.isCounterNonceUsed(f.hotel.address, nonce);
      for (const nonce of [255n, 256n, max]) expect(await used(nonce), `nonce ${nonce}`).to.equal(true);
      for (const nonce of [0n, 1n, 254n, 257n, 511n, 512n, max - 1n, max >> 1n]) {
        expect(await used(nonce), `nonce ${nonce}`).to.equal(false);
      }
    });

    it("accepts a signature up to and including its deadline's second", async function () {
      const f = await networkHelpers.loadFixture(opening);
      const terms = counterTerms(f);
      const nonce = randomCounterNonce();
      const deadline = BigInt(await networkHelpers.time.latest()) + 60n;
      const signature = await signCounter(f, f.restaurant, f.offerId, terms, nonce, deadline);
      await networkHelpers.time.setNextBlockTimestamp(deadline);
      await expect(f.ecoshare.counterProposeWithSignature(f.offerId, terms, f.restaurant.address, nonce, deadline, signature))
        .to.emit(f.ecoshare, "AgreementCountered")
        .withArgs(2n, f.offerId, f.restaurant.address);
    });

    it("refuses a signed counter that changes the asset, leaving its nonce unused", async function () {
      const f = await networkHelpers.loadFixture(opening);
      const terms = { ...counterTerms(f), asset: f.tokenAddress };
      const nonce = randomCounterNonce();
      const signature = await signCounter(f, f.restaurant, f.offerId, terms, nonce, f.terms.validUntil);
      await expect(f.ecoshare.counterProposeWithSignature(f.offerId, terms, f.restaurant.address, nonce, f.terms.validUntil, signature))
        .to.be.revertedWithCustomError(f.ecoshare, "AmendmentChangesAsset")
        .withArgs(h.ETH, f.tokenAddress);
      expect(await f.ecoshare.isCounterNonceUsed(f.restaurant.address, nonce)).to.equal(false);
    });
  });
});
