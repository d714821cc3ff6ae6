import { expect } from "chai";
import { network } from "hardhat";

import type { FeeOnTransferToken } from "../types/ethers-contracts/index.js";
import * as h from "./helpers/ecoshare.js";
import { AgreementStatus, ETH, NO_REFERRER, ORDER } from "./helpers/ecoshare.js";
import { eventsOf } from "./helpers/events.js";
import { creditedOf, expectCreditedSince, REFUND_TO_PAYER } from "./helpers/payments.js";
import { signPermit } from "./helpers/permit.js";
import { expectSolvent } from "./helpers/solvency.js";
import { activeAgreement, deployWorld, expectedSplit, NETWORK_FEE_BPS, threeParties } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

const REFERRAL_FEE_BPS = 500; // h.makeTerms' default

/** An active ETH agreement (id 1) and an active stablecoin agreement (id 2), both alice 50%, bob 30%, carol 20%. */
async function paymentsFixture() {
  const w = await deployWorld(ethers);
  const eth = await activeAgreement(w);
  const tok = await activeAgreement(w, { asset: w.tokenAddress });
  return { ...w, ethId: eth.id, tokenId: tok.id, terms: eth.terms };
}

describe("ReferralPayments: pay", function () {
  describe("in ETH", function () {
    it("splits a payment with a referral exactly and takes exactly the amount", async function () {
      const { ecoshare, ethId, customer, referrer, alice, bob, carol, feeRecipient } = await networkHelpers.loadFixture(paymentsFixture);
      const amount = ethers.parseEther("1.234567890123456789");
      const split = expectedSplit(amount, NETWORK_FEE_BPS, REFERRAL_FEE_BPS);
      const tx = ecoshare.connect(customer).pay(ethId, ETH, amount, referrer.address, ORDER, REFUND_TO_PAYER, { value: amount });
      await expect(tx)
        .to.emit(ecoshare, "PaymentSplit")
        .withArgs(ethId, customer.address, referrer.address, amount, ORDER);
      await expect(tx).to.changeEtherBalances(ethers, [customer, ecoshare], [-amount, amount]);
      expect(split.networkFee + split.referralFee + split.vendorShare).to.equal(amount);

      // The referral fee is withdrawable at once; the rest waits in the agreement's running totals.
      expect(await ecoshare.balanceOf(referrer.address, ETH)).to.equal(split.referralFee);
      const a = await ecoshare.agreement(ethId);
      expect([a.vendorPool, a.networkFees, a.networkFeesCollected]).to.deep.equal([split.vendorShare, split.networkFee, 0n]);
      expect(await ecoshare.collectable(ethId, alice.address)).to.equal((split.vendorShare * 5_000n) / h.BPS);
      expect(await ecoshare.collectable(ethId, bob.address)).to.equal((split.vendorShare * 3_000n) / h.BPS);
      expect(await ecoshare.collectable(ethId, carol.address)).to.equal((split.vendorShare * 2_000n) / h.BPS);
      expect(await ecoshare.collectable(ethId, feeRecipient.address)).to.equal(split.networkFee);
      await expectSolvent(ecoshare, ETH);
    });

    it("pays no referral fee without a referrer", async function () {
      const { ecoshare, ethId, customer } = await networkHelpers.loadFixture(paymentsFixture);
      await expect(ecoshare.connect(customer).pay(ethId, ETH, 10_000n, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: 10_000n }))
        .to.emit(ecoshare, "PaymentSplit")
        .withArgs(ethId, customer.address, NO_REFERRER, 10_000n, ORDER);
      await expectCreditedSince(ecoshare, ethId, NO_REFERRER, { vendorPool: 0n, networkFees: 0n, referral: 0n }, {
        networkFee: 100n,
        referralFee: 0n,
        vendorShare: 9_900n,
      });
      expect(await ecoshare.balanceOf(NO_REFERRER, ETH)).to.equal(0n);
    });

    it("accumulates the running totals and the referrer's balance over payments", async function () {
      const { ecoshare, ethId, customer, referrer, dave } = await networkHelpers.loadFixture(paymentsFixture);
      const amounts = [1n, 99n, 101n, 12_345n, 10n ** 18n + 7n];
      let pool = 0n;
      let fees = 0n;
      let referral = 0n;
      for (const [i, amount] of amounts.entries()) {
        const who = i % 2 === 0 ? referrer : dave; // dave is an active vendor: any active member may refer
        const split = expectedSplit(amount, NETWORK_FEE_BPS, REFERRAL_FEE_BPS);
        const before = await creditedOf(ecoshare, ethId, who.address);
        const orderRef = ethers.zeroPadValue(ethers.toBeHex(i), 32);
        const [event] = await eventsOf(
          ecoshare.connect(customer).pay(ethId, ETH, amount, who.address, orderRef, REFUND_TO_PAYER, { value: amount }),
          ecoshare,
          "PaymentSplit",
        );
        expect([event!.agreementId, event!.payer, event!.referrer, event!.amount, event!.orderRef]).to.deep.equal([
          ethId,
          customer.address,
          who.address,
          amount,
          orderRef,
        ]);
        await expectCreditedSince(ecoshare, ethId, who.address, before, split);
        pool += split.vendorShare;
        fees += split.networkFee;
        if (who === referrer) referral += split.referralFee;
      }
      const a = await ecoshare.agreement(ethId);
      expect([a.vendorPool, a.networkFees]).to.deep.equal([pool, fees]);
      expect(await ecoshare.balanceOf(referrer.address, ETH)).to.equal(referral);
      await expectSolvent(ecoshare, ETH);
    });

    it("rounds each fee down per payment: a 1 wei payment is all vendor share", async function () {
      const { ecoshare, ethId, customer, referrer } = await networkHelpers.loadFixture(paymentsFixture);
      let before = await creditedOf(ecoshare, ethId, referrer.address);
      await expect(ecoshare.connect(customer).pay(ethId, ETH, 1n, referrer.address, ORDER, REFUND_TO_PAYER, { value: 1n }))
        .to.emit(ecoshare, "PaymentSplit")
        .withArgs(ethId, customer.address, referrer.address, 1n, ORDER);
      await expectCreditedSince(ecoshare, ethId, referrer.address, before, { networkFee: 0n, referralFee: 0n, vendorShare: 1n });
      before = await creditedOf(ecoshare, ethId, referrer.address);
      await expect(ecoshare.connect(customer).pay(ethId, ETH, 199n, referrer.address, ORDER, REFUND_TO_PAYER, { value: 199n }))
        .to.emit(ecoshare, "PaymentSplit")
        .withArgs(ethId, customer.address, referrer.address, 199n, ORDER);
      await expectCreditedSince(ecoshare, ethId, referrer.address, before, { networkFee: 1n, referralFee: 9n, vendorShare: 189n });
    });

    it("lets anyone pay, a party included", async function () {
      const { ecoshare, ethId, alice, referrer } = await networkHelpers.loadFixture(paymentsFixture);
      await expect(ecoshare.connect(alice).pay(ethId, ETH, 1_000n, referrer.address, ORDER, REFUND_TO_PAYER, { value: 1_000n }))
        .to.emit(ecoshare, "PaymentSplit")
        .withArgs(ethId, alice.address, referrer.address, 1_000n, ORDER);
      expect(await ecoshare.collectable(ethId, alice.address)).to.equal(470n);
    });
  });

  describe("in an ERC-20 token", function () {
    it("pulls exactly the amount and splits it", async function () {
      const { ecoshare, token, tokenId, tokenAddress, customer, referrer } = await networkHelpers.loadFixture(paymentsFixture);
      const amount = 250_000_001n; // 250.000001 dUSD
      const split = expectedSplit(amount, NETWORK_FEE_BPS, REFERRAL_FEE_BPS);
      const tx = ecoshare.connect(customer).pay(tokenId, tokenAddress, amount, referrer.address, ORDER, REFUND_TO_PAYER);
      await expect(tx)
        .to.emit(ecoshare, "PaymentSplit")
        .withArgs(tokenId, customer.address, referrer.address, amount, ORDER);
      await expect(tx).to.changeTokenBalances(ethers, token, [customer, ecoshare], [-amount, amount]);
      await expectCreditedSince(ecoshare, tokenId, referrer.address, { vendorPool: 0n, networkFees: 0n, referral: 0n }, split);
      expect(await ecoshare.balanceOf(referrer.address, ETH)).to.equal(0n);
      await expectSolvent(ecoshare, tokenAddress);
    });

    it("needs the allowance", async function () {
      const { ecoshare, token, tokenId, tokenAddress, ecoshareAddress, outsider } = await networkHelpers.loadFixture(paymentsFixture);
      await token.mint(outsider.address, 1_000n);
      await expect(ecoshare.connect(outsider).pay(tokenId, tokenAddress, 1_000n, NO_REFERRER, ORDER, REFUND_TO_PAYER))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(ecoshareAddress, 0n, 1_000n);
    });
  });

  describe("payWithPermit", function () {
    async function permitFixture() {
      const w = await paymentsFixture();
      const payer = w.outsider; // holds tokens, has approved nothing
      await w.token.mint(payer.address, 5_000_000n);
      const deadline = BigInt(await networkHelpers.time.latest()) + h.DAY;
      const permit = await signPermit(w.token, payer, w.ecoshareAddress, 5_000_000n, deadline);
      return { ...w, payer, deadline, permit };
    }

    it("pays in one transaction without a prior approval", async function () {
      const { ecoshare, token, tokenId, tokenAddress, payer, referrer, deadline, permit, ecoshareAddress } =
        await networkHelpers.loadFixture(permitFixture);
      const split = expectedSplit(5_000_000n, NETWORK_FEE_BPS, REFERRAL_FEE_BPS);
      const tx = ecoshare
        .connect(payer)
        .payWithPermit(tokenId, tokenAddress, 5_000_000n, referrer.address, ORDER, REFUND_TO_PAYER, deadline, permit.v, permit.r, permit.s);
      await expect(tx)
        .to.emit(ecoshare, "PaymentSplit")
        .withArgs(tokenId, payer.address, referrer.address, 5_000_000n, ORDER);
      await expect(tx).to.changeTokenBalances(ethers, token, [payer, ecoshare], [-5_000_000n, 5_000_000n]);
      await expectCreditedSince(ecoshare, tokenId, referrer.address, { vendorPool: 0n, networkFees: 0n, referral: 0n }, split);
      expect(await token.allowance(payer.address, ecoshareAddress)).to.equal(0n);
      expect(await token.nonces(payer.address)).to.equal(1n);
    });

    it("still pays when a front-runner used the permit first", async function () {
      const { ecoshare, token, tokenId, tokenAddress, payer, customer, deadline, permit, ecoshareAddress } =
        await networkHelpers.loadFixture(permitFixture);
      await token.connect(customer).permit(payer.address, ecoshareAddress, 5_000_000n, deadline, permit.v, permit.r, permit.s);
      const tx = ecoshare
        .connect(payer)
        .payWithPermit(tokenId, tokenAddress, 5_000_000n, NO_REFERRER, ORDER, REFUND_TO_PAYER, deadline, permit.v, permit.r, permit.s);
      await expect(tx).to.emit(ecoshare, "PaymentSplit").withArgs(tokenId, payer.address, NO_REFERRER, 5_000_000n, ORDER);
      await expect(tx).to.changeTokenBalances(ethers, token, [payer, ecoshare], [-5_000_000n, 5_000_000n]);
      const a = await ecoshare.agreement(tokenId);
      expect([a.vendorPool, a.networkFees]).to.deep.equal([4_950_000n, 50_000n]);
    });

    it("fails on the allowance when the permit is invalid and nothing was approved", async function () {
      const { ecoshare, token, tokenId, tokenAddress, payer, deadline, permit, ecoshareAddress } =
        await networkHelpers.loadFixture(permitFixture);
      // The permit was for 5,000,000: used for another amount it does not verify.
      await expect(
        ecoshare.connect(payer).payWithPermit(tokenId, tokenAddress, 4_000_000n, NO_REFERRER, ORDER, REFUND_TO_PAYER, deadline, permit.v, permit.r, permit.s),
      )
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(ecoshareAddress, 0n, 4_000_000n);
    });

    it("rejects a permit payment in ETH: only tokens have permits", async function () {
      const { ecoshare, ethId, payer, deadline, permit } = await networkHelpers.loadFixture(permitFixture);
      await expect(
        ecoshare.connect(payer).payWithPermit(ethId, ETH, 1n, NO_REFERRER, ORDER, REFUND_TO_PAYER, deadline, permit.v, permit.r, permit.s),
      ).to.be.revertedWithCustomError(ecoshare, "PermitNeedsToken");
    });

    it("rejects ETH as the asset, and another token than the agreement's", async function () {
      const { ecoshare, ethId, tokenId, tokenAddress, payer, deadline, permit } = await networkHelpers.loadFixture(permitFixture);
      await expect(
        ecoshare.connect(payer).payWithPermit(tokenId, ETH, 1n, NO_REFERRER, ORDER, REFUND_TO_PAYER, deadline, permit.v, permit.r, permit.s),
      ).to.be.revertedWithCustomError(ecoshare, "PermitNeedsToken");
      await expect(
        ecoshare.connect(payer).payWithPermit(ethId, tokenAddress, 5_000_000n, NO_REFERRER, ORDER, REFUND_TO_PAYER, deadline, permit.v, permit.r, permit.s),
      )
        .to.be.revertedWithCustomError(ecoshare, "WrongPaymentAsset")
        .withArgs(ethId, ETH, tokenAddress);
    });
  });

  describe("rejections", function () {
    it("ZeroPayment, in ETH and in tokens", async function () {
      const { ecoshare, ethId, tokenId, tokenAddress, customer } = await networkHelpers.loadFixture(paymentsFixture);
      await expect(ecoshare.connect(customer).pay(ethId, ETH, 0n, NO_REFERRER, ORDER, REFUND_TO_PAYER)).to.be.revertedWithCustomError(ecoshare, "ZeroPayment");
      await expect(ecoshare.connect(customer).pay(tokenId, tokenAddress, 0n, NO_REFERRER, ORDER, REFUND_TO_PAYER)).to.be.revertedWithCustomError(
        ecoshare,
        "ZeroPayment",
      );
    });

    it("WrongPaymentAsset: ETH to a token agreement, a token to an ETH agreement", async function () {
      const { ecoshare, ethId, tokenId, tokenAddress, customer } = await networkHelpers.loadFixture(paymentsFixture);
      await expect(ecoshare.connect(customer).pay(tokenId, ETH, 100n, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: 100n }))
        .to.be.revertedWithCustomError(ecoshare, "WrongPaymentAsset")
        .withArgs(tokenId, tokenAddress, ETH);
      await expect(ecoshare.connect(customer).pay(ethId, tokenAddress, 100n, NO_REFERRER, ORDER, REFUND_TO_PAYER))
        .to.be.revertedWithCustomError(ecoshare, "WrongPaymentAsset")
        .withArgs(ethId, ETH, tokenAddress);
    });

    it("WrongPaymentValue: ETH that is not the amount, and ETH sent with a token", async function () {
      const { ecoshare, ethId, tokenId, tokenAddress, customer } = await networkHelpers.loadFixture(paymentsFixture);
      await expect(ecoshare.connect(customer).pay(ethId, ETH, 100n, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: 99n }))
        .to.be.revertedWithCustomError(ecoshare, "WrongPaymentValue")
        .withArgs(100n, 99n);
      await expect(ecoshare.connect(customer).pay(ethId, ETH, 100n, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: 101n }))
        .to.be.revertedWithCustomError(ecoshare, "WrongPaymentValue")
        .withArgs(100n, 101n);
      await expect(ecoshare.connect(customer).pay(tokenId, tokenAddress, 100n, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: 1n }))
        .to.be.revertedWithCustomError(ecoshare, "WrongPaymentValue")
        .withArgs(0n, 1n);
    });

    it("AgreementNotActive: unknown, pending, terminated and superseded agreements", async function () {
      const w = await networkHelpers.loadFixture(paymentsFixture);
      const { ecoshare, ethId, customer, alice, bob, carol } = w;
      const payEth = (id: bigint) => ecoshare.connect(customer).pay(id, ETH, 100n, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: 100n });
      await expect(payEth(99n)).to.be.revertedWithCustomError(ecoshare, "AgreementNotActive").withArgs(99n, AgreementStatus.None);

      const pending = await h.propose(ecoshare, alice, await h.makeTerms(ecoshare, w.networkId, threeParties(w)));
      await expect(payEth(pending))
        .to.be.revertedWithCustomError(ecoshare, "AgreementNotActive")
        .withArgs(pending, AgreementStatus.Pending);
      await ecoshare.connect(bob).terminate(pending);
      await expect(payEth(pending))
        .to.be.revertedWithCustomError(ecoshare, "AgreementNotActive")
        .withArgs(pending, AgreementStatus.Terminated);

      const amendment = await h.propose(ecoshare, alice, await h.makeTerms(ecoshare, w.networkId, threeParties(w)), ethId);
      await ecoshare.connect(bob).accept(amendment);
      await ecoshare.connect(carol).accept(amendment);
      await expect(payEth(ethId))
        .to.be.revertedWithCustomError(ecoshare, "AgreementNotActive")
        .withArgs(ethId, AgreementStatus.Superseded);
      await expect(payEth(amendment)).to.emit(ecoshare, "PaymentSplit");
    });

    it("AgreementNotYetValid before validFrom; payments from validFrom on", async function () {
      const w = await networkHelpers.loadFixture(paymentsFixture);
      const validFrom = BigInt(await networkHelpers.time.latest()) + h.DAY;
      const { id } = await activeAgreement(w, { validFrom, validUntil: validFrom + h.DAY });
      const payEth = () => w.ecoshare.connect(w.customer).pay(id, ETH, 100n, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: 100n });
      await expect(payEth()).to.be.revertedWithCustomError(w.ecoshare, "AgreementNotYetValid").withArgs(id, validFrom);
      await networkHelpers.time.setNextBlockTimestamp(validFrom - 1n);
      await expect(payEth()).to.be.revertedWithCustomError(w.ecoshare, "AgreementNotYetValid").withArgs(id, validFrom);
      await networkHelpers.time.setNextBlockTimestamp(validFrom);
      await expect(payEth()).to.emit(w.ecoshare, "PaymentSplit");
    });

    it("AgreementExpired after validUntil; the last second still pays", async function () {
      const { ecoshare, ethId, customer, terms } = await networkHelpers.loadFixture(paymentsFixture);
      const payEth = () => ecoshare.connect(customer).pay(ethId, ETH, 100n, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: 100n });
      await networkHelpers.time.setNextBlockTimestamp(terms.validUntil);
      await expect(payEth()).to.emit(ecoshare, "PaymentSplit");
      await expect(payEth()).to.be.revertedWithCustomError(ecoshare, "AgreementExpired").withArgs(ethId, terms.validUntil);
      await networkHelpers.time.increaseTo(terms.validUntil + 365n * h.DAY);
      await expect(payEth()).to.be.revertedWithCustomError(ecoshare, "AgreementExpired").withArgs(ethId, terms.validUntil);
    });

    it("SelfReferral: the customer cannot refer itself, member or not", async function () {
      const { ecoshare, ethId, customer, referrer } = await networkHelpers.loadFixture(paymentsFixture);
      await expect(ecoshare.connect(customer).pay(ethId, ETH, 100n, customer.address, ORDER, REFUND_TO_PAYER, { value: 100n }))
        .to.be.revertedWithCustomError(ecoshare, "SelfReferral")
        .withArgs(customer.address);
      await expect(ecoshare.connect(referrer).pay(ethId, ETH, 100n, referrer.address, ORDER, REFUND_TO_PAYER, { value: 100n }))
        .to.be.revertedWithCustomError(ecoshare, "SelfReferral")
        .withArgs(referrer.address);
    });

    it("ReferrerNotActiveMember: outsiders, the operator, pending and suspended members", async function () {
      const { ecoshare, ethId, customer, outsider, operator, referrer, networkId } = await networkHelpers.loadFixture(paymentsFixture);
      const payVia = (who: string) => ecoshare.connect(customer).pay(ethId, ETH, 100n, who, ORDER, REFUND_TO_PAYER, { value: 100n });
      await expect(payVia(outsider.address))
        .to.be.revertedWithCustomError(ecoshare, "ReferrerNotActiveMember")
        .withArgs(networkId, outsider.address);
      await expect(payVia(operator.address))
        .to.be.revertedWithCustomError(ecoshare, "ReferrerNotActiveMember")
        .withArgs(networkId, operator.address);
      await ecoshare.connect(outsider).join(networkId, h.MemberRole.ReferralPartner, "");
      await expect(payVia(outsider.address))
        .to.be.revertedWithCustomError(ecoshare, "ReferrerNotActiveMember")
        .withArgs(networkId, outsider.address);
      await ecoshare.connect(operator).suspend(networkId, referrer.address);
      await expect(payVia(referrer.address))
        .to.be.revertedWithCustomError(ecoshare, "ReferrerNotActiveMember")
        .withArgs(networkId, referrer.address);
      await ecoshare.connect(operator).reinstate(networkId, referrer.address);
      await expect(payVia(referrer.address)).to.emit(ecoshare, "PaymentSplit");
    });

    it("ReferrerRoleNotAllowed: a referrer whose role the agreement's referrerRoles leave out", async function () {
      const w = await networkHelpers.loadFixture(paymentsFixture);
      const { ecoshare, customer, referrer, dave } = w;
      const { id } = await activeAgreement(w, { referrerRoles: 1 << h.MemberRole.ReferralPartner });
      const payVia = (who: string) => ecoshare.connect(customer).pay(id, ETH, 10_000n, who, ORDER, REFUND_TO_PAYER, { value: 10_000n });
      await expect(payVia(dave.address))
        .to.be.revertedWithCustomError(ecoshare, "ReferrerRoleNotAllowed")
        .withArgs(id, dave.address, h.MemberRole.Vendor);
      await expect(payVia(referrer.address)).to.emit(ecoshare, "PaymentSplit").withArgs(id, customer.address, referrer.address, 10_000n, ORDER);
      expect(await ecoshare.balanceOf(referrer.address, ETH)).to.equal(500n);
      // Without a referrer the roles do not matter.
      await expect(payVia(NO_REFERRER)).to.emit(ecoshare, "PaymentSplit");
    });

    it("ReferrerNotActiveMember: a member of another network only", async function () {
      const w = await networkHelpers.loadFixture(paymentsFixture);
      await w.ecoshare.connect(w.outsider).createNetwork(h.NetworkKind.Marketplace, w.outsider.address, 0, "");
      await w.ecoshare.connect(w.outsider).join(2n, h.MemberRole.ReferralPartner, "");
      await expect(w.ecoshare.connect(w.customer).pay(w.ethId, ETH, 100n, w.outsider.address, ORDER, REFUND_TO_PAYER, { value: 100n }))
        .to.be.revertedWithCustomError(w.ecoshare, "ReferrerNotActiveMember")
        .withArgs(w.networkId, w.outsider.address);
    });

    it("TokenDeliveryShortfall: a token that delivers less than the amount", async function () {
      const w = await networkHelpers.loadFixture(paymentsFixture);
      const fot = (await ethers.deployContract("FeeOnTransferToken")) as unknown as FeeOnTransferToken;
      const fotAddress = (await fot.getAddress()) as `0x${string}`;
      const { id } = await activeAgreement(w, { asset: fotAddress });
      await fot.mint(w.customer.address, 10_000n);
      await fot.connect(w.customer).approve(w.ecoshareAddress, 10_000n);
      await expect(w.ecoshare.connect(w.customer).pay(id, fotAddress, 10_000n, NO_REFERRER, ORDER, REFUND_TO_PAYER))
        .to.be.revertedWithCustomError(w.ecoshare, "TokenDeliveryShortfall")
        .withArgs(fotAddress, 10_000n, 9_900n);
    });

    describe("AmountTooLarge at the bounds of the running totals", function () {
      const MAX_POOL = 2n ** 112n - 1n; // RunningTotals.vendorPool is a uint112
      const MAX_FEES = 2n ** 104n - 1n; // RunningTotals.networkFees is a uint104

      /** A token agreement with no referral fee, under the world network's fee set to `networkFeeBps` first. */
      async function tokenAgreementAt(networkFeeBps: number) {
        const w = await networkHelpers.loadFixture(paymentsFixture);
        await w.ecoshare.connect(w.operator).setNetworkFee(w.networkId, w.feeRecipient.address, networkFeeBps);
        const { id } = await activeAgreement(w, { asset: w.tokenAddress, referralFeeBps: 0 });
        await w.token.mint(w.customer.address, 2n ** 113n);
        const pay = (amount: bigint) => w.ecoshare.connect(w.customer).pay(id, w.tokenAddress, amount, NO_REFERRER, ORDER, REFUND_TO_PAYER);
        return { ...w, id, pay };
      }

      it("the vendor pool holds exactly 2^112 - 1 and not a wei more", async function () {
        const { ecoshare, id, pay } = await tokenAgreementAt(0);
        await expect(pay(MAX_POOL + 1n)).to.be.revertedWithCustomError(ecoshare, "AmountTooLarge").withArgs(MAX_POOL + 1n);
        await expect(pay(MAX_POOL - 1n)).to.emit(ecoshare, "PaymentSplit");
        await expect(pay(1n)).to.emit(ecoshare, "PaymentSplit");
        expect((await ecoshare.agreement(id)).vendorPool).to.equal(MAX_POOL);
        await expect(pay(1n)).to.be.revertedWithCustomError(ecoshare, "AmountTooLarge").withArgs(MAX_POOL + 1n);
        expect((await ecoshare.agreement(id)).vendorPool).to.equal(MAX_POOL);
      });

      it("the network fees hold exactly 2^104 - 1 and not a wei more, with the pool far from its bound", async function () {
        const { ecoshare, id, pay, tokenAddress } = await tokenAgreementAt(1_000);
        // 10% of this is exactly MAX_FEES (floor), and the vendor share (about 2^107.2) fits easily.
        const amount = 10n * MAX_FEES + 9n;
        await expect(pay(amount + 1n)).to.be.revertedWithCustomError(ecoshare, "AmountTooLarge").withArgs(MAX_FEES + 1n);
        await expect(pay(amount)).to.emit(ecoshare, "PaymentSplit");
        const a = await ecoshare.agreement(id);
        expect([a.networkFees, a.vendorPool]).to.deep.equal([MAX_FEES, amount - MAX_FEES]);
        // A payment too small to carry a fee still fits; one that carries 1 wei of fee does not.
        await expect(pay(9n)).to.emit(ecoshare, "PaymentSplit");
        await expect(pay(10n)).to.be.revertedWithCustomError(ecoshare, "AmountTooLarge").withArgs(MAX_FEES + 1n);
        expect((await ecoshare.agreement(id)).networkFees).to.equal(MAX_FEES);
        await expectSolvent(ecoshare, tokenAddress);
      });
    });

    it("refuses plain ETH sent without a payment", async function () {
      const { ecoshareAddress, customer } = await networkHelpers.loadFixture(paymentsFixture);
      await expect(customer.sendTransaction({ to: ecoshareAddress, value: 1n })).to.revert(ethers);
    });
  });
});
