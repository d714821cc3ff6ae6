/**
 * The negotiator (client/negotiator.ts): the middle-of-the-overlap rule on worked examples, conflicts
 * named in plain words, and on random mandates: whenever it proposes terms, every mandate fits them; whenever
 * it finds a conflict, no candidate terms (the proposal with any bound nudged) fit them all.
 */
import { expect } from "chai";

import type { Address } from "viem";
import { type Mandate, mandateFit, negotiate } from "../../client/negotiator.js";
import { ETH } from "../../client/protocol.js";
import { seededRandom } from "../../client/seeded-random.js";

const DAY = 86_400;
const NOW = 1_800_000_000n;
const DUSD = "0x00000000000000000000000000000000000d05d0" as Address;
const ana = "0x000000000000000000000000000000000000a0a0" as Address;
const ben = "0x000000000000000000000000000000000000beb0" as Address;
const cy = "0x000000000000000000000000000000000000c0c0" as Address;

function mandate(account: Address, label: string, over: Partial<Mandate> = {}): Mandate {
  return {
    account,
    label,
    networkId: 1n,
    minShareBps: 0,
    maxReferralFeeBps: 5_000,
    maxNetworkFeeBps: 1_000,
    minHoldbackPeriod: 0,
    maxHoldbackPeriod: 180 * DAY,
    maxValidity: 0,
    expiresAt: 0n,
    assets: [],
    ...over,
  };
}

