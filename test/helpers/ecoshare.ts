/** Shared set-up for the contract tests: deployments, networks, agreements and signed acceptances. */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import type { Ecoshare, MockStablecoin } from "../../types/ethers-contracts/index.js";
import {
  acceptanceTypes,
  domainFromErc5267,
  setMandateTypes,
  type AcceptanceMessage,
  type AgreementTerms,
  type Eip712Domain,
  type MandateStruct,
  type Party,
  type SetMandateMessage,
} from "../../client/eip712.js";

export const ETH = "0x0000000000000000000000000000000000000000" as const;
export const NO_REFERRER = ETH;
export const BPS = 10_000n;

export enum NetworkKind {
  PeerToPeer,
  VendorLed,
  DistributorLed,
  Marketplace,
}
export enum MemberRole {
  Vendor,
  ReferralPartner,
  Distributor,
}
export enum MemberStatus {
  None,
  Pending,
  Active,
  Suspended,
}
export enum AgreementStatus {
  None,
  Pending,
  Active,
  Superseded,
  Terminated,
}

export const DAY = 86_400n;
export const ORDER = "0x" + "ab".repeat(32);

/** Deploys Ecoshare linked to a fresh copy of its proposals library, as the Ignition module does. */
export async function deployEcoshare(ethers: HardhatEthers): Promise<Ecoshare> {
  const proposals = await ethers.deployContract("AgreementProposals");
  return (await ethers.deployContract("Ecoshare", {
    libraries: { AgreementProposals: await proposals.getAddress() },
  })) as unknown as Ecoshare;
}

export async function deployStablecoin(ethers: HardhatEthers): Promise<MockStablecoin> {
  return (await ethers.deployContract("MockStablecoin")) as unknown as MockStablecoin;
}

/** Creates a network operated by `operator` and returns its id. */
export async function createNetwork(
  ecoshare: Ecoshare,
  operator: HardhatEthersSigner,
  kind: NetworkKind,
  feeRecipient: string,
  feeBps: number,
): Promise<bigint> {
  await (await ecoshare.connect(operator).createNetwork(kind, feeRecipient, feeBps, "ipfs://network")).wait();
  return ecoshare.networkCount();
}

/** Makes every signer an active member of `networkId`, admitted by `operator` when needed. */
export async function addMembers(
  ecoshare: Ecoshare,
  networkId: bigint,
  operator: HardhatEthersSigner,
  members: HardhatEthersSigner[],
  role: MemberRole = MemberRole.Vendor,
): Promise<void> {
  for (const member of members) {
    await (await ecoshare.connect(member).join(networkId, role, `ipfs://member/${member.address}`)).wait();
    const { status } = await ecoshare.membership(networkId, member.address);
    if (Number(status) === MemberStatus.Pending) {
      await (await ecoshare.connect(operator).admit(networkId, member.address)).wait();
    }
  }
}

/** Equal shares that sum to exactly 10,000 (the first party takes the remainder). */
export function equalShares(accounts: string[]): Party[] {
  const each = Math.floor(10_000 / accounts.length);
  return accounts.map((account, i) => ({
    account: account as `0x${string}`,
    shareBps: i === 0 ? 10_000 - each * (accounts.length - 1) : each,
  }));
}

/** Terms for `networkId` with the network's current fee terms and a window of 30 days from `now`. */
export async function makeTerms(
  ecoshare: Ecoshare,
  networkId: bigint,
  parties: Party[],
  overrides: Partial<AgreementTerms> = {},
): Promise<AgreementTerms> {
  const net = await ecoshare.network(networkId);
  const now = BigInt((await ecoshare.runner!.provider!.getBlock("latest"))!.timestamp);
  return {
    networkId,
    asset: ETH,
    parties,
    referralFeeBps: 500,
    referralTiers: [],
    referrerRoles: 0,
    networkFeeBps: Number(net.feeBps),
    feeRecipient: net.feeRecipient as `0x${string}`,
    validFrom: now,
    validUntil: now + 30n * DAY,
    holdbackPeriod: 0,
    refunder: ETH,
    termsHash: ("0x" + "11".repeat(32)) as `0x${string}`,
    termsURI: "ipfs://terms",
    ...overrides,
  };
}

