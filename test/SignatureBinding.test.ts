/**
 * A signature speaks for one account only. Two smart accounts that accept the same owner key's signatures
 * through ERC-1271 (as simple single-key accounts do, without ERC-7739's wrapping) must not have one signed
 * acceptance or counter-proposal count for both: the typed data names the signer and the author (found by review
 * of v2; both cases passed before the fix).
 */
import { expect } from "chai";
import { network } from "hardhat";

import type { OwnedERC1271Wallet } from "../types/ethers-contracts/index.js";
import { acceptanceTypes, counterProposalTypes, domainFromErc5267, randomCounterNonce } from "../client/eip712.js";
import * as h from "./helpers/ecoshare.js";
import { deployMemberContract, deployWorld } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

describe("signatures are bound to the account they speak for", function () {
  async function twoWalletsOfOneKey() {
    const w = await deployWorld(ethers);
    const w1 = await deployMemberContract<OwnedERC1271Wallet>(w, "OwnedERC1271Wallet", w.dave);
    const w2 = await deployMemberContract<OwnedERC1271Wallet>(w, "OwnedERC1271Wallet", w.dave);
    const parties = [
      { account: w.alice.address as `0x${string}`, shareBps: 5_000 },
      { account: w1.address, shareBps: 2_500 },
      { account: w2.address, shareBps: 2_500 },
    ];
    const terms = await h.makeTerms(w.ecoshare, w.networkId, parties);
    const id = await h.propose(w.ecoshare, w.alice, terms);
    const domain = domainFromErc5267(await w.ecoshare.eip712Domain());
    return { ...w, w1, w2, terms, id, domain };
  }

  it("a counter signed for one wallet cannot be submitted as the other's", async function () {
    const f = await networkHelpers.loadFixture(twoWalletsOfOneKey);
    const counter = { ...f.terms, referralFeeBps: 900 };
    const nonce = randomCounterNonce();
    const deadline = f.terms.validUntil;
    const message = { author: f.w1.address, counteredId: f.id, terms: counter, nonce, deadline };
    const signature = await f.dave.signTypedData(f.domain, counterProposalTypes as never, message);
    await expect(f.ecoshare.counterProposeWithSignature(f.id, counter, f.w2.address, nonce, deadline, signature))
      .to.be.revertedWithCustomError(f.ecoshare, "InvalidCounterSignature")
      .withArgs(f.w2.address);
    await expect(f.ecoshare.counterProposeWithSignature(f.id, counter, f.w1.address, nonce, deadline, signature))
      .to.emit(f.ecoshare, "AgreementCountered")
      .withArgs(2n, f.id, f.w1.address);
  });

  it("an acceptance signed for one wallet accepts for that wallet only", async function () {
    const f = await networkHelpers.loadFixture(twoWalletsOfOneKey);
    const deadline = f.terms.validUntil;
    const message = await h.acceptanceMessage(f.ecoshare, f.id, f.terms, deadline, f.w1.address);
    const signature = await f.dave.signTypedData(f.domain, acceptanceTypes as never, message);
    await f.ecoshare.acceptWithSignatures(f.id, [{ signer: f.w1.address, deadline, signature }]);
    expect(await f.ecoshare.hasAccepted(f.id, f.w1.address)).to.equal(true);
    await expect(f.ecoshare.acceptWithSignatures(f.id, [{ signer: f.w2.address, deadline, signature }]))
      .to.be.revertedWithCustomError(f.ecoshare, "InvalidAcceptanceSignature")
      .withArgs(f.id, f.w2.address);
    expect(await f.ecoshare.hasAccepted(f.id, f.w2.address)).to.equal(false);
  });
});
