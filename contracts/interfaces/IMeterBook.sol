// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystemErrors} from "./ISystemErrors.sol";
import {INodeRegistry} from "./INodeRegistry.sol";
import {IStakeVault} from "./IStakeVault.sol";

/// @title IMeterBook
/// @notice Trading plans and meter readings per trading cycle (paper 1 sections 2.1 and 2.2.1,
///         eq. 3): a node reports E_plan for its next cycle, before that cycle begins, and pays
///         the participation fee; the meter oracle reports E_real for a closed cycle, one reading
///         per call or one Merkle root for all meters, each reading then applied once by anyone
///         with its proof. Each settlement updates the node's quality D in the registry (0 for a
///         cycle without a plan) and records the imbalance E_real − E_plan against the backstop
///         node (paper 1 2.2.1 rule 4).
/// @dev Cycle k of a node spans [admittedAt + k·T_a, admittedAt + (k+1)·T_a), T_a fixed at admission.
interface IMeterBook is ISystemErrors {
    struct Cycle {
        uint96 plannedEnergy; // E_plan, Wh
        uint96 meteredEnergy; // E_real, Wh
        bool hasPlan;
        bool settled;
    }

    error NotAProducer(address node);
    /// @notice A plan for `cycle` was refused: plans are only taken for the next cycle,
    ///         `currentCycle` + 1, so that each is made before its cycle begins.
    error PlanNotForNextCycle(address node, uint256 cycle, uint256 currentCycle);
    error CycleNotClosed(address node, uint256 cycle, uint256 currentCycle);
    error PlanAlreadyReported(address node, uint256 cycle);
    error MeterAlreadyReported(address node, uint256 cycle);
    error InvalidMeterProof(uint256 rootId, address node, uint256 cycle, uint256 meteredEnergy);

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

    /// @notice Report the planned energy `plannedEnergy` (Wh) of the caller's next trading cycle
    ///         `cycle` (= currentCycle + 1), paying the participation fee (needs an allowance to
    ///         the vault).
    /// @dev A plan is a promise made before its cycle (paper 1 section 2.2.1, eq. 3): a plan
    ///      reported during its own cycle, when most of E_real is already known, would score a
    ///      record, not a promise (issue 19, attack 7). A cycle settled without a plan gets D = 0
    ///      (CreditScore.quality), so a node keeps its D only by planning every cycle.
    function reportPlan(uint256 cycle, uint256 plannedEnergy) external;

    /// @notice Report the metered energy `meteredEnergy` (Wh) of `node` for its closed `cycle`
    ///         (meter oracle). Sets D by paper 1 eq. (3), 0 if the cycle had no plan.
    function reportMeterReading(address node, uint256 cycle, uint256 meteredEnergy) external;

    /// @notice Post one Merkle root of many meter readings (meter oracle); returns its id.
    /// @dev Leaves are standard OpenZeppelin merkle-tree leaves of (address node, uint256 cycle,
    ///      uint256 meteredEnergy).
    function postMeterRoot(bytes32 root) external returns (uint256 rootId);

    /// @notice Apply one reading of root `rootId` with its Merkle `proof` (anyone; once per cycle).
    function applyMeterReading(
        uint256 rootId,
        address node,
        uint256 cycle,
        uint256 meteredEnergy,
        bytes32[] calldata proof
    ) external;

    /// @notice Name the backstop node (supervisor).
    function setBackstop(address backstop_) external;

    /// @notice Set the fee per reported plan, at most 1e24 token units.
    function setParticipationFee(uint256 fee) external;

    /// @notice Stop plans and meter reports.
    function pause() external;

    /// @notice Resume after {pause}.
    function unpause() external;

    /// @notice The registry whose nodes plan and whose quality D the readings set.
    function registry() external view returns (INodeRegistry);

    /// @notice The vault the participation fees go to.
    function vault() external view returns (IStakeVault);

    /// @notice Meter-reading Merkle root number `rootId` posted by the oracle.
    function meterRoots(uint256 rootId) external view returns (bytes32);

    /// @notice The grid company's backstop node, counterparty of every imbalance.
    function backstop() external view returns (address);

    /// @notice Sum of E_real − E_plan over all settled cycles (Wh): what the backstop absorbed.
    function backstopImbalance() external view returns (int256);

    /// @notice Token units a node pays into the pool per reported plan (paper 1 2.2.1 rule 5).
    function participationFee() external view returns (uint256);

    /// @notice The trading cycle `node` is in now.
    function currentCycle(address node) external view returns (uint256);

    /// @notice Plan and meter reading of `node` for `cycle`.
    function cycleOf(address node, uint256 cycle) external view returns (Cycle memory);
}
