// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

import {CallingAccount} from "./CallingAccount.sol";

/// @title PermissiveERC1271Wallet
/// @notice Hostile test wallet: its ERC-1271 check says yes to every hash and every signature.
contract PermissiveERC1271Wallet is CallingAccount, IERC1271 {
    /// @inheritdoc IERC1271
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        return IERC1271.isValidSignature.selector;
    }
}
