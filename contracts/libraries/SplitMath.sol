// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SplitMath
/// @notice The rounding rules of a payment's split and of the parties' shares, written once.
/// @dev Fees round down per payment; what remains is the payment's vendor share. The vendor pool (the sum of
/// vendor shares) is divided among the parties lazily, from the running total, so a payment costs the same
/// whatever the number of parties. Party `i` owns the slice `[start_i, start_i + share_i)` of the 10,000
/// basis points, where `start_i` is the sum of the shares before it. Its entitlement to a pool `V` is
/// `floor(V * (start_i + share_i) / 10_000) - floor(V * start_i / 10_000)`: the slices' entitlements add up
/// to exactly `V`. That amount can go down by 1 wei as `V` grows, so while the pool can still grow a party
/// may collect only `floor(V * share_i / 10_000)`, which never exceeds it and never decreases; the last
/// wei (at most one per party) becomes collectable once the agreement is closed and `V` is final.
library SplitMath {
    /// @notice The whole, in basis points.
    uint256 internal constant BPS = 10_000;

    /// @notice A payment's split. `networkFee + referralFee + vendorShare == amount`, always.
    function splitPayment(uint256 amount, uint256 networkFeeBps, uint256 referralFeeBps)
        internal
        pure
        returns (uint256 networkFee, uint256 referralFee, uint256 vendorShare)
    {
        networkFee = amount * networkFeeBps / BPS;
        referralFee = amount * referralFeeBps / BPS;
        // Both fees are at most their rate's part of `amount`, and the rates sum to at most BPS.
        unchecked {
            vendorShare = amount - networkFee - referralFee;
        }
    }

    /// @notice What a party owning `shareBps` may collect from `vendorPool` while the pool can still grow.
    function openEntitlement(uint256 vendorPool, uint256 shareBps) internal pure returns (uint256) {
        return vendorPool * shareBps / BPS;
    }

    /// @notice What a party owning `[shareStart, shareStart + shareBps)` may collect from a final `vendorPool`:
    /// at least its {openEntitlement}, at most one more wei, and all parties' add up to `vendorPool`.
    function finalEntitlement(uint256 vendorPool, uint256 shareStart, uint256 shareBps)
        internal
        pure
        returns (uint256)
    {
        return vendorPool * (shareStart + shareBps) / BPS - vendorPool * shareStart / BPS;
    }
}
