// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title MockStablecoin
/// @notice A test stablecoin with 6 decimals and EIP-2612 permit, for tests and the local demo only.
/// @dev Anyone can mint: never deploy it to a network where it could be mistaken for money.
contract MockStablecoin is ERC20, ERC20Permit {
    constructor() ERC20("Demo USD", "dUSD") ERC20Permit("Demo USD") {}

    /// @notice Mints `amount` to `to`. Open to anyone: this is a test token.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
