/**
 * The rounding rule of contracts/libraries/SplitMath.sol: fees round down per payment; while an agreement can
 * still take payments a party may collect floor(pool * share / 10,000); once it is closed (terminated,
 * superseded or expired) it may collect its exact prefix slice, so the parties' collections add up to the
 * vendor pool to the wei.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";

import type { Party } from "../client/eip712.js";
import * as h from "./helpers/ecoshare.js";
import { ETH, NO_REFERRER, ORDER } from "./helpers/ecoshare.js";
import { REFUND_TO_PAYER } from "./helpers/payments.js";
import { expectSolvent } from "./helpers/solvency.js";
import { activeAgreement, deployWorld, type World } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

/** What a party owning [start, start + share) may collect from a pool, open and final. */
function openEntitlement(pool: bigint, share: number) {
  return (pool * BigInt(share)) / h.BPS;
}
function finalEntitlement(pool: bigint, start: number, share: number) {
  return (pool * BigInt(start + share)) / h.BPS - (pool * BigInt(start)) / h.BPS;
}

/** A deterministic pseudo-random sequence (xorshift), so a failing run can be replayed. */
function prng(seed: bigint) {
  let x = seed;
  return (bound: bigint) => {
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    return x % bound;
  };
}

async function thirdsFixture() {
  const w = await deployWorld(ethers);
  const parties: Party[] = [
    { account: w.alice.address as `0x${string}`, shareBps: 3_333 },
    { account: w.bob.address as `0x${string}`, shareBps: 3_333 },
    { account: w.carol.address as `0x${string}`, shareBps: 3_334 },
  ];
  const { id, terms } = await activeAgreement(w, { parties });
  return { ...w, id, terms, signers: [w.alice, w.bob, w.carol], shares: [3_333, 3_333, 3_334] };
}

/** Seven parties with awkward shares (1, 1, 1, 3333, 3333, 3330, 1 basis points). */
async function awkwardFixture() {
  const w = await deployWorld(ethers);
  const extra = w.spare.slice(0, 3);
  await h.addMembers(w.ecoshare, w.networkId, w.operator, extra);
  const signers = [w.alice, extra[0]!, w.bob, w.carol, extra[1]!, w.dave, extra[2]!];
  const shares = [1, 1, 1, 3_333, 3_333, 3_330, 1];
  const parties = signers.map((s, i) => ({ account: s.address as `0x${string}`, shareBps: shares[i]! }));
  const { id, terms } = await activeAgreement(w, { parties }, signers);
  return { ...w, id, terms, signers, shares };
}

async function payEth(w: World, id: bigint, amount: bigint, referrer: string = NO_REFERRER) {
  await (await w.ecoshare.connect(w.customer).pay(id, ETH, amount, referrer, ORDER, REFUND_TO_PAYER, { value: amount })).wait();
}

async function collectables(w: World, id: bigint, signers: HardhatEthersSigner[]) {
  return Promise.all(signers.map((s) => w.ecoshare.collectable(id, s.address)));
}

/** Every party withdraws what it may; returns what each received, read from the Withdrawn events. */
async function collectAll(w: World, id: bigint, signers: HardhatEthersSigner[]) {
  const received: bigint[] = [];
  for (const s of signers) {
    const due = await w.ecoshare.collectable(id, s.address);
    if (due === 0n) {
      await expect(w.ecoshare.withdraw(s.address, ETH, [id]))
        .to.be.revertedWithCustomError(w.ecoshare, "NothingToWithdraw")
        .withArgs(s.address, ETH);
      received.push(0n);
    } else {
      await expect(w.ecoshare.withdraw(s.address, ETH, [id])).to.changeEtherBalances(ethers, [s, w.ecoshare], [due, -due]);
      received.push(due);
    }
  }
  return received;
}

