/**
 * Refund recipients: a held payment is refunded to the `refundTo` it was paid with (address(0): the payer),
 * bound into its record so nobody can redirect it. A checkout router paying for a customer must name the
 * customer, or the refund lands with the router.
 */
import { expect } from "chai";
import { network } from "hardhat";

import type { CheckoutRouter } from "../types/ethers-contracts/index.js";
import * as h from "./helpers/ecoshare.js";
import { ETH, NO_REFERRER, ORDER } from "./helpers/ecoshare.js";
import { heldPaymentsOf, orderLine, REFUND_TO_PAYER, tokenPermit } from "./helpers/payments.js";
import { expectSolvent } from "./helpers/solvency.js";
import { activeAgreement, deployWorld } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

const HOUR = 3_600;
const AMOUNT = 1_000_000n;

/** Held agreements (1 hour, refunded by alice) of alice and bob: `id` in ETH, `tokenId` in dUSD; two checkout routers. */
async function refundsFixture() {
  const w = await deployWorld(ethers);
  const held = { holdbackPeriod: HOUR, refunder: w.alice.address as `0x${string}`, parties: h.equalShares([w.alice.address, w.bob.address]) };
  const id = (await activeAgreement(w, held, [w.alice, w.bob])).id;
  const tokenId = (await activeAgreement(w, { ...held, asset: w.tokenAddress }, [w.alice, w.bob])).id;
  const deployRouter = async (namesCustomer: boolean) => {
    const router = (await ethers.deployContract("CheckoutRouter", [w.ecoshareAddress, namesCustomer])) as unknown as CheckoutRouter;
    return { router, address: (await router.getAddress()) as `0x${string}` };
  };
  return { ...w, id, tokenId, router: await deployRouter(true), naiveRouter: await deployRouter(false) };
}

