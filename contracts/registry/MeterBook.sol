// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {NodeRegistry} from "./NodeRegistry.sol";
import {StakeVault} from "../staking/StakeVault.sol";

/// @title MeterBook
/// @notice Trading plans and meter readings per trading cycle (paper 1 sections 2.1 and 2.2.1,
///         eq. 3): a node reports E_plan for its next cycle, before that cycle begins, and pays
///         the participation fee; the meter oracle reports E_real for a closed cycle, one reading
///         per call or one Merkle root for all meters, each reading then applied once by anyone
///         with its proof. Each settlement updates the node's quality D in the registry (0 for a
///         cycle without a plan) and records the imbalance E_real − E_plan against the backstop
///         node (paper 1 2.2.1 rule 4).
/// @dev Cycle k of a node spans [admittedAt + k·T_a, admittedAt + (k+1)·T_a), T_a fixed at admission.
contract MeterBook is AccessControl, Pausable {
    bytes32 public constant SUPERVISOR_ROLE = keccak256("SUPERVISOR_ROLE");
    bytes32 public constant METER_ORACLE_ROLE = keccak256("METER_ORACLE_ROLE");
    bytes32 public constant PARAMETER_ADMIN_ROLE = keccak256("PARAMETER_ADMIN_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    uint256 public constant MAX_ENERGY = type(uint96).max;
    uint256 public constant MAX_PARTICIPATION_FEE = 1e24;

    struct Cycle {
        uint96 plannedEnergy; // E_plan, Wh
        uint96 meteredEnergy; // E_real, Wh
        bool hasPlan;
        bool settled;
    }

    error NotAdmitted(address node);
    error NotAProducer(address node);
    /// @notice A plan for `cycle` was refused: plans are only taken for the next cycle,
    ///         `currentCycle` + 1, so that each is made before its cycle begins.
    error PlanNotForNextCycle(address node, uint256 cycle, uint256 currentCycle);
    error CycleNotClosed(address node, uint256 cycle, uint256 currentCycle);
    error PlanAlreadyReported(address node, uint256 cycle);
    error MeterAlreadyReported(address node, uint256 cycle);
    error EnergyOutOfBounds(uint256 energy);
    error UnknownMeterRoot(uint256 rootId);
    error InvalidMeterProof(uint256 rootId, address node, uint256 cycle, uint256 meteredEnergy);
    error ParticipationFeeOutOfBounds(uint256 fee);
    error ZeroAddress(string field);

    event BackstopSet(address indexed backstop);
    event PlanReported(address indexed node, uint256 indexed cycle, uint256 plannedEnergy, uint256 fee);
    event MeterRootPosted(uint256 indexed rootId, bytes32 root);
    event MeterReadingApplied(
        address indexed node,
        uint256 indexed cycle,
        uint256 plannedEnergy,
        uint256 meteredEnergy,
        uint256 quality
    );
    event ImbalanceRecorded(address indexed node, uint256 indexed cycle, address indexed backstop, int256 imbalance);
    event ParticipationFeeSet(uint256 fee);

    NodeRegistry public immutable registry;
    StakeVault public immutable vault;

    mapping(address node => mapping(uint256 cycle => Cycle)) private _cycles;
    /// @dev One past the latest cycle whose reading set the node's quality D (0: none yet).
    mapping(address node => uint256) private _settledThrough;
    /// @notice Meter-reading Merkle roots posted by the oracle, by id.
    bytes32[] public meterRoots;
    /// @notice The grid company's backstop node, counterparty of every imbalance.
    address public backstop;
    /// @notice Sum of E_real − E_plan over all settled cycles (Wh): what the backstop absorbed.
    int256 public backstopImbalance;
    /// @notice Token units a node pays into the pool per reported plan (paper 1 2.2.1 rule 5).
    uint256 public participationFee;

    constructor(address admin, NodeRegistry registry_, StakeVault vault_, uint256 participationFee_) {
        if (admin == address(0)) revert ZeroAddress("admin");
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        if (address(vault_) == address(0)) revert ZeroAddress("vault");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = registry_;
        vault = vault_;
        _setParticipationFee(participationFee_);
    }

    /// @notice Report the planned energy `plannedEnergy` (Wh) of the caller's next trading cycle
    ///         `cycle` (= currentCycle + 1), paying the participation fee (needs an allowance to
    ///         the vault).
    /// @dev A plan is a promise made before its cycle (paper 1 section 2.2.1, eq. 3): a plan
    ///      reported during its own cycle, when most of E_real is already known, would score a
    ///      record, not a promise (issue 19, attack 7). A cycle settled without a plan gets D = 0
    ///      (CreditScore.quality), so a node keeps its D only by planning every cycle.
    function reportPlan(uint256 cycle, uint256 plannedEnergy) external whenNotPaused {
        uint256 current = _currentCycle(msg.sender);
        if (cycle != current + 1) revert PlanNotForNextCycle(msg.sender, cycle, current);
        if (plannedEnergy > MAX_ENERGY) revert EnergyOutOfBounds(plannedEnergy);
        Cycle storage c = _cycles[msg.sender][cycle];
        if (c.hasPlan) revert PlanAlreadyReported(msg.sender, cycle);
        c.hasPlan = true;
        c.plannedEnergy = uint96(plannedEnergy);
        uint256 fee = participationFee;
        emit PlanReported(msg.sender, cycle, plannedEnergy, fee);
        vault.collectFee(msg.sender, fee);
    }

    /// @notice Report the metered energy `meteredEnergy` (Wh) of `node` for its closed `cycle`
    ///         (meter oracle). Sets D by paper 1 eq. (3), 0 if the cycle had no plan.
    function reportMeterReading(
        address node,
        uint256 cycle,
        uint256 meteredEnergy
    ) external onlyRole(METER_ORACLE_ROLE) whenNotPaused {
        _settle(node, cycle, meteredEnergy);
    }

    /// @notice Post one Merkle root of many meter readings (meter oracle); returns its id.
    /// @dev Leaves are standard OpenZeppelin merkle-tree leaves of (address node, uint256 cycle,
    ///      uint256 meteredEnergy).
    function postMeterRoot(bytes32 root) external onlyRole(METER_ORACLE_ROLE) whenNotPaused returns (uint256 rootId) {
        rootId = meterRoots.length;
        meterRoots.push(root);
        emit MeterRootPosted(rootId, root);
    }

    /// @notice Apply one reading of root `rootId` with its Merkle `proof` (anyone; once per cycle).
    function applyMeterReading(
        uint256 rootId,
        address node,
        uint256 cycle,
        uint256 meteredEnergy,
        bytes32[] calldata proof
    ) external whenNotPaused {
        if (rootId >= meterRoots.length) revert UnknownMeterRoot(rootId);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(node, cycle, meteredEnergy))));
        if (!MerkleProof.verifyCalldata(proof, meterRoots[rootId], leaf)) {
            revert InvalidMeterProof(rootId, node, cycle, meteredEnergy);
        }
        _settle(node, cycle, meteredEnergy);
    }

    /// @notice Name the backstop node (supervisor).
    function setBackstop(address backstop_) external onlyRole(SUPERVISOR_ROLE) {
        if (backstop_ == address(0)) revert ZeroAddress("backstop");
        backstop = backstop_;
        emit BackstopSet(backstop_);
    }

    /// @notice Set the fee per reported plan, at most 1e24 token units.
    function setParticipationFee(uint256 fee) external onlyRole(PARAMETER_ADMIN_ROLE) {
        _setParticipationFee(fee);
    }

    /// @notice Stop plans and meter reports.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Resume after {pause}.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @notice The trading cycle `node` is in now.
    function currentCycle(address node) external view returns (uint256) {
        return _currentCycle(node);
    }

    /// @notice Plan and meter reading of `node` for `cycle`.
    function cycleOf(address node, uint256 cycle) external view returns (Cycle memory) {
        return _cycles[node][cycle];
    }

    function _settle(address node, uint256 cycle, uint256 meteredEnergy) private {
        uint256 current = _currentCycle(node);
        if (cycle >= current) revert CycleNotClosed(node, cycle, current);
        if (meteredEnergy > MAX_ENERGY) revert EnergyOutOfBounds(meteredEnergy);
        Cycle storage c = _cycles[node][cycle];
        if (c.settled) revert MeterAlreadyReported(node, cycle);
        c.settled = true;
        c.meteredEnergy = uint96(meteredEnergy);
        uint256 planned = c.plannedEnergy;
        int256 imbalance = int256(meteredEnergy) - int256(planned);
        backstopImbalance += imbalance;
        // D is the quality of the latest settled cycle: an older reading applied late (anyone may
        // apply a posted leaf, at any moment) settles its imbalance but never overwrites a newer D
        uint256 d;
        if (cycle + 1 > _settledThrough[node]) {
            _settledThrough[node] = cycle + 1;
            d = registry.recordQuality(node, c.hasPlan, planned, meteredEnergy);
        } else {
            (d, , , , , ) = registry.creditRecordAt(node, block.timestamp);
        }
        emit MeterReadingApplied(node, cycle, planned, meteredEnergy, d);
        emit ImbalanceRecorded(node, cycle, backstop, imbalance);
    }

    function _currentCycle(address node) private view returns (uint256) {
        NodeRegistry.Node memory n = registry.nodeOf(node);
        if (n.status != NodeRegistry.Status.Admitted) revert NotAdmitted(node);
        if (n.tradingCycle == 0) revert NotAProducer(node);
        return (block.timestamp - n.admittedAt) / n.tradingCycle;
    }

    function _setParticipationFee(uint256 fee) private {
        if (fee > MAX_PARTICIPATION_FEE) revert ParticipationFeeOutOfBounds(fee);
        participationFee = fee;
        emit ParticipationFeeSet(fee);
    }
}
