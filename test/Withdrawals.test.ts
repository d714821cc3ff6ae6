import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import type { RevertingRecipient } from "../types/ethers-contracts/index.js";
import { ETH, ORDER } from "./helpers/ecoshare.js";
import { eventsOf } from "./helpers/events.js";
import { REFUND_TO_PAYER } from "./helpers/payments.js";
import { expectSolvent } from "./helpers/solvency.js";
import { activeAgreement, deployMemberContract, deployWorld, expectedSplit, NETWORK_FEE_BPS } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

const ONE_ETH = 10n ** 18n;
const HALF_ETH = ONE_ETH / 2n;
const TOKENS = 1_000_000_000n; // 1,000 dUSD

/**
 * Paid agreements: 1 (ETH; alice 50%, bob 30%, carol 20%) paid 1 ETH via the referrer, 2 (dUSD, same
 * parties) paid 1,000 dUSD via the referrer, 3 (ETH; alice 60%, dave 40%) paid 0.5 ETH via bob.
 */
async function withdrawalsFixture() {
  const w = await deployWorld(ethers);
  const { alice, dave, customer, referrer, bob, ecoshare, tokenAddress } = w;
  const eth = (await activeAgreement(w)).id;
  const tok = (await activeAgreement(w, { asset: tokenAddress })).id;
  const duo = (
    await activeAgreement(
      w,
      {
        parties: [
          { account: alice.address as `0x${string}`, shareBps: 6_000 },
          { account: dave.address as `0x${string}`, shareBps: 4_000 },
        ],
      },
      [alice, dave],
    )
  ).id;
  await ecoshare.connect(customer).pay(eth, ETH, ONE_ETH, referrer.address, ORDER, REFUND_TO_PAYER, { value: ONE_ETH });
  await ecoshare.connect(customer).pay(tok, tokenAddress, TOKENS, referrer.address, ORDER, REFUND_TO_PAYER);
  await ecoshare.connect(customer).pay(duo, ETH, HALF_ETH, bob.address, ORDER, REFUND_TO_PAYER, { value: HALF_ETH });
  const split1 = expectedSplit(ONE_ETH, NETWORK_FEE_BPS, 500);
  const split2 = expectedSplit(TOKENS, NETWORK_FEE_BPS, 500);
  const split3 = expectedSplit(HALF_ETH, NETWORK_FEE_BPS, 500);
  return { ...w, eth, tok, duo, split1, split2, split3 };
}

const share = (pool: bigint, bps: bigint) => (pool * bps) / 10_000n;

