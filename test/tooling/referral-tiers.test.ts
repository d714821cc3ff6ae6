/**
 * The loyalty-tier rule and the held-payment ledger (client/referral-tiers.ts, client/ledger.ts)
 * against the contract on random sequences: tiered payments from several referrers, an amendment that keeps
 * the lineage's volumes, held payments released or refunded. Every tier, rate, volume, balance and total the
 * ledger rebuilds must equal the contract's.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { decodeEcoshareLog, type EcoshareEvent, type HeldPayment } from "../../client/decode-events.js";
import type { Address, Hex } from "viem";
import type { AgreementTerms, ReferralTier } from "../../client/eip712.js";
import { buildLedger, collectable, referralStanding } from "../../client/ledger.js";
import { ETH, NetworkKind } from "../../client/protocol.js";
import { nextReferralTier, referralTierFor } from "../../client/referral-tiers.js";
import { seededRandom } from "../../client/seeded-random.js";
import type { Ecoshare } from "../../types/ethers-contracts/index.js";
import { deployEcoshare } from "../helpers/ecoshare.js";
import { rawLog } from "./helpers/raw-log.js";

const { ethers } = await network.create();
const DAY = 86_400n;

describe("loyalty tiers and held payments match the contract", function () {
  this.timeout(180_000);

  it("referralTierFor: the base rate below the first threshold, a threshold reached counts", function () {
    const referralTiers: ReferralTier[] = [{ fromVolume: 100n, feeBps: 700, holdbackPeriod: 600 }, { fromVolume: 250n, feeBps: 900, holdbackPeriod: 0 }];
    const at = (volume: bigint) => referralTierFor({ referralFeeBps: 500, holdbackPeriod: 3_600, referralTiers, volume });
    expect(at(0n)).to.deep.equal({ tier: 0, feeBps: 500, holdbackPeriod: 3_600 });
    expect(at(99n)).to.deep.equal({ tier: 0, feeBps: 500, holdbackPeriod: 3_600 });
    expect(at(100n)).to.deep.equal({ tier: 1, feeBps: 700, holdbackPeriod: 600 });
    expect(at(10n ** 30n)).to.deep.equal({ tier: 2, feeBps: 900, holdbackPeriod: 0 });
    expect(referralTierFor({ referralFeeBps: 500, referralTiers: [], volume: 10n ** 30n })).to.deep.equal({ tier: 0, feeBps: 500, holdbackPeriod: 0 });
    expect(nextReferralTier({ referralTiers, volume: 120n })).to.deep.equal({ tier: 2, feeBps: 900, fromVolume: 250n, remaining: 130n });
    expect(nextReferralTier({ referralTiers, volume: 250n })).to.equal(undefined);
  });

  it("counts a held payment into its referrer's volume only once released, and a refund never", async function () {
    const [operator, vendor, referrer, customer, guest] = await ethers.getSigners();
    const ecoshare = await deployEcoshare(ethers);
    const address = (await ecoshare.getAddress()) as Address;
    const startBlock = await ethers.provider.getBlockNumber();
    await (await ecoshare.connect(operator!).createNetwork(NetworkKind.VendorLed, operator!.address, 100, "")).wait();
    for (const member of [vendor!, referrer!]) {
      await (await ecoshare.connect(member).join(1n, 0, "")).wait();
      await (await ecoshare.connect(operator!).admit(1n, member.address)).wait();
    }
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const terms: AgreementTerms = {
      networkId: 1n,
      asset: ETH,
      parties: [{ account: vendor!.address as Address, shareBps: 10_000 }],
      referralFeeBps: 500,
      referralTiers: [{ fromVolume: 10n ** 18n, feeBps: 900, holdbackPeriod: Number(DAY) }],
      referrerRoles: 0,
      networkFeeBps: 100,
      feeRecipient: operator!.address as Address,
      validFrom: now,
      validUntil: now + 365n * DAY,
      holdbackPeriod: Number(DAY),
      refunder: vendor!.address as Address,
      termsHash: `0x${"33".repeat(32)}` as Hex,
      termsURI: "",
    };
    await (await ecoshare.connect(vendor!).propose(terms)).wait();
    const held: HeldPayment[] = [];
    const pay = async (amount: bigint) => {
      const receipt = await (await ecoshare.connect(customer!).pay(1n, ETH, amount, referrer!.address, `0x${"00".repeat(32)}`, guest!.address, { value: amount })).wait();
      for (const log of receipt!.logs) {
        const event = decodeEcoshareLog({ log: rawLog(log) });
        if (event?.eventName === "PaymentHeld") held.push(event.args.held);
      }
    };
    const ledger = async () => {
      const logs = await ethers.provider.getLogs({ address, fromBlock: startBlock, toBlock: "latest" });
      const rebuilt = buildLedger({ events: logs.map((log) => decodeEcoshareLog({ log: rawLog(log) })!) });
      expect(rebuilt.anomalies).to.deep.equal([]);
      expect(referralStanding({ ledger: rebuilt, agreementId: 1n, referrer: referrer!.address as Address })).to.deep.equal(await chainStanding(ecoshare, 1n, referrer!.address));
      return { rebuilt, referral: rebuilt.referrals.get(`1/${referrer!.address.toLowerCase()}`)! };
    };

    // 2 ETH held: past the 1 ETH threshold, yet not earned, so the next payment is still charged 5%.
    await pay(2n * 10n ** 18n);
    await pay(10n ** 18n);
    let { rebuilt, referral } = await ledger();
    expect([referral.volume, referral.pending]).to.deep.equal([0n, 3n * 10n ** 18n]);
    expect(rebuilt.payments.map((p) => [p.tier, p.referralFeeBps, p.status, p.refundTo])).to.deep.equal([
      [0, 500, "pending", guest!.address],
      [0, 500, "pending", guest!.address],
    ]);
    // The second is refunded (to the guest the customer named): no volume either way.
    await (await ecoshare.connect(vendor!).refundHeldPayment(held[1]!)).wait();
    ({ rebuilt, referral } = await ledger());
    expect([referral.volume, referral.pending, referral.refunded]).to.deep.equal([0n, 2n * 10n ** 18n, 10n ** 18n]);
    expect(rebuilt.accounts.get(`${guest!.address.toLowerCase()}/${ETH}`)?.refunds).to.equal(10n ** 18n);
    expect(await ecoshare.balanceOf(guest!.address, ETH)).to.equal(10n ** 18n);
    // Released after its holdback: now earned, and the next payment is charged the 9% tier.
    await ethers.provider.send("evm_increaseTime", [Number(DAY)]);
    await (await ecoshare.connect(customer!).releaseHeldPayments([held[0]!])).wait();
    await pay(10n ** 17n);
    ({ rebuilt, referral } = await ledger());
    expect([referral.volume, referral.pending]).to.deep.equal([2n * 10n ** 18n, 10n ** 17n]);
    expect(rebuilt.payments.map((p) => p.status)).to.deep.equal(["released", "refunded", "pending"]);
    expect(rebuilt.payments[2]).to.include({ tier: 1, referralFeeBps: 900, referralFee: 9n * 10n ** 15n });
  });

  for (const seed of [Number(process.env.ECOSHARE_TIERS_SEED ?? 11), 12]) {
    it(`on a random sequence (seed ${seed}): tiers, volumes, held, released and refunded amounts equal the contract's`, async function () {
      const random = seededRandom(seed);
      const [operator, vendor, partner, ...rest] = await ethers.getSigners();
      const customers = rest.slice(0, 3);
      const referrers = rest.slice(3, 6);
      const ecoshare = await deployEcoshare(ethers);
      const address = (await ecoshare.getAddress()) as Address;
      const startBlock = await ethers.provider.getBlockNumber();
      const feeBps = Math.floor(random() * 500);
      await (await ecoshare.connect(operator!).createNetwork(NetworkKind.VendorLed, operator!.address, feeBps, "")).wait();
      for (const member of [vendor!, partner!, ...referrers]) {
        await (await ecoshare.connect(member).join(1n, 0, "")).wait();
        await (await ecoshare.connect(operator!).admit(1n, member.address)).wait();
      }
      const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const termsWith = (referralTiers: ReferralTier[], holdbackPeriod: number): AgreementTerms => ({
        networkId: 1n,
        asset: ETH,
        parties: [{ account: vendor!.address as Address, shareBps: 6_000 }, { account: partner!.address as Address, shareBps: 4_000 }],
        referralFeeBps: Math.floor(random() * 1_000),
        referralTiers,
        referrerRoles: 0,
        networkFeeBps: feeBps,
        feeRecipient: operator!.address as Address,
        validFrom: now,
        validUntil: now + 365n * DAY,
        holdbackPeriod,
        refunder: holdbackPeriod === 0 ? ETH : (vendor!.address as Address),
        termsHash: `0x${"22".repeat(32)}` as Hex,
        termsURI: "",
      });
      const activate = async (terms: AgreementTerms, amends?: bigint) => {
        await (await (amends === undefined ? ecoshare.connect(vendor!).propose(terms) : ecoshare.connect(vendor!).proposeAmendment(amends, terms))).wait();
        const id = await ecoshare.agreementCount();
        await (await ecoshare.connect(partner!).accept(id)).wait();
        return id;
      };
      // One flat, one tiered, one tiered with a one-day holdback; the tiered one is amended halfway.
      const flat = await activate(termsWith([], 0));
      let tiered = await activate(termsWith(randomTiers(random, 0), 0));
      // Trust tiers: each tier holds its referrer's customers as long as the one below or shorter, down to 0.
      const heldBy = await activate(termsWith(randomTiers(random, Number(DAY)), Number(DAY)));
      const held: HeldPayment[] = [];
      let refunds = 0;
      let releases = 0;

      for (let i = 0; i < 140; i++) {
        if (i === 70) tiered = await activate(termsWith(randomTiers(random, 0), 0), tiered);
        const roll = random();
        if (roll < 0.08 && held.length > 0) {
          // The refunder refunds a payment still within its holdback.
          const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
          const open = held.filter((h) => h.releaseAt > now + 1n);
          const pick = open[Math.floor(random() * open.length)];
          if (pick !== undefined) {
            await (await ecoshare.connect(vendor!).refundHeldPayment(pick)).wait();
            held.splice(held.indexOf(pick), 1);
            refunds++;
          }
          continue;
        }
        if (roll < 0.12) {
          // Time passes; whatever is due is released by anyone.
          await ethers.provider.send("evm_increaseTime", [Number(DAY / 2n)]);
          await ethers.provider.send("evm_mine", []);
          const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
          const due = held.filter((h) => h.releaseAt <= now + 1n);
          if (due.length > 0) {
            await (await ecoshare.connect(customers[0]!).releaseHeldPayments(due)).wait();
            for (const h of due) held.splice(held.indexOf(h), 1);
            releases += due.length;
          }
          continue;
        }
        const id = [flat, tiered, heldBy][Math.floor(random() * 3)]!;
        const customer = customers[Math.floor(random() * customers.length)]!;
        const referrer = random() < 0.85 ? referrers[Math.floor(random() * referrers.length)]!.address : ETH;
        const amount = 1n + BigInt(Math.floor(random() * 3e6)) * 10n ** 12n;
        const receipt = await (await ecoshare.connect(customer).pay(id, ETH, amount, referrer, `0x${"00".repeat(32)}`, ETH, { value: amount })).wait();
        for (const log of receipt!.logs) {
          const event = decodeEcoshareLog({ log: rawLog(log) });
          if (event?.eventName === "PaymentHeld") held.push(event.args.held);
        }
      }
      expect(refunds, "the sequence refunds").to.be.greaterThan(0);
      expect(releases, "the sequence releases").to.be.greaterThan(0);

      const logs = await ethers.provider.getLogs({ address, fromBlock: startBlock, toBlock: "latest" });
      const events = logs.map((log) => decodeEcoshareLog({ log: rawLog(log) })!) as EcoshareEvent[];
      // The ledger checks every ReferralTierApplied and PaymentSplit against the rule: no anomaly means each matched.
      const ledger = buildLedger({ events });
      expect(ledger.anomalies).to.deep.equal([]);
      const tierEvents = events.filter((e) => e.eventName === "ReferralTierApplied");
      expect(tierEvents.length).to.be.greaterThan(50);
      expect(new Set(tierEvents.map((e) => e.eventName === "ReferralTierApplied" && e.args.tier)).size, "several tiers reached").to.be.greaterThan(1);

      for (const id of [flat, tiered - 1n, tiered, heldBy]) {
        for (const r of referrers) {
          expect(referralStanding({ ledger, agreementId: id, referrer: r.address as Address })).to.deep.equal(await chainStanding(ecoshare, id, r.address), `agreement ${id}, ${r.address}`);
        }
        const view = await ecoshare.agreement(id);
        const rebuilt = ledger.agreements.get(id)!;
        expect([rebuilt.vendorPool, rebuilt.networkFees, rebuilt.heldPayments, rebuilt.lineageId]).to.deep.equal([view.vendorPool, view.networkFees, Number(view.heldPayments), view.lineageId]);
        const timestamp = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
        for (const p of rebuilt.parties) expect(collectable({ agreement: rebuilt, account: p.account, timestamp })).to.equal(await ecoshare.collectable(id, p.account));
      }
      const h = ledger.agreements.get(heldBy)!;
      expect([h.heldPayments, h.refundedPayments, h.releasedPayments]).to.deep.equal([held.length, refunds, releases]);
      for (const entry of ledger.accounts.values()) expect(entry.balance).to.equal(await ecoshare.balanceOf(entry.account, entry.asset));
      const owed = [...ledger.accounts.values()].reduce((s, a) => s + a.balance, 0n) +
        [...ledger.agreements.values()].reduce((s, a) => s + a.vendorPool + a.networkFees + a.heldAmount, 0n);
      expect(owed).to.equal(await ethers.provider.getBalance(address));
    });
  }
});

/**
 * 1 to 4 tiers with ascending thresholds of a few ETH, so referrers cross them during the sequence, and holdbacks
 * that never grow from the agreement's `holdbackPeriod` (the same, shorter, or 0: credited at once).
 */
function randomTiers(random: () => number, holdbackPeriod: number): ReferralTier[] {
  const tiers: ReferralTier[] = [];
  let from = 0n;
  let below = holdbackPeriod;
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
    from += 1n + BigInt(Math.floor(random() * 4e6)) * 10n ** 12n;
    const pick = random();
    below = pick < 0.4 ? below : pick < 0.6 ? 0 : Math.floor(random() * (below + 1));
    tiers.push({ fromVolume: from, feeBps: Math.floor(random() * 5_001), holdbackPeriod: below });
  }
  return tiers;
}

/** The contract's `referralRecord`, in the shape of the ledger's `referralStanding`. */
async function chainStanding(ecoshare: Ecoshare, agreementId: bigint, referrer: string) {
  const r = await ecoshare.referralRecord(agreementId, referrer);
  return { paid: r.paid, volume: r.earned, released: r.released, refunded: r.refunded, held: r.held, tier: Number(r.tier), feeBps: Number(r.feeBps), holdbackPeriod: Number(r.holdbackPeriod) };
}


