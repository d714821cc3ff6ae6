/**
 * docs/architecture.md quotes the exact EIP-712 type strings a third party signs with. This test reads them from
 * the document, builds typed data from them alone, and checks the digests equal the contract's own
 * `acceptanceDigest` and `counterProposalDigest`, and that a mandate signed with them is one `grantSignedMandate`
 * accepts (the contract's own SetMandate hashing): the documented strings cannot drift from the contract again.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { TypedDataEncoder } from "ethers";
import { network } from "hardhat";

import { acceptanceTypes, counterProposalTypes, domainFromErc5267, setMandateTypes } from "../../client/eip712.js";
import * as h from "../helpers/ecoshare.js";

const { ethers } = await network.create();

type Fields = { name: string; type: string }[];

/** Every `Name(type name,...)` line of the fenced block in the document's "Signatures" section. */
function documentedTypes(): Record<string, Fields> {
  const doc = readFileSync(new URL("../../docs/architecture.md", import.meta.url), "utf8");
  const section = doc.slice(doc.indexOf("## Signatures"), doc.indexOf("## Events"));
  const block = section.slice(section.indexOf("```") + 3, section.indexOf("```", section.indexOf("```") + 3));
  const types: Record<string, Fields> = {};
  for (const line of block.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const match = /^(\w+)\((.*)\)$/.exec(line);
    if (!match) throw new Error(`not a type string: ${line}`);
    types[match[1]!] = match[2]!.split(",").map((field) => {
      const [type, name] = field.split(" ");
      return { type: type!, name: name! };
    });
  }
  return types;
}

describe("documented EIP-712 type strings", function () {
  it("are the shared client's types, field for field", function () {
    const documented = documentedTypes();
    const pick = (names: string[]) => Object.fromEntries(names.map((n) => [n, documented[n]]));
    expect(pick(["AcceptAgreement", "AgreementTerms", "Party", "ReferralTier"])).to.deep.equal(
      JSON.parse(JSON.stringify(acceptanceTypes)),
    );
    expect(pick(["CounterProposal", "AgreementTerms", "Party", "ReferralTier"])).to.deep.equal(
      JSON.parse(JSON.stringify(counterProposalTypes)),
    );
    expect(pick(["SetMandate", "Mandate"])).to.deep.equal(JSON.parse(JSON.stringify(setMandateTypes)));
  });

  it("sign a mandate the contract's own SetMandate hashing accepts, and no other", async function () {
    const [operator, hotel, relayer] = await ethers.getSigners();
    const ecoshare = await h.deployEcoshare(ethers);
    const networkId = await h.createNetwork(ecoshare, operator!, h.NetworkKind.VendorLed, operator!.address, 100);
    await h.addMembers(ecoshare, networkId, operator!, [hotel!]);
    const domain = domainFromErc5267(await ecoshare.eip712Domain());
    const { SetMandate, Mandate } = documentedTypes();
    const mandate = await h.makeMandate(ecoshare, networkId, { assets: [h.ETH, operator!.address as `0x${string}`] });
    const message = { member: hotel!.address, mandate, nonce: 0n, deadline: mandate.expiresAt };
    const signature = await hotel!.signTypedData(domain, { SetMandate, Mandate } as never, message);
    // One field's type changed (uint32 -> uint64) gives another digest, which the contract refuses.
    const altered = { SetMandate, Mandate: Mandate!.map((f) => (f.name === "expiresAt" ? { ...f, type: "uint64" } : f)) };
    const wrong = await hotel!.signTypedData(domain, altered as never, message);
    await expect(ecoshare.connect(relayer!).grantSignedMandate(hotel!.address, mandate, 0n, message.deadline, wrong))
      .to.be.revertedWithCustomError(ecoshare, "InvalidMandateSignature");
    await expect(ecoshare.connect(relayer!).grantSignedMandate(hotel!.address, mandate, 0n, message.deadline, signature))
      .to.emit(ecoshare, "MandateSet");
  });

  it("give the contract's acceptance and counter-proposal digests", async function () {
    const [operator, hotel, restaurant] = await ethers.getSigners();
    const ecoshare = await h.deployEcoshare(ethers);
    const networkId = await h.createNetwork(ecoshare, operator!, h.NetworkKind.VendorLed, operator!.address, 100);
    await h.addMembers(ecoshare, networkId, operator!, [hotel!, restaurant!]);
    const terms = await h.makeTerms(ecoshare, networkId, h.equalShares([hotel!.address, restaurant!.address]), {
      referralTiers: [{ fromVolume: 10n ** 18n, feeBps: 700, holdbackPeriod: 0 }],
      referrerRoles: 1 << h.MemberRole.ReferralPartner,
    });
    const id = await h.propose(ecoshare, hotel!, terms);
    const domain = domainFromErc5267(await ecoshare.eip712Domain());
    const documented = documentedTypes();
    const deadline = terms.validUntil;

    const { AcceptAgreement, AgreementTerms, Party, ReferralTier } = documented;
    const acceptance = { signer: restaurant!.address, agreementId: id, version: 1, previousId: 0n, terms, deadline };
    expect(TypedDataEncoder.hash(domain, { AcceptAgreement, AgreementTerms, Party, ReferralTier } as never, acceptance)).to.equal(
      await ecoshare.acceptanceDigest(id, restaurant!.address, deadline),
    );

    const counter = { author: restaurant!.address, counteredId: id, terms: { ...terms, referralFeeBps: 400 }, nonce: 2n ** 200n + 7n, deadline };
    const { CounterProposal } = documented;
    expect(TypedDataEncoder.hash(domain, { CounterProposal, AgreementTerms, Party, ReferralTier } as never, counter)).to.equal(
      await ecoshare.counterProposalDigest(counter.counteredId, counter.terms, counter.author, counter.nonce, counter.deadline),
    );
  });
});
