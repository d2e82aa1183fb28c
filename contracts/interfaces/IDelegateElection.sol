// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISlotClock} from "./IEpochClock.sol";
import {INodeRegistry} from "./INodeRegistry.sol";
import {IStakeVault, IDepositObserver, IUnbondingFloor} from "./IStakeVault.sol";
import {ElectionRule} from "../scoring/ElectionKey.sol";
import {ScoringModel} from "../scoring/ScoringParams.sol";

/// @title IDelegateElection
/// @notice Votes, delegate elections and the slot schedule (SPEC.md section 4, paper 1 2.2.1).
///         The delegates of epoch e are the K best keys among the nodes eligible at the snapshot
///         `epochStart(e − 1)` (state strictly before it). A bonded keeper submits the ordered
///         list of K delegates and the standbys; the submission costs the same for 10 or 10,000
///         nodes (the list is written once, as SSTORE2 contract code, 20 bytes a member). During
///         the challenge window anyone proves a wrong list with O(1) score evaluations, which
///         repairs the stored list and pays the challenger from the submitter's bond. After the
///         window anyone finalizes: O(1) storage, no list in calldata. An O(N) reference election
///         serves small deployments and epochs nobody submitted for.
interface IDelegateElection is ISlotClock, IDepositObserver, IUnbondingFloor {
    // ------------------------------------------------------------------ types
    enum ChallengeKind {
        Ineligible,
        Duplicate,
        Order,
        Excluded
    }

    struct Allocation {
        address candidate;
        uint32 votes;
    }

    struct Config {
        ElectionRule rule;
        uint256 delegateCount; // K
        uint256 standbyCount;
        uint256 slotsPerEpoch; // S, dividing the epoch; when S < K, delegates S..K−1 only validate (attest)
        uint256 votesPerNode;
        uint256 challengePeriod; // seconds
        uint256 keeperMinBond;
        uint256 challengeReward;
        uint256 keeperReward;
    }

    // ------------------------------------------------------------------ errors
    error NotACandidate(address candidate);
    error DuplicateCandidate(address candidate);
    error VotesExceedAllowance(uint256 votes, uint256 allowance);
    error LengthMismatch(uint256 candidates, uint256 amounts);
    error ZeroVotes(address candidate);
    error OnlyVault(address caller);
    error WrongEpoch(uint256 epoch, uint256 currentEpoch);
    error ElectionNotOpen(uint256 epoch);
    error SeedNotFixed(uint256 epoch, uint256 seedBlock);
    error ElectionAlreadyOpen(uint256 epoch);
    error SubmissionWindowClosed(uint256 epoch, uint256 deadline);
    error AlreadySubmitted(uint256 epoch, address submitter);
    error AlreadyFinalized(uint256 epoch);
    error NoSubmission(uint256 epoch);
    error KeeperBondTooLow(address keeper, uint256 bond, uint256 minimum);
    error ChallengeWindowClosed(uint256 epoch, uint256 end);
    error ChallengeWindowOpen(uint256 epoch, uint256 end);
    error ChallengeFailed(ChallengeKind kind, uint256 epoch);
    error FinalizationTooLate(uint256 epoch, uint256 epochStart);
    error NothingToElect(uint256 epoch);
    error NotScheduled(address node, uint256 epoch);
    error StillAdmitted(address voter);
    error NothingToDrop(address voter);

