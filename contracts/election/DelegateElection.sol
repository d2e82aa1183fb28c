// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDelegateElection} from "../interfaces/IDelegateElection.sol";
import {revertOutOfRange, revertIndexOutOfRange} from "../interfaces/ISystemErrors.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IStakeVault, RewardRole} from "../interfaces/IStakeVault.sol";
import {ElectionKey, ElectionRule} from "../scoring/ElectionKey.sol";
import {ElectionBase} from "./ElectionBase.sol";
import {ElectionVotes} from "./ElectionVotes.sol";
import {DelegateSchedule} from "./DelegateSchedule.sol";
import {DelegateList} from "./DelegateList.sol";

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
/// @dev One deployed contract of three parts, as OpenZeppelin's Governor is made of modules:
///      {ElectionVotes} (votes), {DelegateSchedule} (finalized sets, slot owners, hand-overs) and,
///      here, the optimistic election (opening, seed, submission, challenges, finalization, the
///      reference election, carry-over); {DelegateList} is the SSTORE2 codec of a submitted list.
contract DelegateElection is ElectionVotes, DelegateSchedule {
    using Checkpoints for Checkpoints.Trace208;
    bytes32 public constant PARAMETER_ADMIN_ROLE = keccak256("PARAMETER_ADMIN_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    uint256 public constant MAX_STANDBYS = 32;

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

    // ------------------------------------------------------------------ storage
    /// @inheritdoc IDelegateElection
    ElectionRule public immutable rule;
    /// @inheritdoc IDelegateElection
    uint256 public immutable standbyCount;

    /// @inheritdoc IDelegateElection
    mapping(uint256 epoch => Election) public elections;

    /// @dev The clock is the registry's (genesis, epoch length) cut into `c.slotsPerEpoch` slots.
    constructor(
        address admin,
        INodeRegistry registry_,
        IStakeVault vault_,
        Config memory c
    ) ElectionBase(registry_, vault_, c.delegateCount, c.slotsPerEpoch) ElectionVotes(c.votesPerNode) {
        if (c.standbyCount > MAX_STANDBYS) revert OutOfRange("standbyCount", c.standbyCount, 0, MAX_STANDBYS);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        rule = c.rule;
        standbyCount = c.standbyCount;
        _setChallengePeriod(c.challengePeriod);
        _setKeeperEconomics(c.keeperMinBond, c.challengeReward, c.keeperReward);
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
        if (el.submission != address(0)) revert AlreadySubmitted(epoch, DelegateList.loadSubmitter(el.submission));
        uint256 deadline = submissionDeadline(epoch);
        if (block.timestamp > deadline) revert SubmissionWindowClosed(epoch, deadline);
        uint256 bond = vault.keeperBond(msg.sender);
        if (bond < keeperMinBond) revert KeeperBondTooLow(msg.sender, bond, keeperMinBond);
        if (list.length == 0 || list.length > listLength()) revertOutOfRange("list", list.length, 1, listLength());
        (el.submission, el.submittedAt, el.members, el.sortedPrefix) = (
            DelegateList.store(msg.sender, list),
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
        _repaired(
            epoch,
            ChallengeKind.Ineligible,
            DelegateList.without(list, index),
            _prefixAfterRemoval(epoch, index)
        );
    }

    /// @inheritdoc IDelegateElection
    function challengeDuplicate(uint256 epoch, uint256 i, uint256 j) external {
        address[] memory list = _challengeable(epoch);
        if (j >= list.length) revertIndexOutOfRange("j", j, list.length);
        if (i >= j || list[i] != list[j]) revert ChallengeFailed(ChallengeKind.Duplicate, epoch);
        _repaired(epoch, ChallengeKind.Duplicate, DelegateList.without(list, j), _prefixAfterRemoval(epoch, j));
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
        address submitter = DelegateList.loadSubmitter(pointer);
        uint256 reward = vault.accrueReward(RewardRole.Keeper, submitter, keeperReward);
        _finalize(epoch, pointer, submitter, reward);
    }

    /// @inheritdoc IDelegateElection
    function electReference(uint256 epoch) external whenNotPaused {
        _requireElectionEpoch(epoch);
        Election storage el = _open(epoch);
        if (el.submission != address(0)) revert AlreadySubmitted(epoch, DelegateList.loadSubmitter(el.submission));
        address[] memory list = referenceList(epoch);
        if (list.length == 0) revert NothingToElect(epoch);
        address pointer = DelegateList.store(msg.sender, list);
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
    function submittedList(uint256 epoch) external view returns (address[] memory list) {
        (, list) = DelegateList.load(elections[epoch].submission);
    }

    /// @inheritdoc IDelegateElection
    function submitterOf(uint256 epoch) external view returns (address submitter) {
        (submitter, ) = DelegateList.load(elections[epoch].submission);
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
        (, list) = DelegateList.load(el.submission);
    }

    function _repaired(uint256 epoch, ChallengeKind kind, address[] memory repaired, uint256 sortedPrefix) private {
        Election storage el = elections[epoch];
        address submitter = DelegateList.loadSubmitter(el.submission);
        (el.submission, el.members, el.sortedPrefix) = (
            DelegateList.store(submitter, repaired),
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

    function _isFinalized(uint256 epoch) internal view override returns (bool) {
        return elections[epoch].finalized;
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
}
