import { expect } from "chai";
import { AbiCoder, type Contract, TypedDataEncoder } from "ethers";
import { network } from "hardhat";

import { acceptanceTypes, domainFromErc5267 } from "../client/eip712.js";
import * as h from "./helpers/ecoshare.js";
import { AgreementStatus, MemberRole, MemberStatus, NetworkKind } from "./helpers/ecoshare.js";
import {
  approveSafeMessage,
  createSafe,
  deploySafeSuite,
  execSafeTransaction,
  packSignatures,
  safeCreation,
  safeSignature,
  wrapErc6492,
} from "./helpers/safe.js";
import { deployWorld } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

const THRESHOLD = 2;

/**
 * The world, the real Safe contracts and two 2-of-3 Safes with the same three owners (A and B, different salt
 * nonces), both active vendors of the world's network; alice proposed a 50/50 agreement with Safe A.
 */
async function safeFixture() {
  const w = await deployWorld(ethers);
  const [deployer, ownerX, ownerY, ownerZ] = w.spare as [typeof w.alice, typeof w.alice, typeof w.alice, typeof w.alice];
  const owners = [ownerX, ownerY, ownerZ];
  const ownerAddresses = owners.map((o) => o.address);
  const suite = await deploySafeSuite(deployer);
  const safeA = await createSafe(suite, ownerAddresses, THRESHOLD, 0n);
  const safeB = await createSafe(suite, ownerAddresses, THRESHOLD, 1n);
  const safeAddress = (await safeA.getAddress()) as `0x${string}`;
  const safeBAddress = (await safeB.getAddress()) as `0x${string}`;
  const submitter = w.outsider;
  const join = (safe: Contract) =>
    execSafeTransaction(
      safe,
      [ownerX, ownerY],
      { to: w.ecoshareAddress, data: w.ecoshare.interface.encodeFunctionData("join", [w.networkId, MemberRole.Vendor, "ipfs://safe"]) },
      submitter,
    );
  await join(safeA);
  await join(safeB);
  await (await w.ecoshare.connect(w.operator).admit(w.networkId, safeAddress)).wait();
  await (await w.ecoshare.connect(w.operator).admit(w.networkId, safeBAddress)).wait();
  const terms = await h.makeTerms(w.ecoshare, w.networkId, [
    { account: w.alice.address as `0x${string}`, shareBps: 5_000 },
    { account: safeAddress, shareBps: 5_000 },
  ]);
  const id = await h.propose(w.ecoshare, w.alice, terms);
  const deadline = terms.validUntil;
  const digest = await w.ecoshare.acceptanceDigest(id, safeAddress, deadline);
  return { ...w, suite, owners, ownerX, ownerY, ownerZ, safeA, safeB, safeAddress, safeBAddress, submitter, terms, id, deadline, digest };
}

type Fixture = Awaited<ReturnType<typeof safeFixture>>;

/** Safe A accepts the fixture's agreement with two owners' signatures, which activates it. */
async function activateWithSafe(f: Fixture) {
  const signature = await safeSignature(f.safeA, [f.ownerX, f.ownerZ], f.digest);
  await (await f.ecoshare.connect(f.submitter).acceptWithSignatures(f.id, [{ signer: f.safeAddress, deadline: f.deadline, signature }])).wait();
}