    // ------------------------------------------------------------------ events
    event Voted(address indexed voter, address[] candidates, uint256[] amounts);
    event VotesDropped(address indexed voter);
    /// @dev The seed is `keccak256(prevrandao, epoch)` of the block of the first {fixSeed} from `seedBlock` on.
    event ElectionOpened(uint256 indexed epoch, uint256 seedBlock, uint256 snapshot);
    event SeedFixed(uint256 indexed epoch, bytes32 seed);
    event ListSubmitted(uint256 indexed epoch, address indexed submitter, address[] list);
    event ListChallenged(
        uint256 indexed epoch,
        ChallengeKind kind,
        address indexed challenger,
        uint256 paid,
        address[] repaired
    );
    /// @dev The list itself is in the latest ListSubmitted or ListChallenged event of the epoch.
    event DelegatesFinalized(uint256 indexed epoch, address indexed submitter, uint256 reward);
    event DelegateSetCarriedOver(uint256 indexed epoch, uint256 fromEpoch);
    event SlotsHandedOver(
        uint256 indexed epoch,
        uint256 index,
        address indexed from,
        address indexed to,
        uint256 fromSlot
    );
    event ChallengePeriodSet(uint256 value);
    event KeeperEconomicsSet(uint256 keeperMinBond, uint256 challengeReward, uint256 keeperReward);

    // ------------------------------------------------------------------ votes
    /// @notice Replace the caller's votes: `amounts[i]` votes for `candidates[i]`, at most
    ///         `votesPerNode` in all (paper 1 section 3). Votes persist until changed; an empty
    ///         list withdraws them. Counts as participation (paper 2 eq. 6).
    function vote(address[] calldata candidates, uint256[] calldata amounts) external;

    /// @notice Withdraw every vote of `voter`, which is no longer admitted (it exited or was never
    ///         admitted again): a node that left the system no longer weighs on any election. Anyone
    ///         may ask; O(votes of one voter), at most `MAX_CANDIDATES_PER_VOTER`.
    function dropVotes(address voter) external;

    // ------------------------------------------------------------------ elections
    /// @notice Open the election of epoch `epoch` during epoch `epoch − 1`; its seed will come
    ///         from a block after this one ({fixSeed}).
    /// @dev Whoever opens cannot know the prevrandao of any later block (only this block's proposer
    ///      knows what the next one will carry), so waiting for a favourable opening block gains
    ///      nothing (issue 19, attack 10). SECURITY.md says what bias remains on each kind of chain.
    function openElection(uint256 epoch) external;

    /// @notice Fix the seed of epoch `epoch`'s election (anyone, once, from block `seedBlock` on):
    ///         `keccak256(prevrandao, epoch)` of the block this call runs in. Returns the seed.
    /// @dev The first call at or after the block committed to at opening fixes it, so an honest
    ///      keeper fixes it in the next block and nobody can hold it back (a call in a block with
    ///      other traffic still fixes it). What an adversary gains is the choice of fixing in a
    ///      block before the honest keeper's call lands, when it sees that block's prevrandao
    ///      coming; SECURITY.md bounds it. A local chain replays an election exactly by setting the
    ///      next prevrandao (`hardhat_setPrevRandao`) before this call.
    function fixSeed(uint256 epoch) external returns (bytes32 seed);

    /// @notice Submit the ordered list (best key first) of K delegates then the standbys for
    ///         epoch `epoch` (bonded keepers). A shorter list claims no other node is eligible.
    /// @dev Writes the list once as SSTORE2 code (challenges and finalization read it back from
    ///      there): the gas depends on the list's length, never on the number of nodes.
    function submit(uint256 epoch, address[] calldata list) external;

    /// @notice Prove that `list[index]` is not electable at the snapshot (not admitted, jailed,
    ///         a consumer, deposit below minimum, or zero score); it is removed.
    function challengeIneligible(uint256 epoch, uint256 index) external;

    /// @notice Prove that `list[i] == list[j]` for i < j; the later copy is removed.
    function challengeDuplicate(uint256 epoch, uint256 i, uint256 j) external;

