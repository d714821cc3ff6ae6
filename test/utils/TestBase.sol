// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IVm, VM_ADDRESS} from "./IVm.sol";

/// @title TestBase
/// @notice What every Ecoshare Solidity test needs: the cheatcodes and a bound for fuzzed inputs.
abstract contract TestBase {
    /// @notice Thrown when {_bound} is asked for an empty range.
    error BoundEmptyRange(uint256 min, uint256 max);

    // `vm` is the name every Foundry-style test and reader expects for the cheatcodes.
    // solhint-disable-next-line const-name-snakecase
    IVm internal constant vm = IVm(VM_ADDRESS);

    /// @dev Maps any fuzzed `x` onto `[min, max]`, keeping values already inside as they are so that the
    /// fuzzer's edge values (0, 1, max...) reach the code unchanged.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) revert BoundEmptyRange(min, max);
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + x % (size + 1);
    }
}