/** Proposes `terms` as `proposer` and returns the new agreement's id. */
export async function propose(
  ecoshare: Ecoshare,
  proposer: HardhatEthersSigner,
  terms: AgreementTerms,
  previousId = 0n,
): Promise<bigint> {
  const tx =
    previousId === 0n
      ? await ecoshare.connect(proposer).propose(terms)
      : await ecoshare.connect(proposer).proposeAmendment(previousId, terms);
  await tx.wait();
  return ecoshare.agreementCount();
}

/** The message `signer` signs to accept `agreementId`, read back from the chain's own record. */
export async function acceptanceMessage(
  ecoshare: Ecoshare,
  agreementId: bigint,
  terms: AgreementTerms,
  deadline: bigint,
  signer: string,
): Promise<AcceptanceMessage> {
  const view = await ecoshare.agreement(agreementId);
  return {
    signer: signer as `0x${string}`,
    agreementId,
    version: Number(view.version),
    previousId: view.previousId,
    terms,
    deadline,
  };
}

/**
 * `signer`'s EIP-712 signature accepting `agreementId`, over the domain the contract publishes. `account` is
 * the party it accepts for: `signer` itself, or a smart wallet whose key `signer` holds (ERC-1271).
 */
export async function signAcceptance(
  ecoshare: Ecoshare,
  signer: HardhatEthersSigner,
  agreementId: bigint,
  terms: AgreementTerms,
  deadline: bigint,
  account: string = signer.address,
): Promise<{ signer: string; deadline: bigint; signature: string }> {
  const domain = domainFromErc5267(await ecoshare.eip712Domain());
  const message = await acceptanceMessage(ecoshare, agreementId, terms, deadline, account);
  const signature = await signer.signTypedData(domain, acceptanceTypes as never, message);
  return { signer: account, deadline, signature };
}

/** Proposes `terms` as the first party and activates them with every other party's signature. */
export async function activateAgreement(
  ecoshare: Ecoshare,
  proposer: HardhatEthersSigner,
  signers: HardhatEthersSigner[],
  terms: AgreementTerms,
  previousId = 0n,
): Promise<bigint> {
  const id = await propose(ecoshare, proposer, terms, previousId);
  const deadline = terms.validUntil;
  const acceptances = [];
  for (const s of signers) {
    if (s.address !== proposer.address) acceptances.push(await signAcceptance(ecoshare, s, id, terms, deadline));
  }
  if (acceptances.length > 0) await (await ecoshare.acceptWithSignatures(id, acceptances)).wait();
  return id;
}

/**
 * A mandate for `networkId` that the default {@link makeTerms} of an equal two-party agreement fall inside: share
 * at least 40%, referral fee at most 8%, network fee at most 3%, no holdback required (at most 14 days), at most
 * 90 days long, ETH or `extraAssets`, expiring 60 days from now.
 */
export async function makeMandate(
  ecoshare: Ecoshare,
  networkId: bigint,
  overrides: Partial<MandateStruct> = {},
): Promise<MandateStruct> {
  const now = BigInt((await ecoshare.runner!.provider!.getBlock("latest"))!.timestamp);
  return {
    networkId,
    minShareBps: 4_000,
    maxReferralFeeBps: 800,
    maxNetworkFeeBps: 300,
    minHoldbackPeriod: 0,
    maxHoldbackPeriod: Number(14n * DAY),
    maxValidity: Number(90n * DAY),
    expiresAt: now + 60n * DAY,
    assets: [ETH],
    ...overrides,
  };
}

/**
 * `signer`'s EIP-712 `SetMandate` signature over the domain the contract publishes, for `member` (`signer` itself,
 * or a smart wallet whose key `signer` holds) with `member`'s current nonce unless given.
 */
export async function signMandate(
  ecoshare: Ecoshare,
  signer: HardhatEthersSigner,
  mandate: MandateStruct,
  deadline: bigint,
  options: { member?: string; nonce?: bigint; domain?: Partial<Eip712Domain> } = {},
): Promise<{ message: SetMandateMessage; signature: string }> {
  const member = (options.member ?? signer.address) as `0x${string}`;
  const nonce = options.nonce ?? (await ecoshare.nextMandateNonce(member));
  const domain = { ...domainFromErc5267(await ecoshare.eip712Domain()), ...options.domain };
  const message: SetMandateMessage = { member, mandate, nonce, deadline };
  return { message, signature: await signer.signTypedData(domain, setMandateTypes as never, message) };
}
