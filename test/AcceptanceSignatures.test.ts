import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { TypedDataEncoder } from "ethers";
import { network } from "hardhat";

import {
  acceptancePrimaryType,
  acceptanceTypes,
  counterProposalTypes,
  domainFromErc5267,
  type AcceptanceMessage,
  type Eip712Domain,
} from "../client/eip712.js";
import * as h from "./helpers/ecoshare.js";
import { AgreementStatus } from "./helpers/ecoshare.js";
import { eventsOf } from "./helpers/events.js";
import { deployWorld, threeParties } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

type Types = Record<string, { name: string; type: string }[]>;
const types = acceptanceTypes as unknown as Types;

/** `signer`'s signature of `message` over an arbitrary domain (to forge replays on other chains and contracts). */
async function signOver(domain: Eip712Domain, signer: HardhatEthersSigner, message: AcceptanceMessage) {
  return { signer: signer.address, deadline: message.deadline, signature: await signer.signTypedData(domain, types, message) };
}

/** Alice proposed alice/bob/carol terms; bob and carol have not accepted. */
async function pendingFixture() {
  const w = await deployWorld(ethers);
  const terms = await h.makeTerms(w.ecoshare, w.networkId, threeParties(w));
  const id = await h.propose(w.ecoshare, w.alice, terms);
  const domain = domainFromErc5267(await w.ecoshare.eip712Domain());
  return { ...w, terms, id, domain, deadline: terms.validUntil };
}