    /// @notice Prove that `list[from]` is out of order and belongs at `to < from`: the entries
    ///         before it are in order, it ranks before `list[from − 1]`, before `list[to]` and after
    ///         `list[to − 1]` (when `to > 0`). It is moved there in one step, the entries between
    ///         shifting down by one, and the list is in order up to `from`.
    /// @dev The entries below `sortedPrefix` were proven in order by earlier challenges; this one
    ///      checks the rest up to `from` (one evaluation each), so `from ≥ sortedPrefix` and the
    ///      prefix only grows. Each paid move grows it by at least one and only removals shrink it,
    ///      so however the challengers race, a list of length L takes at most 2L paid moves, and the
    ///      honest watcher's insertion sort at most L − 1 (issue 19, attack 6).
    function challengeOrder(uint256 epoch, uint256 from, uint256 to) external;

    /// @notice Prove that electable `node`, absent from the list, has a better key than the last
    ///         listed node (or the list is short); it is inserted at `position`, between two
    ///         neighbours it ranks after and before, and the list's tail beyond K + standbys drops.
    function challengeExcluded(uint256 epoch, address node, uint256 position) external;

    /// @notice Finalize epoch `epoch`'s (possibly repaired) list after the challenge window and
    ///         before the epoch starts; the submitter earns up to the keeper reward from the keepers'
    ///         share of the pool (paper 1 2.2.1 rule 5; claimed later, pull). Reads no list unless a
    ///         node was jailed after the snapshot.
    function finalize(uint256 epoch) external;

    /// @notice The fully on-chain reference election of epoch `epoch` (O(N)): for small
    ///         deployments and epochs nobody submitted for. Finalizes at once; no keeper reward.
    function electReference(uint256 epoch) external;

    /// @notice Record that epoch `epoch` started without a finalized set: the latest earlier set
    ///         serves. In the current epoch, the slots of members jailed meanwhile pass to standbys
    ///         from the next slot on (their earlier hand-overs belonged to the earlier epoch).
    /// @dev Loops over the K delegates of the carried set only (K ≤ MAX_DELEGATES), never over nodes.
    function carryOver(uint256 epoch) external;

    /// @notice Hand the slots of jailed delegate `node` from the next slot of the current epoch,
    ///         and all of the next epoch, to the next unjailed standby (anyone may ask).
    function handOver(address node) external;

    /// @notice The ledger's hook on jailing `node`: the same hand-over, silent when `node` holds no slot.
    function onJailed(address node) external returns (bool moved);

    // ------------------------------------------------------------------ parameters
    /// @notice Set the challenge window, within [1 minute, epochDuration / 4] and at most the
    ///         vault's unbonding period.
    function setChallengePeriod(uint256 value) external;

    /// @notice Set the keeper bond minimum, the challenger's pay per proven fault (from the
    ///         submitter's bond, at most the minimum bond) and the reward per finalized election.
    function setKeeperEconomics(uint256 minBond, uint256 reward, uint256 finalizeReward) external;

    /// @notice Stop votes, openings and submissions; challenges and finalization still work.
    function pause() external;

    /// @notice Resume after {pause}.
    function unpause() external;

    // ------------------------------------------------------------------ views
    /// @notice The registry whose nodes are elected and scored.
    function registry() external view returns (INodeRegistry);

    /// @notice The vault holding deposits and keeper bonds.
    function vault() external view returns (IStakeVault);

    /// @notice How scores become delegates: top-K or score-weighted random.
    function rule() external view returns (ElectionRule);

    /// @notice K: delegates per epoch.
    function delegateCount() external view returns (uint256);

    /// @notice Standbys per epoch, after the K delegates in a list.
    function standbyCount() external view returns (uint256);

    /// @notice Votes each node may split among candidates.
    function votesPerNode() external view returns (uint256);

    /// @notice The registry's scoring model, cached: a score reads only the tallies its model uses.
    function scoringModel() external view returns (ScoringModel);

    /// @notice Seconds a submission stays open to challenges.
    function challengePeriod() external view returns (uint256);

    /// @notice The least keeper bond that may submit.
    function keeperMinBond() external view returns (uint256);

    /// @notice What a challenger earns per proven fault, from the submitter's bond.
    function challengeReward() external view returns (uint256);