describe("Split rounding", function () {
  it("1 wei among 3333/3333/3334: nobody collects while open; the last slice's owner gets it once closed", async function () {
    const w = await networkHelpers.loadFixture(thirdsFixture);
    await payEth(w, w.id, 1n);
    expect((await w.ecoshare.agreement(w.id)).vendorPool).to.equal(1n);
    expect(await collectables(w, w.id, w.signers)).to.deep.equal([0n, 0n, 0n]);
    await expect(w.ecoshare.withdraw(w.carol.address, ETH, [w.id]))
      .to.be.revertedWithCustomError(w.ecoshare, "NothingToWithdraw")
      .withArgs(w.carol.address, ETH);

    await w.ecoshare.connect(w.alice).terminate(w.id);
    expect(await collectables(w, w.id, w.signers)).to.deep.equal([0n, 0n, 1n]);
    expect(await collectAll(w, w.id, w.signers)).to.deep.equal([0n, 0n, 1n]);
    await expectSolvent(w.ecoshare, ETH);
  });

  it("7 wei among 3333/3333/3334: 2 + 2 + 2 while open, 2 + 2 + 3 once closed", async function () {
    const w = await networkHelpers.loadFixture(thirdsFixture);
    for (let i = 0; i < 7; i++) await payEth(w, w.id, 1n);
    expect(await collectables(w, w.id, w.signers)).to.deep.equal([2n, 2n, 2n]);
    // Collecting while open takes the floor, and loses nothing: the rest follows once closed.
    expect(await collectAll(w, w.id, w.signers)).to.deep.equal([2n, 2n, 2n]);
    expect(await collectables(w, w.id, w.signers)).to.deep.equal([0n, 0n, 0n]);
    await w.ecoshare.connect(w.bob).terminate(w.id);
    expect(await collectables(w, w.id, w.signers)).to.deep.equal([0n, 0n, 1n]);
    expect(await collectAll(w, w.id, w.signers)).to.deep.equal([0n, 0n, 1n]);
    expect(await ethers.provider.getBalance(w.ecoshareAddress)).to.equal(0n);
  });

  it("collect hands out the last wei once closed, as withdraw does", async function () {
    const w = await networkHelpers.loadFixture(thirdsFixture);
    for (let i = 0; i < 7; i++) await payEth(w, w.id, 1n);
    await expect(w.ecoshare.connect(w.carol).claim(w.id)).to.emit(w.ecoshare, "EarningsPaid").withArgs(w.id, w.carol.address, 2n, 0n);
    await w.ecoshare.connect(w.bob).terminate(w.id);
    await expect(w.ecoshare.connect(w.carol).claim(w.id)).to.changeEtherBalance(ethers, w.carol, 1n);
    await expect(w.ecoshare.connect(w.alice).claim(w.id)).to.changeEtherBalance(ethers, w.alice, 2n);
    await expect(w.ecoshare.connect(w.bob).claim(w.id)).to.changeEtherBalance(ethers, w.bob, 2n);
    expect(await ethers.provider.getBalance(w.ecoshareAddress)).to.equal(0n);
  });

  describe("with running totals at their uint112 / uint104 bounds", function () {
    const MAX_POOL = 2n ** 112n - 1n;
    const MAX_FEES = 2n ** 104n - 1n;

    /** A dUSD agreement of thirds (3333/3333/3334) with no referral fee, under a network fee of `networkFeeBps`. */
    async function thirdsInTokens(networkFeeBps: number) {
      const w = await networkHelpers.loadFixture(thirdsFixture);
      await w.ecoshare.connect(w.operator).setNetworkFee(w.networkId, w.feeRecipient.address, networkFeeBps);
      const parties = w.shares.map((shareBps, i) => ({ account: w.signers[i]!.address as `0x${string}`, shareBps }));
      const { id } = await activeAgreement(w, { parties, asset: w.tokenAddress, referralFeeBps: 0 });
      await w.token.mint(w.customer.address, 2n ** 113n);
      const pay = (amount: bigint) => w.ecoshare.connect(w.customer).pay(id, w.tokenAddress, amount, NO_REFERRER, ORDER, REFUND_TO_PAYER);
      return { ...w, tokenId: id, pay };
    }

    it("a full pool of 2^112 - 1 is floored while open and shared to the wei once closed", async function () {
      const w = await thirdsInTokens(0);
      await w.pay(MAX_POOL - 2n);
      await w.pay(2n);
      expect((await w.ecoshare.agreement(w.tokenId)).vendorPool).to.equal(MAX_POOL);
      const open = await collectables(w, w.tokenId, w.signers);
      expect(open).to.deep.equal(w.shares.map((s) => openEntitlement(MAX_POOL, s)));
      expect(open.reduce((a, b) => a + b, 0n) < MAX_POOL).to.equal(true);
      // Alice collects her floor while open; the rest follows once closed.
      await w.ecoshare.connect(w.alice).claim(w.tokenId);
      await w.ecoshare.connect(w.bob).terminate(w.tokenId);
      const starts = [0, 3_333, 6_666];
      const final = w.shares.map((s, i) => finalEntitlement(MAX_POOL, starts[i]!, s));
      expect(await collectables(w, w.tokenId, w.signers)).to.deep.equal([final[0]! - open[0]!, final[1]!, final[2]!]);
      // The first slice starts at 0: its exact share is its floor, so alice has nothing more to collect.
      expect(final[0]).to.equal(open[0]);
      await expect(w.ecoshare.connect(w.alice).claim(w.tokenId))
        .to.be.revertedWithCustomError(w.ecoshare, "NothingToClaim")
        .withArgs(w.tokenId, w.alice.address);
      await w.ecoshare.connect(w.bob).claim(w.tokenId);
      await w.ecoshare.withdraw(w.carol.address, w.tokenAddress, [w.tokenId]);
      for (const [i, s] of w.signers.entries()) expect(await w.token.balanceOf(s.address), `party ${i}`).to.equal(final[i]!);
      expect(final.reduce((a, b) => a + b, 0n)).to.equal(MAX_POOL);
      expect(await w.token.balanceOf(w.ecoshareAddress)).to.equal(0n);
      await expectSolvent(w.ecoshare, w.tokenAddress);
    });

    it("network fees at 2^104 - 1 are collected to the wei, and each payment's fee still rounds down", async function () {
      const w = await thirdsInTokens(1_000);
      // 10% of 10 * MAX_FEES + 9 is MAX_FEES exactly: the 9 base units of fee-less remainder go to the pool.
      const amount = 10n * MAX_FEES + 9n;
      await w.pay(amount);
      const a = await w.ecoshare.agreement(w.tokenId);
      expect([a.networkFees, a.vendorPool]).to.deep.equal([MAX_FEES, amount - MAX_FEES]);
      await expect(w.ecoshare.connect(w.feeRecipient).claim(w.tokenId))
        .to.emit(w.ecoshare, "EarningsPaid")
        .withArgs(w.tokenId, w.feeRecipient.address, 0n, MAX_FEES);
      expect(await w.token.balanceOf(w.feeRecipient.address)).to.equal(MAX_FEES);
      // Collected fees do not free room: the running total is cumulative.
      await expect(w.pay(10n)).to.be.revertedWithCustomError(w.ecoshare, "AmountTooLarge").withArgs(MAX_FEES + 1n);
      await expectSolvent(w.ecoshare, w.tokenAddress);
    });
  });

  it("the open entitlement never exceeds the final one and never decreases as the pool grows", async function () {
    const w = await networkHelpers.loadFixture(awkwardFixture);
    const starts = w.shares.map((_, i) => w.shares.slice(0, i).reduce((a, b) => a + b, 0));
    let previous = w.shares.map(() => 0n);
    for (const amount of [1n, 1n, 3n, 9_999n, 10_001n, 7n, 123_456_789n]) {
      await payEth(w, w.id, amount);
      const pool = (await w.ecoshare.agreement(w.id)).vendorPool;
      const now = await collectables(w, w.id, w.signers);
      expect(now).to.deep.equal(w.shares.map((s) => openEntitlement(pool, s)));
      for (const [i, value] of now.entries()) {
        expect(value >= previous[i]!, `party ${i} went down`).to.equal(true);
        expect(value <= finalEntitlement(pool, starts[i]!, w.shares[i]!), `party ${i} above its slice`).to.equal(true);
      }
      previous = now;
    }
  });

  for (const closing of ["terminated", "superseded", "expired"] as const) {
    it(`awkward shares and amounts, collected along the way, add up to the pool to the wei once ${closing}`, async function () {
      const w = await networkHelpers.loadFixture(awkwardFixture);
      const random = prng(0x5eed_0000n + BigInt(closing.length));
      const starts = w.shares.map((_, i) => w.shares.slice(0, i).reduce((a, b) => a + b, 0));
      const received = w.signers.map(() => 0n);
      let networkFees = 0n;
      let referralFees = 0n;
      for (let round = 0; round < 30; round++) {
        const amount = random(3n) === 0n ? 1n + random(20n) : 1n + random(10n ** 18n);
        const referred = random(2n) === 0n;
        await payEth(w, w.id, amount, referred ? w.referrer.address : NO_REFERRER);
        networkFees += (amount * 100n) / h.BPS;
        if (referred) referralFees += (amount * 500n) / h.BPS;
        if (random(4n) === 0n) {
          const i = Number(random(BigInt(w.signers.length)));
          const s = w.signers[i]!;
          const due = await w.ecoshare.collectable(w.id, s.address);
          if (due > 0n) {
            await w.ecoshare.connect(w.outsider).withdraw(s.address, ETH, [w.id]);
            received[i]! += due;
          }
        }
      }
      await expectSolvent(w.ecoshare, ETH);

      if (closing === "terminated") {
        await w.ecoshare.connect(w.signers[3]!).terminate(w.id);
      } else if (closing === "superseded") {
        const terms2 = { ...w.terms, termsURI: "ipfs://v2" };
        const id2 = await h.propose(w.ecoshare, w.alice, terms2, w.id);
        const sigs = [];
        for (const s of w.signers.slice(1)) sigs.push(await h.signAcceptance(w.ecoshare, s, id2, terms2, terms2.validUntil));
        await w.ecoshare.acceptWithSignatures(id2, sigs);
      } else {
        // At the last second of the window the pool can still grow: only the floor is collectable.
        const pool = (await w.ecoshare.agreement(w.id)).vendorPool;
        await networkHelpers.time.increaseTo(w.terms.validUntil);
        const atEnd = await collectables(w, w.id, w.signers);
        expect(atEnd).to.deep.equal(w.shares.map((s, i) => openEntitlement(pool, s) - received[i]!));
        await networkHelpers.time.increase(1);
      }

      const pool = (await w.ecoshare.agreement(w.id)).vendorPool;
      // The floors alone leave wei behind: only the closed rule hands them out.
      expect(w.shares.reduce((sum, s) => sum + openEntitlement(pool, s), 0n) < pool).to.equal(true);
      const last = await collectAll(w, w.id, w.signers);
      for (const [i, value] of last.entries()) {
        expect(received[i]! + value, `party ${i}`).to.equal(finalEntitlement(pool, starts[i]!, w.shares[i]!));
      }
      const total = received.reduce((a, b) => a + b, 0n) + last.reduce((a, b) => a + b, 0n);
      expect(total).to.equal(pool);
      expect(await w.ecoshare.collectable(w.id, w.alice.address)).to.equal(0n);

      // With the fees collected too, Ecoshare holds nothing more of this agreement's money.
      await expect(w.ecoshare.withdraw(w.feeRecipient.address, ETH, [w.id])).to.changeEtherBalance(
        ethers,
        w.feeRecipient,
        networkFees,
      );
      if (referralFees > 0n) {
        await expect(w.ecoshare.withdraw(w.referrer.address, ETH, [])).to.changeEtherBalance(ethers, w.referrer, referralFees);
      }
      await expectSolvent(w.ecoshare, ETH);
      expect(await ethers.provider.getBalance(w.ecoshareAddress)).to.equal(0n);
    });
  }
});
