import { expect } from "chai";
import { TypedDataEncoder, Wallet } from "ethers";
import { network } from "hardhat";

import type { OwnedERC1271Wallet } from "../types/ethers-contracts/index.js";
import { acceptanceTypes, type AgreementTerms, type Party } from "../client/eip712.js";
import * as h from "./helpers/ecoshare.js";
import { AgreementStatus, ETH, MemberRole } from "./helpers/ecoshare.js";
import { eventsOf } from "./helpers/events.js";
import { activeAgreement, deployMemberContract, deployWorld, termsTuple, threeParties, type World } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

const termsEncoder = TypedDataEncoder.from(acceptanceTypes as unknown as Record<string, { name: string; type: string }[]>);

async function worldFixture() {
  return deployWorld(ethers);
}

/** Alice proposed alice/bob/carol terms: she accepted by proposing, bob and carol have not. */
async function pendingFixture() {
  const w = await deployWorld(ethers);
  const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w));
  const id = await h.propose(w.ecoshare, w.alice, terms);
  return { ...w, terms, id };
}

/** An active alice/bob/carol agreement. */
async function activeFixture() {
  const w = await deployWorld(ethers);
  const { id, terms } = await activeAgreement(w);
  return { ...w, terms, id };
}

function party(account: { address: string }, shareBps: number): Party {
  return { account: account.address as `0x${string}`, shareBps };
}

async function pay(w: World, id: bigint, amount: bigint) {
  await (await w.ecoshare.connect(w.customer).pay(id, ETH, amount, h.NO_REFERRER, h.ORDER, ETH, { value: amount })).wait();
}

