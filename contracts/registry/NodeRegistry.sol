// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EpochClock} from "./EpochClock.sol";
import {NodeRecord, CreditRecord, TrustRecord} from "./NodeRecord.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IStakeVault} from "../interfaces/IStakeVault.sol";
import {ScoringParams, ScoringParamsLib, TrustParams, TrustDynamics} from "../scoring/ScoringParams.sol";
import {NodeClass, ScoringModel} from "../scoring/ScoringParams.sol";
import {ScoreInputs} from "../scoring/ScoreInputs.sol";
import {CreditScore} from "../scoring/CreditScore.sol";
import {DynamicTrustScore} from "../scoring/DynamicTrustScore.sol";

/// @title NodeRegistry
/// @notice Node registrations and admission, the credit and trust attributes the scores read,
///         and the scoring parameters (SPEC.md sections 1-3).
///         Every attribute a score reads is checkpointed by timestamp, so `scoreAt` evaluates
///         any node at any past snapshot in O(log n) (SPEC.md section 4).
/// @dev Paper 1 sections 2.1-2.2, paper 2 sections 3.1-3.2. Attribute records are packed into
///      two OpenZeppelin `Trace208` histories per node, see {NodeRecord}.
contract NodeRegistry is INodeRegistry, EpochClock, AccessControl, Pausable {
    using Checkpoints for Checkpoints.Trace208;

    // ------------------------------------------------------------------ roles
    bytes32 public constant SUPERVISOR_ROLE = keccak256("SUPERVISOR_ROLE");
    bytes32 public constant METER_ORACLE_ROLE = keccak256("METER_ORACLE_ROLE");
    bytes32 public constant PARAMETER_ADMIN_ROLE = keccak256("PARAMETER_ADMIN_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice System contracts (election, ledger) that record participation, correct actions and offences.
    bytes32 public constant RECORDER_ROLE = keccak256("RECORDER_ROLE");

    uint256 public constant MAX_CAPACITY = 1e10; // 10 GW, in watts
    uint256 public constant MAX_ENDPOINT_LENGTH = 256;

    // ------------------------------------------------------------------ storage
    /// @inheritdoc INodeRegistry
    ScoringModel public immutable scoringModel;
    /// @inheritdoc INodeRegistry
    IStakeVault public immutable vault;

    mapping(address node => Node) private _nodes;
    /// @inheritdoc INodeRegistry
    mapping(address node => string) public endpointOf;
    address[] private _nodeList;
    mapping(address node => Checkpoints.Trace208) private _creditRecord;
    mapping(address node => Checkpoints.Trace208) private _trustRecord;

    ScoringParams[] private _paramsVersions;
    Checkpoints.Trace208 private _paramsVersionAt;
    /// @inheritdoc INodeRegistry
    uint48 public lastJailing;

    constructor(
        address admin,
        IStakeVault vault_,
        ScoringModel model,
        ScoringParams memory params,
        uint256 genesis_,
        uint256 epochDuration_
    ) EpochClock(genesis_, epochDuration_) {
        if (admin == address(0)) revert ZeroAddress("admin");
        if (address(vault_) == address(0)) revert ZeroAddress("vault");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        vault = vault_;
        scoringModel = model;
        _setScoringParams(params);
    }

    // ------------------------------------------------------------------ registration
    /// @inheritdoc INodeRegistry
    function register(uint8 nodeClass, uint256 capacity, string calldata endpoint) external whenNotPaused {
        if (nodeClass > uint8(NodeClass.Consumer))
            revert OutOfRange("nodeClass", nodeClass, 0, uint8(NodeClass.Consumer));
        NodeClass c = NodeClass(nodeClass);
        if (capacity > MAX_CAPACITY || (capacity == 0 && c != NodeClass.Consumer)) {
            revert OutOfRange("capacity", capacity, c == NodeClass.Consumer ? 0 : 1, MAX_CAPACITY);
        }
        if (bytes(endpoint).length > MAX_ENDPOINT_LENGTH) {
            revert OutOfRange("endpoint", bytes(endpoint).length, 0, MAX_ENDPOINT_LENGTH);
        }
        Node storage n = _nodes[msg.sender];
        if (n.status != Status.None) revert AlreadyRegistered(msg.sender, n.status);
        n.nodeClass = c;
        n.status = Status.Pending;
        n.registeredAt = SafeCast.toUint48(block.timestamp);
        n.capacity = uint64(capacity);
        endpointOf[msg.sender] = endpoint;
        emit NodeRegistered(msg.sender, c, capacity, endpoint);
    }

    /// @inheritdoc INodeRegistry
    function admit(address node) external onlyRole(SUPERVISOR_ROLE) whenNotPaused {
        Node storage n = _pending(node);
        ScoringParams storage p = _latestParams();
        n.status = Status.Admitted;
        n.admittedAt = SafeCast.toUint48(block.timestamp);
        n.tradingCycle = p.tradingCycle[uint256(n.nodeClass)];
        _nodeList.push(node);
        // the first records go without their own logs: NodeAdmitted states both
        _pushCredit(node, NodeRecord.packCredit(0, 0, false, true, false, 0, 0));
        TrustRecord trust = NodeRecord.packTrust(p.trust.dynamics.initialTrust, 0, 0, 0, 0);
        _pushTrust(node, trust);
        emit NodeAdmitted(node, n.nodeClass, n.capacity, n.tradingCycle, trust);
    }

    /// @inheritdoc INodeRegistry
    function reject(address node) external onlyRole(SUPERVISOR_ROLE) {
        _pending(node).status = Status.Rejected;
        emit NodeRejected(node);
    }

    /// @inheritdoc INodeRegistry
    function exit() external {
        Node storage n = _nodes[msg.sender];
        if (n.status != Status.Admitted && n.status != Status.Pending) revert NotActive(msg.sender, n.status);
        if (n.status == Status.Admitted) {
            CreditRecord rec = CreditRecord.wrap(_creditRecord[msg.sender].latest());
            _setCredit(msg.sender, rec.withAdmitted(false));
        }
        n.status = Status.Exited;
        emit NodeExited(msg.sender);
    }

    /// @inheritdoc INodeRegistry
    function setEndpoint(string calldata endpoint) external {
        Node storage n = _nodes[msg.sender];
        if (n.status != Status.Admitted && n.status != Status.Pending) revert NotActive(msg.sender, n.status);
        if (bytes(endpoint).length > MAX_ENDPOINT_LENGTH) {
            revert OutOfRange("endpoint", bytes(endpoint).length, 0, MAX_ENDPOINT_LENGTH);
        }
        endpointOf[msg.sender] = endpoint;
        emit EndpointUpdated(msg.sender, endpoint);
    }

    // ------------------------------------------------------------------ records (system contracts)
    /// @inheritdoc INodeRegistry
    function recordParticipation(address node) external onlyRole(RECORDER_ROLE) {
        _participate(node, false);
    }

    /// @inheritdoc INodeRegistry
    function recordCorrectAction(address node) external onlyRole(RECORDER_ROLE) {
        _participate(node, true);
    }

    /// @inheritdoc INodeRegistry
    function recordOffence(address node, uint256 creditPenalty, uint256 jailFor) external onlyRole(RECORDER_ROLE) {
        TrustRecord t = TrustRecord.wrap(_trustRecord[node].latest());
        uint256 trust = DynamicTrustScore.penalized(_trustDynamics(), t.trust());
        _setTrust(node, t.withTrust(trust).withOffences(t.offences() + 1));
        CreditRecord c = CreditRecord.wrap(_creditRecord[node].latest());
        uint256 penalty = c.offencePenalty() + creditPenalty;
        if (penalty > CreditScore.MAX_ATTRIBUTE) penalty = CreditScore.MAX_ATTRIBUTE;
        uint256 until = block.timestamp + jailFor;
        if (c.jailedUntil() > until) until = c.jailedUntil();
        _setCredit(node, c.withOffencePenalty(penalty).withClean(false).withJail(true, until));
        lastJailing = _now();
        emit OffenceRecorded(node, penalty, trust, until);
    }

    /// @inheritdoc INodeRegistry
    function recordQuality(
        address node,
        bool hasPlan,
        uint256 plannedEnergy,
        uint256 meteredEnergy
    ) external onlyRole(RECORDER_ROLE) returns (uint256 d) {
        _admitted(node);
        CreditRecord c = CreditRecord.wrap(_creditRecord[node].latest());
        d = CreditScore.quality(hasPlan, plannedEnergy, meteredEnergy, _latestParams().qualityScale, c.quality());
        _setCredit(node, c.withQuality(d));
    }

    /// @inheritdoc INodeRegistry
    function setCleanRecord(address node, bool clean) external onlyRole(RECORDER_ROLE) {
        CreditRecord c = CreditRecord.wrap(_creditRecord[node].latest());
        uint256 stage = clean ? (currentEpoch() + 1) % CreditScore.GAIN_STAGE_MODULUS : c.gainStage();
        _setCredit(node, c.withClean(clean, stage));
        emit CleanRecordSet(node, clean);
    }

    /// @inheritdoc INodeRegistry
    function unjail() external {
        CreditRecord c = CreditRecord.wrap(_creditRecord[msg.sender].latest());
        if (!c.jailed()) revert NotJailed(msg.sender);
        if (block.timestamp < c.jailedUntil()) revert JailNotOver(msg.sender, c.jailedUntil());
        uint256 minimum = _latestParams().minDeposit;
        uint256 deposit = vault.bonded(msg.sender);
        if (deposit < minimum) revert DepositBelowMinimum(msg.sender, deposit, minimum);
        _setCredit(msg.sender, c.withJail(false, 0));
        emit NodeUnjailed(msg.sender);
    }

    // ------------------------------------------------------------------ parameters
    /// @inheritdoc INodeRegistry
    function setScoringParams(ScoringParams calldata params) external onlyRole(PARAMETER_ADMIN_ROLE) {
        _setScoringParams(params);
    }

    /// @inheritdoc INodeRegistry
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc INodeRegistry
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views
    /// @inheritdoc INodeRegistry
    function nodeOf(address node) external view returns (Node memory) {
        return _nodes[node];
    }

    /// @inheritdoc INodeRegistry
    function nodeCount() external view returns (uint256) {
        return _nodeList.length;
    }

    /// @inheritdoc INodeRegistry
    function nodesPage(uint256 start, uint256 count) external view returns (address[] memory page) {
        uint256 end = start + count;
        if (end > _nodeList.length) end = _nodeList.length;
        if (start >= end) return page;
        page = new address[](end - start);
        for (uint256 i = start; i < end; ++i) page[i - start] = _nodeList[i];
    }

    /// @inheritdoc INodeRegistry
    function scoringParamsAt(uint256 timepoint) public view returns (ScoringParams memory) {
        return _paramsVersions[_paramsVersionAt.upperLookupRecent(SafeCast.toUint48(timepoint))];
    }

    /// @inheritdoc INodeRegistry
    function minDeposit() external view returns (uint256) {
        return _latestParams().minDeposit;
    }

    /// @inheritdoc INodeRegistry
    function scoringParams() external view returns (ScoringParams memory) {
        // the latest version is the one in force at the end of this second; one copy routine for both views
        return scoringParamsAt(block.timestamp);
    }

    /// @inheritdoc INodeRegistry
    function creditRecordAt(
        address node,
        uint256 timepoint
    )
        external
        view
        returns (uint256 quality, uint256 offencePenalty, bool clean, bool admitted, bool jailed, uint256 jailedUntil)
    {
        CreditRecord c = CreditRecord.wrap(_creditRecord[node].upperLookupRecent(SafeCast.toUint48(timepoint)));
        clean = _gainAt(c, timepoint + 1);
        return (c.quality(), c.offencePenalty(), clean, c.admitted(), c.jailed(), c.jailedUntil());
    }

    /// @inheritdoc INodeRegistry
    function trustRecordAt(
        address node,
        uint256 timepoint
    )
        external
        view
        returns (uint256 trust, uint256 correct, uint256 offences, uint256 participated, uint256 lastParticipation)
    {
        TrustRecord t = TrustRecord.wrap(_trustRecord[node].upperLookupRecent(SafeCast.toUint48(timepoint)));
        return (t.trust(), t.correct(), t.offences(), t.participated(), t.lastParticipation());
    }

    /// @inheritdoc INodeRegistry
    function isJailed(address node) external view returns (bool) {
        return CreditRecord.wrap(_creditRecord[node].latest()).jailed();
    }

    /// @inheritdoc INodeRegistry
    function isCandidate(address node) external view returns (bool) {
        Node storage n = _nodes[node];
        return n.status == Status.Admitted && n.nodeClass != NodeClass.Consumer;
    }

    /// @inheritdoc INodeRegistry
    function isAdmitted(address node) external view returns (bool) {
        return _nodes[node].status == Status.Admitted;
    }

    /// @inheritdoc INodeRegistry
    function scoreAt(
        address node,
        uint256 snapshot,
        ElectionInputs calldata e
    ) external view returns (bool eligible, uint256 score) {
        uint48 t = SafeCast.toUint48(snapshot - 1);
        Node storage n = _nodes[node];
        CreditRecord c = CreditRecord.wrap(_creditRecord[node].upperLookupRecent(t));
        if (!ScoreInputs.mayStand(c, n.nodeClass)) return (false, 0);
        // While the parameters were never changed there is one version: skip the history lookup.
        ScoringParams storage stored = _paramsVersions.length == 1
            ? _paramsVersions[0]
            : _paramsVersions[_paramsVersionAt.upperLookupRecent(t)];
        if (!ScoreInputs.bondedEnough(e.deposit, stored.minDeposit)) return (false, 0);
        eligible = true;
        if (scoringModel == ScoringModel.Credit) {
            score = CreditScore.score(stored.credit, _creditInputs(n, c, stored, snapshot, e));
        } else if (scoringModel == ScoringModel.DynamicTrust) {
            TrustParams memory p = stored.trust;
            score = DynamicTrustScore.score(p, _trustInputs(node, n, snapshot, p.window, e));
        } else {
            score = e.weightedVotes;
        }
    }

    // ------------------------------------------------------------------ internals
    /// @dev Whether the credit record `c` earns ΔC+ at a snapshot at time `snapshot`.
    function _gainAt(CreditRecord c, uint256 snapshot) private view returns (bool) {
        return CreditScore.gainApplies(c.clean(), c.gainStage(), epochOf(snapshot));
    }

    /// @dev The node's registration and credit record as {ScoreInputs.credit} reads them.
    function _creditInputs(
        Node storage n,
        CreditRecord c,
        ScoringParams storage stored,
        uint256 snapshot,
        ElectionInputs calldata e
    ) private view returns (CreditScore.Inputs memory) {
        bool gain = _gainAt(c, snapshot);
        return
            ScoreInputs.credit(
                stored.frequencyValue[uint256(n.nodeClass)],
                n.capacity,
                n.tradingCycle,
                n.admittedAt,
                c,
                gain,
                snapshot,
                e.votes,
                e.totalVotes,
                e.lastVote
            );
    }

    /// @dev The two trust records a dynamic-trust score reads (at the snapshot and at the window's
    ///      start), turned into inputs by {ScoreInputs.trust}.
    function _trustInputs(
        address node,
        Node storage n,
        uint256 snapshot,
        uint256 window,
        ElectionInputs calldata e
    ) private view returns (DynamicTrustScore.Inputs memory) {
        uint256 start = ScoreInputs.windowStart(snapshot, window, epochDuration);
        TrustRecord atSnapshot = TrustRecord.wrap(
            _trustRecord[node].upperLookupRecent(SafeCast.toUint48(snapshot - 1))
        );
        TrustRecord atStart = TrustRecord.wrap(
            start != 0 ? _trustRecord[node].upperLookupRecent(SafeCast.toUint48(start)) : 0
        );
        uint256 admittedAt = n.admittedAt;
        return
            ScoreInputs.trust(
                atSnapshot,
                atStart,
                epochOf(snapshot) - epochOf(admittedAt),
                window,
                admittedAt,
                snapshot,
                e.votes,
                e.totalVotes,
                e.deposit
            );
    }

    function _participate(address node, bool correct) private {
        Node storage n = _admitted(node);
        // Only the dynamic-trust score reads the trust record; other models skip its upkeep.
        if (scoringModel != ScoringModel.DynamicTrust) return;
        TrustDynamics memory p = _trustDynamics();
        TrustRecord t = TrustRecord.wrap(_trustRecord[node].latest());
        uint256 last = t.lastParticipation();
        if (last < n.admittedAt) last = n.admittedAt;
        uint256 trust = DynamicTrustScore.decayedTrust(p, t.trust(), block.timestamp - last);
        uint256 participated = t.participated();
        uint256 epoch = currentEpoch();
        if (t.lastParticipation() == 0 || epochOf(t.lastParticipation()) != epoch) participated += 1;
        if (correct) {
            trust = DynamicTrustScore.rewarded(p, trust);
            t = t.withCorrect(t.correct() + 1);
            emit CorrectActionRecorded(node, trust);
        }
        _setTrust(node, t.withTrust(trust).withParticipated(participated).withLastParticipation(block.timestamp));
        emit ParticipationRecorded(node, epoch, trust);
    }

    /// @dev The one writer of credit records after admission: checkpoint at this second, and say so
    ///      with the value.
    function _setCredit(address node, CreditRecord c) private {
        _pushCredit(node, c);
        emit CreditRecordSet(node, c);
    }

    /// @dev The one writer of trust records after admission (see {_setCredit}).
    function _setTrust(address node, TrustRecord t) private {
        _pushTrust(node, t);
        emit TrustRecordSet(node, t);
    }

    function _pushCredit(address node, CreditRecord c) private {
        _creditRecord[node].push(_now(), CreditRecord.unwrap(c));
    }

    function _pushTrust(address node, TrustRecord t) private {
        _trustRecord[node].push(_now(), TrustRecord.unwrap(t));
    }

    function _pending(address node) private view returns (Node storage n) {
        n = _nodes[node];
        if (n.status != Status.Pending) revert NotPending(node, n.status);
    }

    function _admitted(address node) private view returns (Node storage n) {
        n = _nodes[node];
        if (n.status != Status.Admitted) revert NotAdmitted(node);
    }

    /// @dev The trust dynamics in force now: the two slots every trust update reads, copied whole.
    function _trustDynamics() private view returns (TrustDynamics memory) {
        return _latestParams().trust.dynamics;
    }

    function _latestParams() private view returns (ScoringParams storage) {
        return _paramsVersions[_paramsVersions.length - 1];
    }

    function _setScoringParams(ScoringParams memory params) private {
        ScoringParamsLib.validate(params);
        uint256 version = _paramsVersions.length;
        _paramsVersions.push(params);
        _paramsVersionAt.push(_now(), uint208(version));
        emit ScoringParamsSet(version);
    }

    function _now() private view returns (uint48) {
        return SafeCast.toUint48(block.timestamp);
    }
}
