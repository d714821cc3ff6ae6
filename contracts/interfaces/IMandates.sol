// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IMandates
/// @notice Standing mandates: the bounds inside which a member accepts any agreement of one network without
/// being asked. A proposal, amendment or counter-proposal whose terms fall inside a party's live mandate counts
/// as that party's acceptance; when every party has accepted (by mandate or by hand) the agreement activates in
/// the same transaction, under the same activation rules as an acceptance by hand.
/// @dev Terms are inside mandate `m` of party `p` (for `terms.networkId == m.networkId`) when ALL hold:
/// - `p`'s `shareBps` >= `m.minShareBps`;
/// - `terms.referralFeeBps` <= `m.maxReferralFeeBps` and every referral tier's `feeBps` <= `m.maxReferralFeeBps`
///   (so the highest rate a referrer can ever earn is bounded, whatever its volume);
/// - `terms.networkFeeBps` <= `m.maxNetworkFeeBps`;
/// - `m.minHoldbackPeriod` <= `terms.holdbackPeriod` <= `m.maxHoldbackPeriod`, and every referral tier's
///   `holdbackPeriod` >= `m.minHoldbackPeriod` (a tier may only shorten the holdback, never below the minimum);
/// - `terms.validUntil - terms.validFrom` <= `m.maxValidity`;
/// - `terms.asset` is one of `m.assets` (address(0): ETH). There is no "any asset": a mandate names its assets,
///   so nobody can bind a member to an agreement paid in a token it never heard of.
/// A mandate is live while it is set (not revoked), `block.timestamp < m.expiresAt` and its member is an active
/// member of the network. The proposer's own acceptance is its proposal, as before; a mandate covers the others.
/// The mandate is read when the proposal is mined: a revocation mined before it (even in the same block) wins.
/// Each member has one sequential mandate nonce (across networks): every set (by transaction or signature) and
/// every revocation uses the current one and increments it, so a signed mandate can be submitted once, and
/// never after a later set or revocation.
/// EIP-712 (domain "Ecoshare", version "2", this chain and contract), primary type `SetMandate`:
/// SetMandate(address member,Mandate mandate,uint256 nonce,uint256 deadline)Mandate(uint256 networkId,
/// uint16 minShareBps,uint16 maxReferralFeeBps,uint16 maxNetworkFeeBps,uint32 minHoldbackPeriod,
/// uint32 maxHoldbackPeriod,uint32 maxValidity,uint32 expiresAt,address[] assets)
/// (one line, no spaces after commas; `assets` hashed as keccak256 of the 32-byte-padded addresses).
/// The functions' names give selectors above every payment, claim and withdrawal function's, so adding them
/// leaves the dispatch cost of the hot paths unchanged (bench/gas.md).
interface IMandates {
    /// @notice A member's standing mandate for one network; also the EIP-712 `Mandate` struct, field for field.
    struct Mandate {
        uint256 networkId;
        /// The member's own share of the vendor pool, at least (basis points, at most 10,000).
        uint16 minShareBps;
        /// The base referral rate and every tier's rate, at most (basis points).
        uint16 maxReferralFeeBps;
        /// The network fee rate, at most (basis points).
        uint16 maxNetworkFeeBps;
        /// The holdback period, at least (seconds; a risk bound, 0: none required).
        uint32 minHoldbackPeriod;
        /// The holdback period, at most (seconds, at most {MAX_HOLDBACK_PERIOD}).
        uint32 maxHoldbackPeriod;
        /// `validUntil - validFrom`, at most (seconds, above 0).
        uint32 maxValidity;
        /// The mandate accepts nothing from this second on (unix time, in the future when set).
        uint32 expiresAt;
        /// The payment assets allowed (address(0): ETH); 1 to {MAX_MANDATE_ASSETS}.
        address[] assets;
    }

    /// @notice Emitted when `member` sets `mandate` for `networkId` with its mandate nonce `nonce` (the mandate's
    /// version, named again by {AcceptedByMandate}).
    event MandateSet(uint256 indexed networkId, address indexed member, uint256 nonce, Mandate mandate);

