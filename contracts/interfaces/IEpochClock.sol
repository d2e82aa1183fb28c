// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystemErrors} from "./ISystemErrors.sol";

/// @title IEpochClock
/// @notice The one clock of the system (SPEC.md section 4): epochs of fixed length from a genesis
///         timestamp. The registry and the election answer these; `src/chain/clock.ts` mirrors them.
interface IEpochClock is ISystemErrors {
    /// @notice Timestamp at which epoch 0 starts.
    function genesis() external view returns (uint256);

    /// @notice Seconds per epoch; fixed for the life of a deployment (epoch numbers depend on it).
    function epochDuration() external view returns (uint256);

    /// @notice The last epoch whose start fits a uint48 timestamp.
    function maxEpoch() external view returns (uint256);

    /// @notice The epoch containing timestamp `t` (0 before genesis).
    function epochOf(uint256 t) external view returns (uint256);

    /// @notice The current epoch.
    function currentEpoch() external view returns (uint256);

    /// @notice Timestamp at which epoch `epoch` starts; reverts `OutOfRange("epoch", …)` past `maxEpoch`.
    function epochStart(uint256 epoch) external view returns (uint256);

    /// @notice The snapshot of epoch `epoch`'s election: the start of epoch `epoch − 1` (state
    ///         strictly before it counts). Reverts `OutOfRange("epoch", 0, 1, …)` for epoch 0,
    ///         which has no election.
    function snapshotOf(uint256 epoch) external view returns (uint256);
}

/// @title ISlotClock
/// @notice The epoch clock cut into `slotsPerEpoch` slots of equal length (the election's; the
///         ledger asks the election). Every second of an epoch lies in exactly one slot.
interface ISlotClock is IEpochClock {
    /// @notice The slot count does not divide the epoch length exactly.
    error InvalidSlotCount(uint256 slotsPerEpoch, uint256 epochDuration);

    /// @notice Slots per epoch (S); slot s of an epoch belongs to delegate s mod K.
    function slotsPerEpoch() external view returns (uint256);

    /// @notice Seconds per slot: `epochDuration / slotsPerEpoch`, exactly.
    function slotDuration() external view returns (uint256);

    /// @notice [start, end) of slot `slot` of epoch `epoch`; reverts `IndexOutOfRange("slot", …)`
    ///         unless `slot < slotsPerEpoch`.
    function slotWindow(uint256 epoch, uint256 slot) external view returns (uint256 start, uint256 end);

    /// @notice The epoch and slot containing timestamp `t` (epoch 0, slot 0 before genesis).
    function slotAt(uint256 t) external view returns (uint256 epoch, uint256 slot);

    /// @notice The current epoch and slot.
    function currentSlot() external view returns (uint256 epoch, uint256 slot);
}
