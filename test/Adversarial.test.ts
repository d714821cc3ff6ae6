/**
 * Hostile recipients, tokens and wallets (contracts/mocks/). Each one either works safely or is rejected with
 * a clear custom error, and afterwards Ecoshare still holds exactly what it owes.
 */
import { expect } from "chai";
import { network } from "hardhat";

import type {
  FalseReturningToken,
  FeeOnTransferToken,
  GasBurningRecipient,
  NoReturnToken,
  OwnedERC1271Wallet,
  PermissiveERC1271Wallet,
  ReentrantRecipient,
} from "../types/ethers-contracts/index.js";
import * as h from "./helpers/ecoshare.js";
import { AgreementStatus, ETH, NO_REFERRER, ORDER } from "./helpers/ecoshare.js";
import { REFUND_TO_PAYER } from "./helpers/payments.js";
import { expectSolvent } from "./helpers/solvency.js";
import { activeAgreement, deployMemberContract, deployWorld, type World } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

const PAYMENT = 10_000n;
/** Each of the two parties' half of PAYMENT after the 1% network fee. */
const HALF = 4_950n;

/** An active ETH agreement between alice (50%) and the contract account `account` (50%), paid PAYMENT wei. */
async function withContractParty(w: World, account: { address: `0x${string}`; call: (t: string, d: string) => Promise<unknown> }) {
  const parties = [
    { account: w.alice.address as `0x${string}`, shareBps: 5_000 },
    { account: account.address, shareBps: 5_000 },
  ];
  const { id } = await activeAgreement(w, { parties }, [w.alice]);
  await account.call(w.ecoshareAddress, w.ecoshare.interface.encodeFunctionData("accept", [id]));
  expect((await w.ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Active));
  await w.ecoshare.connect(w.customer).pay(id, ETH, PAYMENT, NO_REFERRER, ORDER, REFUND_TO_PAYER, { value: PAYMENT });
  return id;
}

async function reentrantFixture() {
  const w = await deployWorld(ethers);
  const attacker = await deployMemberContract<ReentrantRecipient>(w, "ReentrantRecipient", w.dave);
  const id = await withContractParty(w, attacker);
  // Give alice a referral balance too, so there is someone else's money to aim at.
  await w.ecoshare.connect(w.customer).pay(id, ETH, PAYMENT, w.alice.address, ORDER, REFUND_TO_PAYER, { value: PAYMENT });
  return { ...w, attacker, id };
}

async function gasBurnerFixture() {
  const w = await deployWorld(ethers);
  const burner = await deployMemberContract<GasBurningRecipient>(w, "GasBurningRecipient", w.dave);
  const id = await withContractParty(w, burner);
  return { ...w, burner, id };
}

async function tokensFixture() {
  const w = await deployWorld(ethers);
  const deploy = async <T>(name: string) => {
    const contract = await ethers.deployContract(name);
    return { contract: contract as unknown as T, address: (await contract.getAddress()) as `0x${string}` };
  };
  return {
    ...w,
    feeToken: await deploy<FeeOnTransferToken>("FeeOnTransferToken"),
    falseToken: await deploy<FalseReturningToken>("FalseReturningToken"),
    noReturnToken: await deploy<NoReturnToken>("NoReturnToken"),
  };
}

async function walletsFixture() {
  const w = await deployWorld(ethers);
  const yes = await deployMemberContract<PermissiveERC1271Wallet>(w, "PermissiveERC1271Wallet", w.outsider);
  const owned = await deployMemberContract<OwnedERC1271Wallet>(w, "OwnedERC1271Wallet", w.dave);
  const parties = [
    { account: w.alice.address as `0x${string}`, shareBps: 2_500 },
    { account: w.bob.address as `0x${string}`, shareBps: 2_500 },
    { account: yes.address, shareBps: 2_500 },
    { account: owned.address, shareBps: 2_500 },
  ];
  const terms = await h.makeTerms(w.ecoshare, w.networkId, parties);
  const id = await h.propose(w.ecoshare, w.alice, terms);
  return { ...w, yes, owned, terms, id };
}

