// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Test mock: forwards a call, so the target sees a contract as `msg.sender`.
contract CallForwarder {
    /// @notice Call `target` with `data`, bubbling up its revert.
    function forward(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory result) = target.call(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
        return result;
    }
}
