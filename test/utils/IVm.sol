// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IVm
/// @notice The cheatcodes Ecoshare's Solidity tests use, served by Hardhat's EDR at {VM_ADDRESS}.
/// @dev forge-std cannot be imported here (its npm copy is broken, see TOOLCHAIN.md), so the signatures are
/// declared by hand. They are Foundry's: EDR answers only to these exact signatures.
interface IVm {
    /// @notice A log recorded by {recordLogs}.
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    // Accounts and signatures
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function deal(address account, uint256 newBalance) external;
    function label(address account, string calldata newLabel) external;

    // Caller and time
    function prank(address msgSender) external;
    function warp(uint256 newTimestamp) external;
    function getBlockTimestamp() external view returns (uint256);

    // Events
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);

    // State snapshots
    function snapshotState() external returns (uint256 snapshotId);
    function revertToStateAndDelete(uint256 snapshotId) external returns (bool success);

    // Assertions: on failure they revert with the message and both values
    function assertTrue(bool condition, string calldata error) external pure;
    function assertEq(uint256 left, uint256 right, string calldata error) external pure;
    function assertEq(address left, address right, string calldata error) external pure;
    function assertEq(bytes32 left, bytes32 right, string calldata error) external pure;
    function assertLe(uint256 left, uint256 right, string calldata error) external pure;
    function assertGe(uint256 left, uint256 right, string calldata error) external pure;

    // Formatting
    function toString(uint256 value) external pure returns (string memory);
    function toString(address value) external pure returns (string memory);
    function toString(bytes calldata value) external pure returns (string memory);
}

/// @dev Where EDR (like Foundry) serves the cheatcodes.
address constant VM_ADDRESS = address(uint160(uint256(keccak256("hevm cheat code"))));
