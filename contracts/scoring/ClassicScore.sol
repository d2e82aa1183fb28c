// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ClassicScore
/// @notice The classic DPoS baseline both papers argue against (SPEC.md section 3.3): a
///         candidate's score is the deposit-weighted votes it received, nothing else.
///         Mirrored by `src/scoring/classicScore.ts`.
library ClassicScore {
    /// @notice The weight one voter adds to a candidate: votes · deposit at the snapshot.
    /// @dev In token base units (a deposit of 1 token at 18 decimals counts 1e18 per vote), so
    ///      the score is directly comparable with the other models' WAD scores and never rounds.
    function voteWeight(uint256 votes, uint256 voterDeposit) internal pure returns (uint256) {
        return votes * voterDeposit;
    }
}
