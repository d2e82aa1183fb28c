// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDelegateElection} from "../interfaces/IDelegateElection.sol";

/// @notice Test-only: measures the gas of one on-chain score evaluation at a snapshot, cold,
///         as a challenge pays it (call it with eth_call so every slot starts cold).
contract GasProbe {
    /// @notice Gas spent inside `election.scoreOf(epoch, node)`, including the call itself.
    function scoreGas(IDelegateElection election, uint256 epoch, address node) external view returns (uint256 used) {
        uint256 start = gasleft();
        election.scoreOf(epoch, node);
        used = start - gasleft();
    }

    /// @notice Gas of evaluating `first`, then of `second` in the same call (contracts and
    ///         parameters warm), as the second node of a challenge pays it.
    function scoreGasPair(
        IDelegateElection election,
        uint256 epoch,
        address first,
        address second
    ) external view returns (uint256 cold, uint256 warm) {
        uint256 start = gasleft();
        election.scoreOf(epoch, first);
        uint256 mid = gasleft();
        election.scoreOf(epoch, second);
        (cold, warm) = (start - mid, mid - gasleft());
    }
}
