/**
 * The rounding rule of contracts/libraries/SplitMath.sol: fees round down per payment; while an agreement can
 * still take payments a party may collect floor(pool * share / 10,000); once it is closed (terminated,
 * superseded or expired) it may collect its exact prefix slice, so the parties' collections add up to the
 * vendor pool to the wei.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";

import type { Party } from "../scripts/lib/eip712.js";
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
