// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

/// @notice How a deployment turns scores into delegates (SPEC.md section 4).
enum ElectionRule {
    TopK, // paper 1: the K highest scores
    WeightedRandom // paper 2's behaviour: an exact score-weighted sample without replacement
}

/// @title ElectionKey
/// @notice One sortable key per node so that both election rules are "the K smallest keys".
///         Ties between equal keys are broken by the election's seed, never by address: the
///         node with the smaller `keccak256(seed, node)` ranks first. Mirrored by
///         `src/scoring/electionKey.ts`, including a bit-exact port of solady's `lnWad`.
library ElectionKey {
    uint256 internal constant WAD = 1e18;
    /// @notice The key of a node that cannot be elected (zero score).
    uint256 internal constant NEVER = type(uint256).max;

    /// @notice The uniform draw u in (0, 1) of `node` for the election seeded with `seed`, WAD.
    /// @dev u = keccak256(seed, node) mod (1e18 − 1) + 1, so 0 < u < 1 and −ln(u) > 0.
    function uniform(bytes32 seed, address node) internal pure returns (uint256) {
        return (uint256(keccak256(abi.encode(seed, node))) % (WAD - 1)) + 1;
    }

    /// @notice Key of a node with score `score` under `rule`; smaller is better.
    /// @dev TopK: NEVER − score, so the highest score has the smallest key.
    ///      WeightedRandom: −ln(u) / w (Efraimidis–Spirakis in exponential form), the K smallest
    ///      keys being an exact weighted sample without replacement. A zero score gives NEVER.
    function key(ElectionRule rule, uint256 score, bytes32 seed, address node) internal pure returns (uint256) {
        if (score == 0) return NEVER;
        if (rule == ElectionRule.TopK) return NEVER - score;
        int256 lnU = FixedPointMathLib.lnWad(int256(uniform(seed, node)));
        // lnWad of u in (0, 1) is at most 0; guard the cast all the same.
        uint256 exponential = lnU < 0 ? uint256(-lnU) : 0;
        return (exponential * WAD) / score;
    }

    /// @notice True when (keyA, nodeA) ranks strictly before (keyB, nodeB) in the election seeded
    ///         with `seed`: the smaller key, and between equal keys the smaller `tieBreak`.
    /// @dev Scores are quantized (paper 1's attributes come in steps of 0.1), so equal scores are
    ///      common under top-K; ordering them by address let a node that ground an address with
    ///      leading zeros win every tie (issue 19, attack 9). False when nodeA == nodeB.
    function before(
        bytes32 seed,
        uint256 keyA,
        address nodeA,
        uint256 keyB,
        address nodeB
    ) internal pure returns (bool) {
        if (keyA != keyB) return keyA < keyB;
        return tieBreak(seed, nodeA) < tieBreak(seed, nodeB);
    }

    /// @notice The order between equal keys: `keccak256(abi.encode(seed, node, "tie"))`, independent
    ///         of the weighted rule's draw `uniform(seed, node)`.
    function tieBreak(bytes32 seed, address node) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, node, "tie")));
    }
}
