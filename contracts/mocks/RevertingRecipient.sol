// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CallingAccount} from "./CallingAccount.sol";

/// @title RevertingRecipient
/// @notice Hostile test account: refuses every ETH transfer, but can still make calls.
contract RevertingRecipient is CallingAccount {
    /// @notice Thrown on every ETH transfer to this account.
    error EtherRefused();

    receive() external payable {
        revert EtherRefused();
    }
}
