// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEpochClock, ISlotClock} from "../interfaces/IEpochClock.sol";
import {revertOutOfRange, revertIndexOutOfRange} from "../interfaces/ISystemErrors.sol";

/// @title EpochClock
/// @notice The one clock of the system (SPEC.md section 4): epochs of fixed length from a genesis
///         timestamp, each cut into `slotsPerEpoch` slots of equal length. Every epoch, slot and
///         snapshot computed on-chain is computed here: the registry inherits it, the election
///         inherits it with the registry's genesis and epoch length (so the two can never differ),
///         and the ledger asks the election. `src/chain/clock.ts` mirrors it line for line.
/// @dev Every (epoch, slot) that reaches a window is bounded: `slot < slotsPerEpoch` and the
///      epoch's start fits a uint48 timestamp. An unbounded slot `S + x` of epoch e used to name
///      the window of a later epoch's slot, so a report could punish the owner of `(e, x mod K)`
///      for a slot that never existed (issue 19, attacks 1 and 2).
abstract contract EpochClock is IEpochClock {
    /// @inheritdoc IEpochClock
    uint256 public immutable genesis;
    /// @inheritdoc IEpochClock
    uint256 public immutable epochDuration;
    /// @inheritdoc IEpochClock
    uint256 public immutable maxEpoch;

    /// @dev Epochs of 1 minute to 1 year, genesis at most a year ahead.
    constructor(uint256 genesis_, uint256 epochDuration_) {
        if (epochDuration_ < 60 || epochDuration_ > 365 days)
            revert OutOfRange("epochDuration", epochDuration_, 60, 365 days);
        if (genesis_ > block.timestamp + 365 days)
            revert OutOfRange("genesis", genesis_, 0, block.timestamp + 365 days);
        genesis = genesis_;
        epochDuration = epochDuration_;
        maxEpoch = (uint256(type(uint48).max) - genesis_) / epochDuration_ - 1;
    }

    /// @inheritdoc IEpochClock
    function epochOf(uint256 t) public view returns (uint256) {
        return t < genesis ? 0 : (t - genesis) / epochDuration;
    }

    /// @inheritdoc IEpochClock
    function currentEpoch() public view returns (uint256) {
        return epochOf(block.timestamp);
    }

    /// @inheritdoc IEpochClock
    function epochStart(uint256 epoch) public view returns (uint256) {
        if (epoch > maxEpoch) revertOutOfRange("epoch", epoch, 0, maxEpoch);
        return genesis + epoch * epochDuration;
    }

    /// @inheritdoc IEpochClock
    function snapshotOf(uint256 epoch) public view returns (uint256) {
        if (epoch == 0) revertOutOfRange("epoch", epoch, 1, maxEpoch + 1);
        return epochStart(epoch - 1);
    }
}

/// @title SlotClock
/// @notice The epoch clock cut into `slotsPerEpoch` slots of equal length (the election's; the
///         ledger asks the election). Slots divide the epoch exactly, so every second of an epoch
///         lies in exactly one slot `0 ≤ s < slotsPerEpoch`.
abstract contract SlotClock is ISlotClock, EpochClock {
    uint256 internal constant MAX_SLOTS_PER_EPOCH = 100_000;

    /// @inheritdoc ISlotClock
    uint256 public immutable slotsPerEpoch;
    /// @inheritdoc ISlotClock
    uint256 public immutable slotDuration;

    /// @dev 1 to 100,000 slots that divide the epoch exactly.
    constructor(uint256 genesis_, uint256 epochDuration_, uint256 slotsPerEpoch_) EpochClock(genesis_, epochDuration_) {
        if (slotsPerEpoch_ == 0 || slotsPerEpoch_ > MAX_SLOTS_PER_EPOCH) {
            revert OutOfRange("slotsPerEpoch", slotsPerEpoch_, 1, MAX_SLOTS_PER_EPOCH);
        }
        if (epochDuration_ % slotsPerEpoch_ != 0) revert InvalidSlotCount(slotsPerEpoch_, epochDuration_);
        slotsPerEpoch = slotsPerEpoch_;
        slotDuration = epochDuration_ / slotsPerEpoch_;
    }

    /// @inheritdoc ISlotClock
    function slotWindow(uint256 epoch, uint256 slot) public view returns (uint256 start, uint256 end) {
        if (slot >= slotsPerEpoch) revertIndexOutOfRange("slot", slot, slotsPerEpoch);
        start = epochStart(epoch) + slot * slotDuration;
        end = start + slotDuration;
    }

    /// @inheritdoc ISlotClock
    function slotAt(uint256 t) public view returns (uint256 epoch, uint256 slot) {
        if (t < genesis) return (0, 0);
        epoch = (t - genesis) / epochDuration;
        slot = ((t - genesis) % epochDuration) / slotDuration;
    }

    /// @inheritdoc ISlotClock
    function currentSlot() public view returns (uint256 epoch, uint256 slot) {
        return slotAt(block.timestamp);
    }
}
