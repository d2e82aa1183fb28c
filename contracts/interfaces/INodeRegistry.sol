// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IEpochClock} from "./IEpochClock.sol";
import {IStakeVault} from "./IStakeVault.sol";
import {ScoringParams, NodeClass, ScoringModel} from "../scoring/ScoringParams.sol";
import {CreditRecord, TrustRecord} from "../registry/NodeRecord.sol";

/// @title INodeRegistry
/// @notice Node registrations and admission, the credit and trust attributes the scores read,
///         and the scoring parameters (SPEC.md sections 1-3). Every attribute a score reads is
///         checkpointed by timestamp, so `scoreAt` evaluates any node at any past snapshot in
///         O(log n) (SPEC.md section 4). Paper 1 sections 2.1-2.2, paper 2 sections 3.1-3.2.
interface INodeRegistry is IEpochClock {
    // ------------------------------------------------------------------ types
    enum Status {
        None,
        Pending,
        Admitted,
        Rejected,
        Exited
    }

    struct Node {
        NodeClass nodeClass;
        Status status;
        uint32 tradingCycle; // T_a fixed at admission (seconds); 0 for consumers
        uint48 registeredAt;
        uint48 admittedAt;
        uint64 capacity; // watts
    }

    /// @notice What the election knows of a node at a snapshot: its votes and deposit.
    struct ElectionInputs {
        uint256 votes;
        uint256 totalVotes;
        uint256 weightedVotes;
        uint256 lastVote;
        uint256 deposit;
    }

    // ------------------------------------------------------------------ errors
    error AlreadyRegistered(address node, Status status);
    error NotPending(address node, Status status);
    /// @notice `node` is neither pending nor admitted: it cannot exit or change its endpoint.
    error NotActive(address node, Status status);
    error JailNotOver(address node, uint256 jailedUntil);
    error DepositBelowMinimum(address node, uint256 deposit, uint256 minimum);

    // ------------------------------------------------------------------ events
    event NodeRegistered(address indexed node, NodeClass nodeClass, uint256 capacity, string endpoint);
    /// @notice `node` was admitted, with what its score reads from then on: its class, capacity and
    ///         trading cycle, and its first trust record (the initial trust in force; its first
    ///         credit record is always "admitted", nothing else). One log per admission is all an
    ///         indexer reads of a node until it acts (src/index/).
    event NodeAdmitted(
        address indexed node,
        NodeClass nodeClass,
        uint256 capacity,
        uint256 tradingCycle,
        TrustRecord trust
    );
    event NodeRejected(address indexed node);
    event NodeExited(address indexed node);
    event EndpointUpdated(address indexed node, string endpoint);
    event ParticipationRecorded(address indexed node, uint256 indexed epoch, uint256 trust);
    event CorrectActionRecorded(address indexed node, uint256 trust);
    event OffenceRecorded(address indexed node, uint256 creditPenalty, uint256 trust, uint256 jailedUntil);
    event CleanRecordSet(address indexed node, bool clean);
    /// @notice Every write of a node's credit record after its admission (exit, offence, quality,
    ///         clean record, unjail), with the new packed record (NodeRecord.sol), checkpointed at
    ///         this block's timestamp. With {NodeAdmitted} and {TrustRecordSet} these are the whole
    ///         history `scoreAt` reads, so an indexer (the keeper's, src/index/) rebuilds it from
    ///         logs alone.
    event CreditRecordSet(address indexed node, CreditRecord record);
    /// @notice Every write of a node's trust record after its admission (participation, correct
    ///         action, offence), with the new packed record; see {CreditRecordSet}.
    event TrustRecordSet(address indexed node, TrustRecord record);
    event NodeUnjailed(address indexed node);
    event ScoringParamsSet(uint256 indexed version);

    // ------------------------------------------------------------------ registration
    /// @notice Register the caller as a node of class `nodeClass` (a `NodeClass` value) with
    ///         installed `capacity` in watts and the `endpoint` its delegate client listens on.
    /// @dev Producers need 1 W to 10 GW; consumers may register 0. The node waits for admission.
    function register(uint8 nodeClass, uint256 capacity, string calldata endpoint) external;

    /// @notice Admit a pending node (supervisor). Its trading cycle is fixed from its class now.
    function admit(address node) external;

    /// @notice Reject a pending node (supervisor).
    function reject(address node) external;

    /// @notice Leave the system for good. The deposit stays slashable through its unbonding period.
    function exit() external;

    /// @notice Change the caller's delegate-client endpoint.
    function setEndpoint(string calldata endpoint) external;

    // ------------------------------------------------------------------ records (system contracts)
    /// @notice Record that `node` took part in the current consensus round (voted or attested).
    /// @dev Counts once per epoch toward E_i (paper 2 eq. 6); realises the trust decay of eq. (8) first.
    ///      This and `recordCorrectAction` only check admission under the credit and classic
    ///      models, whose scores never read the trust record.
    function recordParticipation(address node) external;

