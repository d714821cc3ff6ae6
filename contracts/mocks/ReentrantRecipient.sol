// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";

import {CallingAccount} from "./CallingAccount.sol";

/// @title ReentrantRecipient
/// @notice Hostile test account: on receiving ETH it calls back into `target` with a prepared call, records
/// how that went, and (if told to) makes the transfer fail when the re-entry failed.
contract ReentrantRecipient is CallingAccount {
    address private _target;
    uint256 private _value;
    bytes private _data;
    bool private _bubble;

    /// @notice How many times a re-entry was attempted.
    uint256 public attempts;
    /// @notice Whether the last re-entry succeeded.
    bool public lastSucceeded;
    /// @notice What the last re-entry returned or reverted with.
    bytes public lastResult;

    receive() external payable {
        _reenter();
    }

    /// @notice Arms the callback: on the next ETH received, call `target` with `data` and `value`.
    function arm(address target, uint256 value, bytes calldata data, bool bubble) external {
        _target = target;
        _value = value;
        _data = data;
        _bubble = bubble;
    }

    function _reenter() private {
        address target = _target;
        if (target == address(0)) return;
        _target = address(0); // once per arming, so a successful re-entry cannot loop
        ++attempts;
        (bool ok, bytes memory result) = target.call{value: _value}(_data);
        lastSucceeded = ok;
        lastResult = result;
        if (_bubble) Address.verifyCallResult(ok, result);
    }
}
