// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title EpochClock
/// @notice Epochs of fixed length from a genesis timestamp (SPEC.md section 4). Shared by the
///         registry and the election, which copies the registry's values so they can never differ.
abstract contract EpochClock {
    /// @notice The epoch length or genesis is unusable.
    error InvalidEpochClock(uint256 genesis, uint256 epochDuration);

    /// @notice Timestamp at which epoch 0 starts.
    uint256 public immutable genesis;
    /// @notice Seconds per epoch; fixed for the life of a deployment (epoch numbers depend on it).
    uint256 public immutable epochDuration;

    constructor(uint256 genesis_, uint256 epochDuration_) {
        if (epochDuration_ < 60 || epochDuration_ > 365 days || genesis_ > block.timestamp + 365 days) {
            revert InvalidEpochClock(genesis_, epochDuration_);
        }
        genesis = genesis_;
        epochDuration = epochDuration_;
    }

    /// @notice The epoch containing timestamp `t` (0 before genesis).
    function epochOf(uint256 t) public view returns (uint256) {
        return t < genesis ? 0 : (t - genesis) / epochDuration;
    }

    /// @notice The current epoch.
    function currentEpoch() public view returns (uint256) {
        return epochOf(block.timestamp);
    }

    /// @notice Timestamp at which epoch `epoch` starts.
    function epochStart(uint256 epoch) public view returns (uint256) {
        return genesis + epoch * epochDuration;
    }
}
