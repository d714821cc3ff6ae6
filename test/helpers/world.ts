/**
 * The standard cast of the behaviour tests: one Ecoshare, one stablecoin, one vendor-led network with its
 * members, and a customer holding tokens. Each test file wraps {@link deployWorld} in a named fixture.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import type { Ecoshare, MockStablecoin } from "../../types/ethers-contracts/index.js";
import type { CallingAccount } from "../../types/ethers-contracts/mocks/CallingAccount.js";
import type { AgreementTerms, Party } from "../../client/eip712.js";
import * as h from "./ecoshare.js";

/** The network fee of the world's network: 1% of each payment. */
export const NETWORK_FEE_BPS = 100;
/** What the customer holds in the stablecoin (1,000,000 dUSD, 6 decimals). */
export const CUSTOMER_TOKENS = 10n ** 12n;

export interface World {
  ethers: HardhatEthers;
  ecoshare: Ecoshare;
  ecoshareAddress: `0x${string}`;
  token: MockStablecoin;
  tokenAddress: `0x${string}`;
  operator: HardhatEthersSigner;
  feeRecipient: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  dave: HardhatEthersSigner;
  referrer: HardhatEthersSigner;
  customer: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  /** Signers not yet in any network, for tests that need more accounts. */
  spare: HardhatEthersSigner[];
  /** A vendor-led network: alice, bob, carol and dave are active vendors, referrer an active referral partner. */
  networkId: bigint;
}

/** Deploys the world: see {@link World}. */
export async function deployWorld(ethers: HardhatEthers): Promise<World> {
  const [operator, feeRecipient, alice, bob, carol, dave, referrer, customer, outsider, ...spare] =
    await ethers.getSigners();
  const ecoshare = await h.deployEcoshare(ethers);
  const token = await h.deployStablecoin(ethers);
  const ecoshareAddress = (await ecoshare.getAddress()) as `0x${string}`;
  const tokenAddress = (await token.getAddress()) as `0x${string}`;
  const networkId = await h.createNetwork(ecoshare, operator!, h.NetworkKind.VendorLed, feeRecipient!.address, NETWORK_FEE_BPS);
  await h.addMembers(ecoshare, networkId, operator!, [alice!, bob!, carol!, dave!]);
  await h.addMembers(ecoshare, networkId, operator!, [referrer!], h.MemberRole.ReferralPartner);
  await (await token.mint(customer!.address, CUSTOMER_TOKENS)).wait();
  await (await token.connect(customer!).approve(ecoshareAddress, ethers.MaxUint256)).wait();
  return {
    ethers,
    ecoshare,
    ecoshareAddress,
    token,
    tokenAddress,
    operator: operator!,
    feeRecipient: feeRecipient!,
    alice: alice!,
    bob: bob!,
    carol: carol!,
    dave: dave!,
    referrer: referrer!,
    customer: customer!,
    outsider: outsider!,
    spare,
    networkId,
  };
}

/** Alice 50%, bob 30%, carol 20%. */
export function threeParties(w: World): Party[] {
  return [
    { account: w.alice.address as `0x${string}`, shareBps: 5_000 },
    { account: w.bob.address as `0x${string}`, shareBps: 3_000 },
    { account: w.carol.address as `0x${string}`, shareBps: 2_000 },
  ];
}

/** Proposes `terms` (alice, bob and carol by default) as alice and activates them with bob's and carol's signatures. */
export async function activeAgreement(
  w: World,
  overrides: Partial<AgreementTerms> = {},
  signers: HardhatEthersSigner[] = [w.alice, w.bob, w.carol],
): Promise<{ id: bigint; terms: AgreementTerms }> {
  const terms = await h.makeTerms(w.ecoshare, w.networkId, overrides.parties ?? threeParties(w), overrides);
  const id = await h.activateAgreement(w.ecoshare, signers[0]!, signers, terms);
  return { id, terms };
}

/** The split of `amount` at the given rates, rounded down as contracts/libraries/SplitMath.sol does. */
export function expectedSplit(amount: bigint, networkFeeBps: number, referralFeeBps: number) {
  const networkFee = (amount * BigInt(networkFeeBps)) / h.BPS;
  const referralFee = (amount * BigInt(referralFeeBps)) / h.BPS;
  return { networkFee, referralFee, vendorShare: amount - networkFee - referralFee };
}

/** `terms` as the nested array an event carries, for `withArgs`. */
export function termsTuple(terms: AgreementTerms): unknown[] {
  return [
    terms.networkId,
    terms.asset,
    terms.parties.map((p) => [p.account, p.shareBps]),
    terms.referralFeeBps,
    terms.referralTiers.map((t) => [t.fromVolume, t.feeBps, t.holdbackPeriod]),
    terms.referrerRoles,
    terms.networkFeeBps,
    terms.feeRecipient,
    terms.validFrom,
    terms.validUntil,
    terms.holdbackPeriod,
    terms.refunder,
    terms.termsHash,
    terms.termsURI,
  ];
}

/** A contract account (test/mocks) its owner drives through `execute`. */
export interface ContractAccount<T> {
  contract: T;
  address: `0x${string}`;
  /** Makes the account call `target` with `data` (and `value` from the owner). */
  call(target: string, data: string, value?: bigint): ReturnType<CallingAccount["execute"]>;
}

/** Deploys the mock `name` as `owner` and makes it an active member of `networkId` (the world's by default). */
export async function deployMemberContract<T>(
  w: World,
  name: string,
  owner: HardhatEthersSigner,
  networkId: bigint = w.networkId,
): Promise<ContractAccount<T>> {
  const contract = (await w.ethers.deployContract(name, [], owner)) as unknown as CallingAccount;
  const address = (await contract.getAddress()) as `0x${string}`;
  const call = (target: string, data: string, value = 0n) => contract.connect(owner).execute(target, value, data, { value });
  await (await call(w.ecoshareAddress, w.ecoshare.interface.encodeFunctionData("join", [networkId, h.MemberRole.Vendor, ""]))).wait();
  if (Number((await w.ecoshare.membership(networkId, address)).status) === h.MemberStatus.Pending) {
    await (await w.ecoshare.connect(w.operator).admit(networkId, address)).wait();
  }
  return { contract: contract as unknown as T, address, call };
}
