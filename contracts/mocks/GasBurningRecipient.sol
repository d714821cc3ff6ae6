// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CallingAccount} from "./CallingAccount.sol";

/// @title GasBurningRecipient
/// @notice Hostile test account: burns all the gas an ETH transfer forwards to it, but can still make calls.
contract GasBurningRecipient is CallingAccount {
    uint256 private _spin;

    receive() external payable {
        // An endless loop: the transfer runs out of the gas it was given.
        while (true) {
            ++_spin;
        }
    }
}
