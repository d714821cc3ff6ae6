/**
 * The TypeScript ledger rules (client/split-math.ts, client/ledger.ts) against the contract on
 * random payments: every split the ledger derives from the terms (PaymentSplit carries none) must be what
 * the contract credited, to the wei (its balances and running totals before and after each payment), and
 * every collectable amount (open and, once terminated, final) and every rebuilt total must equal the contract's.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { decodeEcoshareLog, type EcoshareEvent } from "../../client/decode-events.js";
import type { Address, Hex } from "viem";
import type { AgreementTerms } from "../../client/eip712.js";
import { buildLedger, collectable } from "../../client/ledger.js";
import { ETH, NetworkKind } from "../../client/protocol.js";
import { finalEntitlement, openEntitlement, shareStarts, splitPayment } from "../../client/split-math.js";
import { seededRandom } from "../../client/seeded-random.js";
import { deployEcoshare } from "../helpers/ecoshare.js";
import { rawLog } from "./helpers/raw-log.js";

const { ethers } = await network.create();

describe("ledger rules match the contract", function () {
  this.timeout(120_000);

  it("splitPayment gives the contract's split for edge amounts and rates", function () {
    expect(splitPayment({ amount: 1n, networkFeeBps: 1_000, referralFeeBps: 5_000 })).to.deep.equal({ networkFee: 0n, referralFee: 0n, vendorShare: 1n });
    expect(splitPayment({ amount: 10_000n, networkFeeBps: 1_000, referralFeeBps: 5_000 })).to.deep.equal({
      networkFee: 1_000n,
      referralFee: 5_000n,
      vendorShare: 4_000n,
    });
    expect(finalEntitlement({ vendorPool: 10n, shareStart: 0, shareBps: 3_333 }) + finalEntitlement({ vendorPool: 10n, shareStart: 3_333, shareBps: 3_333 }) + finalEntitlement({ vendorPool: 10n, shareStart: 6_666, shareBps: 3_334 })).to.equal(10n);
    expect(openEntitlement({ vendorPool: 10n, shareBps: 3_333 })).to.equal(3n);
  });

  it("on random payments: splits, collectable amounts and rebuilt totals equal the contract's", async function () {
    const random = seededRandom(Number(process.env.ECOSHARE_RULES_SEED ?? 7));
    const signers = await ethers.getSigners();
    const [operator, customer, ...others] = signers;
    const ecoshare = await deployEcoshare(ethers);
    const address = (await ecoshare.getAddress()) as Address;
    const startBlock = await ethers.provider.getBlockNumber();

    const agreements: { id: bigint; terms: AgreementTerms; parties: typeof others }[] = [];
    for (let n = 0; n < 3; n++) {
      const feeBps = [0, 1_000, Math.floor(random() * 1_001)][n]!;
      await (await ecoshare.connect(operator!).createNetwork(NetworkKind.VendorLed, operator!.address, feeBps, "")).wait();
      const networkId = await ecoshare.networkCount();
      const parties = others.slice(n * 5, n * 5 + 2 + Math.floor(random() * 4));
      for (const member of [...parties, others[17]!]) {
        await (await ecoshare.connect(member).join(networkId, 0, "")).wait();
        await (await ecoshare.connect(operator!).admit(networkId, member.address)).wait();
      }
      const shares = randomShares(random, parties.length);
      const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const terms: AgreementTerms = {
        networkId,
        asset: ETH,
        parties: parties.map((p, i) => ({ account: p.address as Address, shareBps: shares[i]! })),
        referralFeeBps: [5_000, 0, Math.floor(random() * 5_001)][n]!,
        referralTiers: [],
        referrerRoles: 0,
        networkFeeBps: feeBps,
        feeRecipient: operator!.address as Address,
        validFrom: now,
        validUntil: now + 86_400n * 365n,
        holdbackPeriod: 0,
        refunder: ETH,
        termsHash: `0x${"11".repeat(32)}` as Hex,
        termsURI: "",
      };
      await (await ecoshare.connect(parties[0]!).propose(terms)).wait();
      const id = await ecoshare.agreementCount();
      for (const p of parties.slice(1)) await (await ecoshare.connect(p).accept(id)).wait();
      agreements.push({ id, terms, parties });
    }

    // What the contract credited for each payment: its balances and running totals just before and after.
    const credited: { networkFee: bigint; referralFee: bigint; vendorShare: bigint }[] = [];
    const referrerAddress = others[17]!.address;
    for (let i = 0; i < 150; i++) {
      const { id, terms } = agreements[Math.floor(random() * agreements.length)]!;
      const amount = randomAmount(random);
      const referrer = random() < 0.5 ? referrerAddress : ETH;
      const before = await ecoshare.agreement(id);
      const referrerBefore = await ecoshare.balanceOf(referrerAddress, ETH);
      const receipt = await (await ecoshare.connect(customer!).pay(id, ETH, amount, referrer, `0x${"00".repeat(32)}`, ETH, { value: amount })).wait();
      const after = await ecoshare.agreement(id);
      const split = {
        networkFee: after.networkFees - before.networkFees,
        referralFee: (await ecoshare.balanceOf(referrerAddress, ETH)) - referrerBefore,
        vendorShare: after.vendorPool - before.vendorPool,
      };
      credited.push(split);
      expect(splitPayment({ amount, networkFeeBps: terms.networkFeeBps, referralFeeBps: referrer === ETH ? 0 : terms.referralFeeBps })).to.deep.equal(split, `payment ${i} of ${amount}`);
      const event = decodeEcoshareLog({ log: rawLog(receipt!.logs.at(-1)!) });
      expect(event?.eventName).to.equal("PaymentSplit");
      // Now and then a party collects, so `collected` is exercised too.
      if (random() < 0.1) {
        const { parties } = agreements.find((a) => a.id === id)!;
        const party = parties[Math.floor(random() * parties.length)]!;
        if ((await ecoshare.collectable(id, party.address)) + (await ecoshare.balanceOf(party.address, ETH)) > 0n) {
          await (await ecoshare.connect(party).withdraw(party.address, ETH, [id])).wait();
        }
      }
    }

    const compareAll = async () => {
      const events = await ledgerEvents(startBlock);
      const ledger = buildLedger({ events });
      expect(ledger.anomalies).to.deep.equal([]);
      const timestamp = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      for (const { id, terms } of agreements) {
        const view = await ecoshare.agreement(id);
        const rebuilt = ledger.agreements.get(id)!;
        expect(rebuilt.vendorPool).to.equal(view.vendorPool);
        expect(rebuilt.networkFees).to.equal(view.networkFees);
        const starts = shareStarts(terms.parties);
        for (const [i, party] of terms.parties.entries()) {
          expect(collectable({ agreement: rebuilt, account: party.account, timestamp })).to.equal(await ecoshare.collectable(id, party.account), `agreement ${id} party ${i}`);
          expect(rebuilt.parties[i]!.shareStart).to.equal(starts[i]);
        }
      }
      for (const entry of ledger.accounts.values()) expect(entry.balance).to.equal(await ecoshare.balanceOf(entry.account, entry.asset));
    };
    await compareAll();
    // The ledger derived each payment's split from the terms alone: the same, wei for wei.
    const derived = buildLedger({ events: await ledgerEvents(startBlock) }).payments;
    expect(derived.map(({ networkFee, referralFee, vendorShare }) => ({ networkFee, referralFee, vendorShare }))).to.deep.equal(credited);

    // Once terminated the pool is final: each party may take its exact slice, the last wei included.
    for (const { id, parties } of agreements) await (await ecoshare.connect(parties[0]!).terminate(id)).wait();
    await compareAll();
    for (const { id, terms } of agreements) {
      const pool = (await ecoshare.agreement(id)).vendorPool;
      const total = terms.parties.reduce((sum, p, i) => sum + finalEntitlement({ vendorPool: pool, shareStart: shareStarts(terms.parties)[i]!, shareBps: p.shareBps }), 0n);
      expect(total).to.equal(pool);
    }

    async function ledgerEvents(fromBlock: number): Promise<EcoshareEvent[]> {
      const logs = await ethers.provider.getLogs({ address, fromBlock, toBlock: "latest" });
      return logs.map((log) => decodeEcoshareLog({ log: rawLog(log) })!);
    }
  });
});


/** Shares summing to 10,000, one of them possibly 0. */
function randomShares(random: () => number, count: number): number[] {
  const cuts = Array.from({ length: count - 1 }, () => Math.floor(random() * 10_001)).sort((a, b) => a - b);
  return [...cuts, 10_000].map((cut, i) => cut - (i === 0 ? 0 : cuts[i - 1]!));
}

/** Amounts from 1 wei to a few ETH, odd on purpose so rounding matters. */
function randomAmount(random: () => number): bigint {
  const scale = [1n, 9_999n, 10n ** 12n, 10n ** 18n][Math.floor(random() * 4)]!;
  return 1n + (BigInt(Math.floor(random() * 3e6)) * scale) / 1_000_000n + BigInt(Math.floor(random() * 10_000));
}

