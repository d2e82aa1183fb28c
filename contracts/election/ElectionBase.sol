// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDelegateElection} from "../interfaces/IDelegateElection.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IStakeVault} from "../interfaces/IStakeVault.sol";
import {SlotClock} from "../registry/EpochClock.sol";
import {ScoringModel} from "../scoring/ScoringParams.sol";

/// @title ElectionBase
/// @notice What every part of the delegate election shares, the way OpenZeppelin's `Governor` is
///         shared by its modules: the registry and vault it reads, K, the scoring model, the clock
///         (the registry's genesis and epoch length cut into slots) and the hooks by which the
///         parts ask each other. {DelegateElection} is the one deployed contract made of
///         {ElectionVotes} (votes), {DelegateSchedule} (finalized sets, slots and hand-overs) and
///         the election itself.
/// @dev Roles and pausing live here so that they take the first storage slots, as they did when
///      the election was one file: every other variable keeps a nonzero slot (same gas).
abstract contract ElectionBase is IDelegateElection, SlotClock, AccessControl, Pausable {
    uint256 public constant MAX_DELEGATES = 101;

    /// @inheritdoc IDelegateElection
    INodeRegistry public immutable registry;
    /// @inheritdoc IDelegateElection
    IStakeVault public immutable vault;
    /// @inheritdoc IDelegateElection
    uint256 public immutable delegateCount;
    /// @inheritdoc IDelegateElection
    ScoringModel public immutable scoringModel;

    // The election's keeper economics (set in {DelegateElection}) are declared here, before the
    // votes, so that every variable keeps the storage slot it had when the election was one file:
    // the exact gas snapshot depends on it to the unit.
    /// @inheritdoc IDelegateElection
    uint256 public challengePeriod;
    /// @inheritdoc IDelegateElection
    uint256 public keeperMinBond;
    /// @inheritdoc IDelegateElection
    uint256 public challengeReward;
    /// @inheritdoc IDelegateElection
    uint256 public keeperReward;

    /// @dev The clock is the registry's (genesis, epoch length) cut into `slotsPerEpoch_` slots.
    constructor(
        INodeRegistry registry_,
        IStakeVault vault_,
        uint256 delegateCount_,
        uint256 slotsPerEpoch_
    ) SlotClock(registry_.genesis(), registry_.epochDuration(), slotsPerEpoch_) {
        if (delegateCount_ == 0 || delegateCount_ > MAX_DELEGATES) {
            revert OutOfRange("delegateCount", delegateCount_, 1, MAX_DELEGATES);
        }
        registry = registry_;
        vault = vault_;
        delegateCount = delegateCount_;
        scoringModel = registry_.scoringModel();
    }

    // ------------------------------------------------------------------ hooks
    /// @dev What the votes know of `node` at `snapshot` (state strictly before it): its votes,
    ///      the total, its deposit-weighted tally, its last vote and its deposit ({ElectionVotes}).
    function _electionInputs(
        address node,
        uint256 snapshot
    ) internal view virtual returns (INodeRegistry.ElectionInputs memory);

    /// @dev Whether the set of `epoch` was finalized (the election's record; the schedule asks).
    function _isFinalized(uint256 epoch) internal view virtual returns (bool);

    function _now() internal view returns (uint48) {
        return SafeCast.toUint48(block.timestamp);
    }
}
