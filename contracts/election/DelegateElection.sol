// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDelegateElection} from "../interfaces/IDelegateElection.sol";
import {revertOutOfRange, revertIndexOutOfRange} from "../interfaces/ISystemErrors.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IStakeVault, RewardRole} from "../interfaces/IStakeVault.sol";
import {SlotClock} from "../registry/EpochClock.sol";
import {ElectionKey, ElectionRule} from "../scoring/ElectionKey.sol";
import {ScoringModel} from "../scoring/ScoringParams.sol";
import {ClassicScore} from "../scoring/ClassicScore.sol";
import {SSTORE2} from "solady/src/utils/SSTORE2.sol";

/// @title DelegateElection
/// @notice Votes, delegate elections and the slot schedule (SPEC.md section 4, paper 1 2.2.1).
///         The delegates of epoch e are the K best keys among the nodes eligible at the snapshot
///         `epochStart(e − 1)` (state strictly before it). A bonded keeper submits the ordered
///         list of K delegates and the standbys; the submission costs the same for 10 or 10,000
///         nodes (the list is written once, as SSTORE2 contract code, 20 bytes a member). During
///         the challenge window anyone proves a wrong list with O(1) score evaluations, which
///         repairs the stored list and pays the challenger from the submitter's bond. After the
///         window anyone finalizes: O(1) storage, no list in calldata. An O(N) reference election
///         serves small deployments and epochs nobody submitted for.
contract DelegateElection is IDelegateElection, SlotClock, AccessControl, Pausable {
    using Checkpoints for Checkpoints.Trace208;

    bytes32 public constant PARAMETER_ADMIN_ROLE = keccak256("PARAMETER_ADMIN_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice System contracts (the ledger) that hand a jailed delegate's slots over.
    bytes32 public constant SCHEDULER_ROLE = keccak256("SCHEDULER_ROLE");

    uint256 public constant MAX_DELEGATES = 101;
    uint256 public constant MAX_STANDBYS = 32;
    uint256 public constant MAX_VOTES_PER_NODE = 1000;
    uint256 public constant MAX_CANDIDATES_PER_VOTER = 32;
    uint208 private constant VOTES_MASK = (uint208(1) << 160) - 1;

    // ------------------------------------------------------------------ types
    struct Election {
        bytes32 seed; // fixed by the first fixSeed call from block `seedBlock` on
        // SSTORE2 pointer of the current (possibly repaired) submission: the submitter, then the
        // members, 20 bytes each. The submitter rides in the code (4,000 gas) instead of a slot (22,100).
        address submission;
        uint48 submittedAt;
        uint8 members; // members in the current list
        // entries [0, sortedPrefix) are proven in order: order challenges only move entries past it
        uint8 sortedPrefix;
        bool finalized;
        bool carriedOver;
        uint64 seedBlock; // the first block whose prevrandao may become the seed; nonzero once opened
    }

    struct Handover {
        address node;
        uint32 fromSlot;
    }

    // ------------------------------------------------------------------ storage
    /// @inheritdoc IDelegateElection
    INodeRegistry public immutable registry;
    /// @inheritdoc IDelegateElection
    IStakeVault public immutable vault;
    /// @inheritdoc IDelegateElection
    ElectionRule public immutable rule;
    /// @inheritdoc IDelegateElection
    uint256 public immutable delegateCount;
    /// @inheritdoc IDelegateElection
    uint256 public immutable standbyCount;
    /// @inheritdoc IDelegateElection
    uint256 public immutable votesPerNode;
    /// @inheritdoc IDelegateElection
    ScoringModel public immutable scoringModel;

    /// @inheritdoc IDelegateElection
    uint256 public challengePeriod;
    /// @inheritdoc IDelegateElection
    uint256 public keeperMinBond;
    /// @inheritdoc IDelegateElection
    uint256 public challengeReward;
    /// @inheritdoc IDelegateElection
    uint256 public keeperReward;

    mapping(address voter => Allocation[]) private _allocations;
    /// @dev Per node, packed so a score reads one history: votes received as a candidate in the
    ///      low 160 bits, the time of its own last vote as a voter in the high 48.
    mapping(address node => Checkpoints.Trace208) private _nodeVotes;
    mapping(address candidate => Checkpoints.Trace208) private _weightedVotes;
    Checkpoints.Trace208 private _totalVotes;

    /// @inheritdoc IDelegateElection
    mapping(uint256 epoch => Election) public elections;
    /// @dev Keyed by the epochs whose set was finalized; the value packs that epoch (high 48 bits)
    ///      with the SSTORE2 pointer of its list (low 160 bits, 20 bytes per member), so one lookup
    ///      finds the set serving any later epoch. A list in contract code costs ~200 gas a byte
    ///      to write instead of ~22,100 a storage slot, and reads with one EXTCODECOPY.
    Checkpoints.Trace208 private _finalizedEpochs;
    mapping(uint256 epoch => mapping(uint256 index => Handover[])) private _handovers;
    /// @inheritdoc IDelegateElection
    mapping(uint256 epoch => uint256) public standbysUsed;

    /// @dev The clock is the registry's (genesis, epoch length) cut into `c.slotsPerEpoch` slots.
    constructor(
        address admin,
        INodeRegistry registry_,
        IStakeVault vault_,
        Config memory c
    ) SlotClock(registry_.genesis(), registry_.epochDuration(), c.slotsPerEpoch) {
        if (c.delegateCount == 0 || c.delegateCount > MAX_DELEGATES) {
            revert OutOfRange("delegateCount", c.delegateCount, 1, MAX_DELEGATES);
        }
        if (c.standbyCount > MAX_STANDBYS) revert OutOfRange("standbyCount", c.standbyCount, 0, MAX_STANDBYS);
        if (c.votesPerNode == 0 || c.votesPerNode > MAX_VOTES_PER_NODE) {
            revert OutOfRange("votesPerNode", c.votesPerNode, 1, MAX_VOTES_PER_NODE);
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = registry_;
        vault = vault_;
        rule = c.rule;
        delegateCount = c.delegateCount;
        standbyCount = c.standbyCount;
        votesPerNode = c.votesPerNode;
        scoringModel = registry_.scoringModel();
        _setChallengePeriod(c.challengePeriod);
        _setKeeperEconomics(c.keeperMinBond, c.challengeReward, c.keeperReward);
    }

    // ------------------------------------------------------------------ votes
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

    // ------------------------------------------------------------------ elections
    /// @inheritdoc IDelegateElection
    function openElection(uint256 epoch) external whenNotPaused {
        _requireElectionEpoch(epoch);
        Election storage el = elections[epoch];
        if (el.seedBlock != 0) revert ElectionAlreadyOpen(epoch);
        uint256 seedBlock = block.number + 1;
        el.seedBlock = SafeCast.toUint64(seedBlock);
        emit ElectionOpened(epoch, seedBlock, snapshotOf(epoch));
    }

    /// @inheritdoc IDelegateElection
    function fixSeed(uint256 epoch) external returns (bytes32 seed) {
        Election storage el = elections[epoch];
        uint256 seedBlock = el.seedBlock;
        if (seedBlock == 0) revert ElectionNotOpen(epoch);
        seed = el.seed;
        if (seed != bytes32(0)) return seed;
        if (block.number < seedBlock) revert SeedNotFixed(epoch, seedBlock);
        _requireElectionEpoch(epoch);
        seed = keccak256(abi.encode(block.prevrandao, epoch));
        el.seed = seed;
        emit SeedFixed(epoch, seed);
    }

    /// @inheritdoc IDelegateElection
    function submit(uint256 epoch, address[] calldata list) external whenNotPaused {
        _requireElectionEpoch(epoch);
        Election storage el = _open(epoch);
        if (el.submission != address(0)) revert AlreadySubmitted(epoch, _submitter(el.submission));
        uint256 deadline = submissionDeadline(epoch);
        if (block.timestamp > deadline) revert SubmissionWindowClosed(epoch, deadline);
        uint256 bond = vault.keeperBond(msg.sender);
        if (bond < keeperMinBond) revert KeeperBondTooLow(msg.sender, bond, keeperMinBond);
        if (list.length == 0 || list.length > listLength()) revertOutOfRange("list", list.length, 1, listLength());
        (el.submission, el.submittedAt, el.members, el.sortedPrefix) = (
            _store(msg.sender, list),
            _now(),
            uint8(list.length),
            1 // one entry alone is in order
        );
        emit ListSubmitted(epoch, msg.sender, list);
    }

    /// @inheritdoc IDelegateElection
    function challengeIneligible(uint256 epoch, uint256 index) external {
        address[] memory list = _challengeable(epoch);
        if (index >= list.length) revertIndexOutOfRange("index", index, list.length);
        (bool ok, ) = _electable(epoch, list[index]);
        if (ok) revert ChallengeFailed(ChallengeKind.Ineligible, epoch);
        _repaired(epoch, ChallengeKind.Ineligible, _without(list, index), _prefixAfterRemoval(epoch, index));
    }

    /// @inheritdoc IDelegateElection
    function challengeDuplicate(uint256 epoch, uint256 i, uint256 j) external {
        address[] memory list = _challengeable(epoch);
        if (j >= list.length) revertIndexOutOfRange("j", j, list.length);
        if (i >= j || list[i] != list[j]) revert ChallengeFailed(ChallengeKind.Duplicate, epoch);
        _repaired(epoch, ChallengeKind.Duplicate, _without(list, j), _prefixAfterRemoval(epoch, j));
    }

    /// @inheritdoc IDelegateElection
    function challengeOrder(uint256 epoch, uint256 from, uint256 to) external {
        address[] memory list = _challengeable(epoch);
        if (from >= list.length) revertIndexOutOfRange("from", from, list.length);
        if (to >= from) revertIndexOutOfRange("to", to, from);
        Election storage el = elections[epoch];
        uint256 sorted = el.sortedPrefix;
        if (from < sorted) revert ChallengeFailed(ChallengeKind.Order, epoch); // proven in order already
        bytes32 seed = el.seed;
        (, uint256 previous) = _electable(epoch, list[sorted - 1]);
        for (uint256 i = sorted; i < from; ++i) {
            (, uint256 key_) = _electable(epoch, list[i]);
            if (ElectionKey.before(seed, key_, list[i], previous, list[i - 1])) {
                revert ChallengeFailed(ChallengeKind.Order, epoch); // an earlier entry is the one out of order
            }
            previous = key_;
        }
        address node = list[from];
        (, uint256 key) = _electable(epoch, node);
        if (!ElectionKey.before(seed, key, node, previous, list[from - 1]))
            revert ChallengeFailed(ChallengeKind.Order, epoch);
        // (list[from − 1] was compared above: an adjacent swap needs no third evaluation)
        if (to + 1 != from && !_ranksBefore(epoch, seed, key, node, list[to])) {
            revert ChallengeFailed(ChallengeKind.Order, epoch);
        }
        if (to > 0 && _ranksBefore(epoch, seed, key, node, list[to - 1])) {
            revert ChallengeFailed(ChallengeKind.Order, epoch);
        }
        for (uint256 i = from; i > to; --i) list[i] = list[i - 1];
        list[to] = node;
        _repaired(epoch, ChallengeKind.Order, list, from + 1);
    }

    /// @inheritdoc IDelegateElection
    function challengeExcluded(uint256 epoch, address node, uint256 position) external {
        address[] memory list = _challengeable(epoch);
        uint256 n = list.length;
        if (position > n) revertIndexOutOfRange("position", position, n + 1);
        for (uint256 i = 0; i < n; ++i) if (list[i] == node) revert ChallengeFailed(ChallengeKind.Excluded, epoch);
        (bool ok, uint256 key) = _electable(epoch, node);
        if (!ok) revert ChallengeFailed(ChallengeKind.Excluded, epoch);
        bytes32 seed = elections[epoch].seed;
        bool full = n == listLength();
        if (full && !_ranksBefore(epoch, seed, key, node, list[n - 1])) {
            revert ChallengeFailed(ChallengeKind.Excluded, epoch);
        }
        if (position > 0 && _ranksBefore(epoch, seed, key, node, list[position - 1])) {
            revert ChallengeFailed(ChallengeKind.Excluded, epoch);
        }
        // At position n − 1 of a full list the check above already compared `node` with list[n − 1].
        if (position < n && !(full && position == n - 1) && !_ranksBefore(epoch, seed, key, node, list[position])) {
            revert ChallengeFailed(ChallengeKind.Excluded, epoch);
        }
        uint256 m = n < listLength() ? n + 1 : n;
        address[] memory repaired = new address[](m);
        for (uint256 i = 0; i < m; ++i) {
            repaired[i] = i < position ? list[i] : (i == position ? node : list[i - 1]);
        }
        // placed between neighbours it ranks after and before: inside or at the end of the proven
        // prefix, the prefix stays in order and grows by one
        uint256 sorted = elections[epoch].sortedPrefix;
        if (position <= sorted) ++sorted;
        _repaired(epoch, ChallengeKind.Excluded, repaired, sorted < m ? sorted : m);
    }

    /// @inheritdoc IDelegateElection
    function finalize(uint256 epoch) external {
        Election storage el = elections[epoch];
        if (el.finalized) revert AlreadyFinalized(epoch);
        address pointer = el.submission;
        if (pointer == address(0)) revert NoSubmission(epoch);
        uint256 end = uint256(el.submittedAt) + challengePeriod;
        if (block.timestamp < end) revert ChallengeWindowOpen(epoch, end);
        if (el.members == 0) revert NothingToElect(epoch); // challenges emptied it: carry over
        address submitter = _submitter(pointer);
        uint256 reward = vault.accrueReward(RewardRole.Keeper, submitter, keeperReward);
        _finalize(epoch, pointer, submitter, reward);
    }

    /// @inheritdoc IDelegateElection
    function electReference(uint256 epoch) external whenNotPaused {
        _requireElectionEpoch(epoch);
        Election storage el = _open(epoch);
        if (el.submission != address(0)) revert AlreadySubmitted(epoch, _submitter(el.submission));
        address[] memory list = referenceList(epoch);
        if (list.length == 0) revert NothingToElect(epoch);
        address pointer = _store(msg.sender, list);
        (el.submission, el.members) = (pointer, uint8(list.length));
        emit ListSubmitted(epoch, msg.sender, list);
        _finalize(epoch, pointer, msg.sender, 0);
    }

    /// @inheritdoc IDelegateElection
    function carryOver(uint256 epoch) external {
        if (block.timestamp < epochStart(epoch)) revert EpochNotStarted(epoch, currentEpoch());
        Election storage el = elections[epoch];
        if (el.finalized || el.carriedOver) revert AlreadyFinalized(epoch);
        el.carriedOver = true;
        (, uint256 source, ) = delegatesOf(epoch);
        emit DelegateSetCarriedOver(epoch, source);
        if (epoch != currentEpoch()) return; // a past epoch schedules nothing any more
        _handOverJailed(epoch, _nextSlot());
    }

    /// @inheritdoc IDelegateElection
    function handOver(address node) external {
        if (!registry.isJailed(node)) revert NotJailed(node);
        if (!_handOverEverywhere(node)) revert NotScheduled(node, currentEpoch());
    }

    /// @inheritdoc IDelegateElection
    function onJailed(address node) external onlyRole(SCHEDULER_ROLE) returns (bool moved) {
        return _handOverEverywhere(node);
    }

    // ------------------------------------------------------------------ parameters
    /// @inheritdoc IDelegateElection
    function setChallengePeriod(uint256 value) external onlyRole(PARAMETER_ADMIN_ROLE) {
        _setChallengePeriod(value);
    }

    /// @inheritdoc IDelegateElection
    function setKeeperEconomics(
        uint256 minBond,
        uint256 reward,
        uint256 finalizeReward
    ) external onlyRole(PARAMETER_ADMIN_ROLE) {
        _setKeeperEconomics(minBond, reward, finalizeReward);
    }

    /// @inheritdoc IDelegateElection
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IDelegateElection
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views
    /// @inheritdoc IDelegateElection
    function listLength() public view returns (uint256) {
        return delegateCount + standbyCount;
    }

    /// @inheritdoc IDelegateElection
    function maxRepairChallenges() public view returns (uint256) {
        return 3 * listLength() - 1;
    }

    /// @notice The shortest unbonding period the vault may have: a keeper bond must stay seizable
    ///         through the challenge window of its submission ({StakeVault.setUnbondingPeriod}).
    function minUnbondingPeriod() external view returns (uint256) {
        return challengePeriod;
    }

    /// @inheritdoc IDelegateElection
    function submissionDeadline(uint256 epoch) public view returns (uint256) {
        return epochStart(epoch) - 2 * challengePeriod;
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

    /// @inheritdoc IDelegateElection
    function scoreOf(uint256 epoch, address node) public view returns (bool eligible, uint256 score, uint256 key) {
        uint256 snapshot = snapshotOf(epoch);
        (eligible, score) = registry.scoreAt(node, snapshot, _electionInputs(node, snapshot));
        if (!eligible) return (false, score, ElectionKey.NEVER);
        if (rule == ElectionRule.TopK) return (true, score, ElectionKey.key(rule, score, bytes32(0), node));
        bytes32 seed = elections[epoch].seed;
        key = seed != bytes32(0) ? ElectionKey.key(rule, score, seed, node) : ElectionKey.NEVER;
    }

    /// @inheritdoc IDelegateElection
    function referenceList(uint256 epoch) public view returns (address[] memory list) {
        uint256 cap = listLength();
        address[] memory best = new address[](cap);
        uint256[] memory keys = new uint256[](cap);
        uint256 n;
        uint256 count = registry.nodeCount();
        uint256 pageSize = 200;
        bytes32 seed = elections[epoch].seed;
        for (uint256 start = 0; start < count; start += pageSize) {
            address[] memory page = registry.nodesPage(start, pageSize);
            for (uint256 p = 0; p < page.length; ++p) {
                (bool ok, uint256 key) = _electable(epoch, page[p]);
                if (ok) n = _insertBest(best, keys, n, seed, page[p], key);
            }
        }
        list = new address[](n);
        for (uint256 i = 0; i < n; ++i) list[i] = best[i];
    }

    /// @dev Inserts (`node`, `key`) into the sorted `n` best of capacity `best.length`; the new count.
    function _insertBest(
        address[] memory best,
        uint256[] memory keys,
        uint256 n,
        bytes32 seed,
        address node,
        uint256 key
    ) private pure returns (uint256) {
        uint256 cap = best.length;
        if (n == cap && !ElectionKey.before(seed, key, node, keys[n - 1], best[n - 1])) return n;
        uint256 i = n < cap ? n++ : n - 1;
        while (i > 0 && ElectionKey.before(seed, key, node, keys[i - 1], best[i - 1])) {
            best[i] = best[i - 1];
            keys[i] = keys[i - 1];
            --i;
        }
        best[i] = node;
        keys[i] = key;
        return n;
    }

    /// @inheritdoc IDelegateElection
    function delegatesOf(uint256 epoch) public view returns (address[] memory list, uint256 source, uint256 k) {
        uint208 entry = _finalizedEpochs.upperLookup(SafeCast.toUint48(epoch));
        if (entry == 0) return (list, 0, 0);
        source = entry >> 160;
        (, list) = _load(address(uint160(entry)));
        k = list.length < delegateCount ? list.length : delegateCount;
    }

    /// @inheritdoc IDelegateElection
    function submittedList(uint256 epoch) external view returns (address[] memory list) {
        (, list) = _load(elections[epoch].submission);
    }

    /// @inheritdoc IDelegateElection
    function submitterOf(uint256 epoch) external view returns (address submitter) {
        (submitter, ) = _load(elections[epoch].submission);
    }

    /// @inheritdoc IDelegateElection
    function slotOwner(uint256 epoch, uint256 slot) public view returns (address) {
        if (slot >= slotsPerEpoch) revertIndexOutOfRange("slot", slot, slotsPerEpoch);
        (address[] memory list, , uint256 k) = delegatesOf(epoch);
        if (k == 0) return address(0);
        uint256 index = slot % k;
        Handover[] storage h = _handovers[epoch][index];
        for (uint256 i = h.length; i > 0; --i) if (h[i - 1].fromSlot <= slot) return h[i - 1].node;
        return list[index];
    }

    /// @inheritdoc IDelegateElection
    function indexOwner(uint256 epoch, uint256 index) external view returns (address node, uint256 fromSlot) {
        (address[] memory list, , ) = delegatesOf(epoch);
        Handover[] storage h = _handovers[epoch][index];
        if (h.length == 0) return (list[index], 0);
        return (h[h.length - 1].node, h[h.length - 1].fromSlot);
    }

    // ------------------------------------------------------------------ internals
    function _requireElectionEpoch(uint256 epoch) private view {
        uint256 current = currentEpoch();
        if (epoch != current + 1) revert WrongEpoch(epoch, current);
    }

    /// @dev An election whose seed is fixed (ties and weighted keys need it) and not yet finalized.
    function _open(uint256 epoch) private view returns (Election storage el) {
        el = elections[epoch];
        if (el.seedBlock == 0) revert ElectionNotOpen(epoch);
        if (el.seed == bytes32(0)) revert SeedNotFixed(epoch, el.seedBlock);
        if (el.finalized) revert AlreadyFinalized(epoch);
    }

    /// @dev The current list of a submission still open to challenges.
    function _challengeable(uint256 epoch) private view returns (address[] memory list) {
        Election storage el = elections[epoch];
        if (el.submission == address(0)) revert NoSubmission(epoch);
        if (el.finalized) revert AlreadyFinalized(epoch);
        uint256 end = uint256(el.submittedAt) + challengePeriod;
        if (block.timestamp >= end) revert ChallengeWindowClosed(epoch, end);
        (, list) = _load(el.submission);
    }

    function _repaired(uint256 epoch, ChallengeKind kind, address[] memory repaired, uint256 sortedPrefix) private {
        Election storage el = elections[epoch];
        address submitter = _submitter(el.submission);
        (el.submission, el.members, el.sortedPrefix) = (
            _store(submitter, repaired),
            uint8(repaired.length),
            uint8(sortedPrefix)
        );
        uint256 paid = vault.seizeKeeperBond(submitter, challengeReward, msg.sender);
        emit ListChallenged(epoch, kind, msg.sender, paid, repaired);
    }

    /// @dev Makes the list at `pointer` serve `epoch`. A delegate jailed after the snapshot loses
    ///      its slots at once; nobody in the list can be jailed otherwise (each member was eligible,
    ///      so unjailed, at the snapshot: the challenge window's guarantee), so a single read of
    ///      the registry's last jailing replaces a loop over the delegates in the common case.
    function _finalize(uint256 epoch, address pointer, address submitter, uint256 reward) private {
        uint256 start = epochStart(epoch);
        if (block.timestamp >= start) revert FinalizationTooLate(epoch, start);
        elections[epoch].finalized = true;
        uint48 e = SafeCast.toUint48(epoch);
        _finalizedEpochs.push(e, (uint208(e) << 160) | uint160(pointer));
        emit DelegatesFinalized(epoch, submitter, reward);
        if (registry.lastJailing() < snapshotOf(epoch)) return;
        _handOverJailed(epoch, 0);
    }

    /// @dev Hands the slots of every jailed delegate of the set serving `epoch` over from `fromSlot`.
    ///      Loops over the K delegates only (K ≤ MAX_DELEGATES), never over nodes.
    function _handOverJailed(uint256 epoch, uint256 fromSlot) private {
        (address[] memory list, , uint256 k) = delegatesOf(epoch);
        for (uint256 i = 0; i < k; ++i) if (registry.isJailed(list[i])) _handOver(epoch, list[i], fromSlot);
    }

    /// @dev Writes `submitter` then `list` as SSTORE2 code, 20 bytes each: ~200 gas a byte
    ///      instead of 22,100 a slot.
    function _store(address submitter, address[] memory list) private returns (address) {
        bytes memory packed = new bytes((list.length + 1) * 20);
        for (uint256 i = 0; i <= list.length; ++i) {
            address entry = i == 0 ? submitter : list[i - 1];
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                // 20 bytes of `entry` at offset 20·i; the next write overwrites the 12 spilled bytes
                mstore(add(add(packed, 0x20), mul(i, 20)), shl(96, entry))
            }
        }
        return SSTORE2.write(packed);
    }

    /// @dev The submitter and list written by {_store} at `pointer` (both empty for the zero
    ///      pointer), with one EXTCODECOPY.
    function _load(address pointer) private view returns (address submitter, address[] memory list) {
        if (pointer == address(0)) return (submitter, list);
        bytes memory packed = SSTORE2.read(pointer);
        uint256 n = packed.length / 20 - 1;
        list = new address[](n);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            submitter := shr(96, mload(add(packed, 0x20)))
        }
        for (uint256 i = 0; i < n; ++i) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                mstore(add(add(list, 0x20), shl(5, i)), shr(96, mload(add(add(packed, 0x34), mul(i, 20)))))
            }
        }
    }

    /// @dev The submitter alone: the first 20 bytes of the submission's code.
    function _submitter(address pointer) private view returns (address submitter) {
        bytes memory head = SSTORE2.read(pointer, 0, 20);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            submitter := shr(96, mload(add(head, 0x20)))
        }
    }

    function _handOverEverywhere(address node) private returns (bool moved) {
        uint256 current = currentEpoch();
        moved = _handOver(current, node, _nextSlot());
        if (elections[current + 1].finalized) moved = _handOver(current + 1, node, 0) || moved;
    }

    function _handOver(uint256 epoch, address node, uint256 fromSlot) private returns (bool) {
        (address[] memory list, , uint256 k) = delegatesOf(epoch);
        for (uint256 i = 0; i < k; ++i) {
            Handover[] storage h = _handovers[epoch][i];
            address owner = h.length == 0 ? list[i] : h[h.length - 1].node;
            if (owner != node) continue;
            address next;
            uint256 used = standbysUsed[epoch];
            while (k + used < list.length) {
                address candidate = list[k + used++];
                if (!registry.isJailed(candidate)) {
                    next = candidate;
                    break;
                }
            }
            standbysUsed[epoch] = used;
            h.push(Handover(next, SafeCast.toUint32(fromSlot)));
            emit SlotsHandedOver(epoch, i, node, next, fromSlot);
            return true;
        }
        return false;
    }

    function _electionInputs(
        address node,
        uint256 snapshot
    ) private view returns (INodeRegistry.ElectionInputs memory e) {
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

    function _electable(uint256 epoch, address node) private view returns (bool ok, uint256 key) {
        (ok, , key) = scoreOf(epoch, node);
        ok = ok && key != ElectionKey.NEVER;
    }

    function _ranksBefore(
        uint256 epoch,
        bytes32 seed,
        uint256 key,
        address node,
        address other
    ) private view returns (bool) {
        (, uint256 otherKey) = _electable(epoch, other);
        return ElectionKey.before(seed, key, node, otherKey, other);
    }

    /// @dev The proven prefix once the entry at `index` leaves: one shorter if it was inside, never
    ///      below one entry (one entry alone is in order).
    function _prefixAfterRemoval(uint256 epoch, uint256 index) private view returns (uint256) {
        uint256 sorted = elections[epoch].sortedPrefix;
        return index < sorted && sorted > 1 ? sorted - 1 : sorted;
    }

    /// @dev `list` without its entry at `index`, shifted in place.
    function _without(address[] memory list, uint256 index) private pure returns (address[] memory) {
        uint256 n = list.length - 1;
        for (uint256 i = index; i < n; ++i) list[i] = list[i + 1];
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(list, n)
        }
        return list;
    }

    /// @dev The first slot of the current epoch that has not begun (`slotsPerEpoch` in the last slot).
    function _nextSlot() private view returns (uint256) {
        (, uint256 slot) = currentSlot();
        return slot + 1;
    }

    /// @dev A keeper that submits and then asks to unbond stays seizable until it withdraws, so the
    ///      window must end before any unbonding can (the vault checks the other direction).
    function _setChallengePeriod(uint256 value) private {
        uint256 max = epochDuration / 4;
        uint256 unbonding = vault.unbondingPeriod();
        if (unbonding < max) max = unbonding;
        if (value < 60 || value > max) revertOutOfRange("challengePeriod", value, 60, max);
        challengePeriod = value;
        emit ChallengePeriodSet(value);
    }

    /// @dev The minimum bond pays every challenge an honest watcher needs against the worst list
    ///      of full length (see {maxRepairChallenges}), so no repair ever goes unpaid.
    function _setKeeperEconomics(uint256 minBond, uint256 reward, uint256 finalizeReward) private {
        uint256 least = reward * maxRepairChallenges();
        if (least == 0) least = 1;
        if (minBond < least) revertOutOfRange("keeperMinBond", minBond, least, type(uint256).max);
        keeperMinBond = minBond;
        challengeReward = reward;
        keeperReward = finalizeReward;
        emit KeeperEconomicsSet(minBond, reward, finalizeReward);
    }

    function _now() private view returns (uint48) {
        return SafeCast.toUint48(block.timestamp);
    }
}