describe("Withdrawals", function () {
  describe("withdraw", function () {
    it("anyone may trigger it for an account; the money goes only to that account", async function () {
      const { ecoshare, eth, alice, outsider, split1 } = await networkHelpers.loadFixture(withdrawalsFixture);
      const due = share(split1.vendorShare, 5_000n);
      expect(await ecoshare.connect(outsider).withdraw.staticCall(alice.address, ETH, [eth])).to.equal(due);
      const tx = ecoshare.connect(outsider).withdraw(alice.address, ETH, [eth]);
      await expect(tx).to.emit(ecoshare, "EarningsCollected").withArgs(eth, alice.address, ETH, due, 0n);
      await expect(tx).to.emit(ecoshare, "Withdrawn").withArgs(alice.address, ETH, alice.address, due);
      await expect(tx).to.changeEtherBalances(ethers, [alice, outsider, ecoshare], [due, 0n, -due]);
      expect(await ecoshare.collectable(eth, alice.address)).to.equal(0n);
      await expectSolvent(ecoshare, ETH);
    });

    it("collects many agreements in one transaction", async function () {
      const { ecoshare, eth, duo, alice, split1, split3 } = await networkHelpers.loadFixture(withdrawalsFixture);
      const due1 = share(split1.vendorShare, 5_000n);
      const due3 = share(split3.vendorShare, 6_000n);
      const tx = ecoshare.connect(alice).withdraw(alice.address, ETH, [eth, duo]);
      const collected = await eventsOf(tx, ecoshare, "EarningsCollected");
      expect(collected.map((e) => [e.agreementId, e.partyShare, e.networkFee])).to.deep.equal([
        [eth, due1, 0n],
        [duo, due3, 0n],
      ]);
      await expect(tx).to.emit(ecoshare, "Withdrawn").withArgs(alice.address, ETH, alice.address, due1 + due3);
      await expect(tx).to.changeEtherBalances(ethers, [alice, ecoshare], [due1 + due3, -(due1 + due3)]);
    });

    it("pays a referral balance and collected earnings together", async function () {
      const { ecoshare, eth, duo, bob, split1, split3 } = await networkHelpers.loadFixture(withdrawalsFixture);
      // bob referred the payment of agreement 3 and is a party of agreement 1.
      expect(await ecoshare.balanceOf(bob.address, ETH)).to.equal(split3.referralFee);
      const due = split3.referralFee + share(split1.vendorShare, 3_000n);
      await expect(ecoshare.withdraw(bob.address, ETH, [eth])).to.changeEtherBalance(ethers, bob, due);
      expect(await ecoshare.balanceOf(bob.address, ETH)).to.equal(0n);
      await expect(ecoshare.withdraw(bob.address, ETH, [eth]))
        .to.be.revertedWithCustomError(ecoshare, "NothingToWithdraw")
        .withArgs(bob.address, ETH);
      // Referring a payment of agreement 3 does not make bob entitled to its pool.
      await expect(ecoshare.withdraw(bob.address, ETH, [duo]))
        .to.be.revertedWithCustomError(ecoshare, "NotEntitled")
        .withArgs(duo, bob.address);
    });

    it("pays a referrer its referral fees with no agreement listed", async function () {
      const { ecoshare, referrer, split1 } = await networkHelpers.loadFixture(withdrawalsFixture);
      const tx = ecoshare.withdraw(referrer.address, ETH, []);
      await expect(tx).to.emit(ecoshare, "Withdrawn").withArgs(referrer.address, ETH, referrer.address, split1.referralFee);
      await expect(tx).not.to.emit(ecoshare, "EarningsCollected");
      await expect(tx).to.changeEtherBalances(ethers, [referrer, ecoshare], [split1.referralFee, -split1.referralFee]);
    });

    it("lets the fee recipient collect the network fees of several agreements", async function () {
      const { ecoshare, eth, duo, feeRecipient, split1, split3 } = await networkHelpers.loadFixture(withdrawalsFixture);
      const tx = ecoshare.withdraw(feeRecipient.address, ETH, [eth, duo]);
      await expect(tx).to.emit(ecoshare, "EarningsCollected").withArgs(eth, feeRecipient.address, ETH, 0n, split1.networkFee);
      await expect(tx).to.emit(ecoshare, "EarningsCollected").withArgs(duo, feeRecipient.address, ETH, 0n, split3.networkFee);
      await expect(tx).to.changeEtherBalance(ethers, feeRecipient, split1.networkFee + split3.networkFee);
      expect((await ecoshare.agreement(eth)).networkFeesCollected).to.equal(split1.networkFee);
      await expect(ecoshare.withdraw(feeRecipient.address, ETH, [eth, duo]))
        .to.be.revertedWithCustomError(ecoshare, "NothingToWithdraw")
        .withArgs(feeRecipient.address, ETH);
    });

    it("pays a fee recipient who is also a party both parts", async function () {
      const w = await networkHelpers.loadFixture(withdrawalsFixture);
      await w.ecoshare.connect(w.operator).setNetworkFee(w.networkId, w.carol.address, 1_000);
      const { id } = await activeAgreement(w);
      await w.ecoshare.connect(w.customer).pay(id, ETH, 10_000n, ZeroAddress, ORDER, REFUND_TO_PAYER, { value: 10_000n });
      expect(await w.ecoshare.collectable(id, w.carol.address)).to.equal(1_000n + 1_800n);
      await expect(w.ecoshare.withdraw(w.carol.address, ETH, [id]))
        .to.emit(w.ecoshare, "EarningsCollected")
        .withArgs(id, w.carol.address, ETH, 1_800n, 1_000n);
    });

    it("pays tokens", async function () {
      const { ecoshare, token, tokenAddress, tok, alice, bob, carol, feeRecipient, referrer, split2 } =
        await networkHelpers.loadFixture(withdrawalsFixture);
      for (const [who, due] of [
        [alice, share(split2.vendorShare, 5_000n)],
        [bob, share(split2.vendorShare, 3_000n)],
        [carol, share(split2.vendorShare, 2_000n)],
        [feeRecipient, split2.networkFee],
      ] as const) {
        const tx = ecoshare.withdraw(who.address, tokenAddress, [tok]);
        await expect(tx).to.emit(ecoshare, "Withdrawn").withArgs(who.address, tokenAddress, who.address, due);
        await expect(tx).to.changeTokenBalances(ethers, token, [who, ecoshare], [due, -due]);
      }
      await expect(ecoshare.withdraw(referrer.address, tokenAddress, [])).to.changeTokenBalance(
        ethers,
        token,
        referrer,
        split2.referralFee,
      );
      // 1,000 dUSD split into whole basis points: nothing is left behind.
      expect(await token.balanceOf(await ecoshare.getAddress())).to.equal(0n);
      await expectSolvent(ecoshare, tokenAddress);
    });

    it("collects an agreement listed twice only once", async function () {
      const { ecoshare, eth, alice, split1 } = await networkHelpers.loadFixture(withdrawalsFixture);
      const due = share(split1.vendorShare, 5_000n);
      await expect(ecoshare.withdraw(alice.address, ETH, [eth, eth, eth])).to.changeEtherBalance(ethers, alice, due);
      await expectSolvent(ecoshare, ETH);
    });

    it("leaves the other parties' earnings where they are", async function () {
      const { ecoshare, eth, alice, bob, carol, split1 } = await networkHelpers.loadFixture(withdrawalsFixture);
      await ecoshare.withdraw(alice.address, ETH, [eth]);
      expect(await ecoshare.collectable(eth, bob.address)).to.equal(share(split1.vendorShare, 3_000n));
      expect(await ecoshare.collectable(eth, carol.address)).to.equal(share(split1.vendorShare, 2_000n));
    });
  });

  describe("withdrawTo", function () {
    it("pays the caller's own earnings to another address", async function () {
      const { ecoshare, eth, alice, bob, split1 } = await networkHelpers.loadFixture(withdrawalsFixture);
      const due = share(split1.vendorShare, 5_000n);
      expect(await ecoshare.connect(alice).withdrawTo.staticCall(bob.address, ETH, [eth])).to.equal(due);
      const tx = ecoshare.connect(alice).withdrawTo(bob.address, ETH, [eth]);
      await expect(tx).to.emit(ecoshare, "EarningsCollected").withArgs(eth, alice.address, ETH, due, 0n);
      await expect(tx).to.emit(ecoshare, "Withdrawn").withArgs(alice.address, ETH, bob.address, due);
      await expect(tx).to.changeEtherBalances(ethers, [alice, bob, ecoshare], [0n, due, -due]);
      // bob's own earnings are untouched.
      expect(await ecoshare.collectable(eth, bob.address)).to.equal(share(split1.vendorShare, 3_000n));
    });

    it("moves only the caller's money", async function () {
      const { ecoshare, eth, outsider, alice } = await networkHelpers.loadFixture(withdrawalsFixture);
      await expect(ecoshare.connect(outsider).withdrawTo(outsider.address, ETH, [eth]))
        .to.be.revertedWithCustomError(ecoshare, "NotEntitled")
        .withArgs(eth, outsider.address);
      await expect(ecoshare.connect(outsider).withdrawTo(alice.address, ETH, []))
        .to.be.revertedWithCustomError(ecoshare, "NothingToWithdraw")
        .withArgs(outsider.address, ETH);
    });
  });

  describe("rejections", function () {
    it("AgreementAssetMismatch: an agreement in another asset", async function () {
      const { ecoshare, eth, tok, alice, tokenAddress } = await networkHelpers.loadFixture(withdrawalsFixture);
      await expect(ecoshare.withdraw(alice.address, ETH, [eth, tok]))
        .to.be.revertedWithCustomError(ecoshare, "AgreementAssetMismatch")
        .withArgs(tok, tokenAddress, ETH);
      await expect(ecoshare.connect(alice).withdrawTo(alice.address, tokenAddress, [eth]))
        .to.be.revertedWithCustomError(ecoshare, "AgreementAssetMismatch")
        .withArgs(eth, ETH, tokenAddress);
    });

    it("NotEntitled: neither a party nor the fee recipient", async function () {
      const { ecoshare, duo, carol, referrer } = await networkHelpers.loadFixture(withdrawalsFixture);
      await expect(ecoshare.withdraw(carol.address, ETH, [duo]))
        .to.be.revertedWithCustomError(ecoshare, "NotEntitled")
        .withArgs(duo, carol.address);
      // A referrer is paid through its balance, not through the agreement.
      await expect(ecoshare.withdraw(referrer.address, ETH, [duo]))
        .to.be.revertedWithCustomError(ecoshare, "NotEntitled")
        .withArgs(duo, referrer.address);
    });

    it("NothingToWithdraw: no balance and nothing collectable", async function () {
      const { ecoshare, eth, alice, outsider } = await networkHelpers.loadFixture(withdrawalsFixture);
      await expect(ecoshare.withdraw(outsider.address, ETH, []))
        .to.be.revertedWithCustomError(ecoshare, "NothingToWithdraw")
        .withArgs(outsider.address, ETH);
      await ecoshare.withdraw(alice.address, ETH, [eth]);
      await expect(ecoshare.withdraw(alice.address, ETH, [eth]))
        .to.be.revertedWithCustomError(ecoshare, "NothingToWithdraw")
        .withArgs(alice.address, ETH);
    });

    it("ZeroRecipient: withdraw for, or withdrawTo, the zero address", async function () {
      const { ecoshare, eth, alice } = await networkHelpers.loadFixture(withdrawalsFixture);
      await expect(ecoshare.withdraw(ZeroAddress, ETH, [])).to.be.revertedWithCustomError(ecoshare, "ZeroRecipient");
      await expect(ecoshare.connect(alice).withdrawTo(ZeroAddress, ETH, [eth])).to.be.revertedWithCustomError(
        ecoshare,
        "ZeroRecipient",
      );
    });

    it("UnknownAgreement in the list", async function () {
      const { ecoshare, eth, alice } = await networkHelpers.loadFixture(withdrawalsFixture);
      await expect(ecoshare.withdraw(alice.address, ETH, [eth, 77n]))
        .to.be.revertedWithCustomError(ecoshare, "UnknownAgreement")
        .withArgs(77n);
      await expect(ecoshare.collectable(77n, alice.address)).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(77n);
    });

    it("NativeTransferFailed: a recipient that refuses ETH keeps its balance, and saves it with withdrawTo", async function () {
      const w = await networkHelpers.loadFixture(withdrawalsFixture);
      const refuser = await deployMemberContract<RevertingRecipient>(w, "RevertingRecipient", w.dave);
      const { id } = await activeAgreement(w, {
        parties: [
          { account: w.alice.address as `0x${string}`, shareBps: 5_000 },
          { account: refuser.address, shareBps: 5_000 },
        ],
      }, [w.alice]);
      await refuser.call(w.ecoshareAddress, w.ecoshare.interface.encodeFunctionData("accept", [id]));
      await w.ecoshare.connect(w.customer).pay(id, ETH, 10_000n, ZeroAddress, ORDER, REFUND_TO_PAYER, { value: 10_000n });
      const due = 4_950n;
      await expect(w.ecoshare.withdraw(refuser.address, ETH, [id]))
        .to.be.revertedWithCustomError(w.ecoshare, "NativeTransferFailed")
        .withArgs(refuser.address, due);
      expect(await w.ecoshare.collectable(id, refuser.address)).to.equal(due);
      // The other party is not held up.
      await expect(w.ecoshare.withdraw(w.alice.address, ETH, [id])).to.changeEtherBalance(ethers, w.alice, due);
      // The refusing contract can still call: it sends its money elsewhere.
      const save = refuser.call(w.ecoshareAddress, w.ecoshare.interface.encodeFunctionData("withdrawTo", [w.dave.address, ETH, [id]]));
      await expect(save).to.emit(w.ecoshare, "Withdrawn").withArgs(refuser.address, ETH, w.dave.address, due);
      await expect(save).to.changeEtherBalances(ethers, [w.ecoshare, refuser.address], [-due, 0n]);
      await expectSolvent(w.ecoshare, ETH);
    });
  });

  describe("collect(agreementId)", function () {
    it("pays a party its share straight to itself, leaving its balance alone", async function () {
      const { ecoshare, eth, bob, split1, split3 } = await networkHelpers.loadFixture(withdrawalsFixture);
      const due = share(split1.vendorShare, 3_000n);
      expect(await ecoshare.connect(bob).claim.staticCall(eth)).to.equal(due);
      const tx = ecoshare.connect(bob).claim(eth);
      await expect(tx).to.emit(ecoshare, "EarningsPaid").withArgs(eth, bob.address, due, 0n);
      await expect(tx).not.to.emit(ecoshare, "EarningsCollected");
      await expect(tx).not.to.emit(ecoshare, "Withdrawn");
      await expect(tx).to.changeEtherBalances(ethers, [bob, ecoshare], [due, -due]);
      // bob's referral fee from agreement 3 stays in his balance for withdraw.
      expect(await ecoshare.balanceOf(bob.address, ETH)).to.equal(split3.referralFee);
      expect(await ecoshare.collectable(eth, bob.address)).to.equal(0n);
      await expectSolvent(ecoshare, ETH);
    });

    it("pays tokens", async function () {
      const { ecoshare, token, tokenAddress, tok, alice, split2 } = await networkHelpers.loadFixture(withdrawalsFixture);
      const due = share(split2.vendorShare, 5_000n);
      const tx = ecoshare.connect(alice).claim(tok);
      await expect(tx).to.emit(ecoshare, "EarningsPaid").withArgs(tok, alice.address, due, 0n);
      await expect(tx).to.changeTokenBalances(ethers, token, [alice, ecoshare], [due, -due]);
      await expectSolvent(ecoshare, tokenAddress);
    });

    it("pays the fee recipient the network fee", async function () {
      const { ecoshare, eth, duo, feeRecipient, split1 } = await networkHelpers.loadFixture(withdrawalsFixture);
      const tx = ecoshare.connect(feeRecipient).claim(eth);
      await expect(tx).to.emit(ecoshare, "EarningsPaid").withArgs(eth, feeRecipient.address, 0n, split1.networkFee);
      await expect(tx).to.changeEtherBalance(ethers, feeRecipient, split1.networkFee);
      expect((await ecoshare.agreement(eth)).networkFeesCollected).to.equal(split1.networkFee);
      // The other agreement's fee is still there for it.
      expect(await ecoshare.collectable(duo, feeRecipient.address)).to.be.greaterThan(0n);
      await expectSolvent(ecoshare, ETH);
    });

    it("pays a fee recipient who is also a party both parts at once", async function () {
      const w = await networkHelpers.loadFixture(withdrawalsFixture);
      await w.ecoshare.connect(w.operator).setNetworkFee(w.networkId, w.carol.address, 1_000);
      const { id } = await activeAgreement(w);
      await w.ecoshare.connect(w.customer).pay(id, ETH, 10_000n, ZeroAddress, ORDER, REFUND_TO_PAYER, { value: 10_000n });
      const tx = w.ecoshare.connect(w.carol).claim(id);
      await expect(tx).to.emit(w.ecoshare, "EarningsPaid").withArgs(id, w.carol.address, 1_800n, 1_000n);
      await expect(tx).to.changeEtherBalance(ethers, w.carol, 2_800n);
    });

    it("collect then withdraw, or withdraw then collect, never pays twice", async function () {
      const { ecoshare, eth, alice, carol, split1 } = await networkHelpers.loadFixture(withdrawalsFixture);
      await ecoshare.connect(alice).claim(eth);
      await expect(ecoshare.withdraw(alice.address, ETH, [eth]))
        .to.be.revertedWithCustomError(ecoshare, "NothingToWithdraw")
        .withArgs(alice.address, ETH);
      await expect(ecoshare.withdraw(carol.address, ETH, [eth])).to.changeEtherBalance(ethers, carol, share(split1.vendorShare, 2_000n));
      await expect(ecoshare.connect(carol).claim(eth))
        .to.be.revertedWithCustomError(ecoshare, "NothingToClaim")
        .withArgs(eth, carol.address);
      await expectSolvent(ecoshare, ETH);
    });

    it("NothingToClaim: collected already, or nothing paid yet", async function () {
      const w = await networkHelpers.loadFixture(withdrawalsFixture);
      await w.ecoshare.connect(w.alice).claim(w.eth);
      await expect(w.ecoshare.connect(w.alice).claim(w.eth))
        .to.be.revertedWithCustomError(w.ecoshare, "NothingToClaim")
        .withArgs(w.eth, w.alice.address);
      const { id } = await activeAgreement(w);
      await expect(w.ecoshare.connect(w.bob).claim(id))
        .to.be.revertedWithCustomError(w.ecoshare, "NothingToClaim")
        .withArgs(id, w.bob.address);
      await expect(w.ecoshare.connect(w.feeRecipient).claim(id))
        .to.be.revertedWithCustomError(w.ecoshare, "NothingToClaim")
        .withArgs(id, w.feeRecipient.address);
    });

    it("NotEntitled: a stranger, the referrer, the operator", async function () {
      const { ecoshare, eth, outsider, referrer, operator, dave } = await networkHelpers.loadFixture(withdrawalsFixture);
      for (const who of [outsider, referrer, operator, dave]) {
        await expect(ecoshare.connect(who).claim(eth)).to.be.revertedWithCustomError(ecoshare, "NotEntitled").withArgs(eth, who.address);
      }
    });

    it("UnknownAgreement", async function () {
      const { ecoshare, alice } = await networkHelpers.loadFixture(withdrawalsFixture);
      await expect(ecoshare.connect(alice).claim(77n)).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(77n);
      await expect(ecoshare.connect(alice).claim(0n)).to.be.revertedWithCustomError(ecoshare, "UnknownAgreement").withArgs(0n);
    });

    it("NativeTransferFailed: a party that refuses ETH keeps its earnings and saves them with withdrawTo", async function () {
      const w = await networkHelpers.loadFixture(withdrawalsFixture);
      const refuser = await deployMemberContract<RevertingRecipient>(w, "RevertingRecipient", w.dave);
      const parties = [
        { account: w.alice.address as `0x${string}`, shareBps: 5_000 },
        { account: refuser.address, shareBps: 5_000 },
      ];
      const { id } = await activeAgreement(w, { parties }, [w.alice]);
      await refuser.call(w.ecoshareAddress, w.ecoshare.interface.encodeFunctionData("accept", [id]));
      await w.ecoshare.connect(w.customer).pay(id, ETH, 10_000n, ZeroAddress, ORDER, REFUND_TO_PAYER, { value: 10_000n });
      const due = 4_950n;
      await expect(refuser.call(w.ecoshareAddress, w.ecoshare.interface.encodeFunctionData("claim", [id])))
        .to.be.revertedWithCustomError(w.ecoshare, "NativeTransferFailed")
        .withArgs(refuser.address, due);
      expect(await w.ecoshare.collectable(id, refuser.address)).to.equal(due);
      const save = refuser.call(w.ecoshareAddress, w.ecoshare.interface.encodeFunctionData("withdrawTo", [w.dave.address, ETH, [id]]));
      await expect(save).to.changeEtherBalances(ethers, [w.dave, w.ecoshare], [due, -due]);
      await expectSolvent(w.ecoshare, ETH);
    });
  });

  describe("collectable", function () {
    it("is what withdraw collects, for every party and the fee recipient", async function () {
      const { ecoshare, eth, duo, alice, bob, carol, dave, feeRecipient } = await networkHelpers.loadFixture(withdrawalsFixture);
      for (const id of [eth, duo]) {
        for (const who of [alice, bob, carol, dave, feeRecipient]) {
          const parties = (await ecoshare.partiesOf(id)).map((p) => p.account);
          if (!parties.includes(who.address) && who !== feeRecipient) {
            expect(await ecoshare.collectable(id, who.address)).to.equal(0n);
            continue;
          }
          const due = await ecoshare.collectable(id, who.address);
          const balance = await ecoshare.balanceOf(who.address, ETH);
          expect(due > 0n).to.equal(true);
          await expect(ecoshare.withdraw(who.address, ETH, [id])).to.changeEtherBalance(ethers, who, due + balance);
          expect(await ecoshare.collectable(id, who.address)).to.equal(0n);
        }
      }
      await expectSolvent(ecoshare, ETH);
    });
  });
});