    /// @notice Emitted when `member` revokes its mandate for `networkId` with its mandate nonce `nonce`: it
    /// accepts nothing more from now on, and no mandate it signed with `nonce` or before can be submitted.
    event MandateRevoked(uint256 indexed networkId, address indexed member, uint256 nonce);

    /// @notice Emitted when the terms of `agreementId` fall inside `party`'s live mandate, set with nonce
    /// `mandateNonce`: it counts as `party`'s acceptance (an {AgreementAccepted} with `bySignature` false follows).
    event AcceptedByMandate(uint256 indexed agreementId, address indexed party, uint256 mandateNonce);

    /// @notice Thrown when a mandate's `expiresAt` is not in the future.
    error MandateExpiryPassed(uint32 expiresAt);

    /// @notice Thrown when a mandate names no asset or more than {MAX_MANDATE_ASSETS}.
    error InvalidMandateAssets(uint256 count, uint256 maxAssets);

    /// @notice Thrown when a mandate's minimum holdback is above its maximum, or its maximum above
    /// {MAX_HOLDBACK_PERIOD}.
    error InvalidMandateHoldback(uint32 minHoldbackPeriod, uint32 maxHoldbackPeriod);

    /// @notice Thrown when a mandate's minimum share is above 10,000 basis points.
    error InvalidMandateShare(uint16 minShareBps);

    /// @notice Thrown when a mandate's `maxValidity` is 0: no agreement could fit it.
    error InvalidMandateValidity(uint32 maxValidity);

    /// @notice Thrown when `nonce` is not `member`'s current mandate nonce `expected` (used, or not yet).
    error InvalidMandateNonce(address member, uint256 nonce, uint256 expected);

    /// @notice Thrown when `member`'s mandate signature expired at `deadline`.
    error MandateSignatureExpired(address member, uint256 deadline);

    /// @notice Thrown when a signature is not `member`'s mandate on this chain and contract.
    error InvalidMandateSignature(address member);

    /// @notice Sets (or replaces) the caller's mandate for `mandate.networkId` with its current {nextMandateNonce};
    /// the caller must be an active member of that network.
    /// @dev IMPORTANT: from this transaction on, any proposal whose terms fall inside the mandate is accepted in
    /// the caller's name without asking (see the contract's notes for the exact bounds).
    function grantMandate(Mandate calldata mandate) external;

    /// @notice Sets `member`'s mandate from its EIP-712 `SetMandate` signature (EOA or ERC-1271); anyone may
    /// submit it before `deadline`. `nonce` must be `member`'s current {nextMandateNonce}.
    /// @dev The digest signed is EIP-712's over this contract's ERC-5267 domain and the `SetMandate` struct
    /// (AgreementHashing.hashSetMandate; client/eip712.ts `setMandateTypes`).
    function grantSignedMandate(
        address member,
        Mandate calldata mandate,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Revokes the caller's mandate for `networkId` at once, whether or not one is set, and uses up its
    /// current mandate nonce, so a signed mandate not yet submitted (for any network) can no longer be.
    function revokeMandateFor(uint256 networkId) external;

    /// @notice `member`'s mandate for `networkId`, the nonce it was set with, and whether it is live now
    /// (set, not expired, member active). An unset or revoked mandate has `networkId` 0.
    function mandateOf(uint256 networkId, address member)
        external
        view
        returns (Mandate memory mandate, uint256 nonce, bool live);

    /// @notice `member`'s current mandate nonce: the one its next set or revocation uses.
    function nextMandateNonce(address member) external view returns (uint256);

    /// @notice Whether the terms of existing agreement `agreementId` fall inside `party`'s live mandate now
    /// (false for an account that is not one of its parties).
    function isInsideMandate(uint256 agreementId, address party) external view returns (bool);

    /// @notice The most assets one mandate may name.
    function MAX_MANDATE_ASSETS() external view returns (uint256);
}