describe("Safe multisigs (real Safe 1.5.0 contracts)", function () {
  it("a Safe joins a network through a Safe transaction signed by two of its owners", async function () {
    const f = await networkHelpers.loadFixture(safeFixture);
    expect(await f.safeA.getFunction("getThreshold")()).to.equal(2n);
    expect(await f.safeA.getFunction("getOwners")()).to.deep.equal(f.owners.map((o) => o.address));
    const created = await h.createNetwork(f.ecoshare, f.operator, NetworkKind.VendorLed, f.feeRecipient.address, 100);
    const data = f.ecoshare.interface.encodeFunctionData("join", [created, MemberRole.Distributor, "ipfs://safe"]);
    await execSafeTransaction(f.safeA, [f.ownerY, f.ownerZ], { to: f.ecoshareAddress, data }, f.submitter);
    const membership = await f.ecoshare.membership(created, f.safeAddress);
    expect(membership.status).to.equal(BigInt(MemberStatus.Pending));
    expect(membership.role).to.equal(BigInt(MemberRole.Distributor));
  });

  describe("accepting by signature (ERC-1271 through the fallback handler)", function () {
    it("owners sign the Safe message of Ecoshare's digest: EIP-712 SafeMessage over the Safe's domain", async function () {
      const f = await networkHelpers.loadFixture(safeFixture);
      // The app's typed data for the Safe (client/eip712.ts) gives the digest the contract checks...
      const message = await h.acceptanceMessage(f.ecoshare, f.id, f.terms, f.deadline, f.safeAddress);
      const domain = domainFromErc5267(await f.ecoshare.eip712Domain());
      expect(TypedDataEncoder.hash(domain, acceptanceTypes as never, message)).to.equal(f.digest);
      // ...and the Safe's message hash wraps it, as the fallback handler computes it on-chain.
      const { chainId } = await ethers.provider.getNetwork();
      const wrapped = TypedDataEncoder.hash(
        { chainId, verifyingContract: f.safeAddress },
        { SafeMessage: [{ name: "message", type: "bytes" }] },
        { message: AbiCoder.defaultAbiCoder().encode(["bytes32"], [f.digest]) },
      );
      expect(await f.suite.fallbackHandler.getFunction("getMessageHashForSafe")(f.safeAddress, f.digest)).to.equal(wrapped);
    });

    it("two owners' signatures accept for the Safe; anyone submits them", async function () {
      const f = await networkHelpers.loadFixture(safeFixture);
      const signature = await safeSignature(f.safeA, [f.ownerZ, f.ownerX], f.digest);
      await expect(
        f.ecoshare.connect(f.submitter).acceptWithSignatures(f.id, [{ signer: f.safeAddress, deadline: f.deadline, signature }]),
      )
        .to.emit(f.ecoshare, "AgreementAccepted")
        .withArgs(f.id, f.safeAddress, true);
      expect((await f.ecoshare.agreement(f.id)).status).to.equal(BigInt(AgreementStatus.Active));
    });

    it("one owner's signature alone is refused (threshold 2)", async function () {
      const f = await networkHelpers.loadFixture(safeFixture);
      const signature = await safeSignature(f.safeA, [f.ownerY], f.digest);
      await expect(
        f.ecoshare.connect(f.submitter).acceptWithSignatures(f.id, [{ signer: f.safeAddress, deadline: f.deadline, signature }]),
      )
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidAcceptanceSignature")
        .withArgs(f.id, f.safeAddress);
    });

    it("owners' signatures of Ecoshare's typed data itself, not wrapped in a Safe message, are refused", async function () {
      const f = await networkHelpers.loadFixture(safeFixture);
      const signed = await Promise.all(
        [f.ownerX, f.ownerY].map(async (owner) => ({
          owner: owner.address,
          signature: (await h.signAcceptance(f.ecoshare, owner, f.id, f.terms, f.deadline, f.safeAddress)).signature,
        })),
      );
      await expect(
        f.ecoshare
          .connect(f.submitter)
          .acceptWithSignatures(f.id, [{ signer: f.safeAddress, deadline: f.deadline, signature: packSignatures(signed) }]),
      )
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidAcceptanceSignature")
        .withArgs(f.id, f.safeAddress);
    });
  });

  describe("accepting by an on-chain approved message (SignMessageLib)", function () {
    it("after the Safe signs the digest on-chain, an empty signature accepts; before, it is refused", async function () {
      const f = await networkHelpers.loadFixture(safeFixture);
      const empty = [{ signer: f.safeAddress, deadline: f.deadline, signature: "0x" }];
      await expect(f.ecoshare.connect(f.submitter).acceptWithSignatures(f.id, empty))
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidAcceptanceSignature")
        .withArgs(f.id, f.safeAddress);

      await approveSafeMessage(f.suite, f.safeA, [f.ownerX, f.ownerY], f.digest, f.submitter);
      const messageHash = await f.suite.fallbackHandler.getFunction("getMessageHashForSafe")(f.safeAddress, f.digest);
      expect(await f.safeA.getFunction("signedMessages")(messageHash)).to.equal(1n);

      await expect(f.ecoshare.connect(f.submitter).acceptWithSignatures(f.id, empty))
        .to.emit(f.ecoshare, "AgreementAccepted")
        .withArgs(f.id, f.safeAddress, true);
      expect((await f.ecoshare.agreement(f.id)).status).to.equal(BigInt(AgreementStatus.Active));
    });

    it("a message approved on-chain by Safe A does not accept for Safe B", async function () {
      const f = await networkHelpers.loadFixture(safeFixture);
      const terms = await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.alice.address, f.safeBAddress]));
      const id = await h.propose(f.ecoshare, f.alice, terms);
      await approveSafeMessage(f.suite, f.safeA, [f.ownerX, f.ownerY], await f.ecoshare.acceptanceDigest(id, f.safeBAddress, f.deadline), f.submitter);
      await expect(f.ecoshare.acceptWithSignatures(id, [{ signer: f.safeBAddress, deadline: f.deadline, signature: "0x" }]))
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidAcceptanceSignature")
        .withArgs(id, f.safeBAddress);
    });
  });

  it("as a network operator, the Safe creates a network and admits a member through Safe transactions", async function () {
    const f = await networkHelpers.loadFixture(safeFixture);
    const create = f.ecoshare.interface.encodeFunctionData("createNetwork", [NetworkKind.VendorLed, f.safeAddress, 200, "ipfs://safe-net"]);
    await execSafeTransaction(f.safeA, [f.ownerX, f.ownerY], { to: f.ecoshareAddress, data: create }, f.submitter);
    const networkId = await f.ecoshare.networkCount();
    expect((await f.ecoshare.network(networkId)).operator).to.equal(f.safeAddress);

    await (await f.ecoshare.connect(f.carol).join(networkId, MemberRole.Vendor, "ipfs://carol")).wait();
    // An owner is not the operator: only the Safe, by its owners' threshold, admits.
    await expect(f.ecoshare.connect(f.ownerX).admit(networkId, f.carol.address))
      .to.be.revertedWithCustomError(f.ecoshare, "NotAllowedToAdmit")
      .withArgs(networkId, f.ownerX.address);
    const admit = f.ecoshare.interface.encodeFunctionData("admit", [networkId, f.carol.address]);
    const receipt = await execSafeTransaction(f.safeA, [f.ownerY, f.ownerZ], { to: f.ecoshareAddress, data: admit }, f.submitter);
    const admitted = receipt.logs
      .filter((log) => log.address === f.ecoshareAddress)
      .map((log) => f.ecoshare.interface.parseLog(log))
      .find((event) => event?.name === "MemberAdmitted");
    expect(admitted?.args.toArray()).to.deep.equal([networkId, f.carol.address, f.safeAddress]);
    expect((await f.ecoshare.membership(networkId, f.carol.address)).status).to.equal(BigInt(MemberStatus.Active));
  });

  it("the Safe's earnings reach the Safe: claim and withdraw executed as Safe transactions", async function () {
    const f = await networkHelpers.loadFixture(safeFixture);
    await activateWithSafe(f);
    const amount = ethers.parseEther("1");
    // 1% network fee, no referrer: the vendor pool is 0.99 ETH, of which the Safe's 50% is 0.495 ETH.
    const share = ((amount - (amount * 100n) / h.BPS) * 5_000n) / h.BPS;
    const pay = () =>
      f.ecoshare.connect(f.customer).pay(f.id, h.ETH, amount, h.NO_REFERRER, h.ORDER, h.ETH, { value: amount }).then((tx) => tx.wait());

    await pay();
    expect(await f.ecoshare.collectable(f.id, f.safeAddress)).to.equal(share);
    const claim = f.ecoshare.interface.encodeFunctionData("claim", [f.id]);
    const before = await ethers.provider.getBalance(f.safeAddress);
    await execSafeTransaction(f.safeA, [f.ownerX, f.ownerY], { to: f.ecoshareAddress, data: claim }, f.submitter);
    expect(await ethers.provider.getBalance(f.safeAddress)).to.equal(before + share);
    expect(await f.ecoshare.collectable(f.id, f.safeAddress)).to.equal(0n);

    await pay();
    const withdraw = f.ecoshare.interface.encodeFunctionData("withdraw", [f.safeAddress, h.ETH, [f.id]]);
    const middle = await ethers.provider.getBalance(f.safeAddress);
    await execSafeTransaction(f.safeA, [f.ownerY, f.ownerZ], { to: f.ecoshareAddress, data: withdraw }, f.submitter);
    expect(await ethers.provider.getBalance(f.safeAddress)).to.equal(middle + share);
    expect(await f.ecoshare.collectable(f.id, f.safeAddress)).to.equal(0n);
    expect(await f.ecoshare.balanceOf(f.safeAddress, h.ETH)).to.equal(0n);

    // Nothing left: a second claim through the Safe reverts with Ecoshare's error (Safe 1.5.0 passes it on), the balance is unchanged.
    await expect(
      execSafeTransaction(f.safeA, [f.ownerX, f.ownerY], { to: f.ecoshareAddress, data: claim }, f.submitter),
    )
      .to.be.revertedWithCustomError(f.ecoshare, "NothingToClaim")
      .withArgs(f.id, f.safeAddress);
    expect(await ethers.provider.getBalance(f.safeAddress)).to.equal(middle + share);
  });

  describe("signature binding (v2): the typed data names the account", function () {
    /** Alice proposed alice / Safe A / Safe B terms. */
    async function twoSafesFixture() {
      const f = await safeFixture();
      const terms = await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.alice.address, f.safeAddress, f.safeBAddress]));
      const id = await h.propose(f.ecoshare, f.alice, terms);
      return { ...f, terms, id };
    }

    it("Safe A's signature (same owners) is not valid for Safe B; Safe B's own is", async function () {
      const f = await networkHelpers.loadFixture(twoSafesFixture);
      const digestA = await f.ecoshare.acceptanceDigest(f.id, f.safeAddress, f.deadline);
      const digestB = await f.ecoshare.acceptanceDigest(f.id, f.safeBAddress, f.deadline);
      expect(digestA).to.not.equal(digestB);
      const refused = async (signature: string) =>
        expect(f.ecoshare.acceptWithSignatures(f.id, [{ signer: f.safeBAddress, deadline: f.deadline, signature }]))
          .to.be.revertedWithCustomError(f.ecoshare, "InvalidAcceptanceSignature")
          .withArgs(f.id, f.safeBAddress);
      const owners = [f.ownerX, f.ownerY];
      // Safe A's acceptance as it stands (A's digest in A's Safe message), replayed for B.
      await refused(await safeSignature(f.safeA, owners, digestA));
      // A's digest wrapped in B's Safe message: Safe B would approve the message, Ecoshare's digest names A.
      await refused(await safeSignature(f.safeB, owners, digestA));
      // B's digest in A's Safe message: Safe B refuses a message of another Safe's domain.
      await refused(await safeSignature(f.safeA, owners, digestB));

      const signature = await safeSignature(f.safeB, owners, digestB);
      await expect(f.ecoshare.acceptWithSignatures(f.id, [{ signer: f.safeBAddress, deadline: f.deadline, signature }]))
        .to.emit(f.ecoshare, "AgreementAccepted")
        .withArgs(f.id, f.safeBAddress, true);
    });
  });

  describe("ERC-6492 (wallets not yet deployed): not accepted on-chain, by decision", function () {
    it("an ERC-6492-wrapped signature is refused, while the same inner signature accepts", async function () {
      const f = await networkHelpers.loadFixture(safeFixture);
      const inner = await safeSignature(f.safeA, [f.ownerX, f.ownerY], f.digest);
      // The wrapper a counterfactual Safe's app would send: the factory call that deploys this very Safe.
      const creation = await safeCreation(f.suite, f.owners.map((o) => o.address), THRESHOLD, 0n);
      expect(creation.address).to.equal(f.safeAddress);
      const wrapped = wrapErc6492(creation, inner);
      await expect(
        f.ecoshare.acceptWithSignatures(f.id, [{ signer: f.safeAddress, deadline: f.deadline, signature: wrapped }]),
      )
        .to.be.revertedWithCustomError(f.ecoshare, "InvalidAcceptanceSignature")
        .withArgs(f.id, f.safeAddress);
      await expect(f.ecoshare.acceptWithSignatures(f.id, [{ signer: f.safeAddress, deadline: f.deadline, signature: inner }]))
        .to.emit(f.ecoshare, "AgreementAccepted")
        .withArgs(f.id, f.safeAddress, true);
    });

    it("a counterfactual Safe cannot be a party at all: parties are active members, and joining needs code", async function () {
      const f = await networkHelpers.loadFixture(safeFixture);
      const counterfactual = await safeCreation(f.suite, f.owners.map((o) => o.address), THRESHOLD, 7n);
      expect(await ethers.provider.getCode(counterfactual.address)).to.equal("0x");
      const terms = await h.makeTerms(f.ecoshare, f.networkId, h.equalShares([f.alice.address, counterfactual.address]));
      await expect(f.ecoshare.connect(f.alice).propose(terms))
        .to.be.revertedWithCustomError(f.ecoshare, "MemberNotActive")
        .withArgs(f.networkId, counterfactual.address);
    });
  });
});
