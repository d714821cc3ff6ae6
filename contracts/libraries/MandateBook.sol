// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The bounds of one stored mandate (one slot, read whole when a proposal is checked against it).
/// @dev `expiresAt` 0 means no mandate (setting one requires a future expiry); `nonce` is the member's mandate
/// nonce it was set with (sequential from 0, so it never reaches 2^64).
struct MandateBounds {
    uint16 minShareBps;
    uint16 maxReferralFeeBps;
    uint16 maxNetworkFeeBps;
    uint32 minHoldbackPeriod;
    uint32 maxHoldbackPeriod;
    uint32 maxValidity;
    uint32 expiresAt;
    uint64 nonce;
}

/// @notice One member's mandate for one network, as stored.
struct StoredMandate {
    MandateBounds bounds;
    address[] assets;
}

/// @notice Every member's mandates, by network, and each member's sequential mandate nonce.
struct MandateBook {
    mapping(address member => uint256 nonce) nonces;
    mapping(uint256 networkId => mapping(address member => StoredMandate)) mandates;
}
