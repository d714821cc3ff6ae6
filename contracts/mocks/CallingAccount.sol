// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title CallingAccount
/// @notice Test-only base for contract accounts (smart wallets) that their deployer drives by {execute}.
abstract contract CallingAccount {
    address private immutable OWNER;

    /// @notice Thrown when someone other than the deployer asks the account to make a call.
    error CallingAccountUnauthorized(address caller);

    constructor() {
        OWNER = msg.sender;
    }

    /// @notice Calls `target` with `data` and `value` as this account; bubbles up any revert.
    function execute(address target, uint256 value, bytes calldata data) external payable returns (bytes memory) {
        if (msg.sender != OWNER) revert CallingAccountUnauthorized(msg.sender);
        return Address.functionCallWithValue(target, data, value);
    }
}
