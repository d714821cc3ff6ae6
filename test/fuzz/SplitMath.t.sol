// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// The runner finds tests by Foundry's prefixes (`testFuzz_`, `invariant_`), which are not mixedCase.
// solhint-disable func-name-mixedcase

import {SplitMath} from "../../contracts/libraries/SplitMath.sol";
import {TestBase} from "../utils/TestBase.sol";

/// @title SplitMathFuzzTest
/// @notice The rounding rules every payment and every collection relies on, over the whole range the contract
/// can reach: amounts and pools up to 2^128 - 1 (the ledger's cap), network fees up to 10%, referral fees up to
/// 50%, any slice of the 10,000 basis points.
contract SplitMathFuzzTest is TestBase {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant MAX_NETWORK_FEE_BPS = 1_000;
    uint256 internal constant MAX_REFERRAL_FEE_BPS = 5_000;
    uint256 internal constant MAX_POOL = type(uint128).max;
    uint256 internal constant MAX_PARTIES = 50;

    /// @notice A payment's three parts add up to it exactly, and each fee is its rate's part rounded down:
    /// never above the rate, less than one base unit below it.
    function testFuzz_splitPaymentAddsUpExactly(uint256 amount, uint256 networkFeeBps, uint256 referralFeeBps)
        public
        pure
    {
        amount = _bound(amount, 0, MAX_POOL);
        networkFeeBps = _bound(networkFeeBps, 0, MAX_NETWORK_FEE_BPS);
        referralFeeBps = _bound(referralFeeBps, 0, MAX_REFERRAL_FEE_BPS);

        (uint256 networkFee, uint256 referralFee, uint256 vendorShare) =
            SplitMath.splitPayment(amount, networkFeeBps, referralFeeBps);

        vm.assertEq(networkFee + referralFee + vendorShare, amount, "parts do not add up to the amount");
        vm.assertLe(networkFee * BPS, amount * networkFeeBps, "network fee above its rate");
        vm.assertLe(referralFee * BPS, amount * referralFeeBps, "referral fee above its rate");
        vm.assertLe(amount * networkFeeBps - networkFee * BPS, BPS - 1, "network fee rounded down by more than 1");
        vm.assertLe(amount * referralFeeBps - referralFee * BPS, BPS - 1, "referral fee rounded down by more than 1");
        // The vendor share is never below its own rate's part: the rounding always favours the vendors.
        vm.assertGe(vendorShare * BPS, amount * (BPS - networkFeeBps - referralFeeBps), "vendor share below its rate");
    }

    /// @notice The same holds for any pair of rates that sum to at most 100%, not only the contract's caps.
    function testFuzz_splitPaymentAddsUpForAnyRatesWithinTheWhole(
        uint256 amount,
        uint256 networkFeeBps,
        uint256 referralFeeBps
    ) public pure {
        amount = _bound(amount, 0, MAX_POOL);
        networkFeeBps = _bound(networkFeeBps, 0, BPS);
        referralFeeBps = _bound(referralFeeBps, 0, BPS - networkFeeBps);

        (uint256 networkFee, uint256 referralFee, uint256 vendorShare) =
            SplitMath.splitPayment(amount, networkFeeBps, referralFeeBps);

        vm.assertEq(networkFee + referralFee + vendorShare, amount, "parts do not add up to the amount");
        vm.assertLe(vendorShare, amount, "vendor share wrapped around");
    }

    /// @notice While the pool can grow a party may take its open entitlement, which never exceeds what it is
    /// owed once the pool is final, and falls short of it by at most one base unit.
    function testFuzz_openEntitlementWithinOneOfFinal(uint256 pool, uint256 shareStart, uint256 shareBps) public pure {
        pool = _bound(pool, 0, MAX_POOL);
        shareStart = _bound(shareStart, 0, BPS);
        shareBps = _bound(shareBps, 0, BPS - shareStart);

        uint256 open = SplitMath.openEntitlement(pool, shareBps);
        uint256 fin = SplitMath.finalEntitlement(pool, shareStart, shareBps);

        vm.assertLe(open, fin, "open entitlement exceeds the final one");
        vm.assertLe(fin - open, 1, "final entitlement exceeds the open one by more than 1");
        vm.assertLe(fin, pool, "entitlement exceeds the pool");
    }

    /// @notice The open entitlement never decreases as the pool grows: what a party collected while the
    /// agreement was open stays covered by every later pool.
    function testFuzz_openEntitlementNonDecreasingInPool(uint256 pool, uint256 growth, uint256 shareBps) public pure {
        pool = _bound(pool, 0, MAX_POOL);
        growth = _bound(growth, 0, MAX_POOL - pool);
        shareBps = _bound(shareBps, 0, BPS);

        vm.assertLe(
            SplitMath.openEntitlement(pool, shareBps),
            SplitMath.openEntitlement(pool + growth, shareBps),
            "open entitlement decreased as the pool grew"
        );
    }

    /// @notice The final entitlement is NOT monotonic in the pool (see SplitMath's @dev and
    /// {test_finalEntitlementCanDecreaseByOne}); what the lazy split needs, and what holds, is weaker: it never
    /// falls below the open entitlement of any smaller pool (what a party may already have collected), and it
    /// drops by at most 1 as the pool grows.
    function testFuzz_finalEntitlementCoversEveryEarlierOpenEntitlement(
        uint256 pool,
        uint256 growth,
        uint256 shareStart,
        uint256 shareBps
    ) public pure {
        pool = _bound(pool, 0, MAX_POOL);
        growth = _bound(growth, 0, MAX_POOL - pool);
        shareStart = _bound(shareStart, 0, BPS);
        shareBps = _bound(shareBps, 0, BPS - shareStart);

        uint256 finalLater = SplitMath.finalEntitlement(pool + growth, shareStart, shareBps);
        uint256 openBefore = SplitMath.openEntitlement(pool, shareBps);
        uint256 finalBefore = SplitMath.finalEntitlement(pool, shareStart, shareBps);
        vm.assertGe(finalLater, openBefore, "final entitlement below an earlier open one");
        vm.assertGe(finalLater + 1, finalBefore, "final entitlement fell by more than 1");
    }

    /// @notice Pinned counterexample to "the final entitlement is non-decreasing": the middle party of three
    /// (3,333 / 3,334 / 3,333 bps) is owed 2 of a pool of 3, but only 1 of a pool of 4. Harmless by design: the
    /// final amount is only paid once the pool can no longer grow.
    function test_finalEntitlementCanDecreaseByOne() public pure {
        vm.assertEq(SplitMath.finalEntitlement(3, 3_333, 3_334), 2, "pool 3");
        vm.assertEq(SplitMath.finalEntitlement(4, 3_333, 3_334), 1, "pool 4");
        vm.assertEq(SplitMath.openEntitlement(3, 3_334), 1, "open, pool 3");
    }

    /// @notice The final entitlements of any list of shares summing to 10,000 (1 to 50 parties, zero shares
    /// included) add up to exactly the pool, whatever the order; their open entitlements leave at most one base
    /// unit per party over.
    function testFuzz_finalEntitlementsSumToPool(uint256 pool, uint256 partyCount, uint256 seed) public pure {
        pool = _bound(pool, 0, MAX_POOL);
        partyCount = _bound(partyCount, 1, MAX_PARTIES);
        uint256[] memory shares = _randomShares(partyCount, seed);

        uint256 finalSum;
        uint256 openSum;
        uint256 shareStart;
        for (uint256 i; i < partyCount; ++i) {
            finalSum += SplitMath.finalEntitlement(pool, shareStart, shares[i]);
            openSum += SplitMath.openEntitlement(pool, shares[i]);
            shareStart += shares[i];
        }
        vm.assertEq(shareStart, BPS, "shares do not sum to 10,000");
        vm.assertEq(finalSum, pool, "final entitlements do not add up to the pool");
        vm.assertLe(openSum, pool, "open entitlements exceed the pool");
        vm.assertLe(pool - openSum, partyCount - 1, "open entitlements leave more than 1 per party (but one) over");
    }

    /// @notice Same with pools as small as the rounding makes interesting (at most a few times 10,000).
    function testFuzz_finalEntitlementsSumToSmallPool(uint256 pool, uint256 partyCount, uint256 seed) public pure {
        testFuzz_finalEntitlementsSumToPool(_bound(pool, 0, 3 * BPS), partyCount, seed);
    }

    /// @dev `n` shares summing to 10,000: the gaps between n - 1 random cuts, sorted; some cuts repeat (zero
    /// shares) and some sit on the ends.
    function _randomShares(uint256 n, uint256 seed) private pure returns (uint256[] memory shares) {
        uint256[] memory cuts = new uint256[](n + 1);
        cuts[n] = BPS;
        for (uint256 i = 1; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 kind = r % 8;
            cuts[i] = kind == 0 ? 0 : kind == 1 ? BPS : kind == 2 ? cuts[i - 1] : (r >> 8) % (BPS + 1);
        }
        // Insertion sort: at most 49 cuts.
        for (uint256 i = 2; i < n; ++i) {
            uint256 cut = cuts[i];
            uint256 j = i;
            while (j > 1 && cuts[j - 1] > cut) {
                cuts[j] = cuts[j - 1];
                --j;
            }
            cuts[j] = cut;
        }
        shares = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            shares[i] = cuts[i + 1] - cuts[i];
        }
    }
}