    /// @notice What the submitter of a finalized list earns, from the pool.
    function keeperReward() external view returns (uint256);

    /// @notice The election of `epoch`: its seed, the SSTORE2 pointer of its current list, when it
    ///         was submitted, its member count and proven-sorted prefix, whether it was finalized or
    ///         carried over, and the first block whose prevrandao may become the seed (0: not opened).
    function elections(
        uint256 epoch
    )
        external
        view
        returns (
            bytes32 seed,
            address submission,
            uint48 submittedAt,
            uint8 members,
            uint8 sortedPrefix,
            bool finalized,
            bool carriedOver,
            uint64 seedBlock
        );

    /// @notice Standbys of epoch `epoch` that took slots over so far.
    function standbysUsed(uint256 epoch) external view returns (uint256);

    /// @notice K + standbys: the full length of a list.
    function listLength() external view returns (uint256);

    /// @notice The most challenges an honest watcher needs to repair any submitted list: 3·L − 1
    ///         for lists of length L = {listLength} (at most L removals of ineligible or duplicate
    ///         entries, L − 1 moves that insertion-sort the rest, L insertions of excluded nodes).
    function maxRepairChallenges() external view returns (uint256);

    /// @notice Last second at which a list for `epoch` may be submitted: two challenge periods
    ///         before the epoch starts, so the window and the finalization both fit.
    function submissionDeadline(uint256 epoch) external view returns (uint256);

    /// @notice Votes `candidate` had received, votes cast in all, deposit-weighted votes, and the
    ///         last vote of `candidate` as a voter, at the end of second `timepoint`.
    function votesAt(
        address candidate,
        uint256 timepoint
    ) external view returns (uint256 votes, uint256 total, uint256 weighted, uint256 lastVote);

    /// @notice The caller-visible vote allocation of `voter`.
    function allocationOf(address voter) external view returns (Allocation[] memory);

    /// @notice Eligibility, score and key of `node` in the election of `epoch` (O(log n)).
    /// @dev Under the weighted rule the key needs the seed, so it is NEVER before the election is
    ///      opened; a top-K key is the score alone.
    function scoreOf(uint256 epoch, address node) external view returns (bool eligible, uint256 score, uint256 key);

    /// @notice The reference result for `epoch`: the K + standbys best keys among all registered
    ///         nodes, best first. O(N · listLength); a view for small N, tests and audits.
    function referenceList(uint256 epoch) external view returns (address[] memory list);

    /// @notice The list serving epoch `epoch` (its own if finalized, else the latest earlier
    ///         finalized one), the epoch it was elected for, and K' = min(K, its length).
    function delegatesOf(uint256 epoch) external view returns (address[] memory list, uint256 source, uint256 k);

    /// @notice The list submitted for `epoch` as it stands now (repaired by every successful
    ///         challenge), best key first; empty before a submission. Challenges refer to its indices.
    function submittedList(uint256 epoch) external view returns (address[] memory list);

    /// @notice The keeper that submitted the list of `epoch` (the caller of the reference election
    ///         for an epoch elected on-chain); zero before a submission.
    function submitterOf(uint256 epoch) external view returns (address submitter);

    /// @notice Who produces slot `slot` of epoch `epoch`: delegate `slot mod K'`, or the standby
    ///         that took its slots over from a slot at or before `slot`; zero if nobody. Reverts
    ///         unless `slot < slotsPerEpoch`.
    /// @dev Hand-overs take effect from a slot that has not begun, so the owner of a slot never
    ///      changes once the slot has started: the owner now is the node that could commit it then,
    ///      and the ledger punishes the author of a block or a missed slot by asking here.
    function slotOwner(uint256 epoch, uint256 slot) external view returns (address);

    /// @notice Who holds delegate index `index` of epoch `epoch` now, and from which slot.
    function indexOwner(uint256 epoch, uint256 index) external view returns (address node, uint256 fromSlot);
}
