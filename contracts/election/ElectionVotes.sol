// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDelegateElection} from "../interfaces/IDelegateElection.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {revertOutOfRange} from "../interfaces/ISystemErrors.sol";
import {ScoringModel} from "../scoring/ScoringParams.sol";
import {ClassicScore} from "../scoring/ClassicScore.sol";
import {ElectionBase} from "./ElectionBase.sol";

/// @title ElectionVotes
/// @notice The votes of the delegate election (paper 1 section 3, paper 2 eq. 6): each admitted
///         node splits `votesPerNode` votes among candidates; the tallies are checkpointed by
///         timestamp so a score reads them at any past snapshot in O(log n).
/// @dev Each model keeps only the histories its score reads: the classic model deposit-weighted
///      tallies (re-weighed when a voter's deposit changes, {onDepositChanged}); the others the
///      raw votes, their total and each voter's last vote. That choice is
///      `ScoreInputs.weighsVotesByDeposit`'s (the keeper's mirror reads it there); it is spelled out
///      here as `scoringModel == ScoringModel.Classic` because the library call, not inlined, cost
///      every vote and deposit 39 gas.
abstract contract ElectionVotes is ElectionBase {
    using Checkpoints for Checkpoints.Trace208;

    uint256 public constant MAX_VOTES_PER_NODE = 1000;
    uint256 public constant MAX_CANDIDATES_PER_VOTER = 32;
    uint208 private constant VOTES_MASK = (uint208(1) << 160) - 1;

    /// @inheritdoc IDelegateElection
    uint256 public immutable votesPerNode;

    mapping(address voter => Allocation[]) private _allocations;
    /// @dev Per node, packed so a score reads one history: votes received as a candidate in the
    ///      low 160 bits, the time of its own last vote as a voter in the high 48.
    mapping(address node => Checkpoints.Trace208) private _nodeVotes;
    mapping(address candidate => Checkpoints.Trace208) private _weightedVotes;
    Checkpoints.Trace208 private _totalVotes;

    constructor(uint256 votesPerNode_) {
        if (votesPerNode_ == 0 || votesPerNode_ > MAX_VOTES_PER_NODE) {
            revert OutOfRange("votesPerNode", votesPerNode_, 1, MAX_VOTES_PER_NODE);
        }
        votesPerNode = votesPerNode_;
    }

    /// @inheritdoc IDelegateElection
    function vote(address[] calldata candidates, uint256[] calldata amounts) external whenNotPaused {
        if (!registry.isAdmitted(msg.sender)) revert NotAdmitted(msg.sender);
        if (candidates.length != amounts.length) revert LengthMismatch(candidates.length, amounts.length);
        if (candidates.length > MAX_CANDIDATES_PER_VOTER) {
            revertOutOfRange("candidates", candidates.length, 0, MAX_CANDIDATES_PER_VOTER);
        }
        uint256 sum;
        for (uint256 i = 0; i < candidates.length; ++i) {
            if (amounts[i] == 0) revert ZeroVotes(candidates[i]);
            if (!registry.isCandidate(candidates[i])) revert NotACandidate(candidates[i]);
            for (uint256 j = 0; j < i; ++j)
                if (candidates[j] == candidates[i]) revert DuplicateCandidate(candidates[i]);
            sum += amounts[i];
        }
        if (sum > votesPerNode) revert VotesExceedAllowance(sum, votesPerNode);

        uint256 deposit = vault.bonded(msg.sender);
        uint48 t = _now();
        bool classic = scoringModel == ScoringModel.Classic;
        uint256 total = _withdrawVotes(msg.sender, deposit, t, classic);
        Allocation[] storage old = _allocations[msg.sender];
        for (uint256 i = 0; i < candidates.length; ++i) {
            address c = candidates[i];
            old.push(Allocation(c, uint32(amounts[i])));
            if (classic) {
                _addWeight(c, t, ClassicScore.voteWeight(amounts[i], deposit), 0);
            } else {
                _addVotes(c, t, SafeCast.toInt256(amounts[i]));
                total += amounts[i];
            }
        }
        // Each model keeps only the histories its score reads: the classic model the
        // deposit-weighted tallies; the others the raw votes, their total and the voter's last vote.
        // Only a ballot that votes is a vote: withdrawing every vote neither resets the credit-loss
        // timer of paper 1 eq. (4) nor counts as participation (paper 2 eq. 6).
        if (!classic) {
            _totalVotes.push(t, SafeCast.toUint208(total));
            if (candidates.length != 0) {
                uint208 own = _nodeVotes[msg.sender].latest();
                _nodeVotes[msg.sender].push(t, (own & VOTES_MASK) | (uint208(t) << 160));
            }
        }
        emit Voted(msg.sender, candidates, amounts);
        // The registry ignores participation outside the dynamic-trust model; not calling it there
        // saves a vote ~3.7k gas.
        if (scoringModel == ScoringModel.DynamicTrust && candidates.length != 0) {
            registry.recordParticipation(msg.sender);
        }
    }

    /// @inheritdoc IDelegateElection
    function dropVotes(address voter) external {
        if (registry.isAdmitted(voter)) revert StillAdmitted(voter);
        if (_allocations[voter].length == 0) revert NothingToDrop(voter);
        uint48 t = _now();
        bool classic = scoringModel == ScoringModel.Classic;
        uint256 total = _withdrawVotes(voter, vault.bonded(voter), t, classic);
        if (!classic) _totalVotes.push(t, SafeCast.toUint208(total));
        emit VotesDropped(voter);
    }

    /// @notice Vault hook: re-weigh the caller's votes when its deposit changes (classic model).
    function onDepositChanged(address node, uint256 previous, uint256 current) external {
        if (msg.sender != address(vault)) revert OnlyVault(msg.sender);
        if (scoringModel != ScoringModel.Classic) return; // only the classic score weighs votes by deposit
        Allocation[] storage list = _allocations[node];
        uint48 t = _now();
        for (uint256 i = 0; i < list.length; ++i) {
            Allocation memory a = list[i];
            _addWeight(
                a.candidate,
                t,
                ClassicScore.voteWeight(a.votes, current),
                ClassicScore.voteWeight(a.votes, previous)
            );
        }
    }

    /// @inheritdoc IDelegateElection
    function votesAt(
        address candidate,
        uint256 timepoint
    ) public view returns (uint256 votes, uint256 total, uint256 weighted, uint256 lastVote) {
        uint48 t = SafeCast.toUint48(timepoint);
        uint208 packed = _nodeVotes[candidate].upperLookupRecent(t);
        return (
            packed & VOTES_MASK,
            _totalVotes.upperLookupRecent(t),
            _weightedVotes[candidate].upperLookupRecent(t),
            packed >> 160
        );
    }

    /// @inheritdoc IDelegateElection
    function allocationOf(address voter) external view returns (Allocation[] memory) {
        return _allocations[voter];
    }

    /// @dev Only the histories the model's score reads: the classic model's deposit-weighted tally,
    ///      the others' raw votes, their total and the node's last vote; the deposit always.
    function _electionInputs(
        address node,
        uint256 snapshot
    ) internal view override returns (INodeRegistry.ElectionInputs memory e) {
        uint48 t = SafeCast.toUint48(snapshot - 1);
        if (scoringModel == ScoringModel.Classic) {
            e.weightedVotes = _weightedVotes[node].upperLookupRecent(t);
        } else {
            uint208 packed = _nodeVotes[node].upperLookupRecent(t);
            (e.votes, e.lastVote) = (packed & VOTES_MASK, packed >> 160);
            e.totalVotes = _totalVotes.upperLookupRecent(t);
        }
        e.deposit = vault.bondedAt(node, t);
    }

    /// @dev Takes every vote of `voter` off its candidates' tallies (weighed by `deposit` under the
    ///      classic model) and clears its allocation; returns the total of votes cast left (0 classic).
    function _withdrawVotes(address voter, uint256 deposit, uint48 t, bool classic) private returns (uint256 total) {
        Allocation[] storage old = _allocations[voter];
        total = classic ? 0 : _totalVotes.latest(); // the classic model keeps no total
        for (uint256 i = old.length; i > 0; --i) {
            Allocation memory a = old[i - 1];
            if (classic) {
                _addWeight(a.candidate, t, 0, ClassicScore.voteWeight(a.votes, deposit));
            } else {
                _addVotes(a.candidate, t, -int256(uint256(a.votes)));
                total -= a.votes;
            }
            old.pop();
        }
    }

    function _addVotes(address node, uint48 t, int256 delta) private {
        uint208 packed = _nodeVotes[node].latest();
        uint256 votes = uint256(int256(uint256(packed & VOTES_MASK)) + delta);
        _nodeVotes[node].push(t, (packed & ~VOTES_MASK) | uint208(votes));
    }

    /// @dev The deposit-weighted tally of `candidate` (classic model) gains `plus` and loses `minus`.
    function _addWeight(address candidate, uint48 t, uint256 plus, uint256 minus) private {
        _weightedVotes[candidate].push(t, SafeCast.toUint208(_weightedVotes[candidate].latest() + plus - minus));
    }
}