describe("Adversarial", function () {
  describe("a recipient that re-enters on receiving ETH", function () {
    type Fixture = Awaited<ReturnType<typeof reentrantFixture>>;
    const reentries: [string, (w: Fixture) => string][] = [
      ["withdraw (its own earnings again)", (w) => w.ecoshare.interface.encodeFunctionData("withdraw", [w.attacker.address, ETH, [w.id]])],
      ["withdraw (alice's balance)", (w) => w.ecoshare.interface.encodeFunctionData("withdraw", [w.alice.address, ETH, []])],
      ["withdrawTo", (w) => w.ecoshare.interface.encodeFunctionData("withdrawTo", [w.dave.address, ETH, [w.id]])],
    ];
    for (const [label, reentry] of reentries) {
      it(`cannot re-enter ${label}; it is paid its due once`, async function () {
        const w = await networkHelpers.loadFixture(reentrantFixture);
        const { ecoshare, attacker, id } = w;
        const due = await ecoshare.collectable(id, attacker.address);
        expect(due).to.equal(2n * HALF - 250n); // two payments, the second with alice's 5% referral fee
        await attacker.contract.arm(w.ecoshareAddress, 0n, reentry(w), false);

        const tx = ecoshare.connect(w.outsider).withdraw(attacker.address, ETH, [id]);
        await expect(tx).to.changeEtherBalances(ethers, [attacker.address, ecoshare], [due, -due]);
        expect(await attacker.contract.attempts()).to.equal(1n);
        expect(await attacker.contract.lastSucceeded()).to.equal(false);
        expect(await attacker.contract.lastResult()).to.equal(ecoshare.interface.getError("ReentrancyGuardReentrantCall")!.selector);
        expect(await ecoshare.balanceOf(w.alice.address, ETH)).to.equal(500n);
        await expectSolvent(ecoshare, ETH);
      });
    }

    it("re-entering pay with the ETH it receives is only a payment like any other (v2: ETH payments take no guard)", async function () {
      const w = await networkHelpers.loadFixture(reentrantFixture);
      const { ecoshare, attacker, id } = w;
      const due = await ecoshare.collectable(id, attacker.address);
      const poolBefore = (await ecoshare.agreement(id)).vendorPool;
      const payData = ecoshare.interface.encodeFunctionData("pay", [id, ETH, due, NO_REFERRER, ORDER, REFUND_TO_PAYER]);
      await attacker.contract.arm(w.ecoshareAddress, due, payData, false);
      // Everything is recorded before the payout, so the re-entered payment finds consistent books.
      const tx = ecoshare.withdraw(attacker.address, ETH, [id]);
      await expect(tx).to.emit(ecoshare, "Withdrawn").withArgs(attacker.address, ETH, attacker.address, due);
      await expect(tx).to.emit(ecoshare, "PaymentSplit").withArgs(id, attacker.address, NO_REFERRER, due, ORDER);
      await expect(tx).to.changeEtherBalances(ethers, [attacker.address, ecoshare], [0n, 0n]);
      expect(await attacker.contract.lastSucceeded()).to.equal(true);
      const fee = due / 100n;
      expect((await ecoshare.agreement(id)).vendorPool).to.equal(poolBefore + due - fee);
      // It collected its due once; of its own re-paid money it may now collect only its half.
      expect(await ecoshare.collectable(id, attacker.address)).to.equal((poolBefore + due - fee) / 2n - due);
      await expectSolvent(ecoshare, ETH);
    });

    it("a failed re-entry that makes the transfer fail leaves everything as it was", async function () {
      const w = await networkHelpers.loadFixture(reentrantFixture);
      const { ecoshare, attacker, id } = w;
      const due = await ecoshare.collectable(id, attacker.address);
      await attacker.contract.arm(w.ecoshareAddress, 0n, ecoshare.interface.encodeFunctionData("withdraw", [attacker.address, ETH, [id]]), true);
      await expect(ecoshare.withdraw(attacker.address, ETH, [id]))
        .to.be.revertedWithCustomError(ecoshare, "NativeTransferFailed")
        .withArgs(attacker.address, due);
      expect(await ecoshare.collectable(id, attacker.address)).to.equal(due);
      await expectSolvent(ecoshare, ETH);
    });

    it("re-entering an unguarded function (terminate) while paid only closes the agreement; nothing is lost", async function () {
      const w = await networkHelpers.loadFixture(reentrantFixture);
      const { ecoshare, attacker, id, alice } = w;
      const pool = (await ecoshare.agreement(id)).vendorPool;
      await attacker.contract.arm(w.ecoshareAddress, 0n, ecoshare.interface.encodeFunctionData("terminate", [id]), false);
      const first = await ecoshare.collectable(id, attacker.address);
      await ecoshare.withdraw(attacker.address, ETH, [id]);
      expect(await attacker.contract.lastSucceeded()).to.equal(true);
      expect((await ecoshare.agreement(id)).status).to.equal(BigInt(AgreementStatus.Terminated));
      const second = await ecoshare.collectable(id, attacker.address);
      const alices = await ecoshare.collectable(id, alice.address);
      expect(first + second + alices).to.equal(pool);
      await expectSolvent(ecoshare, ETH);
    });
  });

  describe("a recipient that re-enters while collect pays it (collect takes no guard)", function () {
    /** The attacker also referred a payment, so it has a balance besides its earnings. */
    async function collectFixture() {
      const w = await reentrantFixture();
      await w.ecoshare.connect(w.customer).pay(w.id, ETH, PAYMENT, w.attacker.address, ORDER, REFUND_TO_PAYER, { value: PAYMENT });
      return w;
    }

    it("re-entering collect finds nothing left: it is paid its due once", async function () {
      const w = await networkHelpers.loadFixture(collectFixture);
      const { ecoshare, attacker, id } = w;
      const due = await ecoshare.collectable(id, attacker.address);
      await attacker.contract.arm(w.ecoshareAddress, 0n, ecoshare.interface.encodeFunctionData("claim", [id]), false);
      const tx = attacker.call(w.ecoshareAddress, ecoshare.interface.encodeFunctionData("claim", [id]));
      await expect(tx).to.changeEtherBalances(ethers, [attacker.address, ecoshare], [due, -due]);
      expect(await attacker.contract.attempts()).to.equal(1n);
      expect(await attacker.contract.lastSucceeded()).to.equal(false);
      expect(await attacker.contract.lastResult()).to.equal(ecoshare.interface.encodeErrorResult("NothingToClaim", [id, attacker.address]));
      expect(await ecoshare.balanceOf(attacker.address, ETH)).to.equal(500n);
      await expectSolvent(ecoshare, ETH);
    });

    it("re-entering withdraw pays only what is still owed: its balance, not its earnings again", async function () {
      const w = await networkHelpers.loadFixture(collectFixture);
      const { ecoshare, attacker, id } = w;
      const due = await ecoshare.collectable(id, attacker.address);
      await attacker.contract.arm(w.ecoshareAddress, 0n, ecoshare.interface.encodeFunctionData("withdraw", [attacker.address, ETH, [id]]), false);
      const tx = attacker.call(w.ecoshareAddress, ecoshare.interface.encodeFunctionData("claim", [id]));
      await expect(tx).to.emit(ecoshare, "EarningsPaid").withArgs(id, attacker.address, due, 0n);
      await expect(tx).to.emit(ecoshare, "Withdrawn").withArgs(attacker.address, ETH, attacker.address, 500n);
      await expect(tx).not.to.emit(ecoshare, "EarningsCollected");
      await expect(tx).to.changeEtherBalances(ethers, [attacker.address, ecoshare], [due + 500n, -(due + 500n)]);
      expect(await attacker.contract.lastSucceeded()).to.equal(true);
      expect(await ecoshare.collectable(id, attacker.address)).to.equal(0n);
      expect(await ecoshare.balanceOf(attacker.address, ETH)).to.equal(0n);
      expect(await ecoshare.balanceOf(w.alice.address, ETH)).to.equal(500n);
      await expectSolvent(ecoshare, ETH);
    });

    it("re-entering collect from withdraw finds nothing left either", async function () {
      const w = await networkHelpers.loadFixture(collectFixture);
      const { ecoshare, attacker, id } = w;
      const due = (await ecoshare.collectable(id, attacker.address)) + 500n;
      await attacker.contract.arm(w.ecoshareAddress, 0n, ecoshare.interface.encodeFunctionData("claim", [id]), false);
      await expect(ecoshare.withdraw(attacker.address, ETH, [id])).to.changeEtherBalance(ethers, attacker.address, due);
      expect(await attacker.contract.lastResult()).to.equal(ecoshare.interface.encodeErrorResult("NothingToClaim", [id, attacker.address]));
      await expectSolvent(ecoshare, ETH);
    });
  });

  describe("a recipient that burns all the gas it is sent", function () {
    it("fails its own withdrawal with NativeTransferFailed; the others are unaffected", async function () {
      const { ecoshare, ecoshareAddress, burner, id, alice, dave } = await networkHelpers.loadFixture(gasBurnerFixture);
      await expect(ecoshare.withdraw(burner.address, ETH, [id], { gasLimit: 1_000_000n }))
        .to.be.revertedWithCustomError(ecoshare, "NativeTransferFailed")
        .withArgs(burner.address, HALF);
      await expect(ecoshare.withdraw(alice.address, ETH, [id])).to.changeEtherBalance(ethers, alice, HALF);
      await expectSolvent(ecoshare, ETH);
      // It can still move its own money to an address that takes it.
      await expect(
        burner.call(ecoshareAddress, ecoshare.interface.encodeFunctionData("withdrawTo", [dave.address, ETH, [id]])),
      ).to.changeEtherBalances(ethers, [ecoshare, burner.address], [-HALF, 0n]);
      expect(await ethers.provider.getBalance(ecoshareAddress)).to.equal(100n); // the network fee, not yet collected
      await expectSolvent(ecoshare, ETH);
    });
  });

  describe("hostile tokens", function () {
    it("a fee-on-transfer token is refused with TokenDeliveryShortfall", async function () {
      const w = await networkHelpers.loadFixture(tokensFixture);
      const { contract: token, address } = w.feeToken;
      const { id } = await activeAgreement(w, { asset: address });
      await token.mint(w.customer.address, 1_000_000n);
      await token.connect(w.customer).approve(w.ecoshareAddress, 1_000_000n);
      await expect(w.ecoshare.connect(w.customer).pay(id, address, 1_000_000n, w.referrer.address, ORDER, REFUND_TO_PAYER))
        .to.be.revertedWithCustomError(w.ecoshare, "TokenDeliveryShortfall")
        .withArgs(address, 1_000_000n, 990_000n);
      expect(await token.balanceOf(w.ecoshareAddress)).to.equal(0n);
      expect((await w.ecoshare.agreement(id)).vendorPool).to.equal(0n);
      await expectSolvent(w.ecoshare, address);
    });

    it("a token whose transfers return false is refused with SafeERC20FailedOperation", async function () {
      const w = await networkHelpers.loadFixture(tokensFixture);
      const { contract: token, address } = w.falseToken;
      const { id } = await activeAgreement(w, { asset: address });
      await token.mint(w.customer.address, 1_000_000n);
      await token.connect(w.customer).approve(w.ecoshareAddress, 1_000_000n);
      await expect(w.ecoshare.connect(w.customer).pay(id, address, 1_000_000n, NO_REFERRER, ORDER, REFUND_TO_PAYER))
        .to.be.revertedWithCustomError(w.ecoshare, "SafeERC20FailedOperation")
        .withArgs(address);
      expect((await w.ecoshare.agreement(id)).vendorPool).to.equal(0n);
      await expectSolvent(w.ecoshare, address);
    });

    it("a token whose transfers return nothing (USDT-style) works for payments and withdrawals", async function () {
      const w = await networkHelpers.loadFixture(tokensFixture);
      const { contract: token, address } = w.noReturnToken;
      const { id } = await activeAgreement(w, { asset: address });
      await token.mint(w.customer.address, 1_000_000n);
      await token.connect(w.customer).approve(w.ecoshareAddress, 1_000_000n);
      const pay = w.ecoshare.connect(w.customer).pay(id, address, 1_000_000n, w.referrer.address, ORDER, REFUND_TO_PAYER);
      await expect(pay)
        .to.emit(w.ecoshare, "PaymentSplit")
        .withArgs(id, w.customer.address, w.referrer.address, 1_000_000n, ORDER);
      await expect(pay).to.changeTokenBalances(ethers, token, [w.customer, w.ecoshare], [-1_000_000n, 1_000_000n]);
      expect(await w.ecoshare.balanceOf(w.referrer.address, address)).to.equal(50_000n);
      expect((await w.ecoshare.agreement(id)).networkFees).to.equal(10_000n);
      await expectSolvent(w.ecoshare, address);

      await expect(w.ecoshare.withdraw(w.alice.address, address, [id])).to.changeTokenBalances(
        ethers,
        token,
        [w.alice, w.ecoshare],
        [470_000n, -470_000n],
      );
      await expect(w.ecoshare.withdraw(w.referrer.address, address, [])).to.changeTokenBalance(ethers, token, w.referrer, 50_000n);
      // Without an allowance the token reverts, and so does the payment.
      await expect(w.ecoshare.connect(w.customer).pay(id, address, 1n, NO_REFERRER, ORDER, REFUND_TO_PAYER)).to.be.revertedWithCustomError(
        token,
        "NoReturnTokenInsufficient",
      );
      await expectSolvent(w.ecoshare, address);
    });
  });

  describe("an ERC-1271 wallet that says yes to everything", function () {
    it("accepts for itself", async function () {
      const { ecoshare, yes, id } = await networkHelpers.loadFixture(walletsFixture);
      await expect(ecoshare.acceptWithSignatures(id, [{ signer: yes.address, deadline: h.DAY ** 2n, signature: "0x" }]))
        .to.emit(ecoshare, "AgreementAccepted")
        .withArgs(id, yes.address, true);
    });

    it("cannot accept for another party, an EOA or a wallet", async function () {
      const { ecoshare, yes, owned, id, bob } = await networkHelpers.loadFixture(walletsFixture);
      const deadline = h.DAY ** 2n;
      // Whatever the bytes, including the digest signed by nobody and a 65-byte blob.
      for (const signature of ["0x", "0x" + "11".repeat(65)]) {
        await expect(ecoshare.acceptWithSignatures(id, [{ signer: bob.address, deadline, signature }]))
          .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
          .withArgs(id, bob.address);
        await expect(ecoshare.acceptWithSignatures(id, [{ signer: owned.address, deadline, signature }]))
          .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
          .withArgs(id, owned.address);
      }
      // Its own acceptance first in a batch does not carry the others.
      await expect(
        ecoshare.acceptWithSignatures(id, [
          { signer: yes.address, deadline, signature: "0x" },
          { signer: bob.address, deadline, signature: "0x" },
        ]),
      )
        .to.be.revertedWithCustomError(ecoshare, "InvalidAcceptanceSignature")
        .withArgs(id, bob.address);
      expect(await ecoshare.hasAccepted(id, bob.address)).to.equal(false);
      expect(await ecoshare.hasAccepted(id, owned.address)).to.equal(false);
    });

    it("cannot accept an agreement it is not a party of", async function () {
      const w = await networkHelpers.loadFixture(walletsFixture);
      const terms = await h.makeTerms(w.ecoshare, w.networkId, [{ account: w.bob.address as `0x${string}`, shareBps: 10_000 }]);
      const other = await h.propose(w.ecoshare, w.alice, terms);
      await expect(w.ecoshare.acceptWithSignatures(other, [{ signer: w.yes.address, deadline: h.DAY ** 2n, signature: "0x" }]))
        .to.be.revertedWithCustomError(w.ecoshare, "NotAgreementParty")
        .withArgs(other, w.yes.address);
    });
  });
});
