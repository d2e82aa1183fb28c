// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

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
abstract contract EpochClock {
    /// @notice The epoch length or genesis is unusable (epochs of 1 minute to 1 year, genesis at
    ///         most a year ahead).
    error InvalidEpochClock(uint256 genesis, uint256 epochDuration);
    /// @notice `epoch` starts after the last timestamp the system records (uint48), or is 0 where
    ///         an earlier epoch is needed (the snapshot of epoch 0's election).
    error EpochOutOfRange(uint256 epoch, uint256 maxEpoch);

    /// @notice Timestamp at which epoch 0 starts.
    uint256 public immutable genesis;
    /// @notice Seconds per epoch; fixed for the life of a deployment (epoch numbers depend on it).
    uint256 public immutable epochDuration;
    /// @notice The last epoch whose start fits a uint48 timestamp.
    uint256 public immutable maxEpoch;

    constructor(uint256 genesis_, uint256 epochDuration_) {
        if (epochDuration_ < 60 || epochDuration_ > 365 days || genesis_ > block.timestamp + 365 days) {
            revert InvalidEpochClock(genesis_, epochDuration_);
        }
        genesis = genesis_;
        epochDuration = epochDuration_;
        maxEpoch = (uint256(type(uint48).max) - genesis_) / epochDuration_ - 1;
    }

    /// @notice The epoch containing timestamp `t` (0 before genesis).
    function epochOf(uint256 t) public view returns (uint256) {
        return t < genesis ? 0 : (t - genesis) / epochDuration;
    }

    /// @notice The current epoch.
    function currentEpoch() public view returns (uint256) {
        return epochOf(block.timestamp);
    }

    /// @notice Timestamp at which epoch `epoch` starts; reverts past `maxEpoch`.
    function epochStart(uint256 epoch) public view returns (uint256) {
        if (epoch > maxEpoch) revert EpochOutOfRange(epoch, maxEpoch);
        return genesis + epoch * epochDuration;
    }

    /// @notice The snapshot of epoch `epoch`'s election: the start of epoch `epoch − 1`
    ///         (state strictly before it counts). Reverts for epoch 0, which has no election.
    function snapshotOf(uint256 epoch) public view returns (uint256) {
        if (epoch == 0) revert EpochOutOfRange(epoch, maxEpoch);
        return epochStart(epoch - 1);
    }
}

/// @title SlotClock
/// @notice The epoch clock cut into `slotsPerEpoch` slots of equal length (the election's; the
///         ledger asks the election). Slots divide the epoch exactly, so every second of an epoch
///         lies in exactly one slot `0 ≤ s < slotsPerEpoch`.
abstract contract SlotClock is EpochClock {
    /// @notice The slot count is unusable: 1 to 100,000 slots that divide the epoch exactly.
    error InvalidSlotCount(uint256 slotsPerEpoch, uint256 epochDuration);
    /// @notice `slot` is not a slot of an epoch: slots run from 0 to `slotsPerEpoch − 1`.
    error SlotOutOfRange(uint256 slot, uint256 slotsPerEpoch);

    uint256 internal constant MAX_SLOTS_PER_EPOCH = 100_000;

    /// @notice Slots per epoch (S); slot s of an epoch belongs to delegate s mod K.
    uint256 public immutable slotsPerEpoch;
    /// @notice Seconds per slot: `epochDuration / slotsPerEpoch`, exactly.
    uint256 public immutable slotDuration;

    constructor(uint256 genesis_, uint256 epochDuration_, uint256 slotsPerEpoch_) EpochClock(genesis_, epochDuration_) {
        if (slotsPerEpoch_ == 0 || slotsPerEpoch_ > MAX_SLOTS_PER_EPOCH || epochDuration_ % slotsPerEpoch_ != 0) {
            revert InvalidSlotCount(slotsPerEpoch_, epochDuration_);
        }
        slotsPerEpoch = slotsPerEpoch_;
        slotDuration = epochDuration_ / slotsPerEpoch_;
    }

    /// @notice [start, end) of slot `slot` of epoch `epoch`; reverts unless `slot < slotsPerEpoch`.
    function slotWindow(uint256 epoch, uint256 slot) public view returns (uint256 start, uint256 end) {
        if (slot >= slotsPerEpoch) revert SlotOutOfRange(slot, slotsPerEpoch);
        start = epochStart(epoch) + slot * slotDuration;
        end = start + slotDuration;
    }

    /// @notice The epoch and slot containing timestamp `t` (epoch 0, slot 0 before genesis).
    function slotAt(uint256 t) public view returns (uint256 epoch, uint256 slot) {
        if (t < genesis) return (0, 0);
        epoch = (t - genesis) / epochDuration;
        slot = ((t - genesis) % epochDuration) / slotDuration;
    }

    /// @notice The current epoch and slot.
    function currentSlot() public view returns (uint256 epoch, uint256 slot) {
        return slotAt(block.timestamp);
    }
}