    /// @notice Record a correct consensus action of `node` (block produced, correct attestation):
    ///         C_T + 1 and trust + ΔD_a (paper 2 eqs. 5 and 7), and participation.
    function recordCorrectAction(address node) external;

    /// @notice Record a proven offence of `node`: C_F + 1, trust − penalty, credit penalty
    ///         `creditPenalty` (part of ΔC−, capped at 10), clean record lost, jailed for `jailFor` seconds.
    function recordOffence(address node, uint256 creditPenalty, uint256 jailFor) external;

    /// @notice Record the settled trading cycle of `node`: its quality D becomes paper 1 eq. (3) of
    ///         `plannedEnergy` and `meteredEnergy`; 0 when `hasPlan` is false (nothing was promised),
    ///         unchanged for a plan of 0 metered 0 (see CreditScore.quality). Returns D.
    function recordQuality(
        address node,
        bool hasPlan,
        uint256 plannedEnergy,
        uint256 meteredEnergy
    ) external returns (uint256 d);

    /// @notice Set whether `node` produced every block of its delegate term in the current epoch
    ///         (paper 1 eq. 5, ΔC+): a clean term earns the gain in the next stage's election only,
    ///         the one whose snapshot is the next epoch's start (CreditScore.gainApplies).
    function setCleanRecord(address node, bool clean) external;

    /// @notice Leave jail after the jail period, if the deposit is still at least minDeposit.
    function unjail() external;

    // ------------------------------------------------------------------ parameters
    /// @notice Replace the scoring parameters (parameter admin); checked by ScoringParamsLib.validate.
    /// @dev Takes effect for snapshots after this block: scores of past snapshots keep theirs.
    function setScoringParams(ScoringParams calldata params) external;

    /// @notice Stop registration and admission.
    function pause() external;

    /// @notice Resume after {pause}.
    function unpause() external;

    // ------------------------------------------------------------------ views
    /// @notice The scoring model of this deployment (SPEC.md section 3).
    function scoringModel() external view returns (ScoringModel);

    /// @notice The vault that collects participation fees and holds deposits.
    function vault() external view returns (IStakeVault);

    /// @notice The delegate-client endpoint `node` registered.
    function endpointOf(address node) external view returns (string memory);

    /// @notice When the latest offence was recorded (a node jailed): the election skips its
    ///         jailed-delegate check when nobody was jailed after an election's snapshot.
    function lastJailing() external view returns (uint48);

    /// @notice The registration of `node`.
    function nodeOf(address node) external view returns (Node memory);

    /// @notice How many nodes were ever admitted (page through them with {nodesPage}).
    /// @dev Listed at admission, not registration: registering is free and open to anyone, so a
    ///      list of registrations let spam grow the reference election without bound (issue 19,
    ///      attack 8). Admission is the supervisor's; a node admitted once stays listed.
    function nodeCount() external view returns (uint256);

    /// @notice Admitted nodes `[start, start + count)` in order of admission, truncated at the end.
    function nodesPage(uint256 start, uint256 count) external view returns (address[] memory page);

    /// @notice The scoring parameters in force at the end of second `timepoint`.
    function scoringParamsAt(uint256 timepoint) external view returns (ScoringParams memory);

    /// @notice The least bonded deposit of an eligible candidate now; the vault's least remainder.
    function minDeposit() external view returns (uint256);

    /// @notice The scoring parameters in force now.
    function scoringParams() external view returns (ScoringParams memory);

    /// @notice The credit attributes of `node` at the end of second `timepoint`; `clean` says
    ///         whether ΔC+ applies to a snapshot at `timepoint + 1` (a clean delegate term in the
    ///         epoch before that snapshot's, no offence since: CreditScore.gainApplies).
    function creditRecordAt(
        address node,
        uint256 timepoint
    )
        external
        view
        returns (uint256 quality, uint256 offencePenalty, bool clean, bool admitted, bool jailed, uint256 jailedUntil);

    /// @notice The trust attributes of `node` at the end of second `timepoint`.
    function trustRecordAt(
        address node,
        uint256 timepoint
    )
        external
        view
        returns (uint256 trust, uint256 correct, uint256 offences, uint256 participated, uint256 lastParticipation);

    /// @notice Whether `node` is jailed now.
    function isJailed(address node) external view returns (bool);

    /// @notice Whether `node` is an admitted producer now (may be voted for).
    function isCandidate(address node) external view returns (bool);

    /// @notice Whether `node` is admitted now (may vote).
    function isAdmitted(address node) external view returns (bool);

    /// @notice Eligibility and score of `node` at snapshot time `snapshot` (state strictly before
    ///         it), given what the election knows of its votes and deposit at that snapshot.
    /// @dev Eligible: admitted, not jailed, a producer, deposit at least minDeposit (SPEC.md 4).
    ///      O(log n) in the length of the node's histories.
    function scoreAt(
        address node,
        uint256 snapshot,
        ElectionInputs calldata e
    ) external view returns (bool eligible, uint256 score);
}
