/**
 * Custody: earned money can only be withdrawn by (or for) the account that earned it. No operator action and no
 * other party can move, freeze or redirect it.
 */
import { expect } from "chai";
import { network } from "hardhat";

import * as h from "./helpers/ecoshare.js";
import { AgreementStatus, ETH, NO_REFERRER, ORDER } from "./helpers/ecoshare.js";
import { REFUND_TO_PAYER } from "./helpers/payments.js";
import { expectSolvent } from "./helpers/solvency.js";
import { activeAgreement, deployWorld, threeParties, type World } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

const PAYMENT = 1_000_000n;
// 1,000,000 wei with a 5% referral fee and the 1% network fee: 940,000 to the parties.
const ALICE = 470_000n;
const BOB = 282_000n;
const CAROL = 188_000n;
const FEE = 10_000n;
const REFERRAL = 50_000n;

/** An active ETH agreement (alice 50%, bob 30%, carol 20%) paid once, via the referrer. */
async function earnedFixture() {
  const w = await deployWorld(ethers);
  const { id, terms } = await activeAgreement(w);
  await w.ecoshare.connect(w.customer).pay(id, ETH, PAYMENT, w.referrer.address, ORDER, REFUND_TO_PAYER, { value: PAYMENT });
  return { ...w, id, terms };
}

async function payAgain(w: World, id: bigint) {
  await w.ecoshare.connect(w.customer).pay(id, ETH, PAYMENT, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: PAYMENT });
}

