/**
 * The largest agreement, MAX_PARTIES (50) parties, end to end: proposed by the operator, activated with 50
 * signatures in one transaction, paid, and collected by every party to the last wei.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";

import type { Party } from "../client/eip712.js";
import * as h from "./helpers/ecoshare.js";
import { AgreementStatus, ETH, ORDER } from "./helpers/ecoshare.js";
import { expectSolvent } from "./helpers/solvency.js";
import { deployWorld } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

/** EIP-7825: the most gas one transaction may use. */
const TX_GAS_CAP = 16_777_216n;

async function fiftyPartiesFixture() {
  const w = await deployWorld(ethers);
  // A marketplace, so each of the 50 wallets joins in one transaction.
  await w.ecoshare.connect(w.operator).createNetwork(h.NetworkKind.Marketplace, w.feeRecipient.address, 100, "ipfs://market");
  const networkId = await w.ecoshare.networkCount();
  const wallets: HardhatEthersSigner[] = [];
  for (let i = 0; i < 50; i++) {
    const wallet = new ethers.Wallet(ethers.id(`ecoshare party ${i}`), ethers.provider);
    await networkHelpers.setBalance(wallet.address, 10n ** 18n);
    wallets.push(wallet as unknown as HardhatEthersSigner);
  }
  await h.addMembers(w.ecoshare, networkId, w.operator, [...wallets, w.referrer]);
  // Uneven shares: 197 to 201 basis points each, the last party takes the remainder (251).
  const shares = wallets.map((_, i) => 197 + (i % 5));
  shares[49] = 10_000 - shares.slice(0, 49).reduce((a, b) => a + b, 0);
  const parties: Party[] = wallets.map((wallet, i) => ({ account: wallet.address as `0x${string}`, shareBps: shares[i]! }));
  const terms = await h.makeTerms(w.ecoshare, networkId, parties);

  const proposal = await (await w.ecoshare.connect(w.operator).propose(terms)).wait();
  const id = await w.ecoshare.agreementCount();
  const acceptances = [];
  for (const wallet of wallets) acceptances.push(await h.signAcceptance(w.ecoshare, wallet, id, terms, terms.validUntil));
  const activation = await (await w.ecoshare.connect(w.outsider).acceptWithSignatures(id, acceptances)).wait();
  return { ...w, wallets, shares, terms, id, proposeGas: proposal!.gasUsed, activateGas: activation!.gasUsed };
}

describe("The largest agreement (50 parties)", function () {
  it("is proposed and activated with 50 signatures well within the transaction gas cap", async function () {
    const { ecoshare, id, proposeGas, activateGas, shares } = await networkHelpers.loadFixture(fiftyPartiesFixture);
    expect(await ecoshare.MAX_PARTIES()).to.equal(50n);
    const a = await ecoshare.agreement(id);
    expect([a.status, a.partyCount, a.pendingAcceptances]).to.deep.equal([BigInt(AgreementStatus.Active), 50n, 0n]);
    expect((await ecoshare.partiesOf(id)).map((p) => Number(p.shareBps))).to.deep.equal(shares);
    // Each alone must fit in one transaction; together they stay under one transaction's worth, even instrumented.
    expect(proposeGas < TX_GAS_CAP, `propose: ${proposeGas}`).to.equal(true);
    expect(activateGas < TX_GAS_CAP, `activate: ${activateGas}`).to.equal(true);
    expect(proposeGas + activateGas < TX_GAS_CAP / 2n, `propose + activate: ${proposeGas + activateGas}`).to.equal(true);
  });

  it("is paid, and every party collects its exact slice of the pool", async function () {
    const w = await networkHelpers.loadFixture(fiftyPartiesFixture);
    const { ecoshare, id, wallets, shares } = w;
    for (const amount of [ethers.parseEther("3.333333333333333333"), 1n, 999_999n]) {
      await ecoshare.connect(w.customer).pay(id, ETH, amount, w.referrer.address, ORDER, ETH, { value: amount });
    }
    const pool = (await ecoshare.agreement(id)).vendorPool;
    const received = new Map<string, bigint>();
    for (const [i, wallet] of wallets.entries()) {
      const due = (pool * BigInt(shares[i]!)) / h.BPS;
      expect(await ecoshare.collectable(id, wallet.address)).to.equal(due);
      await expect(ecoshare.connect(wallet).withdraw(wallet.address, ETH, [id])).to.changeEtherBalance(ethers, wallet, due, {
        includeFee: false,
      });
      received.set(wallet.address, due);
    }
    await expectSolvent(ecoshare, ETH);

    // Closing the agreement releases the wei the floors left behind: the total is the pool, exactly.
    expect([...received.values()].reduce((a, b) => a + b, 0n) < pool).to.equal(true);
    await ecoshare.connect(wallets[0]!).terminate(id);
    let start = 0n;
    for (const [i, wallet] of wallets.entries()) {
      const end = start + BigInt(shares[i]!);
      const slice = (pool * end) / h.BPS - (pool * start) / h.BPS;
      start = end;
      const rest = slice - received.get(wallet.address)!;
      expect(await ecoshare.collectable(id, wallet.address)).to.equal(rest);
      if (rest > 0n) {
        await ecoshare.withdraw(wallet.address, ETH, [id]);
        received.set(wallet.address, slice);
      }
    }
    expect([...received.values()].reduce((a, b) => a + b, 0n)).to.equal(pool);
    await expectSolvent(ecoshare, ETH);
  });
});
