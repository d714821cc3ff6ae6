/**
 * The EIP-712 typed data a party signs to accept an agreement, to counter a proposal or to set a standing mandate: written
 * once, used by the tests, the scripts and the app. contracts/libraries/AgreementHashing.sol holds the same types on-chain; the test
 * "EIP-712 types" checks that both give the same type hashes.
 *
 * The domain is never rebuilt here: read it from the contract's ERC-5267 `eip712Domain()`.
 */

/** Typed-data field lists, in the shape ethers and viem both take (no `EIP712Domain` entry). */
export const acceptanceTypes = {
  AcceptAgreement: [
    { name: "signer", type: "address" },
    { name: "agreementId", type: "uint256" },
    { name: "version", type: "uint32" },
    { name: "previousId", type: "uint256" },
    { name: "terms", type: "AgreementTerms" },
    { name: "deadline", type: "uint256" },
  ],
  AgreementTerms: [
    { name: "networkId", type: "uint256" },
    { name: "asset", type: "address" },
    { name: "parties", type: "Party[]" },
    { name: "referralFeeBps", type: "uint16" },
    { name: "referralTiers", type: "ReferralTier[]" },
    { name: "referrerRoles", type: "uint8" },
    { name: "networkFeeBps", type: "uint16" },
    { name: "feeRecipient", type: "address" },
    { name: "validFrom", type: "uint32" },
    { name: "validUntil", type: "uint32" },
    { name: "holdbackPeriod", type: "uint32" },
    { name: "refunder", type: "address" },
    { name: "termsHash", type: "bytes32" },
    { name: "termsURI", type: "string" },
  ],
  Party: [
    { name: "account", type: "address" },
    { name: "shareBps", type: "uint16" },
  ],
  ReferralTier: [
    { name: "fromVolume", type: "uint128" },
    { name: "feeBps", type: "uint16" },
    { name: "holdbackPeriod", type: "uint32" },
  ],
} as const;

export const acceptancePrimaryType = "AcceptAgreement" as const;

/** Typed-data field lists of a counter-proposal a party signs so that anyone may submit it. */
export const counterProposalTypes = {
  CounterProposal: [
    { name: "author", type: "address" },
    { name: "counteredId", type: "uint256" },
    { name: "terms", type: "AgreementTerms" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  AgreementTerms: acceptanceTypes.AgreementTerms,
  Party: acceptanceTypes.Party,
  ReferralTier: acceptanceTypes.ReferralTier,
} as const;

export const counterProposalPrimaryType = "CounterProposal" as const;

/**
 * Typed-data field lists of a standing mandate a member signs so that anyone may submit it (`grantSignedMandate`).
 * The nonce is sequential: the member's current `nextMandateNonce`, used up by any later set or revocation.
 */
export const setMandateTypes = {
  SetMandate: [
    { name: "member", type: "address" },
    { name: "mandate", type: "Mandate" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Mandate: [
    { name: "networkId", type: "uint256" },
    { name: "minShareBps", type: "uint16" },
    { name: "maxReferralFeeBps", type: "uint16" },
    { name: "maxNetworkFeeBps", type: "uint16" },
    { name: "minHoldbackPeriod", type: "uint32" },
    { name: "maxHoldbackPeriod", type: "uint32" },
    { name: "maxValidity", type: "uint32" },
    { name: "expiresAt", type: "uint32" },
    { name: "assets", type: "address[]" },
  ],
} as const;

export const setMandatePrimaryType = "SetMandate" as const;

/** EIP-2612 `Permit` typed data (a token's own domain), for paying a token agreement in one transaction. */
export const permitTypes = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** One party and its share of the vendor pool, in basis points. */
export interface Party {
  account: `0x${string}`;
  shareBps: number;
}

/**
 * A loyalty and trust tier: from `fromVolume` earned (before a payment), the referral fee is `feeBps` and the
 * payment is held for `holdbackPeriod` seconds (at most the tier below's, the agreement's for the first; 0: credited
 * at once).
 */
export interface ReferralTier {
  fromVolume: bigint;
  feeBps: number;
  holdbackPeriod: number;
}

/** The terms every party signs: the contract's `AgreementTerms` struct, field for field. */
export interface AgreementTerms {
  networkId: bigint;
  asset: `0x${string}`;
  parties: Party[];
  referralFeeBps: number;
  referralTiers: ReferralTier[];
  /** Who may refer: a bitmask of `1 << MemberRole` (0: any active member). */
  referrerRoles: number;
  networkFeeBps: number;
  feeRecipient: `0x${string}`;
  validFrom: bigint;
  validUntil: bigint;
  holdbackPeriod: number;
  refunder: `0x${string}`;
  termsHash: `0x${string}`;
  termsURI: string;
}

/** The message of one acceptance. */
export interface AcceptanceMessage {
  /** The account accepting: bound into the message so one signature never counts for two accounts. */
  signer: `0x${string}`;
  agreementId: bigint;
  version: number;
  previousId: bigint;
  terms: AgreementTerms;
  deadline: bigint;
}

/**
 * The message of one signed counter-proposal. Nonces are unordered: any value the author has not used or
 * cancelled (`isCounterNonceUsed`), so several signed counters can be outstanding; {@link randomCounterNonce}.
 */
export interface CounterProposalMessage {
  /** The account countering: bound into the message, as {@link AcceptanceMessage.signer}. */
  author: `0x${string}`;
  counteredId: bigint;
  terms: AgreementTerms;
  nonce: bigint;
  deadline: bigint;
}

/**
 * A member's standing mandate for one network: the contract's `IMandates.Mandate` struct, field for field. Terms
 * fall inside it when the member's share is at least `minShareBps`, the base and every tier's referral rate at
 * most `maxReferralFeeBps`, the network fee at most `maxNetworkFeeBps`, the holdback within
 * [`minHoldbackPeriod`, `maxHoldbackPeriod`], `validUntil - validFrom` at most `maxValidity` and the asset one of
 * `assets` (the zero address: ETH); it is live while `now < expiresAt`, not revoked and its member active.
 */
export interface MandateStruct {
  networkId: bigint;
  minShareBps: number;
  maxReferralFeeBps: number;
  maxNetworkFeeBps: number;
  minHoldbackPeriod: number;
  maxHoldbackPeriod: number;
  /** Above 0: the contract refuses a mandate no agreement could fit. */
  maxValidity: number;
  /** Unix seconds, in the future when set: every mandate ends. */
  expiresAt: bigint;
  /** 1 to MAX_MANDATE_ASSETS (8) assets; there is no "any asset". */
  assets: `0x${string}`[];
}

/** The message of one signed mandate. */
export interface SetMandateMessage {
  /** The member: bound into the message, as {@link AcceptanceMessage.signer}. */
  member: `0x${string}`;
  mandate: MandateStruct;
  nonce: bigint;
  deadline: bigint;
}

/** The EIP-712 domain, as ERC-5267 `eip712Domain()` returns it. */
export interface Eip712Domain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: `0x${string}`;
}

/** Turns the tuple `eip712Domain()` returns into a typed-data domain. */
export function domainFromErc5267(fields: readonly unknown[]): Eip712Domain {
  const [, name, version, chainId, verifyingContract] = fields as [string, string, string, bigint, `0x${string}`];
  return { name, version, chainId: BigInt(chainId), verifyingContract };
}

/** A fresh unordered counter-proposal nonce: 256 random bits, so two signed counters never collide. */
export function randomCounterNonce(): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return BigInt("0x" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""));
}
