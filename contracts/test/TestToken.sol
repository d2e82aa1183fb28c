// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Local stake and fee token: anyone may mint, for the Hardhat network and tests only.
contract TestToken is ERC20 {
    constructor() ERC20("Energy DPoS Test Token", "EDT") {}

    /// @notice Mint `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
