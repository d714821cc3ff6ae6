// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRevenueAgreements} from "../interfaces/IRevenueAgreements.sol";

/// @notice What every payment to an agreement reads first: its asset, validity window and rates (one slot).
struct PaymentTerms {
    address asset;
    uint32 validFrom;
    uint32 validUntil;
    uint16 referralFeeBps;
    uint16 networkFeeBps;
}

/// @notice What every payment writes and every collection reads (one slot): the running totals from which the
/// parties and the fee recipient collect, with the agreement's network and {AgreementFlags}.
struct RunningTotals {
    uint112 vendorPool;
    uint104 networkFees;
    uint32 networkId;
    uint8 flags;
}

/// @notice What held payments will add to the running totals once released (counted when held, so that a
/// release always fits), and how many payments are held (one slot).
struct HeldTotals {
    uint112 vendorShares;
    uint104 networkFees;
    uint32 count;
}

/// @notice One version of an agreement, as stored. The first three slots are what payments and collections
/// touch: a payment reads two and writes one, a party collecting from an ETH agreement reads one.
struct Agreement {
    PaymentTerms pricing;
    RunningTotals totals;
    HeldTotals held;
    // the rest: read when proposing, accepting, collecting network fees, refunding or paying a tiered rate
    IRevenueAgreements.AgreementStatus status;
    uint32 version;
    uint16 partyCount;
    uint16 pendingAcceptances;
    uint32 holdbackPeriod;
    uint8 tierCount;
    address feeRecipient;
    address refunder;
    uint128 networkFeesCollected;
    bytes32 termsDigest;
    uint256 previousId;
    uint256 lineageId;
    address[] parties;
    IRevenueAgreements.ReferralTier[] referralTiers;
}

/// @notice An account's place in one agreement: its slice of the vendor pool, what it has collected of it,
/// whether it accepted and whether it collects the network fee.
struct Position {
    uint128 collected;
    uint16 shareStart;
    uint16 shareBps;
    bool isParty;
    bool accepted;
    bool isFeeRecipient;
}

/// @notice A referrer's volumes in one lineage that a payment to a tiered version reads and writes (one slot):
/// `earned` decides its tier (credited payments: at once, or held ones once released); `paid` counts every
/// payment that named it, held or not, when it is made.
struct ReferralVolumes {
    uint128 earned;
    uint128 paid;
}

/// @notice A referrer's held payments settled in one lineage (tiered versions), one slot touched only by
/// releases and refunds.
struct SettledVolumes {
    uint128 released;
    uint128 refunded;
}

/// @notice Every agreement version, every position in them, and each lineage's active and latest version.
struct AgreementBook {
    uint256 count;
    mapping(uint256 agreementId => Agreement) agreements;
    mapping(uint256 agreementId => mapping(address account => Position)) positions;
    mapping(uint256 lineageId => uint256 agreementId) activeVersions;
    mapping(uint256 lineageId => uint32 version) latestVersions;
}

/// @notice The bits of {Agreement.flags}, which the hot paths read with the running totals.
library AgreementFlags {
    /// @notice The agreement is active: it takes payments within its validity window.
    uint8 internal constant ACTIVE = 1;
    /// @notice The agreement's asset is ETH (so collecting it never reads slot 0).
    uint8 internal constant NATIVE = 2;
    /// @notice The agreement has referral tiers above its base rate.
    uint8 internal constant TIERED = 4;
    /// @notice The agreement holds each payment for its holdback period.
    uint8 internal constant HELD = 8;
    /// @notice Bits 4 to 6: the roles allowed to refer ({IRevenueAgreements.AgreementTerms.referrerRoles}).
    uint8 internal constant REFERRER_ROLES_SHIFT = 4;
}
