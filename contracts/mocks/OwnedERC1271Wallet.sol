// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {CallingAccount} from "./CallingAccount.sol";

/// @title OwnedERC1271Wallet
/// @notice Test smart wallet: a signature is valid when its deployer's key signed the hash (ERC-1271).
contract OwnedERC1271Wallet is CallingAccount, IERC1271 {
    address private immutable SIGNER;

    constructor() {
        SIGNER = msg.sender;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(hash, signature);
        return err == ECDSA.RecoverError.NoError && recovered == SIGNER ? IERC1271.isValidSignature.selector : bytes4(0);
    }
}
