/**
 * Standing mandates (issue 10): a member sets, by transaction or by a signature anyone submits, the bounds inside
 * which it accepts any agreement of one network; a proposal, amendment or counter-proposal inside a party's live
 * mandate counts as its acceptance, and activates in the same transaction once every party is covered. The
 * adversarial cases: a mandate used after revocation or expiry, on another network or chain, by a counter that
 * changes a bounded term, by a proposer racing a revocation; and signature replay.
 */
import { expect } from "chai";
import { TypedDataEncoder } from "ethers";
import { network } from "hardhat";

import type { OwnedERC1271Wallet } from "../types/ethers-contracts/index.js";
import { domainFromErc5267, setMandateTypes, type AgreementTerms, type MandateStruct } from "../client/eip712.js";
import * as h from "./helpers/ecoshare.js";
import { AgreementStatus, DAY, ETH } from "./helpers/ecoshare.js";
import { createSafe, deploySafeSuite, execSafeTransaction, safeSignature } from "./helpers/safe.js";
import { deployMemberContract, deployWorld, type World } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

/** `mandate` as the tuple an event carries. */
function mandateTuple(m: MandateStruct): unknown[] {
  return [m.networkId, m.minShareBps, m.maxReferralFeeBps, m.maxNetworkFeeBps, m.minHoldbackPeriod, m.maxHoldbackPeriod, m.maxValidity, m.expiresAt, m.assets];
}

/** A mandate as `mandateOf` returns it, in the shared client's shape. */
function asMandate(m: { networkId: bigint; minShareBps: bigint; maxReferralFeeBps: bigint; maxNetworkFeeBps: bigint; minHoldbackPeriod: bigint; maxHoldbackPeriod: bigint; maxValidity: bigint; expiresAt: bigint; assets: string[] }): MandateStruct {
  return {
    networkId: m.networkId,
    minShareBps: Number(m.minShareBps),
    maxReferralFeeBps: Number(m.maxReferralFeeBps),
    maxNetworkFeeBps: Number(m.maxNetworkFeeBps),
    minHoldbackPeriod: Number(m.minHoldbackPeriod),
    maxHoldbackPeriod: Number(m.maxHoldbackPeriod),
    maxValidity: Number(m.maxValidity),
    expiresAt: m.expiresAt,
    assets: [...m.assets] as `0x${string}`[],
  };
}

/** Alice and bob, 50/50. */
function pair(w: World): AgreementTerms["parties"] {
  return h.equalShares([w.alice.address, w.bob.address]);
}

async function world() {
  const w = await deployWorld(ethers);
  const mandate = await h.makeMandate(w.ecoshare, w.networkId);
  return { ...w, mandate };
}

