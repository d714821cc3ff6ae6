// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {ReferralPayments} from "./ReferralPayments.sol";

/// @title Ecoshare
/// @notice Automatic federated payments: networks of partners, revenue agreements every party signs, and
/// referral payments split on-chain the moment the customer pays.
/// @dev No owner, no pause, no upgrade: nobody can move, freeze or redirect a member's earnings.
/// See docs/architecture.md.
contract Ecoshare is ReferralPayments {
    constructor() EIP712("Ecoshare", "2") {}
}
