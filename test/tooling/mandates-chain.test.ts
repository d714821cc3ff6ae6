/**
 * The negotiator's rule is the contract's, to the letter: on random mandates and random terms, set and proposed
 * on a real chain, `mandateFit` (client/negotiator.ts) on the mandate read back with `readMandates` says a
 * party is covered exactly when the contract recorded its acceptance by mandate; the ledger rebuilt from the log
 * knows every mandate and every acceptance by mandate, and finds nothing against the rules.
 */
import { expect } from "chai";
import { network } from "hardhat";

import type { Address } from "viem";
import type { AgreementTerms, MandateStruct } from "../../client/eip712.js";
import { decodeEcoshareLog, type EcoshareEvent } from "../../client/decode-events.js";
import { fetchLogs } from "../../client/fetch-logs.js";
import { buildLedger, mandateKey } from "../../client/ledger.js";
import { mandateFit } from "../../client/negotiator.js";
import { readMandates } from "../../client/read-mandates.js";
import { providerClient } from "../../client/rpc-client.js";
import { seededRandom } from "../../client/seeded-random.js";
import * as h from "../helpers/ecoshare.js";
import { deployWorld } from "../helpers/world.js";

const { ethers, provider } = await network.create();

/** Every Ecoshare event of `ecoshare` so far, decoded. */
async function eventsOf(ecoshare: Address): Promise<EcoshareEvent[]> {
  const logs = await fetchLogs({ client: providerClient(provider), address: ecoshare, fromBlock: 0n, toBlock: BigInt(await ethers.provider.getBlockNumber()) });
  return logs.flatMap((log) => decodeEcoshareLog({ log }) ?? []);
}

