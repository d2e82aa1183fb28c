// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IMeterBook} from "../interfaces/IMeterBook.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IStakeVault} from "../interfaces/IStakeVault.sol";

/// @title MeterBook
/// @notice Trading plans and meter readings per trading cycle; see {IMeterBook}.
contract MeterBook is IMeterBook, AccessControl, Pausable {
    bytes32 public constant SUPERVISOR_ROLE = keccak256("SUPERVISOR_ROLE");
    bytes32 public constant METER_ORACLE_ROLE = keccak256("METER_ORACLE_ROLE");
    bytes32 public constant PARAMETER_ADMIN_ROLE = keccak256("PARAMETER_ADMIN_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    uint256 public constant MAX_ENERGY = type(uint96).max;
    uint256 public constant MAX_PARTICIPATION_FEE = 1e24;

    /// @inheritdoc IMeterBook
    INodeRegistry public immutable registry;
    /// @inheritdoc IMeterBook
    IStakeVault public immutable vault;

    mapping(address node => mapping(uint256 cycle => Cycle)) private _cycles;
    /// @dev One past the latest cycle whose reading set the node's quality D (0: none yet).
    mapping(address node => uint256) private _settledThrough;
    /// @inheritdoc IMeterBook
    bytes32[] public meterRoots;
    /// @inheritdoc IMeterBook
    address public backstop;
    /// @inheritdoc IMeterBook
    int256 public backstopImbalance;
    /// @inheritdoc IMeterBook
    uint256 public participationFee;

    constructor(address admin, INodeRegistry registry_, IStakeVault vault_, uint256 participationFee_) {
        if (admin == address(0)) revert ZeroAddress("admin");
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        if (address(vault_) == address(0)) revert ZeroAddress("vault");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = registry_;
        vault = vault_;
        _setParticipationFee(participationFee_);
    }

    /// @inheritdoc IMeterBook
    function reportPlan(uint256 cycle, uint256 plannedEnergy) external whenNotPaused {
        uint256 current = _currentCycle(msg.sender);
        if (cycle != current + 1) revert PlanNotForNextCycle(msg.sender, cycle, current);
        if (plannedEnergy > MAX_ENERGY) revert OutOfRange("plannedEnergy", plannedEnergy, 0, MAX_ENERGY);
        Cycle storage c = _cycles[msg.sender][cycle];
        if (c.hasPlan) revert PlanAlreadyReported(msg.sender, cycle);
        c.hasPlan = true;
        c.plannedEnergy = uint96(plannedEnergy);
        uint256 fee = participationFee;
        emit PlanReported(msg.sender, cycle, plannedEnergy, fee);
        vault.collectFee(msg.sender, fee);
    }

    /// @inheritdoc IMeterBook
    function reportMeterReading(
        address node,
        uint256 cycle,
        uint256 meteredEnergy
    ) external onlyRole(METER_ORACLE_ROLE) whenNotPaused {
        _settle(node, cycle, meteredEnergy);
    }

    /// @inheritdoc IMeterBook
    function postMeterRoot(bytes32 root) external onlyRole(METER_ORACLE_ROLE) whenNotPaused returns (uint256 rootId) {
        rootId = meterRoots.length;
        meterRoots.push(root);
        emit MeterRootPosted(rootId, root);
    }

    /// @inheritdoc IMeterBook
    function applyMeterReading(
        uint256 rootId,
        address node,
        uint256 cycle,
        uint256 meteredEnergy,
        bytes32[] calldata proof
    ) external whenNotPaused {
        if (rootId >= meterRoots.length) revert IndexOutOfRange("rootId", rootId, meterRoots.length);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(node, cycle, meteredEnergy))));
        if (!MerkleProof.verifyCalldata(proof, meterRoots[rootId], leaf)) {
            revert InvalidMeterProof(rootId, node, cycle, meteredEnergy);
        }
        _settle(node, cycle, meteredEnergy);
    }

    /// @inheritdoc IMeterBook
    function setBackstop(address backstop_) external onlyRole(SUPERVISOR_ROLE) {
        if (backstop_ == address(0)) revert ZeroAddress("backstop");
        backstop = backstop_;
        emit BackstopSet(backstop_);
    }

    /// @inheritdoc IMeterBook
    function setParticipationFee(uint256 fee) external onlyRole(PARAMETER_ADMIN_ROLE) {
        _setParticipationFee(fee);
    }

    /// @inheritdoc IMeterBook
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IMeterBook
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @inheritdoc IMeterBook
    function currentCycle(address node) external view returns (uint256) {
        return _currentCycle(node);
    }

    /// @inheritdoc IMeterBook
    function cycleOf(address node, uint256 cycle) external view returns (Cycle memory) {
        return _cycles[node][cycle];
    }

    function _settle(address node, uint256 cycle, uint256 meteredEnergy) private {
        uint256 current = _currentCycle(node);
        if (cycle >= current) revert CycleNotClosed(node, cycle, current);
        if (meteredEnergy > MAX_ENERGY) revert OutOfRange("meteredEnergy", meteredEnergy, 0, MAX_ENERGY);
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
        INodeRegistry.Node memory n = registry.nodeOf(node);
        if (n.status != INodeRegistry.Status.Admitted) revert NotAdmitted(node);
        if (n.tradingCycle == 0) revert NotAProducer(node);
        return (block.timestamp - n.admittedAt) / n.tradingCycle;
    }

    function _setParticipationFee(uint256 fee) private {
        if (fee > MAX_PARTICIPATION_FEE) revert OutOfRange("participationFee", fee, 0, MAX_PARTICIPATION_FEE);
        participationFee = fee;
        emit ParticipationFeeSet(fee);
    }
}
