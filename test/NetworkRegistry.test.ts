import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import { MemberRole, MemberStatus, NetworkKind } from "./helpers/ecoshare.js";
import { deployWorld } from "./helpers/world.js";

const { ethers, networkHelpers } = await network.create();

async function registryFixture() {
  const w = await deployWorld(ethers);
  const [newcomer, other, third] = w.spare;
  return { ...w, newcomer: newcomer!, other: other!, third: third! };
}

/** One network of each kind, operated by `operator`, alice an active member of each. */
async function kindsFixture() {
  const w = await registryFixture();
  const { ecoshare, operator, feeRecipient, alice } = w;
  const ids = {} as Record<keyof typeof NetworkKind, bigint>;
  for (const kind of ["PeerToPeer", "VendorLed", "DistributorLed", "Marketplace"] as const) {
    await ecoshare.connect(operator).createNetwork(NetworkKind[kind], feeRecipient.address, 0, `ipfs://${kind}`);
    const id = await ecoshare.networkCount();
    ids[kind] = id;
    await ecoshare.connect(alice).join(id, MemberRole.Vendor, "ipfs://alice");
    if ((await ecoshare.membership(id, alice.address)).status === BigInt(MemberStatus.Pending)) {
      await ecoshare.connect(operator).admit(id, alice.address);
    }
  }
  return { ...w, ids };
}