describe("mandates: the negotiator's rule against the contract", function () {
  this.timeout(120_000);

  it("agree on 60 random mandates and proposals, and the ledger follows every one", async function () {
    const w = await deployWorld(ethers);
    const random = seededRandom(20_261_202);
    const pick = (n: number) => Math.floor(random() * n);
    const members = [w.bob, w.carol, w.dave];
    let covered = 0;
    let refused = 0;
    for (let round = 0; round < 60; round++) {
      const member = members[round % members.length]!;
      const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const maxHoldback = pick(4) * Number(h.DAY);
      const mandate: MandateStruct = {
        networkId: w.networkId,
        minShareBps: pick(6_000),
        maxReferralFeeBps: pick(1_500),
        maxNetworkFeeBps: 100 + pick(3) * 100, // the world's network fee is 1%
        minHoldbackPeriod: pick(2) === 0 ? 0 : pick(maxHoldback + 1),
        maxHoldbackPeriod: maxHoldback,
        maxValidity: (1 + pick(60)) * Number(h.DAY),
        expiresAt: now + BigInt(1 + pick(3)) * h.DAY,
        assets: pick(3) === 0 ? [w.tokenAddress] : pick(2) === 0 ? [h.ETH] : [h.ETH, w.tokenAddress],
      };
      await (await w.ecoshare.connect(member).grantMandate(mandate)).wait();
      // Terms drawn inside the mandate, then half the time pushed just past one bound.
      const memberShare = mandate.minShareBps + pick(10_000 - mandate.minShareBps - 999);
      const holdInside = mandate.minHoldbackPeriod + pick(mandate.maxHoldbackPeriod - mandate.minHoldbackPeriod + 1);
      const inside = {
        share: memberShare,
        referralFeeBps: pick(mandate.maxReferralFeeBps + 1),
        tierFeeBps: pick(mandate.maxReferralFeeBps + 1),
        holdback: holdInside,
        length: BigInt(1 + pick(mandate.maxValidity)),
        asset: mandate.assets[pick(mandate.assets.length)]!,
      };
      const broken = pick(2) === 0 ? pick(6) : -1;
      if (broken === 0) inside.share = Math.max(0, mandate.minShareBps - 1 - pick(500));
      if (broken === 1) inside.referralFeeBps = mandate.maxReferralFeeBps + 1 + pick(200);
      if (broken === 2) inside.tierFeeBps = mandate.maxReferralFeeBps + 1 + pick(200);
      if (broken === 3) inside.holdback = mandate.maxHoldbackPeriod + 1 + pick(Number(h.DAY));
      if (broken === 4) inside.length = BigInt(mandate.maxValidity) + 1n + BigInt(pick(1_000));
      if (broken === 5) inside.asset = mandate.assets.includes(h.ETH) && mandate.assets.includes(w.tokenAddress) ? inside.asset : mandate.assets.includes(h.ETH) ? w.tokenAddress : h.ETH;
      const validFrom = now + 100n;
      const terms: AgreementTerms = await h.makeTerms(
        w.ecoshare,
        w.networkId,
        [
          { account: w.alice.address as Address, shareBps: 10_000 - inside.share },
          { account: member.address as Address, shareBps: inside.share },
        ],
        {
          asset: inside.asset,
          referralFeeBps: inside.referralFeeBps,
          referralTiers: pick(3) === 0 && broken !== 2 ? [] : [{ fromVolume: 1n + BigInt(pick(1_000)), feeBps: inside.tierFeeBps, holdbackPeriod: pick(inside.holdback + 1) }],
          holdbackPeriod: inside.holdback,
          refunder: inside.holdback === 0 ? h.ETH : (w.alice.address as Address),
          validFrom,
          validUntil: validFrom + inside.length,
        },
      );
      await (await w.ecoshare.connect(w.alice).propose(terms)).wait();
      const id = await w.ecoshare.agreementCount();
      const { mandates } = await readMandates({ client: providerClient(provider), ecoshare: w.ecoshareAddress, networkId: w.networkId, accounts: [member.address as Address] });
      const blockTime = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const fit = mandateFit(terms, mandates, blockTime).find((f) => f.account === member.address)!;
      const accepted = await w.ecoshare.hasAccepted(id, member.address);
      expect(fit.fits, `round ${round}: ${fit.misses.map((m) => m.message).join(" ")}`).to.equal(accepted);
      expect(await w.ecoshare.isInsideMandate(id, member.address)).to.equal(accepted);
      if (accepted) covered++;
      else refused++;
    }
    // Both outcomes occur, so the comparison is not vacuous.
    expect(covered).to.be.greaterThan(5);
    expect(refused).to.be.greaterThan(5);

    const ledger = buildLedger({ events: await eventsOf(w.ecoshareAddress) });
    expect(ledger.anomalies.map((a) => a.message)).to.deep.equal([]);
    const byMandate = [...ledger.agreements.values()].filter((a) => a.acceptedByMandate.length > 0);
    expect(byMandate.length).to.equal(covered);
    for (const member of members) {
      const [, nonce] = await w.ecoshare.mandateOf(w.networkId, member.address);
      expect(ledger.mandates.get(mandateKey(w.networkId, member.address as Address))?.nonce).to.equal(nonce);
    }
  });

  it("the ledger flags an acceptance by a mandate no longer in force", async function () {
    const w = await deployWorld(ethers);
    await (await w.ecoshare.connect(w.bob).grantMandate(await h.makeMandate(w.ecoshare, w.networkId))).wait();
    await (await w.ecoshare.connect(w.alice).propose(await h.makeTerms(w.ecoshare, w.networkId, h.equalShares([w.alice.address, w.bob.address])))).wait();
    // The same log with the MandateSet left out: the acceptance names a mandate the ledger never saw set.
    const ledger = buildLedger({ events: (await eventsOf(w.ecoshareAddress)).filter((e) => e.eventName !== "MandateSet") });
    expect(ledger.anomalies.map((a) => a.message)).to.deep.equal([`agreement 1 was accepted by ${w.bob.address}'s mandate 0, which is not the one in force`]);
  });
});