describe("negotiator", function () {
  it("proposes the middle of the overlap by the documented rule", function () {
    const mandates = [
      mandate(ana, "Ana", { minShareBps: 3_000, maxReferralFeeBps: 800, maxHoldbackPeriod: 14 * DAY, assets: [DUSD, ETH], maxValidity: 365 * DAY }),
      mandate(ben, "Ben", { minShareBps: 5_000, maxReferralFeeBps: 1_000, minHoldbackPeriod: 2 * DAY, maxHoldbackPeriod: 30 * DAY, assets: [DUSD], maxValidity: 180 * DAY }),
    ];
    const result = negotiate({ mandates, fixed: { networkFeeBps: 200, minReferralFeeBps: 200 }, now: NOW });
    if (!result.ok) throw new Error(result.conflicts.map((c) => c.message).join(" "));
    const { terms } = result;
    // Slack 20% split equally: 30+10, 50+10.
    expect(terms.parties).to.deep.equal([{ account: ana, shareBps: 4_000 }, { account: ben, shareBps: 6_000 }]);
    expect(terms.referralFeeBps).to.equal(500); // midpoint of [2%, 8%]
    expect(terms.holdbackPeriod).to.equal(8 * DAY); // midpoint of [2 days, 14 days]
    expect(terms.refunder).to.equal(ana);
    expect(terms.validUntil - terms.validFrom).to.equal(BigInt(180 * DAY));
    expect(terms.asset).to.equal(DUSD);
    expect(terms.networkFeeBps).to.equal(200);
    expect(mandateFit(terms, mandates, NOW).every((f) => f.fits)).to.equal(true);
  });

  it("gives leftover basis points in party order and takes fixed inputs as given", function () {
    const mandates = [mandate(ana, "Ana"), mandate(ben, "Ben"), mandate(cy, "Cy")];
    const result = negotiate({ mandates, fixed: { asset: DUSD, referralFeeBps: 300, holdbackPeriod: 0, validity: 30 * DAY, validFrom: NOW + 10n }, now: NOW });
    if (!result.ok) throw new Error("expected terms");
    expect(result.terms.parties.map((p) => p.shareBps)).to.deep.equal([3_334, 3_333, 3_333]);
    expect(result.terms.referralFeeBps).to.equal(300);
    expect(result.terms.holdbackPeriod).to.equal(0);
    expect(result.terms.refunder).to.equal(ETH);
    expect(result.terms.validFrom).to.equal(NOW + 10n);
    expect(result.terms.validUntil).to.equal(NOW + 10n + BigInt(30 * DAY));
  });

  it("names the conflicting bounds and whose they are", function () {
    const result = negotiate({
      mandates: [
        mandate(ana, "Ana", { minShareBps: 6_000, maxHoldbackPeriod: 7 * DAY, assets: [ETH] }),
        mandate(ben, "Ben", { minShareBps: 5_000, minHoldbackPeriod: 14 * DAY, assets: [DUSD], maxNetworkFeeBps: 100 }),
      ],
      fixed: { networkFeeBps: 300 },
      now: NOW,
    });
    if (result.ok) throw new Error("expected conflicts");
    const messages = result.conflicts.map((c) => c.message);
    expect(messages).to.include("The share floors Ana's 60% and Ben's 50% add up to 110%, more than 100%.");
    expect(messages).to.include("Ben wants payments held at least 14 days, but Ana accepts at most 7 days.");
    expect(messages).to.include(`No asset is accepted by all: Ana only ${ETH} and Ben only ${DUSD}.`);
    expect(messages).to.include("The network's fee 3% is above Ben's limit of 1%.");
    expect(result.conflicts.find((c) => c.bound === "networkFee")?.accounts).to.deep.equal([ben]);
  });

  it("refuses expired mandates, mixed networks, duplicates and an empty list", function () {
    const expired = negotiate({ mandates: [mandate(ana, "Ana", { expiresAt: NOW }), mandate(ben, "Ben", { networkId: 2n }), mandate(ana, "Ana")], now: NOW });
    if (expired.ok) throw new Error("expected conflicts");
    expect(expired.conflicts.map((c) => c.message)).to.deep.equal([
      "Ana's mandate has expired.",
      "Ben's mandate is for network 2, the others' for network 1.",
      "Ana is listed twice.",
    ]);
    const none = negotiate({ mandates: [], now: NOW });
    expect(none.ok).to.equal(false);
  });

  it("mandateFit says for each party why the terms miss its mandate", function () {
    const mandates = [mandate(ana, "Ana", { minShareBps: 5_000, maxReferralFeeBps: 500, maxValidity: 30 * DAY }), mandate(ben, "Ben", { minHoldbackPeriod: DAY })];
    const ok = negotiate({ mandates, now: NOW });
    if (!ok.ok) throw new Error("expected terms");
    const terms = { ...ok.terms, parties: [{ account: ana, shareBps: 4_000 }, { account: ben, shareBps: 5_000 }, { account: cy, shareBps: 1_000 }], referralFeeBps: 600, referralTiers: [{ fromVolume: 1n, feeBps: 700, holdbackPeriod: 0 }], holdbackPeriod: 0, validUntil: ok.terms.validFrom + BigInt(60 * DAY) };
    const fit = mandateFit(terms, mandates, NOW);
    expect(fit.map((f) => f.fits)).to.deep.equal([false, false, false]);
    expect(fit[0]!.misses.map((m) => m.message)).to.deep.equal([
      "Ana's share is 40%, below Ana's floor of 50%.",
      "The referral fee 6% is above Ana's limit of 5%.",
      "Tier 1's referral fee 7% is above Ana's limit of 5%.",
      "The agreement runs 60 days, longer than Ana's limit of 30 days.",
    ]);
    expect(fit[1]!.misses.map((m) => m.message)).to.deep.equal([
      "The holdback of 0 days is shorter than Ben's minimum of 1 day.",
      "Tier 1's holdback of 0 days is shorter than Ben's minimum of 1 day.",
    ]);
    expect(fit[2]!.misses[0]!.bound).to.equal("missing");
    expect(mandateFit(ok.terms, mandates, NOW + BigInt(400 * DAY)).every((f) => f.fits)).to.equal(true);
    const later = mandateFit(ok.terms, [{ ...mandates[0]!, expiresAt: NOW + 1n }, mandates[1]!], NOW + 1n);
    expect(later[0]!.misses.map((m) => m.bound)).to.deep.equal(["expired"]);
  });

  it("keeps fixed trust tiers' holdbacks inside the mandates and never longer than the tier below", function () {
    const mandates = [mandate(ana, "Ana", { minHoldbackPeriod: DAY, maxHoldbackPeriod: 9 * DAY }), mandate(ben, "Ben", {})];
    const tier = (holdbackPeriod: number) => ({ fromVolume: 10n ** 18n, feeBps: 300, holdbackPeriod });
    const ok = negotiate({ mandates, fixed: { referralTiers: [tier(2 * DAY)] }, now: NOW });
    if (!ok.ok) throw new Error(`expected terms: ${ok.conflicts.map((c) => c.message).join(" ")}`);
    expect([ok.terms.holdbackPeriod, ok.terms.referralTiers[0]!.holdbackPeriod]).to.deep.equal([5 * DAY, 2 * DAY]);
    expect(mandateFit(ok.terms, mandates, NOW).every((f) => f.fits)).to.equal(true);
    const short = negotiate({ mandates, fixed: { referralTiers: [tier(0)] }, now: NOW });
    expect(short.ok ? [] : short.conflicts.map((c) => c.message)).to.deep.equal(["Tier 1's holdback of 0 days is shorter than Ana's minimum of 1 day."]);
    const long = negotiate({ mandates, fixed: { holdbackPeriod: 2 * DAY, referralTiers: [tier(3 * DAY)] }, now: NOW });
    expect(long.ok ? [] : long.conflicts.map((c) => c.message)).to.deep.equal(["Tier 1's holdback of 3 days is longer than the 2 days of the agreement: earned trust may only shorten the holdback."]);
  });

  it("on random mandates: proposed terms fit every mandate; a conflict means the rule's terms miss one", function () {
    const random = seededRandom(Number(process.env.ECOSHARE_RULES_SEED ?? 11));
    const int = (n: number): number => Math.floor(random() * n);
    let proposed = 0;
    let refused = 0;
    for (let run = 0; run < 500; run++) {
      const count = 1 + int(4);
      const mandates = [ana, ben, cy, "0x000000000000000000000000000000000000d0d0" as Address].slice(0, count).map((account, i) => {
        const minHold = int(10) * DAY;
        return mandate(account, `P${i}`, {
          minShareBps: int(10_001 / count + 1_500),
          maxReferralFeeBps: int(5_001),
          maxNetworkFeeBps: int(1_001),
          minHoldbackPeriod: minHold,
          maxHoldbackPeriod: minHold + (int(3) - 1) * int(20) * DAY,
          maxValidity: int(3) === 0 ? 0 : (1 + int(400)) * DAY,
          assets: [[], [ETH], [DUSD], [DUSD, ETH]][int(4)]!,
        });
      });
      const fixed = { networkFeeBps: int(1_001), minReferralFeeBps: int(2_000) };
      const result = negotiate({ mandates, fixed, now: NOW });
      if (result.ok) {
        proposed++;
        const fit = mandateFit(result.terms, mandates, NOW);
        expect(fit.flatMap((f) => f.misses)).to.deep.equal([]);
        expect(result.terms.parties.reduce((s, p) => s + p.shareBps, 0)).to.equal(10_000);
        expect(result.terms.referralFeeBps).to.be.at.least(fixed.minReferralFeeBps);
      } else {
        refused++;
        expect(result.conflicts.length).to.be.greaterThan(0);
        for (const c of result.conflicts) expect(c.message).to.match(/^[A-Z].*\.$/);
        // Check against the bounds directly: some bound really has no room.
        const floors = mandates.reduce((s, m) => s + m.minShareBps, 0);
        const holdRoom = Math.max(...mandates.map((m) => m.minHoldbackPeriod)) <= Math.min(...mandates.map((m) => m.maxHoldbackPeriod));
        const feeRoom = fixed.networkFeeBps <= Math.min(...mandates.map((m) => m.maxNetworkFeeBps)) && fixed.minReferralFeeBps <= Math.min(...mandates.map((m) => m.maxReferralFeeBps));
        const assetRoom = [ETH, DUSD].some((a) => mandates.every((m) => m.assets.length === 0 || m.assets.includes(a)));
        expect(floors <= 10_000 && holdRoom && feeRoom && assetRoom).to.equal(false);
      }
    }
    expect(proposed).to.be.greaterThan(20);
    expect(refused).to.be.greaterThan(20);
  });
});