describe("Custody", function () {
  it("Ecoshare has no owner: its only state-changing functions are the protocol's", async function () {
    const { ecoshare } = await networkHelpers.loadFixture(earnedFixture);
    const writes: string[] = [];
    ecoshare.interface.forEachFunction((f) => {
      if (!f.constant) writes.push(f.name);
    });
    expect(writes.sort()).to.deep.equal(
      [
        "accept",
        "acceptOperator",
        "acceptWithSignatures",
        "admit",
        "cancelOperatorTransfer",
        "claim",
        "counterPropose",
        "counterProposeWithSignature",
        "createNetwork",
        "decline",
        "grantMandate",
        "grantSignedMandate",
        "invalidateCounterNonce",
        "join",
        "leave",
        "pay",
        "payOrder",
        "payWithPermit",
        "propose",
        "proposeAmendment",
        "refundHeldPayment",
        "reinstate",
        "releaseHeldPayments",
        "revokeMandateFor",
        "setMemberMetadata",
        "setNetworkFee",
        "setNetworkMetadata",
        "suspend",
        "terminate",
        "transferOperator",
        "withdraw",
        "withdrawTo",
      ].sort(),
    );
  });

  it("a suspended party still collects, and keeps earning from its active agreement", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    await w.ecoshare.connect(w.operator).suspend(w.networkId, w.bob.address);
    await payAgain(w, w.id); // 990,000 to the parties; bob's 30% is 297,000
    expect(await w.ecoshare.collectable(w.id, w.bob.address)).to.equal(BOB + 297_000n);
    await expect(w.ecoshare.connect(w.bob).withdraw(w.bob.address, ETH, [w.id])).to.changeEtherBalance(
      ethers,
      w.bob,
      BOB + 297_000n,
    );
    await expectSolvent(w.ecoshare, ETH);
  });

  it("a suspended referrer still withdraws its referral fees", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    await w.ecoshare.connect(w.operator).suspend(w.networkId, w.referrer.address);
    await expect(w.ecoshare.withdraw(w.referrer.address, ETH, [])).to.changeEtherBalance(ethers, w.referrer, REFERRAL);
  });

  it("a party that left the network still collects", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    await w.ecoshare.connect(w.carol).leave(w.networkId);
    await expect(w.ecoshare.withdraw(w.carol.address, ETH, [w.id])).to.changeEtherBalance(ethers, w.carol, CAROL);
  });

  it("a terminated agreement's parties and fee recipient still collect everything", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    await w.ecoshare.connect(w.alice).terminate(w.id);
    expect((await w.ecoshare.agreement(w.id)).status).to.equal(BigInt(AgreementStatus.Terminated));
    for (const [who, due] of [
      [w.alice, ALICE],
      [w.bob, BOB],
      [w.carol, CAROL],
      [w.feeRecipient, FEE],
      [w.referrer, REFERRAL],
    ] as const) {
      await expect(w.ecoshare.withdraw(who.address, ETH, who === w.referrer ? [] : [w.id])).to.changeEtherBalance(ethers, who, due);
    }
    expect(await ethers.provider.getBalance(w.ecoshareAddress)).to.equal(0n);
  });

  it("an expired agreement's parties still collect", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    await networkHelpers.time.increaseTo(w.terms.validUntil + 100n * h.DAY);
    await expect(w.ecoshare.withdraw(w.bob.address, ETH, [w.id])).to.changeEtherBalance(ethers, w.bob, BOB);
  });

  it("a changed network fee does not redirect or re-rate the fees of existing agreements", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    await w.ecoshare.connect(w.operator).setNetworkFee(w.networkId, w.operator.address, 1_000);
    await expect(w.ecoshare.connect(w.customer).pay(w.id, ETH, PAYMENT, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: PAYMENT }))
      .to.emit(w.ecoshare, "PaymentSplit")
      .withArgs(w.id, w.customer.address, NO_REFERRER, PAYMENT, ORDER);
    // Still rated at the agreement's 1%, not the network's new 10%.
    expect((await w.ecoshare.agreement(w.id)).networkFees).to.equal(2n * FEE);
    await expect(w.ecoshare.withdraw(w.operator.address, ETH, [w.id]))
      .to.be.revertedWithCustomError(w.ecoshare, "NotEntitled")
      .withArgs(w.id, w.operator.address);
    await expect(w.ecoshare.withdraw(w.feeRecipient.address, ETH, [w.id])).to.changeEtherBalance(ethers, w.feeRecipient, 2n * FEE);
    // Agreements proposed from now on carry the new terms.
    const { id: newer } = await activeAgreement(w);
    await payAgain(w, newer);
    expect(await w.ecoshare.collectable(newer, w.operator.address)).to.equal(100_000n);
    expect(await w.ecoshare.collectable(newer, w.feeRecipient.address)).to.equal(0n);
  });

  it("an operator transfer, or the operator leaving, changes nothing owed", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    await w.ecoshare.connect(w.operator).join(w.networkId, h.MemberRole.Distributor, "");
    await w.ecoshare.connect(w.operator).transferOperator(w.networkId, w.outsider.address);
    await w.ecoshare.connect(w.outsider).acceptOperator(w.networkId);
    await w.ecoshare.connect(w.operator).leave(w.networkId);
    await w.ecoshare.connect(w.outsider).setNetworkFee(w.networkId, w.outsider.address, 1_000);
    expect((await w.ecoshare.agreement(w.id)).feeRecipient).to.equal(w.feeRecipient.address);
    expect(await w.ecoshare.collectable(w.id, w.alice.address)).to.equal(ALICE);
    expect(await w.ecoshare.collectable(w.id, w.feeRecipient.address)).to.equal(FEE);
    await expect(w.ecoshare.connect(w.outsider).terminate(w.id))
      .to.be.revertedWithCustomError(w.ecoshare, "NotAgreementParty")
      .withArgs(w.id, w.outsider.address);
    await expectSolvent(w.ecoshare, ETH);
  });

  it("the operator cannot end, amend or drain an agreement", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    const { ecoshare, operator, id } = w;
    await expect(ecoshare.connect(operator).terminate(id)).to.be.revertedWithCustomError(ecoshare, "NotAgreementParty").withArgs(id, operator.address);
    await expect(ecoshare.connect(operator).withdrawTo(operator.address, ETH, [id]))
      .to.be.revertedWithCustomError(ecoshare, "NotEntitled")
      .withArgs(id, operator.address);
    // An amendment the operator proposes waits for every party: version 1 keeps taking and owing payments.
    const amendment = await h.propose(ecoshare, operator, await h.makeTerms(ecoshare, w.networkId, threeParties(w), { referralFeeBps: 0 }), id);
    expect((await ecoshare.agreement(amendment)).status).to.equal(BigInt(AgreementStatus.Pending));
    await payAgain(w, id);
    expect(await ecoshare.collectable(id, w.alice.address)).to.equal(ALICE + 495_000n);
  });

  it("suspending every party freezes nothing", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    for (const s of [w.alice, w.bob, w.carol, w.referrer]) await w.ecoshare.connect(w.operator).suspend(w.networkId, s.address);
    await payAgain(w, w.id);
    await expect(w.ecoshare.withdraw(w.alice.address, ETH, [w.id])).to.changeEtherBalance(ethers, w.alice, ALICE + 495_000n);
    await expect(w.ecoshare.withdraw(w.referrer.address, ETH, [])).to.changeEtherBalance(ethers, w.referrer, REFERRAL);
    await expectSolvent(w.ecoshare, ETH);
  });

  it("another party cannot take or redirect a party's earnings", async function () {
    const w = await networkHelpers.loadFixture(earnedFixture);
    // bob's withdrawTo moves only bob's money, wherever he sends it.
    await expect(w.ecoshare.connect(w.bob).withdrawTo(w.bob.address, ETH, [w.id])).to.changeEtherBalance(ethers, w.bob, BOB);
    await expect(w.ecoshare.connect(w.bob).withdrawTo(w.bob.address, ETH, [w.id]))
      .to.be.revertedWithCustomError(w.ecoshare, "NothingToWithdraw")
      .withArgs(w.bob.address, ETH);
    // bob triggering alice's withdrawal pays alice.
    await expect(w.ecoshare.connect(w.bob).withdraw(w.alice.address, ETH, [w.id])).to.changeEtherBalances(
      ethers,
      [w.alice, w.bob],
      [ALICE, 0n],
    );
    // bob terminating the agreement leaves carol's earnings intact.
    await w.ecoshare.connect(w.bob).terminate(w.id);
    await expect(w.ecoshare.withdraw(w.carol.address, ETH, [w.id])).to.changeEtherBalance(ethers, w.carol, CAROL);
    await expectSolvent(w.ecoshare, ETH);
  });
});