describe("RevenueAgreements", function () {
  describe("constants", function () {
    it("caps parties at 50 and the referral fee at 50%", async function () {
      const { ecoshare } = await networkHelpers.loadFixture(worldFixture);
      expect(await ecoshare.MAX_PARTIES()).to.equal(50n);
      expect(await ecoshare.MAX_REFERRAL_FEE_BPS()).to.equal(5_000n);
    });
  });

  describe("propose", function () {
    it("records the terms and counts the proposing party's acceptance", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const { ecoshare, alice, bob, carol, networkId, feeRecipient } = w;
      const terms = await h.makeTerms(ecoshare, networkId, threeParties(w), { referralFeeBps: 750 });
      expect(await ecoshare.connect(alice).propose.staticCall(terms)).to.equal(1n);

      const tx = ecoshare.connect(alice).propose(terms);
      await expect(tx)
        .to.emit(ecoshare, "AgreementProposed")
        .withArgs(1n, networkId, alice.address, 0n, 1, termsTuple(terms));
      await expect(tx).to.emit(ecoshare, "AgreementAccepted").withArgs(1n, alice.address, false);
      await expect(tx).not.to.emit(ecoshare, "AgreementActivated");

      expect(await ecoshare.agreementCount()).to.equal(1n);
      const a = await ecoshare.agreement(1n);
      expect(a.networkId).to.equal(networkId);
      expect(a.asset).to.equal(ETH);
      expect(a.status).to.equal(BigInt(AgreementStatus.Pending));
      expect(a.version).to.equal(1n);
      expect(a.previousId).to.equal(0n);
      expect(a.referralFeeBps).to.equal(750n);
      expect(a.networkFeeBps).to.equal(100n);
      expect(a.feeRecipient).to.equal(feeRecipient.address);
      expect(a.validFrom).to.equal(terms.validFrom);
      expect(a.validUntil).to.equal(terms.validUntil);
      expect(a.partyCount).to.equal(3n);
      expect(a.pendingAcceptances).to.equal(2n);
      expect(a.termsDigest).to.equal(termsEncoder.hashStruct("AgreementTerms", terms));
      expect([a.vendorPool, a.networkFees, a.networkFeesCollected]).to.deep.equal([0n, 0n, 0n]);

      const parties = await ecoshare.partiesOf(1n);
      expect(parties.map((p) => [p.account, p.shareBps])).to.deep.equal([
        [alice.address, 5_000n],
        [bob.address, 3_000n],
        [carol.address, 2_000n],
      ]);
      expect(await ecoshare.hasAccepted(1n, alice.address)).to.equal(true);
      expect(await ecoshare.hasAccepted(1n, bob.address)).to.equal(false);
      expect(await ecoshare.hasAccepted(1n, carol.address)).to.equal(false);
    });

    it("lets the operator propose without being a member or a party: nobody has accepted yet", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w));
      const tx = w.ecoshare.connect(w.operator).propose(terms);
      await expect(tx).to.emit(w.ecoshare, "AgreementProposed").withArgs(1n, w.networkId, w.operator.address, 0n, 1, termsTuple(terms));
      await expect(tx).not.to.emit(w.ecoshare, "AgreementAccepted");
      expect((await w.ecoshare.agreement(1n)).pendingAcceptances).to.equal(3n);
    });

    it("lets a member propose terms it is not a party of", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, [party(w.bob, 10_000)]);
      await expect(w.ecoshare.connect(w.dave).propose(terms)).not.to.emit(w.ecoshare, "AgreementAccepted");
      expect((await w.ecoshare.agreement(1n)).pendingAcceptances).to.equal(1n);
    });

    it("activates at once an agreement whose only party proposes it", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, [party(w.alice, 10_000)]);
      const tx = w.ecoshare.connect(w.alice).propose(terms);
      await expect(tx).to.emit(w.ecoshare, "AgreementAccepted").withArgs(1n, w.alice.address, false);
      await expect(tx).to.emit(w.ecoshare, "AgreementActivated").withArgs(1n, 0n);
      expect((await w.ecoshare.agreement(1n)).status).to.equal(BigInt(AgreementStatus.Active));
    });

    it("numbers agreements from 1 upwards", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      expect(await w.ecoshare.agreementCount()).to.equal(0n);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w));
      await h.propose(w.ecoshare, w.alice, terms);
      await expect(w.ecoshare.connect(w.bob).propose(terms)).to.emit(w.ecoshare, "AgreementProposed").withArgs(
        2n,
        w.networkId,
        w.bob.address,
        0n,
        1,
        termsTuple(terms),
      );
      expect(await w.ecoshare.agreementCount()).to.equal(2n);
    });

    it("accepts an ERC-20 asset and a referral fee of exactly MAX_REFERRAL_FEE_BPS", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w), { asset: w.tokenAddress, referralFeeBps: 5_000 });
      await expect(w.ecoshare.connect(w.alice).propose(terms)).to.emit(w.ecoshare, "AgreementProposed");
      expect((await w.ecoshare.agreement(1n)).asset).to.equal(w.tokenAddress);
    });

    describe("validation", function () {
      async function rejects(w: World, overrides: Partial<AgreementTerms>, error: string, args: unknown[]) {
        const terms = await h.makeTerms(w.ecoshare, w.networkId, overrides.parties ?? threeParties(w), overrides);
        await expect(w.ecoshare.connect(w.alice).propose(terms))
          .to.be.revertedWithCustomError(w.ecoshare, error)
          .withArgs(...args);
      }

      it("rejects no parties", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        await rejects(w, { parties: [] }, "InvalidPartyCount", [0n, 50n]);
      });

      it("rejects more than MAX_PARTIES parties", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        const parties = Array.from({ length: 51 }, () => party(Wallet.createRandom(), 0));
        await rejects(w, { parties }, "InvalidPartyCount", [51n, 50n]);
      });

      it("rejects the zero address as a party", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        const terms = await h.makeTerms(w.ecoshare, w.networkId, [party(w.alice, 5_000), { account: ETH, shareBps: 5_000 }]);
        await expect(w.ecoshare.connect(w.alice).propose(terms)).to.be.revertedWithCustomError(w.ecoshare, "ZeroAddressParty");
      });

      it("rejects a party named twice", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        await rejects(w, { parties: [party(w.alice, 5_000), party(w.bob, 2_500), party(w.alice, 2_500)] }, "DuplicateParty", [
          w.alice.address,
        ]);
      });

      it("rejects shares that add up to less than 10,000", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        await rejects(w, { parties: [party(w.alice, 5_000), party(w.bob, 4_999)] }, "SharesDoNotSumToWhole", [9_999n]);
      });

      it("rejects shares that add up to more than 10,000, as soon as they do", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        await rejects(
          w,
          { parties: [party(w.alice, 6_000), party(w.bob, 5_000), party(w.carol, 0)] },
          "SharesDoNotSumToWhole",
          [11_000n],
        );
      });

      it("rejects a referral fee above MAX_REFERRAL_FEE_BPS", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        await rejects(w, { referralFeeBps: 5_001 }, "ReferralFeeTooHigh", [5_001, 5_000]);
      });

      it("rejects an empty, inverted or past validity window", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        const now = BigInt(await networkHelpers.time.latest());
        await rejects(w, { validFrom: now + 100n, validUntil: now + 100n }, "InvalidValidityWindow", [now + 100n, now + 100n]);
        await rejects(w, { validFrom: now + 200n, validUntil: now + 100n }, "InvalidValidityWindow", [now + 200n, now + 100n]);
        // The proposal is mined one second after `now`: a window ending then is already over.
        await rejects(w, { validFrom: now - 100n, validUntil: now + 1n }, "InvalidValidityWindow", [now - 100n, now + 1n]);
      });

      it("accepts a window that started long ago and ends in the next second", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        const now = BigInt(await networkHelpers.time.latest());
        const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w), { validFrom: 0n, validUntil: now + 2n });
        // Pinned: after a fixture's snapshot is restored, the next block may otherwise take the later wall-clock time.
        await networkHelpers.time.setNextBlockTimestamp(now + 1n);
        await expect(w.ecoshare.connect(w.alice).propose(terms)).to.emit(w.ecoshare, "AgreementProposed");
      });

      it("rejects an asset that is not a contract", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        await rejects(w, { asset: w.outsider.address as `0x${string}` }, "AssetNotAContract", [w.outsider.address]);
      });

      it("rejects fee terms other than the network's current ones", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        await rejects(w, { networkFeeBps: 99 }, "NetworkFeeTermsChanged", [w.feeRecipient.address, 100]);
        await rejects(w, { feeRecipient: w.alice.address as `0x${string}` }, "NetworkFeeTermsChanged", [w.feeRecipient.address, 100]);
      });

      it("rejects terms prepared before the network changed its fee terms", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        const stale = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w));
        await w.ecoshare.connect(w.operator).setNetworkFee(w.networkId, w.dave.address, 250);
        await expect(w.ecoshare.connect(w.alice).propose(stale))
          .to.be.revertedWithCustomError(w.ecoshare, "NetworkFeeTermsChanged")
          .withArgs(w.dave.address, 250);
        const fresh = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w));
        await expect(w.ecoshare.connect(w.alice).propose(fresh)).to.emit(w.ecoshare, "AgreementProposed");
        const a = await w.ecoshare.agreement(1n);
        expect([a.feeRecipient, a.networkFeeBps]).to.deep.equal([w.dave.address, 250n]);
      });

      it("rejects an unknown network", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        const terms = { ...(await h.makeTerms(w.ecoshare, w.networkId, threeParties(w))), networkId: 2n };
        await expect(w.ecoshare.connect(w.alice).propose(terms))
          .to.be.revertedWithCustomError(w.ecoshare, "UnknownNetwork")
          .withArgs(2n);
      });

      it("rejects a proposer who is neither an active member nor the operator", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w));
        await expect(w.ecoshare.connect(w.outsider).propose(terms))
          .to.be.revertedWithCustomError(w.ecoshare, "NotAllowedToPropose")
          .withArgs(w.networkId, w.outsider.address);
        await w.ecoshare.connect(w.outsider).join(w.networkId, MemberRole.Vendor, "");
        await expect(w.ecoshare.connect(w.outsider).propose(terms))
          .to.be.revertedWithCustomError(w.ecoshare, "NotAllowedToPropose")
          .withArgs(w.networkId, w.outsider.address);
        await w.ecoshare.connect(w.operator).suspend(w.networkId, w.dave.address);
        await expect(w.ecoshare.connect(w.dave).propose(terms))
          .to.be.revertedWithCustomError(w.ecoshare, "NotAllowedToPropose")
          .withArgs(w.networkId, w.dave.address);
      });

      it("rejects a party who is not an active member", async function () {
        const w = await networkHelpers.loadFixture(worldFixture);
        await rejects(w, { parties: [party(w.alice, 5_000), party(w.outsider, 5_000)] }, "MemberNotActive", [
          w.networkId,
          w.outsider.address,
        ]);
        await w.ecoshare.connect(w.operator).suspend(w.networkId, w.bob.address);
        await rejects(w, { parties: [party(w.alice, 5_000), party(w.bob, 5_000)] }, "MemberNotActive", [w.networkId, w.bob.address]);
      });
    });
  });

  describe("accept (by transaction)", function () {
    it("records each acceptance and activates on the last one", async function () {
      const { ecoshare, id, bob, carol } = await networkHelpers.loadFixture(pendingFixture);
      const first = ecoshare.connect(bob).accept(id);
      await expect(first).to.emit(ecoshare, "AgreementAccepted").withArgs(id, bob.address, false);
      await expect(first).not.to.emit(ecoshare, "AgreementActivated");
      expect((await ecoshare.agreement(id)).pendingAcceptances).to.equal(1n);
      expect(await ecoshare.hasAccepted(id, bob.address)).to.equal(true);

      const last = ecoshare.connect(carol).accept(id);
      await expect(last).to.emit(ecoshare, "AgreementAccepted").withArgs(id, carol.address, false);
      await expect(last).to.emit(ecoshare, "AgreementActivated").withArgs(id, 0n);
      await expect(last).not.to.emit(ecoshare, "AgreementSuperseded");
      const a = await ecoshare.agreement(id);
      expect(a.status).to.equal(BigInt(AgreementStatus.Active));
      expect(a.pendingAcceptances).to.equal(0n);
    });

    it("rejects a non-party and a second acceptance", async function () {
      const { ecoshare, id, alice, outsider, dave } = await networkHelpers.loadFixture(pendingFixture);
      await expect(ecoshare.connect(outsider).accept(id))
        .to.be.revertedWithCustomError(ecoshare, "NotAgreementParty")
        .withArgs(id, outsider.address);
      await expect(ecoshare.connect(dave).accept(id))
        .to.be.revertedWithCustomError(ecoshare, "NotAgreementParty")
        .withArgs(id, dave.address);
      await expect(ecoshare.connect(alice).accept(id))
        .to.be.revertedWithCustomError(ecoshare, "AlreadyAccepted")
        .withArgs(id, alice.address);
    });

    it("rejects an unknown agreement and one that is no longer pending", async function () {
      const { ecoshare, id, bob, carol } = await networkHelpers.loadFixture(pendingFixture);
      await expect(ecoshare.connect(bob).accept(0n)).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(0n);
      await expect(ecoshare.connect(bob).accept(2n)).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(2n);
      await ecoshare.connect(carol).terminate(id);
      await expect(ecoshare.connect(bob).accept(id))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedAgreementStatus")
        .withArgs(id, AgreementStatus.Terminated);
    });

    it("rejects a party who is suspended", async function () {
      const { ecoshare, id, operator, bob, networkId } = await networkHelpers.loadFixture(pendingFixture);
      await ecoshare.connect(operator).suspend(networkId, bob.address);
      await expect(ecoshare.connect(bob).accept(id))
        .to.be.revertedWithCustomError(ecoshare, "MemberNotActive")
        .withArgs(networkId, bob.address);
    });

    it("does not activate while a party who accepted earlier is suspended; it does after reinstatement", async function () {
      const { ecoshare, id, operator, alice, bob, carol, networkId } = await networkHelpers.loadFixture(pendingFixture);
      await ecoshare.connect(bob).accept(id);
      await ecoshare.connect(operator).suspend(networkId, alice.address);
      await expect(ecoshare.connect(carol).accept(id))
        .to.be.revertedWithCustomError(ecoshare, "MemberNotActive")
        .withArgs(networkId, alice.address);
      await ecoshare.connect(operator).reinstate(networkId, alice.address);
      await expect(ecoshare.connect(carol).accept(id)).to.emit(ecoshare, "AgreementActivated").withArgs(id, 0n);
    });

    it("does not activate once the validity window is over", async function () {
      const { ecoshare, id, bob, carol, terms } = await networkHelpers.loadFixture(pendingFixture);
      await ecoshare.connect(bob).accept(id);
      await networkHelpers.time.setNextBlockTimestamp(terms.validUntil);
      // The last second of the window still activates ...
      const snapshot = await networkHelpers.takeSnapshot();
      await expect(ecoshare.connect(carol).accept(id)).to.emit(ecoshare, "AgreementActivated");
      await snapshot.restore();
      // ... one second later it is too late.
      await networkHelpers.time.setNextBlockTimestamp(terms.validUntil + 1n);
      await expect(ecoshare.connect(carol).accept(id))
        .to.be.revertedWithCustomError(ecoshare, "InvalidValidityWindow")
        .withArgs(terms.validFrom, terms.validUntil);
    });
  });

  describe("acceptWithSignatures", function () {
    it("records EOA signatures, submitted by anyone, and activates", async function () {
      const { ecoshare, id, terms, bob, carol, outsider } = await networkHelpers.loadFixture(pendingFixture);
      const deadline = terms.validUntil;
      const acceptances = [
        await h.signAcceptance(ecoshare, bob, id, terms, deadline),
        await h.signAcceptance(ecoshare, carol, id, terms, deadline),
      ];
      const tx = ecoshare.connect(outsider).acceptWithSignatures(id, acceptances);
      await expect(tx).to.emit(ecoshare, "AgreementAccepted").withArgs(id, bob.address, true);
      await expect(tx).to.emit(ecoshare, "AgreementAccepted").withArgs(id, carol.address, true);
      await expect(tx).to.emit(ecoshare, "AgreementActivated").withArgs(id, 0n);
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Active));
    });

    it("mixes acceptances by transaction and by signature", async function () {
      const { ecoshare, id, terms, bob, carol } = await networkHelpers.loadFixture(pendingFixture);
      await ecoshare.connect(bob).accept(id);
      await expect(ecoshare.acceptWithSignatures(id, [await h.signAcceptance(ecoshare, carol, id, terms, terms.validUntil)]))
        .to.emit(ecoshare, "AgreementActivated")
        .withArgs(id, 0n);
    });

    it("records an ERC-1271 wallet's acceptance, checked by the wallet", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const wallet = await deployMemberContract<OwnedERC1271Wallet>(w, "OwnedERC1271Wallet", w.dave);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, [party(w.alice, 6_000), { account: wallet.address, shareBps: 4_000 }]);
      const id = await h.propose(w.ecoshare, w.alice, terms);
      // The wallet's owner (dave) signs; the acceptance names the wallet as signer.
      const byOwner = await h.signAcceptance(w.ecoshare, w.dave, id, terms, terms.validUntil, wallet.address);
      const byStranger = await h.signAcceptance(w.ecoshare, w.bob, id, terms, terms.validUntil, wallet.address);
      await expect(w.ecoshare.acceptWithSignatures(id, [byStranger]))
        .to.be.revertedWithCustomError(w.ecoshare, "InvalidAcceptanceSignature")
        .withArgs(id, wallet.address);
      const tx = w.ecoshare.acceptWithSignatures(id, [byOwner]);
      await expect(tx).to.emit(w.ecoshare, "AgreementAccepted").withArgs(id, wallet.address, true);
      await expect(tx).to.emit(w.ecoshare, "AgreementActivated").withArgs(id, 0n);
    });

    it("lets a contract party accept by transaction too", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const wallet = await deployMemberContract<OwnedERC1271Wallet>(w, "OwnedERC1271Wallet", w.dave);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, [party(w.alice, 6_000), { account: wallet.address, shareBps: 4_000 }]);
      const id = await h.propose(w.ecoshare, w.alice, terms);
      await expect(wallet.call(w.ecoshareAddress, w.ecoshare.interface.encodeFunctionData("accept", [id])))
        .to.emit(w.ecoshare, "AgreementAccepted")
        .withArgs(id, wallet.address, false);
    });

    it("rejects a signature by someone else than the named signer", async function () {
      const { ecoshare, id, terms, bob, carol } = await networkHelpers.loadFixture(pendingFixture);
      const carols = await h.signAcceptance(ecoshare, carol, id, terms, terms.validUntil);
      await expect(ecoshare.acceptWithSignatures(id, [{ ...carols, signer: bob.address }]))
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(id, bob.address);
      await expect(ecoshare.acceptWithSignatures(id, [{ ...carols, signature: "0x1234" }]))
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(id, carol.address);
    });

    it("rejects a signature whose deadline is changed", async function () {
      const { ecoshare, id, terms, bob } = await networkHelpers.loadFixture(pendingFixture);
      const signed = await h.signAcceptance(ecoshare, bob, id, terms, terms.validUntil);
      await expect(ecoshare.acceptWithSignatures(id, [{ ...signed, deadline: terms.validUntil + 1n }]))
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(id, bob.address);
    });

    it("rejects a non-party signer, even with a valid signature", async function () {
      const { ecoshare, id, terms, dave } = await networkHelpers.loadFixture(pendingFixture);
      await expect(ecoshare.acceptWithSignatures(id, [await h.signAcceptance(ecoshare, dave, id, terms, terms.validUntil)]))
        .to.be.revertedWithCustomError(ecoshare, "NotAgreementParty")
        .withArgs(id, dave.address);
    });

    it("rejects an expired signature, and accepts it up to its deadline", async function () {
      const { ecoshare, id, terms, bob } = await networkHelpers.loadFixture(pendingFixture);
      const deadline = BigInt(await networkHelpers.time.latest()) + 60n;
      const signed = await h.signAcceptance(ecoshare, bob, id, terms, deadline);
      await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
      await expect(ecoshare.acceptWithSignatures(id, [signed]))
        .to.be.revertedWithCustomError(ecoshare, "AcceptanceExpired")
        .withArgs(id, bob.address, deadline);
      const fresh = await h.signAcceptance(ecoshare, bob, id, terms, deadline + 10n);
      await networkHelpers.time.setNextBlockTimestamp(deadline + 10n);
      await expect(ecoshare.acceptWithSignatures(id, [fresh])).to.emit(ecoshare, "AgreementAccepted").withArgs(id, bob.address, true);
    });

    it("rejects acceptances of an agreement that is not pending", async function () {
      const { ecoshare, id, terms, bob } = await networkHelpers.loadFixture(activeFixture);
      const signed = await h.signAcceptance(ecoshare, bob, id, terms, terms.validUntil);
      await ecoshare.connect(bob).terminate(id);
      await expect(ecoshare.acceptWithSignatures(id, [signed]))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedAgreementStatus")
        .withArgs(id, AgreementStatus.Terminated);
      await expect(ecoshare.acceptWithSignatures(5n, [])).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(5n);
    });

    it("does nothing with an empty list", async function () {
      const { ecoshare, id } = await networkHelpers.loadFixture(pendingFixture);
      await expect(ecoshare.acceptWithSignatures(id, [])).not.to.emit(ecoshare, "AgreementAccepted");
      expect((await ecoshare.agreement(id)).pendingAcceptances).to.equal(2n);
    });

    it("skips a signer who has already accepted, even with a worthless signature", async function () {
      const { ecoshare, id, terms, alice, bob } = await networkHelpers.loadFixture(pendingFixture);
      const tx = ecoshare.acceptWithSignatures(id, [
        { signer: alice.address, deadline: 0n, signature: "0x" },
        await h.signAcceptance(ecoshare, bob, id, terms, terms.validUntil),
      ]);
      const accepted = await eventsOf(tx, ecoshare, "AgreementAccepted");
      expect(accepted.map((e) => [e.party, e.bySignature])).to.deep.equal([[bob.address, true]]);
      expect((await ecoshare.agreement(id)).pendingAcceptances).to.equal(1n);
    });
  });

  describe("amendments", function () {
    async function amendmentTerms(w: World & { terms: AgreementTerms }, parties: Party[], overrides: Partial<AgreementTerms> = {}) {
      return h.makeTerms(w.ecoshare, w.networkId, parties, { termsURI: "ipfs://terms-v2", ...overrides });
    }

    it("proposes version 2, which supersedes version 1 only once every party accepted", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      const { ecoshare, id, alice, bob, carol, dave, networkId } = w;
      const terms2 = await amendmentTerms(w, [party(alice, 4_000), party(bob, 3_000), party(carol, 2_000), party(dave, 1_000)]);
      await expect(ecoshare.connect(alice).proposeAmendment(id, terms2))
        .to.emit(ecoshare, "AgreementProposed")
        .withArgs(2n, networkId, alice.address, id, 2, termsTuple(terms2));
      const v2 = await ecoshare.agreement(2n);
      expect([v2.version, v2.previousId, v2.status]).to.deep.equal([2n, id, BigInt(AgreementStatus.Pending)]);

      // Version 1 still takes payments while the amendment waits.
      await pay(w, id, 1_000n);
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Active));
      await ecoshare.connect(bob).accept(2n);
      await ecoshare.connect(carol).accept(2n);
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Active));

      const last = ecoshare.connect(dave).accept(2n);
      await expect(last).to.emit(ecoshare, "AgreementSuperseded").withArgs(id, 2n);
      await expect(last).to.emit(ecoshare, "AgreementActivated").withArgs(2n, id);
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Superseded));
      expect((await ecoshare.agreement(2n)).status).to.equal(BigInt(AgreementStatus.Active));

      // Earnings of version 1 stay collectable: 1,000 wei less the 1% network fee, alice's half.
      expect(await ecoshare.collectable(id, alice.address)).to.equal(495n);
    });

    it("lets a party leave by amendment with a 0 share, still accepting it", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      const { ecoshare, id, alice, bob, carol } = w;
      const terms2 = await amendmentTerms(w, [party(alice, 6_000), party(bob, 4_000), party(carol, 0)]);
      await ecoshare.connect(alice).proposeAmendment(id, terms2);
      await ecoshare.connect(bob).accept(2n);
      expect((await ecoshare.agreement(2n)).status).to.equal(BigInt(AgreementStatus.Pending));
      await expect(ecoshare.connect(carol).accept(2n)).to.emit(ecoshare, "AgreementActivated").withArgs(2n, id);
      await pay(w, 2n, 10_000n);
      expect(await ecoshare.collectable(2n, carol.address)).to.equal(0n);
      expect(await ecoshare.collectable(2n, alice.address)).to.equal(5_940n);
      expect(await ecoshare.collectable(2n, bob.address)).to.equal(3_960n);
    });

    it("must keep every party of the version it amends", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      const terms2 = await amendmentTerms(w, [party(w.alice, 5_000), party(w.bob, 5_000)]);
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(w.id, terms2))
        .to.be.revertedWithCustomError(w.ecoshare, "AmendmentDropsParty")
        .withArgs(w.carol.address);
    });

    it("must stay in the same network", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      await w.ecoshare.connect(w.alice).createNetwork(h.NetworkKind.Marketplace, w.alice.address, 0, "");
      const terms2 = { ...(await amendmentTerms(w, threeParties(w))), networkId: 2n };
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(w.id, terms2))
        .to.be.revertedWithCustomError(w.ecoshare, "AmendmentChangesNetwork")
        .withArgs(w.networkId, 2n);
    });

    it("must keep the asset of the version it amends, so a lineage's volumes stay in one unit", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      const toToken = await amendmentTerms(w, threeParties(w), { asset: w.tokenAddress });
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(w.id, toToken))
        .to.be.revertedWithCustomError(w.ecoshare, "AmendmentChangesAsset")
        .withArgs(ETH, w.tokenAddress);
      const { id: tokenId } = await activeAgreement(w, { asset: w.tokenAddress });
      const toEth = await amendmentTerms(w, threeParties(w), { asset: ETH });
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(tokenId, toEth))
        .to.be.revertedWithCustomError(w.ecoshare, "AmendmentChangesAsset")
        .withArgs(w.tokenAddress, ETH);
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(tokenId, { ...toEth, asset: w.tokenAddress }))
        .to.emit(w.ecoshare, "AgreementProposed")
        .withArgs(tokenId + 1n, w.networkId, w.alice.address, tokenId, 2, termsTuple({ ...toEth, asset: w.tokenAddress }));
    });

    it("amends only an active agreement", async function () {
      const w = await networkHelpers.loadFixture(pendingFixture);
      const terms2 = await amendmentTerms(w, threeParties(w));
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(w.id, terms2))
        .to.be.revertedWithCustomError(w.ecoshare, "UnexpectedAgreementStatus")
        .withArgs(w.id, AgreementStatus.Pending);
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(9n, terms2))
        .to.be.revertedWithCustomError(w.ecoshare, "UnknownAgreement")
        .withArgs(9n);
      await w.ecoshare.connect(w.bob).terminate(w.id);
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(w.id, terms2))
        .to.be.revertedWithCustomError(w.ecoshare, "UnexpectedAgreementStatus")
        .withArgs(w.id, AgreementStatus.Terminated);
    });

    it("checks the amendment's terms like any proposal", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      const terms2 = await amendmentTerms(w, threeParties(w), { referralFeeBps: 6_000 });
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(w.id, terms2))
        .to.be.revertedWithCustomError(w.ecoshare, "ReferralFeeTooHigh")
        .withArgs(6_000, 5_000);
      await expect(w.ecoshare.connect(w.outsider).proposeAmendment(w.id, { ...terms2, referralFeeBps: 0 }))
        .to.be.revertedWithCustomError(w.ecoshare, "NotAllowedToPropose")
        .withArgs(w.networkId, w.outsider.address);
    });

    it("of two competing amendments, the second cannot activate once the first has", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      const { ecoshare, id, alice, bob, carol } = w;
      const a = await amendmentTerms(w, [party(alice, 4_000), party(bob, 4_000), party(carol, 2_000)]);
      const b = await amendmentTerms(w, [party(alice, 7_000), party(bob, 2_000), party(carol, 1_000)]);
      await ecoshare.connect(alice).proposeAmendment(id, a); // 2
      await ecoshare.connect(alice).proposeAmendment(id, b); // 3
      // Versions count up across the lineage: the competitors are versions 2 and 3.
      expect([(await ecoshare.agreement(2n)).version, (await ecoshare.agreement(3n)).version]).to.deep.equal([2n, 3n]);
      await ecoshare.connect(bob).accept(3n);
      await ecoshare.connect(bob).accept(2n);
      await expect(ecoshare.connect(carol).accept(2n)).to.emit(ecoshare, "AgreementSuperseded").withArgs(id, 2n);
      await expect(ecoshare.connect(carol).accept(3n))
        .to.be.revertedWithCustomError(ecoshare, "NegotiationSettled")
        .withArgs(3n, 2n);
      expect((await ecoshare.agreement(3n)).status).to.equal(BigInt(AgreementStatus.Superseded));
      // The losing amendment can only be terminated.
      await expect(ecoshare.connect(carol).terminate(3n)).to.emit(ecoshare, "AgreementTerminated").withArgs(3n, carol.address);
    });

    it("cannot activate once the version it amends was terminated", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      await w.ecoshare.connect(w.alice).proposeAmendment(w.id, await amendmentTerms(w, threeParties(w)));
      await w.ecoshare.connect(w.bob).accept(2n);
      await w.ecoshare.connect(w.carol).terminate(w.id);
      await expect(w.ecoshare.connect(w.carol).accept(2n))
        .to.be.revertedWithCustomError(w.ecoshare, "UnexpectedAgreementStatus")
        .withArgs(w.id, AgreementStatus.Terminated);
    });

    it("can itself be amended: version 3 names version 2", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      const { ecoshare, id, alice, bob, carol, dave } = w;
      await ecoshare.connect(alice).proposeAmendment(id, await amendmentTerms(w, threeParties(w)));
      await ecoshare.connect(bob).accept(2n);
      await ecoshare.connect(carol).accept(2n);
      // Version 3 must keep alice, bob and carol; dave joins.
      const terms3 = await amendmentTerms(w, [party(alice, 2_500), party(bob, 2_500), party(carol, 2_500), party(dave, 2_500)]);
      await expect(ecoshare.connect(dave).proposeAmendment(2n, terms3))
        .to.emit(ecoshare, "AgreementProposed")
        .withArgs(3n, w.networkId, dave.address, 2n, 3, termsTuple(terms3));
      await ecoshare.connect(alice).accept(3n);
      await ecoshare.connect(bob).accept(3n);
      await expect(ecoshare.connect(carol).accept(3n)).to.emit(ecoshare, "AgreementActivated").withArgs(3n, 2n);
      expect((await ecoshare.agreement(2n)).status).to.equal(BigInt(AgreementStatus.Superseded));
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Superseded));
    });

    it("activates at once when its proposer is the only party", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const terms1 = await h.makeTerms(w.ecoshare, w.networkId, [party(w.alice, 10_000)]);
      await h.propose(w.ecoshare, w.alice, terms1);
      const terms2 = await h.makeTerms(w.ecoshare, w.networkId, [party(w.alice, 10_000)], { referralFeeBps: 0 });
      const tx = w.ecoshare.connect(w.alice).proposeAmendment(1n, terms2);
      await expect(tx).to.emit(w.ecoshare, "AgreementSuperseded").withArgs(1n, 2n);
      await expect(tx).to.emit(w.ecoshare, "AgreementActivated").withArgs(2n, 1n);
    });
  });

  describe("terminate", function () {
    it("ends a pending agreement", async function () {
      const { ecoshare, id, bob } = await networkHelpers.loadFixture(pendingFixture);
      await expect(ecoshare.connect(bob).terminate(id)).to.emit(ecoshare, "AgreementTerminated").withArgs(id, bob.address);
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Terminated));
    });

    it("ends an active agreement; its earnings stay collectable", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      await pay(w, w.id, 1_000_000n);
      await expect(w.ecoshare.connect(w.carol).terminate(w.id))
        .to.emit(w.ecoshare, "AgreementTerminated")
        .withArgs(w.id, w.carol.address);
      expect((await w.ecoshare.agreement(w.id)).status).to.equal(BigInt(AgreementStatus.Terminated));
      expect(await w.ecoshare.collectable(w.id, w.alice.address)).to.equal(495_000n);
      expect(await w.ecoshare.collectable(w.id, w.bob.address)).to.equal(297_000n);
      expect(await w.ecoshare.collectable(w.id, w.carol.address)).to.equal(198_000n);
      expect(await w.ecoshare.collectable(w.id, w.feeRecipient.address)).to.equal(10_000n);
    });

    it("lets a party with a 0 share terminate", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const { id } = await activeAgreement(w, { parties: [party(w.alice, 10_000), party(w.bob, 0)] }, [w.alice, w.bob]);
      await expect(w.ecoshare.connect(w.bob).terminate(id)).to.emit(w.ecoshare, "AgreementTerminated").withArgs(id, w.bob.address);
    });

    it("is for parties only: not the operator, not the fee recipient", async function () {
      const { ecoshare, id, operator, feeRecipient } = await networkHelpers.loadFixture(activeFixture);
      await expect(ecoshare.connect(operator).terminate(id))
        .to.be.revertedWithCustomError(ecoshare, "NotAgreementParty")
        .withArgs(id, operator.address);
      await expect(ecoshare.connect(feeRecipient).terminate(id))
        .to.be.revertedWithCustomError(ecoshare, "NotAgreementParty")
        .withArgs(id, feeRecipient.address);
    });

    it("rejects an agreement already ended or superseded, and an unknown one", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      const { ecoshare, id, alice, bob, carol } = w;
      await ecoshare.connect(alice).proposeAmendment(id, await h.makeTerms(ecoshare, w.networkId, threeParties(w)));
      await ecoshare.connect(bob).accept(2n);
      await ecoshare.connect(carol).accept(2n);
      await expect(ecoshare.connect(alice).terminate(id))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedAgreementStatus")
        .withArgs(id, AgreementStatus.Superseded);
      await ecoshare.connect(alice).terminate(2n);
      await expect(ecoshare.connect(alice).terminate(2n))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedAgreementStatus")
        .withArgs(2n, AgreementStatus.Terminated);
      await expect(ecoshare.connect(alice).terminate(3n)).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(3n);
    });
  });

  describe("fee terms frozen into agreements", function () {
    it("an agreement keeps the fee terms it was proposed with after the network changes them", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      await w.ecoshare.connect(w.operator).setNetworkFee(w.networkId, w.outsider.address, 1_000);
      const a = await w.ecoshare.agreement(w.id);
      expect([a.feeRecipient, a.networkFeeBps]).to.deep.equal([w.feeRecipient.address, 100n]);
      await expect(w.ecoshare.connect(w.customer).pay(w.id, ETH, 10_000n, h.NO_REFERRER, h.ORDER, ETH, { value: 10_000n }))
        .to.emit(w.ecoshare, "PaymentSplit")
        .withArgs(w.id, w.customer.address, h.NO_REFERRER, 10_000n, h.ORDER);
      // The split follows the frozen 1%: 100 wei to the first fee recipient, 9,900 to the parties.
      expect(await w.ecoshare.collectable(w.id, w.feeRecipient.address)).to.equal(100n);
      expect(await w.ecoshare.collectable(w.id, w.alice.address)).to.equal(4_950n);
      expect(await w.ecoshare.collectable(w.id, w.outsider.address)).to.equal(0n);
    });
  });

  describe("referrer roles (terms.referrerRoles)", function () {
    const onlyReferralPartners = 1 << MemberRole.ReferralPartner;

    /** The world with a distributor, and an active alice/bob/carol agreement letting `referrerRoles` refer. */
    async function withRoles(referrerRoles: number) {
      const w = await deployWorld(ethers);
      const distributor = w.spare[0]!;
      await h.addMembers(w.ecoshare, w.networkId, w.operator, [distributor], MemberRole.Distributor);
      const { id, terms } = await activeAgreement(w, { referrerRoles });
      return { ...w, distributor, id, terms };
    }
    const onlyPartnersFixture = () => withRoles(onlyReferralPartners);
    const anyRoleFixture = () => withRoles(0);

    const payVia = (w: World, id: bigint, referrer: string, amount = 10_000n) =>
      w.ecoshare.connect(w.customer).pay(id, ETH, amount, referrer, h.ORDER, ETH, { value: amount });

    it("reports the roles in the agreement view and in the terms of the proposal", async function () {
      const w = await networkHelpers.loadFixture(onlyPartnersFixture);
      expect((await w.ecoshare.agreement(w.id)).referrerRoles).to.equal(BigInt(onlyReferralPartners));
      const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w), { referrerRoles: 5 });
      await expect(w.ecoshare.connect(w.alice).propose(terms))
        .to.emit(w.ecoshare, "AgreementProposed")
        .withArgs(w.id + 1n, w.networkId, w.alice.address, 0n, 1, termsTuple(terms));
      expect((await w.ecoshare.agreement(w.id + 1n)).referrerRoles).to.equal(5n);
    });

    it("with 1 << ReferralPartner, refuses a vendor or a distributor as referrer and pays a referral partner", async function () {
      const w = await networkHelpers.loadFixture(onlyPartnersFixture);
      await expect(payVia(w, w.id, w.dave.address))
        .to.be.revertedWithCustomError(w.ecoshare, "ReferrerRoleNotAllowed")
        .withArgs(w.id, w.dave.address, MemberRole.Vendor);
      await expect(payVia(w, w.id, w.distributor.address))
        .to.be.revertedWithCustomError(w.ecoshare, "ReferrerRoleNotAllowed")
        .withArgs(w.id, w.distributor.address, MemberRole.Distributor);
      // A party is a vendor too: it cannot refer customers to its own agreement either.
      await expect(payVia(w, w.id, w.bob.address))
        .to.be.revertedWithCustomError(w.ecoshare, "ReferrerRoleNotAllowed")
        .withArgs(w.id, w.bob.address, MemberRole.Vendor);
      await expect(payVia(w, w.id, w.referrer.address))
        .to.emit(w.ecoshare, "PaymentSplit")
        .withArgs(w.id, w.customer.address, w.referrer.address, 10_000n, h.ORDER);
      // 5% of 10,000 to the referral partner.
      expect(await w.ecoshare.balanceOf(w.referrer.address, ETH)).to.equal(500n);
      // No referrer at all is always allowed.
      await expect(payVia(w, w.id, h.NO_REFERRER)).to.emit(w.ecoshare, "PaymentSplit");
    });

    it("with 0, lets any active member refer, whatever its role", async function () {
      const w = await networkHelpers.loadFixture(anyRoleFixture);
      expect((await w.ecoshare.agreement(w.id)).referrerRoles).to.equal(0n);
      for (const referrer of [w.dave, w.distributor, w.referrer, w.bob]) {
        await expect(payVia(w, w.id, referrer.address))
          .to.emit(w.ecoshare, "PaymentSplit")
          .withArgs(w.id, w.customer.address, referrer.address, 10_000n, h.ORDER);
        expect(await w.ecoshare.balanceOf(referrer.address, ETH)).to.equal(500n);
      }
      // Still an active member of the network, though.
      await expect(payVia(w, w.id, w.outsider.address))
        .to.be.revertedWithCustomError(w.ecoshare, "ReferrerNotActiveMember")
        .withArgs(w.networkId, w.outsider.address);
    });

    it("with 1 << Vendor | 1 << Distributor, refuses a referral partner", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const distributor = w.spare[0]!;
      await h.addMembers(w.ecoshare, w.networkId, w.operator, [distributor], MemberRole.Distributor);
      const { id } = await activeAgreement(w, { referrerRoles: (1 << MemberRole.Vendor) | (1 << MemberRole.Distributor) });
      await expect(payVia(w, id, w.referrer.address))
        .to.be.revertedWithCustomError(w.ecoshare, "ReferrerRoleNotAllowed")
        .withArgs(id, w.referrer.address, MemberRole.ReferralPartner);
      await expect(payVia(w, id, w.dave.address)).to.emit(w.ecoshare, "PaymentSplit");
      await expect(payVia(w, id, distributor.address)).to.emit(w.ecoshare, "PaymentSplit");
    });

    it("rejects a mask naming a role that does not exist; 7 (every role) is allowed", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      for (const referrerRoles of [8, 9, 15, 16, 255]) {
        const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w), { referrerRoles });
        await expect(w.ecoshare.connect(w.alice).propose(terms))
          .to.be.revertedWithCustomError(w.ecoshare, "InvalidReferrerRoles")
          .withArgs(referrerRoles);
      }
      const all = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w), { referrerRoles: 7 });
      await expect(w.ecoshare.connect(w.alice).propose(all)).to.emit(w.ecoshare, "AgreementProposed");
      expect((await w.ecoshare.agreement(1n)).referrerRoles).to.equal(7n);
    });

    it("is part of the terms: an amendment may restrict who refers from its activation on", async function () {
      const w = await networkHelpers.loadFixture(anyRoleFixture);
      await expect(payVia(w, w.id, w.dave.address)).to.emit(w.ecoshare, "PaymentSplit");
      const restricted = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w), { referrerRoles: onlyReferralPartners });
      const amendment = await h.activateAgreement(w.ecoshare, w.alice, [w.alice, w.bob, w.carol], restricted, w.id);
      expect((await w.ecoshare.agreement(amendment)).referrerRoles).to.equal(BigInt(onlyReferralPartners));
      await expect(payVia(w, amendment, w.dave.address))
        .to.be.revertedWithCustomError(w.ecoshare, "ReferrerRoleNotAllowed")
        .withArgs(amendment, w.dave.address, MemberRole.Vendor);
      await expect(payVia(w, amendment, w.referrer.address)).to.emit(w.ecoshare, "PaymentSplit");
    });

    it("is checked for every line of an order, which then fails as a whole", async function () {
      const w = await networkHelpers.loadFixture(onlyPartnersFixture);
      const line = (referrer: string) => ({ agreementId: w.id, asset: ETH, amount: 1_000n, referrer });
      const order = [line(w.referrer.address), line(w.dave.address)];
      await expect(w.ecoshare.connect(w.customer).payOrder(order, h.ORDER, ETH, [], { value: 2_000n }))
        .to.be.revertedWithCustomError(w.ecoshare, "ReferrerRoleNotAllowed")
        .withArgs(w.id, w.dave.address, MemberRole.Vendor);
      expect(await w.ecoshare.balanceOf(w.referrer.address, ETH)).to.equal(0n);
    });
  });

  describe("operator power over agreements (admission covers entering agreements only)", function () {
    it("a party who left the network before the last acceptance blocks activation", async function () {
      const { ecoshare, id, bob, carol, networkId } = await networkHelpers.loadFixture(pendingFixture);
      await ecoshare.connect(bob).accept(id);
      await ecoshare.connect(bob).leave(networkId);
      await expect(ecoshare.connect(carol).accept(id))
        .to.be.revertedWithCustomError(ecoshare, "MemberNotActive")
        .withArgs(networkId, bob.address);
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Pending));
    });

    it("a suspension after activation changes nothing: payments are split and every party collects", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      const { ecoshare, id, operator, alice, bob, carol, networkId } = w;
      await pay(w, id, 100_000n);
      for (const party of [alice, bob, carol]) await ecoshare.connect(operator).suspend(networkId, party.address);
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Active));
      await expect(ecoshare.connect(w.customer).pay(id, ETH, 100_000n, w.referrer.address, h.ORDER, ETH, { value: 100_000n }))
        .to.emit(ecoshare, "PaymentSplit")
        .withArgs(id, w.customer.address, w.referrer.address, 100_000n, h.ORDER);
      // 200,000 wei less 1% network fee, less 5% referral fee on the second payment: 193,000 for the parties.
      expect((await ecoshare.agreement(id)).vendorPool).to.equal(193_000n);
      await expect(ecoshare.connect(bob).claim(id)).to.changeEtherBalances(ethers, [bob, ecoshare], [57_900n, -57_900n]);
      await expect(ecoshare.connect(alice).claim(id)).to.emit(ecoshare, "EarningsPaid").withArgs(id, alice.address, 96_500n, 0n);
      await expect(ecoshare.withdraw(carol.address, ETH, [id])).to.changeEtherBalance(ethers, carol, 38_600n);
      // A suspended party may still end the agreement it is in.
      await expect(ecoshare.connect(carol).terminate(id)).to.emit(ecoshare, "AgreementTerminated").withArgs(id, carol.address);
    });

    it("while a party is suspended the agreement cannot be amended: naming it is refused, and so is dropping it", async function () {
      const w = await networkHelpers.loadFixture(activeFixture);
      await w.ecoshare.connect(w.operator).suspend(w.networkId, w.carol.address);
      const keepsCarol = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w), { referralFeeBps: 0 });
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(w.id, keepsCarol))
        .to.be.revertedWithCustomError(w.ecoshare, "MemberNotActive")
        .withArgs(w.networkId, w.carol.address);
      const dropsCarol = await h.makeTerms(w.ecoshare, w.networkId, [party(w.alice, 5_000), party(w.bob, 5_000)]);
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(w.id, dropsCarol))
        .to.be.revertedWithCustomError(w.ecoshare, "AmendmentDropsParty")
        .withArgs(w.carol.address);
      await w.ecoshare.connect(w.operator).reinstate(w.networkId, w.carol.address);
      await expect(w.ecoshare.connect(w.alice).proposeAmendment(w.id, keepsCarol)).to.emit(w.ecoshare, "AgreementProposed");
    });
  });

  describe("validity window (uint32 unix seconds)", function () {
    const MAX_UINT32 = 2n ** 32n - 1n;

    it("takes a window up to 2^32 - 1 (February 2106) and reports it", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w), { validFrom: 0n, validUntil: MAX_UINT32 });
      await expect(w.ecoshare.connect(w.alice).propose(terms))
        .to.emit(w.ecoshare, "AgreementProposed")
        .withArgs(1n, w.networkId, w.alice.address, 0n, 1, termsTuple(terms));
      const a = await w.ecoshare.agreement(1n);
      expect([a.validFrom, a.validUntil]).to.deep.equal([0n, MAX_UINT32]);
      await w.ecoshare.connect(w.bob).accept(1n);
      await w.ecoshare.connect(w.carol).accept(1n);
      await expect(w.ecoshare.connect(w.customer).pay(1n, ETH, 1_000n, h.NO_REFERRER, h.ORDER, ETH, { value: 1_000n }))
        .to.emit(w.ecoshare, "PaymentSplit")
        .withArgs(1n, w.customer.address, h.NO_REFERRER, 1_000n, h.ORDER);
      // And still its own window check: an empty window at the very top is refused.
      const empty = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w), { validFrom: MAX_UINT32, validUntil: MAX_UINT32 });
      await expect(w.ecoshare.connect(w.alice).propose(empty))
        .to.be.revertedWithCustomError(w.ecoshare, "InvalidValidityWindow")
        .withArgs(MAX_UINT32, MAX_UINT32);
    });

    it("cannot be given a time beyond 2^32 - 1: ethers refuses to encode it, and the contract refuses such calldata", async function () {
      const w = await networkHelpers.loadFixture(worldFixture);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w));
      const tooLate = { ...terms, validUntil: MAX_UINT32 + 1n };
      const refused = await w.ecoshare.connect(w.alice).propose(tooLate).then(
        () => undefined,
        (error: { code?: string; argument?: string }) => error,
      );
      expect([refused?.code, refused?.argument]).to.deep.equal(["INVALID_ARGUMENT", "validUntil"]);
      // Hand-made calldata whose validUntil has bits above 32: were they cut off, the window would be `terms`'s
      // (30 days from now) and the proposal would pass. The ABI decoder refuses the value instead.
      const data = w.ecoshare.interface.encodeFunctionData("propose", [terms]);
      const validUntilWord = 4 + 32 + 9 * 32; // selector, offset of the tuple, 9 head words before validUntil
      const dirty = ethers.toBeHex((1n << 32n) + terms.validUntil, 32);
      expect(ethers.dataSlice(data, validUntilWord, validUntilWord + 32)).to.equal(ethers.toBeHex(terms.validUntil, 32));
      const forged = ethers.concat([ethers.dataSlice(data, 0, validUntilWord), dirty, ethers.dataSlice(data, validUntilWord + 32)]);
      await expect(w.alice.sendTransaction({ to: w.ecoshareAddress, data: forged })).to.be.revertedWithoutReason(ethers);
      await expect(w.alice.sendTransaction({ to: w.ecoshareAddress, data })).to.emit(w.ecoshare, "AgreementProposed");
    });
  });

  describe("views", function () {
    it("agreement, partiesOf and acceptanceDigest reject an unknown id", async function () {
      const { ecoshare } = await networkHelpers.loadFixture(activeFixture);
      await expect(ecoshare.agreement(2n)).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(2n);
      await expect(ecoshare.partiesOf(2n)).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(2n);
      await expect(ecoshare.acceptanceDigest(2n, ethers.ZeroAddress, 0n)).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(2n);
    });

    it("hasAccepted is false for non-parties and unknown agreements", async function () {
      const { ecoshare, id, dave } = await networkHelpers.loadFixture(activeFixture);
      expect(await ecoshare.hasAccepted(id, dave.address)).to.equal(false);
      expect(await ecoshare.hasAccepted(42n, dave.address)).to.equal(false);
    });

    it("acceptanceDigest depends on the deadline and on the signer", async function () {
      const { ecoshare, id, alice, bob } = await networkHelpers.loadFixture(pendingFixture);
      expect(await ecoshare.acceptanceDigest(id, bob.address, 1n)).not.to.equal(await ecoshare.acceptanceDigest(id, bob.address, 2n));
      expect(await ecoshare.acceptanceDigest(id, alice.address, 1n)).not.to.equal(await ecoshare.acceptanceDigest(id, bob.address, 1n));
    });
  });
});