describe("NetworkRegistry", function () {
  describe("createNetwork", function () {
    it("creates a network operated by the caller, with ids from 1", async function () {
      const { ecoshare, outsider, feeRecipient } = await networkHelpers.loadFixture(registryFixture);
      expect(await ecoshare.networkCount()).to.equal(1n); // the world's network
      expect(
        await ecoshare.connect(outsider).createNetwork.staticCall(NetworkKind.Marketplace, feeRecipient.address, 250, "ipfs://m"),
      ).to.equal(2n);

      await expect(ecoshare.connect(outsider).createNetwork(NetworkKind.Marketplace, feeRecipient.address, 250, "ipfs://m"))
        .to.emit(ecoshare, "NetworkCreated")
        .withArgs(2n, outsider.address, NetworkKind.Marketplace, feeRecipient.address, 250, "ipfs://m");

      expect(await ecoshare.networkCount()).to.equal(2n);
      const net = await ecoshare.network(2n);
      expect(net.operator).to.equal(outsider.address);
      expect(net.kind).to.equal(BigInt(NetworkKind.Marketplace));
      expect(net.feeBps).to.equal(250n);
      expect(net.feeRecipient).to.equal(feeRecipient.address);
      expect(net.pendingOperator).to.equal(ZeroAddress);
    });

    it("accepts a fee of exactly MAX_NETWORK_FEE_BPS (10%) and of 0", async function () {
      const { ecoshare, outsider } = await networkHelpers.loadFixture(registryFixture);
      expect(await ecoshare.MAX_NETWORK_FEE_BPS()).to.equal(1_000n);
      await expect(ecoshare.connect(outsider).createNetwork(NetworkKind.VendorLed, outsider.address, 1_000, ""))
        .to.emit(ecoshare, "NetworkCreated")
        .withArgs(2n, outsider.address, NetworkKind.VendorLed, outsider.address, 1_000, "");
      await ecoshare.connect(outsider).createNetwork(NetworkKind.VendorLed, outsider.address, 0, "");
      expect((await ecoshare.network(3n)).feeBps).to.equal(0n);
    });

    it("rejects a fee above MAX_NETWORK_FEE_BPS", async function () {
      const { ecoshare, outsider } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(outsider).createNetwork(NetworkKind.VendorLed, outsider.address, 1_001, ""))
        .to.be.revertedWithCustomError(ecoshare, "NetworkFeeTooHigh")
        .withArgs(1_001, 1_000);
    });

    it("rejects the zero fee recipient", async function () {
      const { ecoshare, outsider } = await networkHelpers.loadFixture(registryFixture);
      await expect(
        ecoshare.connect(outsider).createNetwork(NetworkKind.VendorLed, ZeroAddress, 0, ""),
      ).to.be.revertedWithCustomError(ecoshare, "ZeroFeeRecipient");
    });
  });

  describe("network", function () {
    it("rejects an unknown network id, 0 included", async function () {
      const { ecoshare } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.network(0n)).to.be.revertedWithCustomError(ecoshare, "UnknownNetwork").withArgs(0n);
      await expect(ecoshare.network(2n)).to.be.revertedWithCustomError(ecoshare, "UnknownNetwork").withArgs(2n);
    });
  });

  describe("setNetworkFee", function () {
    it("lets the operator change the fee terms", async function () {
      const { ecoshare, operator, networkId, outsider } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).setNetworkFee(networkId, outsider.address, 1_000))
        .to.emit(ecoshare, "NetworkFeeUpdated")
        .withArgs(networkId, outsider.address, 1_000);
      const net = await ecoshare.network(networkId);
      expect(net.feeRecipient).to.equal(outsider.address);
      expect(net.feeBps).to.equal(1_000n);
    });

    it("is operator only", async function () {
      const { ecoshare, alice, networkId } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(alice).setNetworkFee(networkId, alice.address, 0))
        .to.be.revertedWithCustomError(ecoshare, "NotNetworkOperator")
        .withArgs(networkId, alice.address);
    });

    it("enforces the fee cap and a non-zero recipient", async function () {
      const { ecoshare, operator, networkId } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).setNetworkFee(networkId, operator.address, 1_001))
        .to.be.revertedWithCustomError(ecoshare, "NetworkFeeTooHigh")
        .withArgs(1_001, 1_000);
      await expect(ecoshare.connect(operator).setNetworkFee(networkId, ZeroAddress, 10)).to.be.revertedWithCustomError(
        ecoshare,
        "ZeroFeeRecipient",
      );
    });

    it("rejects an unknown network", async function () {
      const { ecoshare, operator } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).setNetworkFee(7n, operator.address, 0))
        .to.be.revertedWithCustomError(ecoshare, "UnknownNetwork")
        .withArgs(7n);
    });
  });

  describe("setNetworkMetadata", function () {
    it("lets the operator replace the metadata URI", async function () {
      const { ecoshare, operator, networkId } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).setNetworkMetadata(networkId, "ipfs://v2"))
        .to.emit(ecoshare, "NetworkMetadataUpdated")
        .withArgs(networkId, "ipfs://v2");
    });

    it("is operator only", async function () {
      const { ecoshare, bob, networkId } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(bob).setNetworkMetadata(networkId, "ipfs://x"))
        .to.be.revertedWithCustomError(ecoshare, "NotNetworkOperator")
        .withArgs(networkId, bob.address);
    });
  });

  describe("operator transfer (two steps)", function () {
    it("offers the role, then the new operator accepts it", async function () {
      const { ecoshare, operator, outsider, networkId } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).transferOperator(networkId, outsider.address))
        .to.emit(ecoshare, "OperatorTransferStarted")
        .withArgs(networkId, operator.address, outsider.address);
      // Nothing changes until the offer is accepted.
      expect((await ecoshare.network(networkId)).operator).to.equal(operator.address);
      expect((await ecoshare.network(networkId)).pendingOperator).to.equal(outsider.address);

      await expect(ecoshare.connect(outsider).acceptOperator(networkId))
        .to.emit(ecoshare, "OperatorTransferred")
        .withArgs(networkId, operator.address, outsider.address);
      const net = await ecoshare.network(networkId);
      expect(net.operator).to.equal(outsider.address);
      expect(net.pendingOperator).to.equal(ZeroAddress);

      // The old operator lost its powers; the new one has them.
      await expect(ecoshare.connect(operator).setNetworkMetadata(networkId, "x"))
        .to.be.revertedWithCustomError(ecoshare, "NotNetworkOperator")
        .withArgs(networkId, operator.address);
      await expect(ecoshare.connect(outsider).setNetworkMetadata(networkId, "x")).to.emit(ecoshare, "NetworkMetadataUpdated");
    });

    it("lets the new operator admit in a vendor-led network", async function () {
      const { ecoshare, operator, outsider, newcomer, networkId } = await networkHelpers.loadFixture(registryFixture);
      await ecoshare.connect(operator).transferOperator(networkId, outsider.address);
      await ecoshare.connect(outsider).acceptOperator(networkId);
      await ecoshare.connect(newcomer).join(networkId, MemberRole.Distributor, "");
      await expect(ecoshare.connect(operator).admit(networkId, newcomer.address))
        .to.be.revertedWithCustomError(ecoshare, "NotAllowedToAdmit")
        .withArgs(networkId, operator.address);
      await expect(ecoshare.connect(outsider).admit(networkId, newcomer.address))
        .to.emit(ecoshare, "MemberAdmitted")
        .withArgs(networkId, newcomer.address, outsider.address);
    });

    it("lets only the offered account accept", async function () {
      const { ecoshare, operator, outsider, alice, networkId } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(outsider).acceptOperator(networkId))
        .to.be.revertedWithCustomError(ecoshare, "NotPendingOperator")
        .withArgs(networkId, outsider.address);
      await ecoshare.connect(operator).transferOperator(networkId, outsider.address);
      await expect(ecoshare.connect(alice).acceptOperator(networkId))
        .to.be.revertedWithCustomError(ecoshare, "NotPendingOperator")
        .withArgs(networkId, alice.address);
      await expect(ecoshare.connect(alice).acceptOperator(9n))
        .to.be.revertedWithCustomError(ecoshare, "UnknownNetwork")
        .withArgs(9n);
    });

    it("replaces an earlier offer with a later one", async function () {
      const { ecoshare, operator, outsider, alice, networkId } = await networkHelpers.loadFixture(registryFixture);
      await ecoshare.connect(operator).transferOperator(networkId, outsider.address);
      await ecoshare.connect(operator).transferOperator(networkId, alice.address);
      await expect(ecoshare.connect(outsider).acceptOperator(networkId))
        .to.be.revertedWithCustomError(ecoshare, "NotPendingOperator")
        .withArgs(networkId, outsider.address);
      await expect(ecoshare.connect(alice).acceptOperator(networkId))
        .to.emit(ecoshare, "OperatorTransferred")
        .withArgs(networkId, operator.address, alice.address);
    });

    it("rejects the zero address and non-operators", async function () {
      const { ecoshare, operator, outsider, networkId } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).transferOperator(networkId, ZeroAddress)).to.be.revertedWithCustomError(
        ecoshare,
        "ZeroOperator",
      );
      await expect(ecoshare.connect(outsider).transferOperator(networkId, outsider.address))
        .to.be.revertedWithCustomError(ecoshare, "NotNetworkOperator")
        .withArgs(networkId, outsider.address);
    });

    it("lets the operator cancel an offer", async function () {
      const { ecoshare, operator, outsider, networkId } = await networkHelpers.loadFixture(registryFixture);
      await ecoshare.connect(operator).transferOperator(networkId, outsider.address);
      await expect(ecoshare.connect(operator).cancelOperatorTransfer(networkId))
        .to.emit(ecoshare, "OperatorTransferStarted")
        .withArgs(networkId, operator.address, ZeroAddress);
      expect((await ecoshare.network(networkId)).pendingOperator).to.equal(ZeroAddress);
      await expect(ecoshare.connect(outsider).acceptOperator(networkId))
        .to.be.revertedWithCustomError(ecoshare, "NotPendingOperator")
        .withArgs(networkId, outsider.address);
      expect((await ecoshare.network(networkId)).operator).to.equal(operator.address);
    });

    it("lets only the operator cancel", async function () {
      const { ecoshare, operator, outsider, networkId } = await networkHelpers.loadFixture(registryFixture);
      await ecoshare.connect(operator).transferOperator(networkId, outsider.address);
      await expect(ecoshare.connect(outsider).cancelOperatorTransfer(networkId))
        .to.be.revertedWithCustomError(ecoshare, "NotNetworkOperator")
        .withArgs(networkId, outsider.address);
    });
  });

  describe("admission rules by network kind", function () {
    it("peer-to-peer: a request waits, and any active member admits it", async function () {
      const { ecoshare, ids, alice, newcomer } = await networkHelpers.loadFixture(kindsFixture);
      const id = ids.PeerToPeer;
      const join = ecoshare.connect(newcomer).join(id, MemberRole.ReferralPartner, "ipfs://newcomer");
      await expect(join)
        .to.emit(ecoshare, "MembershipRequested")
        .withArgs(id, newcomer.address, MemberRole.ReferralPartner, "ipfs://newcomer");
      await expect(join).not.to.emit(ecoshare, "MemberAdmitted");
      expect((await ecoshare.membership(id, newcomer.address)).status).to.equal(BigInt(MemberStatus.Pending));

      await expect(ecoshare.connect(alice).admit(id, newcomer.address))
        .to.emit(ecoshare, "MemberAdmitted")
        .withArgs(id, newcomer.address, alice.address);
      const m = await ecoshare.membership(id, newcomer.address);
      expect(m.status).to.equal(BigInt(MemberStatus.Active));
      expect(m.role).to.equal(BigInt(MemberRole.ReferralPartner));
      expect(m.since).to.equal(BigInt(await networkHelpers.time.latest()));
    });

    it("peer-to-peer: the operator admits too, without being a member", async function () {
      const { ecoshare, ids, operator, newcomer } = await networkHelpers.loadFixture(kindsFixture);
      await ecoshare.connect(newcomer).join(ids.PeerToPeer, MemberRole.Vendor, "");
      expect((await ecoshare.membership(ids.PeerToPeer, operator.address)).status).to.equal(BigInt(MemberStatus.None));
      await expect(ecoshare.connect(operator).admit(ids.PeerToPeer, newcomer.address))
        .to.emit(ecoshare, "MemberAdmitted")
        .withArgs(ids.PeerToPeer, newcomer.address, operator.address);
    });

    it("peer-to-peer: pending, suspended and outside accounts cannot admit", async function () {
      const { ecoshare, ids, operator, alice, newcomer, other, outsider } = await networkHelpers.loadFixture(kindsFixture);
      const id = ids.PeerToPeer;
      await ecoshare.connect(newcomer).join(id, MemberRole.Vendor, "");
      await ecoshare.connect(other).join(id, MemberRole.Vendor, "");
      await expect(ecoshare.connect(other).admit(id, newcomer.address))
        .to.be.revertedWithCustomError(ecoshare, "NotAllowedToAdmit")
        .withArgs(id, other.address);
      await expect(ecoshare.connect(outsider).admit(id, newcomer.address))
        .to.be.revertedWithCustomError(ecoshare, "NotAllowedToAdmit")
        .withArgs(id, outsider.address);
      await ecoshare.connect(operator).suspend(id, alice.address);
      await expect(ecoshare.connect(alice).admit(id, newcomer.address))
        .to.be.revertedWithCustomError(ecoshare, "NotAllowedToAdmit")
        .withArgs(id, alice.address);
    });

    for (const kind of ["VendorLed", "DistributorLed"] as const) {
      it(`${kind}: only the operator admits, not an active member`, async function () {
        const { ecoshare, ids, operator, alice, newcomer } = await networkHelpers.loadFixture(kindsFixture);
        const id = ids[kind];
        await ecoshare.connect(newcomer).join(id, MemberRole.Distributor, "");
        expect((await ecoshare.membership(id, newcomer.address)).status).to.equal(BigInt(MemberStatus.Pending));
        await expect(ecoshare.connect(alice).admit(id, newcomer.address))
          .to.be.revertedWithCustomError(ecoshare, "NotAllowedToAdmit")
          .withArgs(id, alice.address);
        await expect(ecoshare.connect(alice).decline(id, newcomer.address))
          .to.be.revertedWithCustomError(ecoshare, "NotAllowedToAdmit")
          .withArgs(id, alice.address);
        await expect(ecoshare.connect(operator).admit(id, newcomer.address))
          .to.emit(ecoshare, "MemberAdmitted")
          .withArgs(id, newcomer.address, operator.address);
        expect((await ecoshare.membership(id, newcomer.address)).status).to.equal(BigInt(MemberStatus.Active));
      });
    }

    it("marketplace: whoever joins is active at once, admitted by itself", async function () {
      const { ecoshare, ids, newcomer } = await networkHelpers.loadFixture(kindsFixture);
      const id = ids.Marketplace;
      const join = ecoshare.connect(newcomer).join(id, MemberRole.ReferralPartner, "ipfs://n");
      await expect(join)
        .to.emit(ecoshare, "MembershipRequested")
        .withArgs(id, newcomer.address, MemberRole.ReferralPartner, "ipfs://n");
      await expect(join).to.emit(ecoshare, "MemberAdmitted").withArgs(id, newcomer.address, newcomer.address);
      const m = await ecoshare.membership(id, newcomer.address);
      expect(m.status).to.equal(BigInt(MemberStatus.Active));
      expect(m.role).to.equal(BigInt(MemberRole.ReferralPartner));
      expect(m.since).to.equal(BigInt(await networkHelpers.time.latest()));
    });

    for (const kind of ["PeerToPeer", "VendorLed", "DistributorLed"] as const) {
      it(`${kind}: the operator joining its own network is active at once`, async function () {
        const { ecoshare, ids, operator } = await networkHelpers.loadFixture(kindsFixture);
        await expect(ecoshare.connect(operator).join(ids[kind], MemberRole.Vendor, ""))
          .to.emit(ecoshare, "MemberAdmitted")
          .withArgs(ids[kind], operator.address, operator.address);
        expect((await ecoshare.membership(ids[kind], operator.address)).status).to.equal(BigInt(MemberStatus.Active));
      });
    }

    it("admit sets `since` to the admission time", async function () {
      const { ecoshare, ids, operator, newcomer } = await networkHelpers.loadFixture(kindsFixture);
      await ecoshare.connect(newcomer).join(ids.VendorLed, MemberRole.Vendor, "");
      const requested = (await ecoshare.membership(ids.VendorLed, newcomer.address)).since;
      await networkHelpers.time.increase(1_000);
      await ecoshare.connect(operator).admit(ids.VendorLed, newcomer.address);
      const admitted = (await ecoshare.membership(ids.VendorLed, newcomer.address)).since;
      expect(admitted).to.equal(BigInt(await networkHelpers.time.latest()));
      expect(admitted - requested).to.equal(1_001n);
    });
  });

  describe("join", function () {
    it("rejects a second request, whatever the first one's status", async function () {
      const { ecoshare, networkId, operator, alice, newcomer } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(alice).join(networkId, MemberRole.Vendor, ""))
        .to.be.revertedWithCustomError(ecoshare, "AlreadyMember")
        .withArgs(networkId, alice.address, MemberStatus.Active);
      await ecoshare.connect(newcomer).join(networkId, MemberRole.Vendor, "");
      await expect(ecoshare.connect(newcomer).join(networkId, MemberRole.Distributor, ""))
        .to.be.revertedWithCustomError(ecoshare, "AlreadyMember")
        .withArgs(networkId, newcomer.address, MemberStatus.Pending);
      await ecoshare.connect(operator).suspend(networkId, alice.address);
      await expect(ecoshare.connect(alice).join(networkId, MemberRole.Vendor, ""))
        .to.be.revertedWithCustomError(ecoshare, "AlreadyMember")
        .withArgs(networkId, alice.address, MemberStatus.Suspended);
    });

    it("rejects an unknown network", async function () {
      const { ecoshare, newcomer } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(newcomer).join(5n, MemberRole.Vendor, ""))
        .to.be.revertedWithCustomError(ecoshare, "UnknownNetwork")
        .withArgs(5n);
    });
  });

  describe("admit", function () {
    it("needs a pending request", async function () {
      const { ecoshare, networkId, operator, alice, newcomer } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).admit(networkId, newcomer.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, newcomer.address, MemberStatus.None);
      await expect(ecoshare.connect(operator).admit(networkId, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, alice.address, MemberStatus.Active);
      await ecoshare.connect(operator).suspend(networkId, alice.address);
      await expect(ecoshare.connect(operator).admit(networkId, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, alice.address, MemberStatus.Suspended);
    });

    it("rejects an unknown network", async function () {
      const { ecoshare, operator, newcomer } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).admit(3n, newcomer.address))
        .to.be.revertedWithCustomError(ecoshare, "UnknownNetwork")
        .withArgs(3n);
    });
  });

  describe("decline", function () {
    it("turns a request down; the account may ask again", async function () {
      const { ecoshare, networkId, operator, newcomer } = await networkHelpers.loadFixture(registryFixture);
      await ecoshare.connect(newcomer).join(networkId, MemberRole.Distributor, "");
      await expect(ecoshare.connect(operator).decline(networkId, newcomer.address))
        .to.emit(ecoshare, "MembershipDeclined")
        .withArgs(networkId, newcomer.address, operator.address);
      const m = await ecoshare.membership(networkId, newcomer.address);
      expect(m.status).to.equal(BigInt(MemberStatus.None));
      expect(m.since).to.equal(0n);
      await expect(ecoshare.connect(newcomer).join(networkId, MemberRole.Vendor, "")).to.emit(ecoshare, "MembershipRequested");
    });

    it("peer-to-peer: any active member may decline", async function () {
      const { ecoshare, ids, alice, newcomer } = await networkHelpers.loadFixture(kindsFixture);
      await ecoshare.connect(newcomer).join(ids.PeerToPeer, MemberRole.Vendor, "");
      await expect(ecoshare.connect(alice).decline(ids.PeerToPeer, newcomer.address))
        .to.emit(ecoshare, "MembershipDeclined")
        .withArgs(ids.PeerToPeer, newcomer.address, alice.address);
    });

    it("needs a pending request", async function () {
      const { ecoshare, networkId, operator, alice, newcomer } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).decline(networkId, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, alice.address, MemberStatus.Active);
      await expect(ecoshare.connect(operator).decline(networkId, newcomer.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, newcomer.address, MemberStatus.None);
    });
  });

  describe("suspend and reinstate", function () {
    it("the operator suspends an active member and reinstates it", async function () {
      const { ecoshare, networkId, operator, alice } = await networkHelpers.loadFixture(registryFixture);
      const since = (await ecoshare.membership(networkId, alice.address)).since;
      await expect(ecoshare.connect(operator).suspend(networkId, alice.address))
        .to.emit(ecoshare, "MemberSuspended")
        .withArgs(networkId, alice.address, operator.address);
      let m = await ecoshare.membership(networkId, alice.address);
      expect(m.status).to.equal(BigInt(MemberStatus.Suspended));
      expect(m.since).to.equal(since);

      await expect(ecoshare.connect(operator).reinstate(networkId, alice.address))
        .to.emit(ecoshare, "MemberReinstated")
        .withArgs(networkId, alice.address, operator.address);
      m = await ecoshare.membership(networkId, alice.address);
      expect(m.status).to.equal(BigInt(MemberStatus.Active));
      expect(m.role).to.equal(BigInt(MemberRole.Vendor));
    });

    it("suspend needs an active member", async function () {
      const { ecoshare, networkId, operator, alice, newcomer, outsider } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).suspend(networkId, outsider.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, outsider.address, MemberStatus.None);
      await ecoshare.connect(newcomer).join(networkId, MemberRole.Vendor, "");
      await expect(ecoshare.connect(operator).suspend(networkId, newcomer.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, newcomer.address, MemberStatus.Pending);
      await ecoshare.connect(operator).suspend(networkId, alice.address);
      await expect(ecoshare.connect(operator).suspend(networkId, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, alice.address, MemberStatus.Suspended);
    });

    it("reinstate needs a suspended member", async function () {
      const { ecoshare, networkId, operator, alice } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(operator).reinstate(networkId, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, alice.address, MemberStatus.Active);
    });

    it("both are operator only", async function () {
      const { ecoshare, networkId, operator, alice, bob } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(bob).suspend(networkId, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "NotNetworkOperator")
        .withArgs(networkId, bob.address);
      await ecoshare.connect(operator).suspend(networkId, alice.address);
      await expect(ecoshare.connect(bob).reinstate(networkId, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "NotNetworkOperator")
        .withArgs(networkId, bob.address);
      await expect(ecoshare.connect(operator).suspend(4n, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "UnknownNetwork")
        .withArgs(4n);
    });
  });

  describe("leave", function () {
    it("ends an active membership", async function () {
      const { ecoshare, networkId, alice } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(alice).leave(networkId)).to.emit(ecoshare, "MemberLeft").withArgs(networkId, alice.address);
      const m = await ecoshare.membership(networkId, alice.address);
      expect(m.status).to.equal(BigInt(MemberStatus.None));
      expect(m.role).to.equal(0n);
      expect(m.since).to.equal(0n);
    });

    it("withdraws a pending request", async function () {
      const { ecoshare, networkId, operator, newcomer } = await networkHelpers.loadFixture(registryFixture);
      await ecoshare.connect(newcomer).join(networkId, MemberRole.Vendor, "");
      await expect(ecoshare.connect(newcomer).leave(networkId))
        .to.emit(ecoshare, "MemberLeft")
        .withArgs(networkId, newcomer.address);
      await expect(ecoshare.connect(operator).admit(networkId, newcomer.address))
        .to.be.revertedWithCustomError(ecoshare, "UnexpectedMemberStatus")
        .withArgs(networkId, newcomer.address, MemberStatus.None);
    });

    it("is allowed while suspended, and remembered", async function () {
      const { ecoshare, networkId, operator, alice } = await networkHelpers.loadFixture(registryFixture);
      await ecoshare.connect(operator).suspend(networkId, alice.address);
      await expect(ecoshare.connect(alice).leave(networkId)).to.emit(ecoshare, "MemberLeft").withArgs(networkId, alice.address);
      const membership = await ecoshare.membership(networkId, alice.address);
      expect([membership.status, membership.awaitsReinstatement]).to.deep.equal([BigInt(MemberStatus.None), true]);
    });

    it("needs a membership in an existing network", async function () {
      const { ecoshare, networkId, outsider } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(outsider).leave(networkId))
        .to.be.revertedWithCustomError(ecoshare, "NotMember")
        .withArgs(networkId, outsider.address);
      await expect(ecoshare.connect(outsider).leave(8n)).to.be.revertedWithCustomError(ecoshare, "UnknownNetwork").withArgs(8n);
    });
  });

  describe("setMemberMetadata", function () {
    it("lets a member (pending or active) replace its metadata URI", async function () {
      const { ecoshare, networkId, alice, newcomer } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(alice).setMemberMetadata(networkId, "ipfs://alice-v2"))
        .to.emit(ecoshare, "MemberMetadataUpdated")
        .withArgs(networkId, alice.address, "ipfs://alice-v2");
      await ecoshare.connect(newcomer).join(networkId, MemberRole.Vendor, "");
      await expect(ecoshare.connect(newcomer).setMemberMetadata(networkId, "ipfs://n"))
        .to.emit(ecoshare, "MemberMetadataUpdated")
        .withArgs(networkId, newcomer.address, "ipfs://n");
    });

    it("rejects a non-member", async function () {
      const { ecoshare, networkId, outsider } = await networkHelpers.loadFixture(registryFixture);
      await expect(ecoshare.connect(outsider).setMemberMetadata(networkId, "x"))
        .to.be.revertedWithCustomError(ecoshare, "NotMember")
        .withArgs(networkId, outsider.address);
    });
  });

  describe("one address in several networks", function () {
    it("holds a different role and status in each, and a suspension stays in its network", async function () {
      const { ecoshare, ids, operator, alice, newcomer, other } = await networkHelpers.loadFixture(kindsFixture);
      // newcomer: vendor in the marketplace, distributor (pending) in the distributor-led network,
      // referral partner in the peer-to-peer network, and operator of a network of its own.
      await ecoshare.connect(newcomer).join(ids.Marketplace, MemberRole.Vendor, "");
      await ecoshare.connect(newcomer).join(ids.DistributorLed, MemberRole.Distributor, "");
      await ecoshare.connect(newcomer).join(ids.PeerToPeer, MemberRole.ReferralPartner, "");
      await ecoshare.connect(alice).admit(ids.PeerToPeer, newcomer.address);
      await ecoshare.connect(newcomer).createNetwork(NetworkKind.VendorLed, newcomer.address, 10, "");
      const own = await ecoshare.networkCount();

      const status = async (id: bigint) => Number((await ecoshare.membership(id, newcomer.address)).status);
      const role = async (id: bigint) => Number((await ecoshare.membership(id, newcomer.address)).role);
      expect([await status(ids.Marketplace), await role(ids.Marketplace)]).to.deep.equal([MemberStatus.Active, MemberRole.Vendor]);
      expect([await status(ids.DistributorLed), await role(ids.DistributorLed)]).to.deep.equal([
        MemberStatus.Pending,
        MemberRole.Distributor,
      ]);
      expect([await status(ids.PeerToPeer), await role(ids.PeerToPeer)]).to.deep.equal([
        MemberStatus.Active,
        MemberRole.ReferralPartner,
      ]);
      expect(await status(own)).to.equal(MemberStatus.None);
      expect((await ecoshare.network(own)).operator).to.equal(newcomer.address);

      // Suspended in the peer-to-peer network only: it can no longer admit there, but still operates its own.
      await ecoshare.connect(operator).suspend(ids.PeerToPeer, newcomer.address);
      expect(await status(ids.PeerToPeer)).to.equal(MemberStatus.Suspended);
      expect(await status(ids.Marketplace)).to.equal(MemberStatus.Active);
      await ecoshare.connect(other).join(ids.PeerToPeer, MemberRole.Vendor, "");
      await expect(ecoshare.connect(newcomer).admit(ids.PeerToPeer, other.address))
        .to.be.revertedWithCustomError(ecoshare, "NotAllowedToAdmit")
        .withArgs(ids.PeerToPeer, newcomer.address);
      await ecoshare.connect(other).join(own, MemberRole.Vendor, "");
      await expect(ecoshare.connect(newcomer).admit(own, other.address))
        .to.emit(ecoshare, "MemberAdmitted")
        .withArgs(own, other.address, newcomer.address);
    });
  });

  describe("leaving never lifts a suspension", function () {
    it("marketplace: a suspended member that leaves and joins again waits for the operator", async function () {
      const { ecoshare, ids, operator, alice } = await networkHelpers.loadFixture(kindsFixture);
      await ecoshare.connect(operator).suspend(ids.Marketplace, alice.address);
      await ecoshare.connect(alice).leave(ids.Marketplace);
      await expect(ecoshare.connect(alice).join(ids.Marketplace, MemberRole.Vendor, "")).not.to.emit(ecoshare, "MemberAdmitted");
      expect((await ecoshare.membership(ids.Marketplace, alice.address)).status).to.equal(BigInt(MemberStatus.Pending));
      await expect(ecoshare.connect(operator).admit(ids.Marketplace, alice.address))
        .to.emit(ecoshare, "MemberAdmitted")
        .withArgs(ids.Marketplace, alice.address, operator.address);
      const membership = await ecoshare.membership(ids.Marketplace, alice.address);
      expect([membership.status, membership.awaitsReinstatement]).to.deep.equal([BigInt(MemberStatus.Active), false]);
    });

    it("peer-to-peer: other members cannot re-admit it, only the operator", async function () {
      const { ecoshare, ids, operator, alice, newcomer } = await networkHelpers.loadFixture(kindsFixture);
      await ecoshare.connect(newcomer).join(ids.PeerToPeer, MemberRole.Vendor, "");
      await ecoshare.connect(alice).admit(ids.PeerToPeer, newcomer.address);
      await ecoshare.connect(operator).suspend(ids.PeerToPeer, alice.address);
      await ecoshare.connect(alice).leave(ids.PeerToPeer);
      await ecoshare.connect(alice).join(ids.PeerToPeer, MemberRole.Vendor, "");
      await expect(ecoshare.connect(newcomer).admit(ids.PeerToPeer, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "NotAllowedToAdmit")
        .withArgs(ids.PeerToPeer, newcomer.address);
      await expect(ecoshare.connect(newcomer).decline(ids.PeerToPeer, alice.address))
        .to.be.revertedWithCustomError(ecoshare, "NotAllowedToAdmit")
        .withArgs(ids.PeerToPeer, newcomer.address);
      // Declined by the operator, the account still waits for the operator the next time.
      await ecoshare.connect(operator).decline(ids.PeerToPeer, alice.address);
      await ecoshare.connect(alice).join(ids.PeerToPeer, MemberRole.Vendor, "");
      expect((await ecoshare.membership(ids.PeerToPeer, alice.address)).awaitsReinstatement).to.equal(true);
      await ecoshare.connect(operator).admit(ids.PeerToPeer, alice.address);
      expect((await ecoshare.membership(ids.PeerToPeer, alice.address)).status).to.equal(BigInt(MemberStatus.Active));
    });
  });

  describe("membership", function () {
    it("is None for an account without membership, and for an unknown network", async function () {
      const { ecoshare, networkId, outsider } = await networkHelpers.loadFixture(registryFixture);
      const none = await ecoshare.membership(networkId, outsider.address);
      expect([none.status, none.role, none.since]).to.deep.equal([0n, 0n, 0n]);
      expect((await ecoshare.membership(99n, outsider.address)).status).to.equal(0n);
    });
  });
});