describe("Acceptance signatures", function () {
  describe("EIP-712 types shared with the app (client/eip712.ts)", function () {
    it("the domain is Ecoshare version 2 on this chain and contract, read through ERC-5267", async function () {
      const { ecoshare, ecoshareAddress } = await networkHelpers.loadFixture(pendingFixture);
      const [fields, name, version, chainId, verifyingContract, salt, extensions] = await ecoshare.eip712Domain();
      expect(fields).to.equal("0x0f");
      expect([name, version, chainId, verifyingContract]).to.deep.equal(["Ecoshare", "2", 31337n, ecoshareAddress]);
      expect(salt).to.equal(ethers.ZeroHash);
      expect(extensions).to.deep.equal([]);
    });

    it("the type strings are the ones contracts/libraries/AgreementHashing.sol hashes", async function () {
      const encoder = TypedDataEncoder.from(types);
      expect(encoder.primaryType).to.equal(acceptancePrimaryType);
      const party = "Party(address account,uint16 shareBps)";
      const tier = "ReferralTier(uint128 fromVolume,uint16 feeBps,uint32 holdbackPeriod)";
      const terms =
        "AgreementTerms(uint256 networkId,address asset,Party[] parties,uint16 referralFeeBps," +
        "ReferralTier[] referralTiers,uint8 referrerRoles,uint16 networkFeeBps,address feeRecipient,uint32 validFrom," +
        "uint32 validUntil," +
        "uint32 holdbackPeriod,address refunder,bytes32 termsHash,string termsURI)";
      expect(encoder.encodeType("Party")).to.equal(party);
      expect(encoder.encodeType("ReferralTier")).to.equal(tier);
      expect(encoder.encodeType("AgreementTerms")).to.equal(terms + party + tier);
      expect(encoder.encodeType("AcceptAgreement")).to.equal(
        "AcceptAgreement(address signer,uint256 agreementId,uint32 version,uint256 previousId,AgreementTerms terms,uint256 deadline)" +
          terms +
          party +
          tier,
      );
      expect(TypedDataEncoder.from(counterProposalTypes as unknown as Types).encodeType("CounterProposal")).to.equal(
        "CounterProposal(address author,uint256 counteredId,AgreementTerms terms,uint256 nonce,uint256 deadline)" + terms + party + tier,
      );
    });

    it("ethers' digest of the TypeScript types equals the contract's acceptanceDigest", async function () {
      const { ecoshare, id, terms, domain, deadline, bob } = await networkHelpers.loadFixture(pendingFixture);
      const message = await h.acceptanceMessage(ecoshare, id, terms, deadline, bob.address);
      expect(TypedDataEncoder.hash(domain, types, message)).to.equal(await ecoshare.acceptanceDigest(id, bob.address, deadline));
      expect(TypedDataEncoder.from(types).hashStruct("AgreementTerms", terms)).to.equal((await ecoshare.agreement(id)).termsDigest);
    });

    it("also match for an amendment (version 2, naming its previous id) with extreme field values", async function () {
      const w = await networkHelpers.loadFixture(pendingFixture);
      const { ecoshare, id, alice, bob, carol } = w;
      await ecoshare.connect(bob).accept(id);
      await ecoshare.connect(carol).accept(id);
      const terms2 = await h.makeTerms(ecoshare, w.networkId, [...threeParties(w)].reverse(), {
        referralFeeBps: 1,
        referralTiers: [{ fromVolume: 2n ** 128n - 1n, feeBps: 5_000, holdbackPeriod: 0 }],
        referrerRoles: 7,
        validFrom: 2n ** 32n - 2n,
        validUntil: 2n ** 32n - 1n,
        termsHash: ethers.keccak256(ethers.toUtf8Bytes("terms v2")) as `0x${string}`,
        holdbackPeriod: 180 * 86_400,
        refunder: w.carol.address as `0x${string}`,
        termsURI: "ipfs://bafy…ünïcødé",
      });
      await ecoshare.connect(alice).proposeAmendment(id, terms2);
      const deadline = 2n ** 256n - 1n;
      const message = await h.acceptanceMessage(ecoshare, 2n, terms2, deadline, bob.address);
      expect([message.version, message.previousId]).to.deep.equal([2, id]);
      expect(TypedDataEncoder.hash(w.domain, types, message)).to.equal(await ecoshare.acceptanceDigest(2n, bob.address, deadline));
    });
  });

  describe("replay protection", function () {
    it("rejects a signature made for another chain id", async function () {
      const { ecoshare, id, terms, bob, domain, deadline } = await networkHelpers.loadFixture(pendingFixture);
      const message = await h.acceptanceMessage(ecoshare, id, terms, deadline, bob.address);
      const forged = await signOver({ ...domain, chainId: 1n }, bob, message);
      await expect(ecoshare.acceptWithSignatures(id, [forged]))
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(id, bob.address);
      // The same message over the right domain is accepted.
      await expect(ecoshare.acceptWithSignatures(id, [await signOver(domain, bob, message)]))
        .to.emit(ecoshare, "AgreementAccepted")
        .withArgs(id, bob.address, true);
    });

    it("rejects a signature made for another Ecoshare deployment with the very same agreement", async function () {
      const w = await networkHelpers.loadFixture(pendingFixture);
      // A second deployment where everything (network 1, agreement 1, its terms) is identical.
      const other = await h.deployEcoshare(ethers);
      await other.connect(w.operator).createNetwork(h.NetworkKind.VendorLed, w.feeRecipient.address, 100, "ipfs://network");
      await h.addMembers(other, 1n, w.operator, [w.alice, w.bob, w.carol]);
      await other.connect(w.alice).propose(w.terms);
      expect((await other.agreement(1n)).termsDigest).to.equal((await w.ecoshare.agreement(w.id)).termsDigest);

      const forOther = await h.signAcceptance(other, w.bob, 1n, w.terms, w.deadline);
      await expect(w.ecoshare.acceptWithSignatures(w.id, [forOther]))
        .to.be.revertedWithCustomError(w.ecoshare, "InvalidAcceptanceSignature")
        .withArgs(w.id, w.bob.address);
      await expect(other.acceptWithSignatures(1n, [forOther])).to.emit(other, "AgreementAccepted").withArgs(1n, w.bob.address, true);
    });

    it("rejects a signature made for another agreement id with the same terms", async function () {
      const { ecoshare, id, terms, alice, bob, deadline } = await networkHelpers.loadFixture(pendingFixture);
      const twin = await h.propose(ecoshare, alice, terms);
      const forTwin = await h.signAcceptance(ecoshare, bob, twin, terms, deadline);
      await expect(ecoshare.acceptWithSignatures(id, [forTwin]))
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(id, bob.address);
    });

    it("rejects a signature over other terms than the stored ones", async function () {
      const w = await networkHelpers.loadFixture(pendingFixture);
      const { ecoshare, id, terms, bob, domain, deadline } = w;
      const tampered = { ...terms, parties: terms.parties.map((p, i) => ({ ...p, shareBps: i === 1 ? 5_000 : p.shareBps - 1_000 })) };
      const message = await h.acceptanceMessage(ecoshare, id, tampered, deadline, bob.address);
      await expect(ecoshare.acceptWithSignatures(id, [await signOver(domain, bob, message)]))
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(id, bob.address);
    });

    it("rejects a signature of version 1 used on its amendment, even one re-labelled for it", async function () {
      const w = await networkHelpers.loadFixture(pendingFixture);
      const { ecoshare, id, terms, alice, bob, carol, domain, deadline } = w;
      const bobsV1 = await h.signAcceptance(ecoshare, bob, id, terms, deadline);
      await ecoshare.acceptWithSignatures(id, [bobsV1, await h.signAcceptance(ecoshare, carol, id, terms, deadline)]);
      // The amendment carries the very same terms: only the id, version and previous id tell them apart.
      const amendmentId = await h.propose(ecoshare, alice, terms, id);
      await expect(ecoshare.acceptWithSignatures(amendmentId, [bobsV1]))
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(amendmentId, bob.address);
      const wrongVersion = await signOver(domain, bob, { signer: bob.address as `0x${string}`, agreementId: amendmentId, version: 1, previousId: id, terms, deadline });
      await expect(ecoshare.acceptWithSignatures(amendmentId, [wrongVersion]))
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(amendmentId, bob.address);
      const wrongPrevious = await signOver(domain, bob, { signer: bob.address as `0x${string}`, agreementId: amendmentId, version: 2, previousId: 0n, terms, deadline });
      await expect(ecoshare.acceptWithSignatures(amendmentId, [wrongPrevious]))
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(amendmentId, bob.address);
      await expect(ecoshare.acceptWithSignatures(amendmentId, [await h.signAcceptance(ecoshare, bob, amendmentId, terms, deadline)]))
        .to.emit(ecoshare, "AgreementAccepted")
        .withArgs(amendmentId, bob.address, true);
    });

    it("rejects signatures submitted after the agreement was terminated", async function () {
      const { ecoshare, id, terms, bob, carol, deadline } = await networkHelpers.loadFixture(pendingFixture);
      const signed = [
        await h.signAcceptance(ecoshare, bob, id, terms, deadline),
        await h.signAcceptance(ecoshare, carol, id, terms, deadline),
      ];
      await ecoshare.connect(carol).terminate(id);
      await expect(ecoshare.acceptWithSignatures(id, signed))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedAgreementStatus")
        .withArgs(id, AgreementStatus.Terminated);
    });

    it("rejects a signature after its deadline", async function () {
      const { ecoshare, id, terms, bob } = await networkHelpers.loadFixture(pendingFixture);
      const deadline = BigInt(await networkHelpers.time.latest()) + h.DAY;
      const signed = await h.signAcceptance(ecoshare, bob, id, terms, deadline);
      await networkHelpers.time.increaseTo(deadline + 1n);
      await expect(ecoshare.acceptWithSignatures(id, [signed]))
        .to.be.revertedWithCustomError(ecoshare, "AcceptanceExpired")
        .withArgs(id, bob.address, deadline);
    });

    it("a front-runner who submits one signature first cannot make the full batch fail", async function () {
      const { ecoshare, id, terms, bob, carol, outsider, deadline } = await networkHelpers.loadFixture(pendingFixture);
      const batch = [
        await h.signAcceptance(ecoshare, bob, id, terms, deadline),
        await h.signAcceptance(ecoshare, carol, id, terms, deadline),
      ];
      await expect(ecoshare.connect(outsider).acceptWithSignatures(id, [batch[0]!]))
        .to.emit(ecoshare, "AgreementAccepted")
        .withArgs(id, bob.address, true);
      const tx = ecoshare.acceptWithSignatures(id, batch);
      const accepted = await eventsOf(tx, ecoshare, "AgreementAccepted");
      expect(accepted.map((e) => e.party)).to.deep.equal([carol.address]);
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Active));
    });

    it("a front-runner who submits the whole batch first leaves the identical later batch nothing to do", async function () {
      const { ecoshare, id, terms, bob, carol, outsider, deadline } = await networkHelpers.loadFixture(pendingFixture);
      const batch = [
        await h.signAcceptance(ecoshare, bob, id, terms, deadline),
        await h.signAcceptance(ecoshare, carol, id, terms, deadline),
      ];
      await ecoshare.connect(outsider).acceptWithSignatures(id, batch);
      await expect(ecoshare.acceptWithSignatures(id, batch)).not.to.emit(ecoshare, "AgreementAccepted");
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Active));
    });

    it("an activated agreement still rejects a batch naming an acceptance it never recorded", async function () {
      const { ecoshare, id, terms, bob, carol, outsider, deadline } = await networkHelpers.loadFixture(pendingFixture);
      const batch = [
        await h.signAcceptance(ecoshare, bob, id, terms, deadline),
        await h.signAcceptance(ecoshare, carol, id, terms, deadline),
      ];
      await ecoshare.connect(outsider).acceptWithSignatures(id, batch);
      const stranger = { ...batch[0]!, signer: outsider.address };
      await expect(ecoshare.acceptWithSignatures(id, [stranger]))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedAgreementStatus")
        .withArgs(id, AgreementStatus.Active);
    });

    it("a signature submitted twice in one batch counts once", async function () {
      const { ecoshare, id, terms, bob, deadline } = await networkHelpers.loadFixture(pendingFixture);
      const signed = await h.signAcceptance(ecoshare, bob, id, terms, deadline);
      const accepted = await eventsOf(ecoshare.acceptWithSignatures(id, [signed, signed]), ecoshare, "AgreementAccepted");
      expect(accepted).to.have.length(1);
      expect((await ecoshare.agreement(id)).pendingAcceptances).to.equal(1n);
    });

    it("a signer suspended between signing and activation is refused; activation works after reinstatement", async function () {
      const { ecoshare, id, terms, operator, bob, carol, networkId, deadline } = await networkHelpers.loadFixture(pendingFixture);
      const batch = [
        await h.signAcceptance(ecoshare, bob, id, terms, deadline),
        await h.signAcceptance(ecoshare, carol, id, terms, deadline),
      ];
      await ecoshare.connect(operator).suspend(networkId, carol.address);
      await expect(ecoshare.acceptWithSignatures(id, batch))
        .to.be.revertedWithCustomError(ecoshare, "MemberNotActive")
        .withArgs(networkId, carol.address);
      await ecoshare.connect(operator).reinstate(networkId, carol.address);
      await expect(ecoshare.acceptWithSignatures(id, batch)).to.emit(ecoshare, "AgreementActivated").withArgs(id, 0n);
    });

    it("a proposer suspended after proposing blocks activation until reinstated", async function () {
      const { ecoshare, id, terms, operator, alice, bob, carol, networkId, deadline } =
        await networkHelpers.loadFixture(pendingFixture);
      const batch = [
        await h.signAcceptance(ecoshare, bob, id, terms, deadline),
        await h.signAcceptance(ecoshare, carol, id, terms, deadline),
      ];
      await ecoshare.connect(operator).suspend(networkId, alice.address);
      await expect(ecoshare.acceptWithSignatures(id, batch))
        .to.be.revertedWithCustomError(ecoshare, "MemberNotActive")
        .withArgs(networkId, alice.address);
      await ecoshare.connect(operator).reinstate(networkId, alice.address);
      await expect(ecoshare.acceptWithSignatures(id, batch)).to.emit(ecoshare, "AgreementActivated").withArgs(id, 0n);
    });
  });
});
