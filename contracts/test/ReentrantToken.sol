// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only hostile token: while armed, every transfer out of `victim` calls `victim`
///         back with `reentry` (e.g. a second `claim()` during the first's payout), as the token
///         itself; it also acts as an account of the vault through {act}.
contract ReentrantToken is ERC20 {
    address public victim;
    bytes public reentry;
    bool public armed;

    constructor() ERC20("Reentrant", "RE") {}

    /// @notice Mint `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Call `victim` back with `data` on the next transfer out of it.
    function arm(address victim_, bytes calldata data) external {
        (victim, reentry, armed) = (victim_, data, true);
    }

    /// @notice Stop calling back.
    function disarm() external {
        armed = false;
    }

    /// @notice Call `target` with `data` as this contract (its deposits, claims and withdrawals).
    function act(address target, bytes calldata data) external returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = target.call(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
        return result;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (armed && from == victim) {
            armed = false;
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory result) = victim.call(reentry);
            if (!ok) {
                // solhint-disable-next-line no-inline-assembly
                assembly ("memory-safe") {
                    revert(add(result, 0x20), mload(result))
                }
            }
        }
    }
}