describe("Mandates", function () {
  describe("setting and revoking", function () {
    it("a member sets its mandate by transaction: event, view, nonce used", async function () {
      const w = await networkHelpers.loadFixture(world);
      await expect(w.ecoshare.connect(w.bob).grantMandate(w.mandate))
        .to.emit(w.ecoshare, "MandateSet")
        .withArgs(w.networkId, w.bob.address, 0n, mandateTuple(w.mandate));
      const [stored, nonce, live] = await w.ecoshare.mandateOf(w.networkId, w.bob.address);
      expect(mandateTuple(asMandate(stored))).to.deep.equal(mandateTuple(w.mandate));
      expect(nonce).to.equal(0n);
      expect(live).to.equal(true);
      expect(await w.ecoshare.nextMandateNonce(w.bob.address)).to.equal(1n);
      expect(await w.ecoshare.MAX_MANDATE_ASSETS()).to.equal(8n);

      const wider = { ...w.mandate, maxReferralFeeBps: 1_000, assets: [ETH, w.tokenAddress] };
      await expect(w.ecoshare.connect(w.bob).grantMandate(wider))
        .to.emit(w.ecoshare, "MandateSet")
        .withArgs(w.networkId, w.bob.address, 1n, mandateTuple(wider));
      const [replaced, replacedNonce] = await w.ecoshare.mandateOf(w.networkId, w.bob.address);
      expect(replaced.assets).to.deep.equal([ETH, w.tokenAddress]);
      expect(replacedNonce).to.equal(1n);
    });

    it("a revocation takes effect at once, removes the mandate and uses up the nonce", async function () {
      const w = await networkHelpers.loadFixture(world);
      await (await w.ecoshare.connect(w.bob).grantMandate(w.mandate)).wait();
      await expect(w.ecoshare.connect(w.bob).revokeMandateFor(w.networkId))
        .to.emit(w.ecoshare, "MandateRevoked")
        .withArgs(w.networkId, w.bob.address, 1n);
      const [stored, nonce, live] = await w.ecoshare.mandateOf(w.networkId, w.bob.address);
      expect(stored.networkId).to.equal(0n);
      expect(stored.assets).to.deep.equal([]);
      expect([nonce, live]).to.deep.equal([0n, false]);
      expect(await w.ecoshare.nextMandateNonce(w.bob.address)).to.equal(2n);
      // Revoking with no mandate set still cancels a signed mandate not yet submitted (next test).
      await expect(w.ecoshare.connect(w.outsider).revokeMandateFor(w.networkId))
        .to.emit(w.ecoshare, "MandateRevoked")
        .withArgs(w.networkId, w.outsider.address, 0n);
    });

    it("refuses a mandate from a non-member or one that cannot mean what it says", async function () {
      const w = await networkHelpers.loadFixture(world);
      const now = BigInt(await networkHelpers.time.latest());
      await expect(w.ecoshare.connect(w.outsider).grantMandate(w.mandate))
        .to.be.revertedWithCustomError(w.ecoshare, "MemberNotActive")
        .withArgs(w.networkId, w.outsider.address);
      await expect(w.ecoshare.connect(w.bob).grantMandate({ ...w.mandate, networkId: 99n }))
        .to.be.revertedWithCustomError(w.ecoshare, "MemberNotActive")
        .withArgs(99n, w.bob.address);
      const bad: [Partial<MandateStruct>, string, unknown[]][] = [
        [{ expiresAt: now }, "MandateExpiryPassed", [now]],
        [{ assets: [] }, "InvalidMandateAssets", [0n, 8n]],
        [{ assets: Array(9).fill(ETH) }, "InvalidMandateAssets", [9n, 8n]],
        [{ minShareBps: 10_001 }, "InvalidMandateShare", [10_001]],
        [{ minHoldbackPeriod: 10, maxHoldbackPeriod: 9 }, "InvalidMandateHoldback", [10, 9]],
        [{ maxHoldbackPeriod: 180 * 86_400 + 1 }, "InvalidMandateHoldback", [0, 180 * 86_400 + 1]],
        [{ maxValidity: 0 }, "InvalidMandateValidity", [0]],
      ];
      for (const [override, error, args] of bad) {
        await expect(w.ecoshare.connect(w.bob).grantMandate({ ...w.mandate, ...override }))
          .to.be.revertedWithCustomError(w.ecoshare, error)
          .withArgs(...args);
      }
      expect(await w.ecoshare.nextMandateNonce(w.bob.address)).to.equal(0n);
    });
  });

  describe("by signature", function () {
    it("anyone submits a member's signed mandate, once", async function () {
      const w = await networkHelpers.loadFixture(world);
      const deadline = w.mandate.expiresAt;
      const { signature } = await h.signMandate(w.ecoshare, w.bob, w.mandate, deadline);
      await expect(w.ecoshare.connect(w.outsider).grantSignedMandate(w.bob.address, w.mandate, 0n, deadline, signature))
        .to.emit(w.ecoshare, "MandateSet")
        .withArgs(w.networkId, w.bob.address, 0n, mandateTuple(w.mandate));
      // Replay: the nonce is used.
      await expect(w.ecoshare.connect(w.outsider).grantSignedMandate(w.bob.address, w.mandate, 0n, deadline, signature))
        .to.be.revertedWithCustomError(w.ecoshare, "InvalidMandateNonce")
        .withArgs(w.bob.address, 0n, 1n);
    });

    it("a signed mandate not yet submitted is void once the member revokes or sets another", async function () {
      const w = await networkHelpers.loadFixture(world);
      const deadline = w.mandate.expiresAt;
      const first = await h.signMandate(w.ecoshare, w.bob, w.mandate, deadline);
      await (await w.ecoshare.connect(w.bob).revokeMandateFor(w.networkId)).wait();
      await expect(w.ecoshare.grantSignedMandate(w.bob.address, w.mandate, 0n, deadline, first.signature))
        .to.be.revertedWithCustomError(w.ecoshare, "InvalidMandateNonce")
        .withArgs(w.bob.address, 0n, 1n);
      const second = await h.signMandate(w.ecoshare, w.bob, w.mandate, deadline);
      await (await w.ecoshare.connect(w.bob).grantMandate({ ...w.mandate, maxReferralFeeBps: 100 })).wait();
      await expect(w.ecoshare.grantSignedMandate(w.bob.address, w.mandate, 1n, deadline, second.signature))
        .to.be.revertedWithCustomError(w.ecoshare, "InvalidMandateNonce")
        .withArgs(w.bob.address, 1n, 2n);
    });

    it("a signature for another chain, another contract, another member or other bounds does not set it", async function () {
      const w = await networkHelpers.loadFixture(world);
      const deadline = w.mandate.expiresAt;
      const other = await h.deployEcoshare(ethers);
      const wrong = [
        await h.signMandate(w.ecoshare, w.bob, w.mandate, deadline, { domain: { chainId: 1n } }),
        await h.signMandate(w.ecoshare, w.bob, w.mandate, deadline, { domain: { verifyingContract: (await other.getAddress()) as `0x${string}` } }),
        await h.signMandate(w.ecoshare, w.bob, w.mandate, deadline, { domain: { version: "1" } }),
        await h.signMandate(w.ecoshare, w.carol, w.mandate, deadline, { member: w.bob.address }),
        await h.signMandate(w.ecoshare, w.bob, { ...w.mandate, maxReferralFeeBps: 100 }, deadline),
      ];
      for (const { signature } of wrong) {
        await expect(w.ecoshare.grantSignedMandate(w.bob.address, w.mandate, 0n, deadline, signature))
          .to.be.revertedWithCustomError(w.ecoshare, "InvalidMandateSignature")
          .withArgs(w.bob.address);
      }
      expect(await w.ecoshare.nextMandateNonce(w.bob.address)).to.equal(0n);
    });

    it("an expired signature is refused", async function () {
      const w = await networkHelpers.loadFixture(world);
      const deadline = BigInt(await networkHelpers.time.latest()) + 60n;
      const { signature } = await h.signMandate(w.ecoshare, w.bob, w.mandate, deadline);
      await networkHelpers.time.increaseTo(deadline + 1n);
      await expect(w.ecoshare.grantSignedMandate(w.bob.address, w.mandate, 0n, deadline, signature))
        .to.be.revertedWithCustomError(w.ecoshare, "MandateSignatureExpired")
        .withArgs(w.bob.address, deadline);
    });

    it("an ERC-1271 wallet's mandate: a real 2-of-3 Safe signs, a relayer submits, a proposal activates", async function () {
      const w = await networkHelpers.loadFixture(world);
      const [deployer, x, y, z] = w.spare as [typeof w.alice, typeof w.alice, typeof w.alice, typeof w.alice];
      const suite = await deploySafeSuite(deployer);
      const safe = await createSafe(suite, [x.address, y.address, z.address], 2, 0n);
      const safeAddress = (await safe.getAddress()) as `0x${string}`;
      const data = w.ecoshare.interface.encodeFunctionData("join", [w.networkId, h.MemberRole.Vendor, ""]);
      await execSafeTransaction(safe, [x, y], { to: w.ecoshareAddress, data }, w.outsider);
      await (await w.ecoshare.connect(w.operator).admit(w.networkId, safeAddress)).wait();

      const deadline = w.mandate.expiresAt;
      const domain = domainFromErc5267(await w.ecoshare.eip712Domain());
      const message = { member: safeAddress, mandate: w.mandate, nonce: 0n, deadline };
      const digest = TypedDataEncoder.hash(domain, setMandateTypes as never, message);
      const oneOwner = await safeSignature(safe, [x], digest);
      await expect(w.ecoshare.connect(w.outsider).grantSignedMandate(safeAddress, w.mandate, 0n, deadline, oneOwner))
        .to.be.revert(ethers); // below the Safe's threshold: the Safe itself reverts ("GS020")
      const twoOwners = await safeSignature(safe, [y, z], digest);
      await expect(w.ecoshare.connect(w.outsider).grantSignedMandate(safeAddress, w.mandate, 0n, deadline, twoOwners))
        .to.emit(w.ecoshare, "MandateSet")
        .withArgs(w.networkId, safeAddress, 0n, mandateTuple(w.mandate));

      const terms = await h.makeTerms(w.ecoshare, w.networkId, h.equalShares([w.alice.address, safeAddress]));
      const tx = w.ecoshare.connect(w.alice).propose(terms);
      await expect(tx).to.emit(w.ecoshare, "AcceptedByMandate").withArgs(1n, safeAddress, 0n);
      await expect(tx).to.emit(w.ecoshare, "AgreementActivated").withArgs(1n, 0n);
    });

    it("a simple ERC-1271 wallet's mandate is its own: its owner's other wallet cannot reuse the signature", async function () {
      const w = await networkHelpers.loadFixture(world);
      const w1 = await deployMemberContract<OwnedERC1271Wallet>(w, "OwnedERC1271Wallet", w.dave);
      const w2 = await deployMemberContract<OwnedERC1271Wallet>(w, "OwnedERC1271Wallet", w.dave);
      const deadline = w.mandate.expiresAt;
      const { signature } = await h.signMandate(w.ecoshare, w.dave, w.mandate, deadline, { member: w1.address });
      await expect(w.ecoshare.grantSignedMandate(w2.address, w.mandate, 0n, deadline, signature))
        .to.be.revertedWithCustomError(w.ecoshare, "InvalidMandateSignature")
        .withArgs(w2.address);
      await expect(w.ecoshare.grantSignedMandate(w1.address, w.mandate, 0n, deadline, signature))
        .to.emit(w.ecoshare, "MandateSet")
        .withArgs(w.networkId, w1.address, 0n, mandateTuple(w.mandate));
    });
  });

  describe("acceptance by mandate", function () {
    it("a proposal inside the other party's mandate activates in the proposal's own transaction", async function () {
      const w = await networkHelpers.loadFixture(world);
      await (await w.ecoshare.connect(w.bob).grantMandate(w.mandate)).wait();
      const terms = await h.makeTerms(w.ecoshare, w.networkId, pair(w));
      const id = 1n;
      await expect(w.ecoshare.isInsideMandate(id, w.bob.address)).to.be.revertedWithCustomError(w.ecoshare, "UnknownAgreement").withArgs(id);
      const tx = w.ecoshare.connect(w.alice).propose(terms);
      await expect(tx).to.emit(w.ecoshare, "AgreementAccepted").withArgs(id, w.alice.address, false);
      await expect(tx).to.emit(w.ecoshare, "AcceptedByMandate").withArgs(id, w.bob.address, 0n);
      await expect(tx).to.emit(w.ecoshare, "AgreementAccepted").withArgs(id, w.bob.address, false);
      await expect(tx).to.emit(w.ecoshare, "AgreementActivated").withArgs(id, 0n);
      const view = await w.ecoshare.agreement(id);
      expect(view.status).to.equal(BigInt(AgreementStatus.Active));
      expect(view.pendingAcceptances).to.equal(0n);
      expect(await w.ecoshare.isInsideMandate(id, w.bob.address)).to.equal(true);
      expect(await w.ecoshare.isInsideMandate(id, w.alice.address)).to.equal(false); // no mandate
      expect(await w.ecoshare.isInsideMandate(id, w.carol.address)).to.equal(false); // not a party
      // It takes payments at once.
      await expect(w.ecoshare.connect(w.customer).pay(id, ETH, 10_000n, h.NO_REFERRER, h.ORDER, ETH, { value: 10_000n }))
        .to.emit(w.ecoshare, "PaymentSplit");
    });

    it("an operator's proposal that every party's mandate covers activates with no party signing", async function () {
      const w = await networkHelpers.loadFixture(world);
      const parties = [
        { account: w.alice.address as `0x${string}`, shareBps: 5_000 },
        { account: w.bob.address as `0x${string}`, shareBps: 3_000 },
        { account: w.carol.address as `0x${string}`, shareBps: 2_000 },
      ];
      await (await w.ecoshare.connect(w.alice).grantMandate({ ...w.mandate, minShareBps: 5_000 })).wait();
      await (await w.ecoshare.connect(w.bob).grantMandate({ ...w.mandate, minShareBps: 3_000 })).wait();
      await (await w.ecoshare.connect(w.carol).grantMandate({ ...w.mandate, minShareBps: 2_000 })).wait();
      const terms = await h.makeTerms(w.ecoshare, w.networkId, parties);
      const tx = w.ecoshare.connect(w.operator).propose(terms);
      await expect(tx).to.emit(w.ecoshare, "AgreementActivated").withArgs(1n, 0n);
      const receipt = await (await tx).wait();
      const byMandate = receipt!.logs.map((l) => w.ecoshare.interface.parseLog(l)).filter((e) => e?.name === "AcceptedByMandate");
      expect(byMandate.map((e) => e!.args.party)).to.deep.equal(parties.map((p) => p.account));
    });

    it("a party whose mandate one bound excludes accepts by hand, as before", async function () {
      const w = await networkHelpers.loadFixture(world);
      const now = BigInt(await networkHelpers.time.latest());
      const terms = await h.makeTerms(w.ecoshare, w.networkId, pair(w));
      // Each case: terms (or a mandate) that break exactly one bound of bob's mandate.
      const cases: [string, Partial<AgreementTerms>, Partial<MandateStruct>][] = [
        ["share below the floor", {}, { minShareBps: 5_001 }],
        ["referral fee above the cap", { referralFeeBps: 801 }, {}],
        ["a tier's referral fee above the cap", { referralTiers: [{ fromVolume: 1n, feeBps: 700, holdbackPeriod: 0 }, { fromVolume: 2n, feeBps: 801, holdbackPeriod: 0 }] }, {}],
        ["network fee above the cap", {}, { maxNetworkFeeBps: 99 }],
        ["holdback below the minimum", {}, { minHoldbackPeriod: 1 }],
        [
          "a tier's holdback below the minimum",
          { holdbackPeriod: Number(2n * DAY), refunder: w.alice.address as `0x${string}`, referralTiers: [{ fromVolume: 1n, feeBps: 700, holdbackPeriod: 0 }] },
          { minHoldbackPeriod: Number(DAY) },
        ],
        ["holdback above the maximum", { holdbackPeriod: Number(14n * DAY) + 1, refunder: w.alice.address as `0x${string}` }, {}],
        ["longer than the mandate allows", { validUntil: now + 91n * DAY }, {}],
        ["an asset the mandate does not name", { asset: w.tokenAddress }, {}],
      ];
      let id = 0n;
      for (const [what, termsOverride, mandateOverride] of cases) {
        await (await w.ecoshare.connect(w.bob).grantMandate({ ...w.mandate, ...mandateOverride })).wait();
        await expect(w.ecoshare.connect(w.alice).propose({ ...terms, ...termsOverride }), what).not.to.emit(w.ecoshare, "AcceptedByMandate");
        id += 1n;
        expect(await w.ecoshare.hasAccepted(id, w.bob.address), what).to.equal(false);
        expect(await w.ecoshare.isInsideMandate(id, w.bob.address), what).to.equal(false);
        expect((await w.ecoshare.agreement(id)).status, what).to.equal(BigInt(AgreementStatus.Pending));
      }
      // The same terms with tiers within the cap and the asset named do fit.
      await (await w.ecoshare.connect(w.bob).grantMandate({ ...w.mandate, assets: [w.tokenAddress, ETH] })).wait();
      await expect(w.ecoshare.connect(w.alice).propose({ ...terms, asset: w.tokenAddress, referralTiers: [{ fromVolume: 1n, feeBps: 800, holdbackPeriod: 0 }] }))
        .to.emit(w.ecoshare, "AgreementActivated");
      // By hand still works for the one outside its mandate.
      await expect(w.ecoshare.connect(w.bob).accept(1n)).to.emit(w.ecoshare, "AgreementActivated").withArgs(1n, 0n);
    });

    it("is not used after revocation", async function () {
      const w = await networkHelpers.loadFixture(world);
      await (await w.ecoshare.connect(w.bob).grantMandate(w.mandate)).wait();
      await (await w.ecoshare.connect(w.bob).revokeMandateFor(w.networkId)).wait();
      const terms = await h.makeTerms(w.ecoshare, w.networkId, pair(w));
      await expect(w.ecoshare.connect(w.alice).propose(terms)).not.to.emit(w.ecoshare, "AcceptedByMandate");
      expect((await w.ecoshare.agreement(1n)).status).to.equal(BigInt(AgreementStatus.Pending));
    });

    it("is not used after it expires", async function () {
      const w = await networkHelpers.loadFixture(world);
      await (await w.ecoshare.connect(w.bob).grantMandate(w.mandate)).wait();
      await networkHelpers.time.increaseTo(w.mandate.expiresAt);
      expect((await w.ecoshare.mandateOf(w.networkId, w.bob.address))[2]).to.equal(false);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, pair(w));
      await expect(w.ecoshare.connect(w.alice).propose(terms)).not.to.emit(w.ecoshare, "AcceptedByMandate");
      expect(await w.ecoshare.isInsideMandate(1n, w.bob.address)).to.equal(false);
    });

    it("is not live while its member is suspended", async function () {
      const w = await networkHelpers.loadFixture(world);
      await (await w.ecoshare.connect(w.bob).grantMandate(w.mandate)).wait();
      const id = await h.propose(w.ecoshare, w.alice, await h.makeTerms(w.ecoshare, w.networkId, [...pair(w)], { referralFeeBps: 900 }));
      await (await w.ecoshare.connect(w.bob).grantMandate({ ...w.mandate, maxReferralFeeBps: 900 })).wait();
      expect(await w.ecoshare.isInsideMandate(id, w.bob.address)).to.equal(true);
      await (await w.ecoshare.connect(w.operator).suspend(w.networkId, w.bob.address)).wait();
      expect((await w.ecoshare.mandateOf(w.networkId, w.bob.address))[2]).to.equal(false);
      expect(await w.ecoshare.isInsideMandate(id, w.bob.address)).to.equal(false);
    });

    it("is not used on another network", async function () {
      const w = await networkHelpers.loadFixture(world);
      const otherNetwork = await h.createNetwork(w.ecoshare, w.operator, h.NetworkKind.VendorLed, w.feeRecipient.address, 100);
      await h.addMembers(w.ecoshare, otherNetwork, w.operator, [w.alice, w.bob]);
      await (await w.ecoshare.connect(w.bob).grantMandate(w.mandate)).wait();
      const terms = await h.makeTerms(w.ecoshare, otherNetwork, pair(w));
      await expect(w.ecoshare.connect(w.alice).propose(terms)).not.to.emit(w.ecoshare, "AcceptedByMandate");
      expect(await w.ecoshare.hasAccepted(1n, w.bob.address)).to.equal(false);
      // The same terms on the mandate's network are covered.
      await expect(w.ecoshare.connect(w.alice).propose({ ...terms, networkId: w.networkId }))
        .to.emit(w.ecoshare, "AcceptedByMandate")
        .withArgs(2n, w.bob.address, 0n);
    });

    it("a counter that changes a bounded term is not covered by the acceptance the mandate gave the proposal", async function () {
      const w = await networkHelpers.loadFixture(world);
      const parties = [
        { account: w.alice.address as `0x${string}`, shareBps: 4_000 },
        { account: w.bob.address as `0x${string}`, shareBps: 2_000 },
        { account: w.carol.address as `0x${string}`, shareBps: 4_000 },
      ];
      await (await w.ecoshare.connect(w.carol).grantMandate(w.mandate)).wait();
      const terms = await h.makeTerms(w.ecoshare, w.networkId, parties);
      const id = await h.propose(w.ecoshare, w.alice, terms);
      expect(await w.ecoshare.hasAccepted(id, w.carol.address)).to.equal(true);
      // Bob counters with a referral fee above carol's cap: carol's mandate does not speak for her.
      const counter = { ...terms, referralFeeBps: 1_200 };
      await expect(w.ecoshare.connect(w.bob).counterPropose(id, counter)).not.to.emit(w.ecoshare, "AcceptedByMandate");
      expect(await w.ecoshare.hasAccepted(2n, w.carol.address)).to.equal(false);
      // A counter that moves carol's share below her floor is not covered either.
      const squeeze = { ...terms, parties: [parties[0]!, { ...parties[1]!, shareBps: 2_100 }, { ...parties[2]!, shareBps: 3_900 }] };
      await expect(w.ecoshare.connect(w.bob).counterPropose(id, squeeze)).not.to.emit(w.ecoshare, "AcceptedByMandate");
      // A counter inside it is, and activates once alice (no mandate) accepts it by hand.
      const fair = { ...terms, referralFeeBps: 700 };
      await expect(w.ecoshare.connect(w.bob).counterPropose(id, fair)).to.emit(w.ecoshare, "AcceptedByMandate").withArgs(4n, w.carol.address, 0n);
      await expect(w.ecoshare.connect(w.alice).accept(4n)).to.emit(w.ecoshare, "AgreementActivated").withArgs(4n, 0n);
      await expect(w.ecoshare.connect(w.alice).accept(2n)).to.be.revertedWithCustomError(w.ecoshare, "NegotiationSettled");
    });

    it("an amendment inside every other party's mandate replaces the active version at once", async function () {
      const w = await networkHelpers.loadFixture(world);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, pair(w));
      const id = await h.activateAgreement(w.ecoshare, w.alice, [w.alice, w.bob], terms);
      await (await w.ecoshare.connect(w.bob).grantMandate(w.mandate)).wait();
      const tx = w.ecoshare.connect(w.alice).proposeAmendment(id, { ...terms, referralFeeBps: 600 });
      await expect(tx).to.emit(w.ecoshare, "AgreementSuperseded").withArgs(id, 2n);
      expect(await w.ecoshare.activeVersionOf(id)).to.equal(2n);
    });

    it("a proposer racing a revocation: the revocation mined first in the same block wins", async function () {
      const w = await networkHelpers.loadFixture(world);
      await (await w.ecoshare.connect(w.bob).grantMandate(w.mandate)).wait();
      const terms = await h.makeTerms(w.ecoshare, w.networkId, pair(w));
      const block = async (first: () => Promise<unknown>, second: () => Promise<unknown>) => {
        await ethers.provider.send("evm_setAutomine", [false]);
        try {
          await first();
          await second();
          await ethers.provider.send("evm_mine", []);
        } finally {
          await ethers.provider.send("evm_setAutomine", [true]);
        }
      };
      const before = await ethers.provider.getBlockNumber();
      await block(
        () => w.ecoshare.connect(w.bob).revokeMandateFor(w.networkId),
        () => w.ecoshare.connect(w.alice).propose(terms),
      );
      expect(await ethers.provider.getBlockNumber()).to.equal(before + 1);
      expect((await w.ecoshare.agreement(1n)).status).to.equal(BigInt(AgreementStatus.Pending));
      expect(await w.ecoshare.hasAccepted(1n, w.bob.address)).to.equal(false);
      // The other order in one block: the proposal read the mandate while it stood.
      await (await w.ecoshare.connect(w.bob).grantMandate(w.mandate)).wait();
      await block(
        () => w.ecoshare.connect(w.alice).propose(terms),
        () => w.ecoshare.connect(w.bob).revokeMandateFor(w.networkId),
      );
      expect((await w.ecoshare.agreement(2n)).status).to.equal(BigInt(AgreementStatus.Active));
      expect((await w.ecoshare.mandateOf(w.networkId, w.bob.address))[2]).to.equal(false);
    });
  });
});