describe("Refund recipients", function () {
  it("pay with refundTo: the refund credits the named customer, not the payer", async function () {
    const f = await networkHelpers.loadFixture(refundsFixture);
    // outsider pays for the customer (a gift, a company card).
    const tx = f.ecoshare.connect(f.outsider).pay(f.id, ETH, AMOUNT, f.referrer.address, ORDER, f.customer.address, { value: AMOUNT });
    await expect(tx).to.emit(f.ecoshare, "PaymentSplit").withArgs(f.id, f.outsider.address, f.referrer.address, AMOUNT, ORDER);
    const [held] = await heldPaymentsOf(tx, f.ecoshare);
    expect([held!.payer, held!.refundTo]).to.deep.equal([f.outsider.address, f.customer.address]);
    await expect(f.ecoshare.connect(f.alice).refundHeldPayment(held!))
      .to.emit(f.ecoshare, "HeldPaymentRefunded")
      .withArgs(held!.holdId, f.id, f.customer.address, AMOUNT);
    expect(await f.ecoshare.balanceOf(f.customer.address, ETH)).to.equal(AMOUNT);
    expect(await f.ecoshare.balanceOf(f.outsider.address, ETH)).to.equal(0n);
    await expect(f.ecoshare.withdraw(f.customer.address, ETH, [])).to.changeEtherBalance(ethers, f.customer, AMOUNT);
    await expectSolvent(f.ecoshare, ETH);
  });

  it("pay with refundTo = address(0): the refund credits the payer", async function () {
    const f = await networkHelpers.loadFixture(refundsFixture);
    const tx = f.ecoshare.connect(f.customer).pay(f.id, ETH, AMOUNT, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: AMOUNT });
    const [held] = await heldPaymentsOf(tx, f.ecoshare);
    expect(held!.refundTo).to.equal(f.customer.address);
    await expect(f.ecoshare.connect(f.alice).refundHeldPayment(held!))
      .to.emit(f.ecoshare, "HeldPaymentRefunded")
      .withArgs(held!.holdId, f.id, f.customer.address, AMOUNT);
    expect(await f.ecoshare.balanceOf(f.customer.address, ETH)).to.equal(AMOUNT);
  });

  it("refuses Ecoshare itself as refund recipient, where a refund could never be withdrawn", async function () {
    const f = await networkHelpers.loadFixture(refundsFixture);
    await expect(f.ecoshare.connect(f.customer).pay(f.id, ETH, AMOUNT, NO_REFERRER, ORDER, f.ecoshareAddress, { value: AMOUNT }))
      .to.be.revertedWithCustomError(f.ecoshare, "InvalidRefundRecipient")
      .withArgs(f.ecoshareAddress);
  });

  it("the refund recipient is bound into the record: the refunder cannot redirect a refund", async function () {
    const f = await networkHelpers.loadFixture(refundsFixture);
    const tx = f.ecoshare.connect(f.outsider).pay(f.id, ETH, AMOUNT, NO_REFERRER, ORDER, f.customer.address, { value: AMOUNT });
    const [held] = await heldPaymentsOf(tx, f.ecoshare);
    for (const to of [f.alice.address, f.outsider.address]) {
      await expect(f.ecoshare.connect(f.alice).refundHeldPayment({ ...held!, refundTo: to }))
        .to.be.revertedWithCustomError(f.ecoshare, "UnknownHeldPayment")
        .withArgs(held!.holdId);
    }
    expect(await f.ecoshare.balanceOf(f.alice.address, ETH)).to.equal(0n);
  });

  it("payWithPermit with refundTo credits the named customer's token balance", async function () {
    const f = await networkHelpers.loadFixture(refundsFixture);
    await f.token.mint(f.outsider.address, AMOUNT);
    const deadline = BigInt(await networkHelpers.time.latest()) + h.DAY;
    const { v, r, s } = await tokenPermit(f.token, f.outsider, f.ecoshareAddress, AMOUNT, deadline);
    const tx = f.ecoshare
      .connect(f.outsider)
      .payWithPermit(f.tokenId, f.tokenAddress, AMOUNT, NO_REFERRER, ORDER, f.customer.address, deadline, v, r, s);
    const [held] = await heldPaymentsOf(tx, f.ecoshare);
    await expect(f.ecoshare.connect(f.alice).refundHeldPayment(held!))
      .to.emit(f.ecoshare, "HeldPaymentRefunded")
      .withArgs(held!.holdId, f.tokenId, f.customer.address, AMOUNT);
    expect(await f.ecoshare.balanceOf(f.customer.address, f.tokenAddress)).to.equal(AMOUNT);
    expect(await f.ecoshare.balanceOf(f.outsider.address, f.tokenAddress)).to.equal(0n);
    await expectSolvent(f.ecoshare, f.tokenAddress);
  });

  it("payOrder with refundTo: every held line refunds to the named customer", async function () {
    const f = await networkHelpers.loadFixture(refundsFixture);
    await f.token.mint(f.outsider.address, AMOUNT);
    await f.token.connect(f.outsider).approve(f.ecoshareAddress, AMOUNT);
    const lines = [orderLine(f.id, ETH, AMOUNT), orderLine(f.tokenId, f.tokenAddress, AMOUNT)];
    const tx = f.ecoshare.connect(f.outsider).payOrder(lines, ORDER, f.customer.address, [], { value: AMOUNT });
    await expect(tx).to.emit(f.ecoshare, "OrderPaid").withArgs(f.outsider.address, ORDER, 2n, f.customer.address);
    const records = await heldPaymentsOf(tx, f.ecoshare);
    expect(records.map((r) => [r.payer, r.refundTo])).to.deep.equal([
      [f.outsider.address, f.customer.address],
      [f.outsider.address, f.customer.address],
    ]);
    for (const held of records) await f.ecoshare.connect(f.alice).refundHeldPayment(held);
    expect(await f.ecoshare.balanceOf(f.customer.address, ETH)).to.equal(AMOUNT);
    expect(await f.ecoshare.balanceOf(f.customer.address, f.tokenAddress)).to.equal(AMOUNT);
    expect(await f.ecoshare.balanceOf(f.outsider.address, ETH)).to.equal(0n);
    expect(await f.ecoshare.balanceOf(f.outsider.address, f.tokenAddress)).to.equal(0n);
  });

  it("payOrder without refundTo: the payer is the recipient", async function () {
    const f = await networkHelpers.loadFixture(refundsFixture);
    const tx = f.ecoshare.connect(f.customer).payOrder([orderLine(f.id, ETH, AMOUNT)], ORDER, REFUND_TO_PAYER, [], { value: AMOUNT });
    const [held] = await heldPaymentsOf(tx, f.ecoshare);
    expect(held!.refundTo).to.equal(f.customer.address);
    await f.ecoshare.connect(f.alice).refundHeldPayment(held!);
    expect(await f.ecoshare.balanceOf(f.customer.address, ETH)).to.equal(AMOUNT);
  });

  describe("a checkout router that cannot receive ETH pays for a customer", function () {
    it("naming the customer as refundTo: the customer is refunded and withdraws it", async function () {
      const f = await networkHelpers.loadFixture(refundsFixture);
      const { router, address } = f.router;
      const tx = router.connect(f.customer).checkout(f.id, f.referrer.address, ORDER, { value: AMOUNT });
      await expect(tx).to.emit(f.ecoshare, "PaymentSplit").withArgs(f.id, address, f.referrer.address, AMOUNT, ORDER);
      await expect(tx).to.changeEtherBalances(ethers, [f.customer, address, f.ecoshare], [-AMOUNT, 0n, AMOUNT]);
      const [held] = await heldPaymentsOf(tx, f.ecoshare);
      expect([held!.payer, held!.refundTo]).to.deep.equal([address, f.customer.address]);
      await expect(f.ecoshare.connect(f.alice).refundHeldPayment(held!))
        .to.emit(f.ecoshare, "HeldPaymentRefunded")
        .withArgs(held!.holdId, f.id, f.customer.address, AMOUNT);
      expect(await f.ecoshare.balanceOf(address, ETH)).to.equal(0n);
      await expect(f.ecoshare.connect(f.customer).withdraw(f.customer.address, ETH, [])).to.changeEtherBalances(
        ethers,
        [f.customer, f.ecoshare],
        [AMOUNT, -AMOUNT],
      );
      await expectSolvent(f.ecoshare, ETH);
    });

    it("a customer paying through the router cannot name itself as referrer (SelfReferral sees refundTo)", async function () {
      const f = await networkHelpers.loadFixture(refundsFixture);
      // dave is an active member, so as his own referrer he would earn the fee on his own purchase.
      await expect(f.router.router.connect(f.dave).checkout(f.id, f.dave.address, ORDER, { value: AMOUNT }))
        .to.be.revertedWithCustomError(f.ecoshare, "SelfReferral")
        .withArgs(f.dave.address);
    });

    it("naming the customer in an order: each held line refunds to the customer", async function () {
      const f = await networkHelpers.loadFixture(refundsFixture);
      const { router, address } = f.router;
      const lines = [orderLine(f.id, ETH, AMOUNT), orderLine(f.id, ETH, 2n * AMOUNT, f.referrer.address)];
      const tx = router.connect(f.customer).checkoutOrder(lines, ORDER, { value: 3n * AMOUNT });
      await expect(tx).to.emit(f.ecoshare, "OrderPaid").withArgs(address, ORDER, 2n, f.customer.address);
      const records = await heldPaymentsOf(tx, f.ecoshare);
      for (const held of records) await f.ecoshare.connect(f.alice).refundHeldPayment(held);
      expect(await f.ecoshare.balanceOf(f.customer.address, ETH)).to.equal(3n * AMOUNT);
      expect(await f.ecoshare.balanceOf(address, ETH)).to.equal(0n);
    });

    it("without refundTo the refund is credited to the router, out of the customer's reach", async function () {
      const f = await networkHelpers.loadFixture(refundsFixture);
      const { router, address } = f.naiveRouter;
      const tx = router.connect(f.customer).checkout(f.id, NO_REFERRER, ORDER, { value: AMOUNT });
      const [held] = await heldPaymentsOf(tx, f.ecoshare);
      expect(held!.refundTo).to.equal(address);
      await expect(f.ecoshare.connect(f.alice).refundHeldPayment(held!))
        .to.emit(f.ecoshare, "HeldPaymentRefunded")
        .withArgs(held!.holdId, f.id, address, AMOUNT);
      expect(await f.ecoshare.balanceOf(f.customer.address, ETH)).to.equal(0n);
      expect(await f.ecoshare.balanceOf(address, ETH)).to.equal(AMOUNT);
      // The router cannot take ETH, and has no way to call withdrawTo: the refund stays where it is.
      await expect(f.customer.sendTransaction({ to: address, value: 1n })).to.revert(ethers);
      await expect(f.ecoshare.withdraw(f.customer.address, ETH, []))
        .to.be.revertedWithCustomError(f.ecoshare, "NothingToWithdraw")
        .withArgs(f.customer.address, ETH);
      await expect(f.ecoshare.withdraw(address, ETH, []))
        .to.be.revertedWithCustomError(f.ecoshare, "NativeTransferFailed")
        .withArgs(address, AMOUNT);
      await expectSolvent(f.ecoshare, ETH);
    });
  });
});
