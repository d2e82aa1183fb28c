// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystemErrors} from "../interfaces/ISystemErrors.sol";

/// @title ScoringParams
/// @notice The one parameter set of the three scoring models, with the papers' defaults in one
///         place and one validation. Every value is WAD fixed point (1e18 = 1) unless its name
///         says seconds, watts, epochs or token units.
/// @dev The registry keeps every version of this struct and a time checkpoint of which version
///      was in force, so a score at a past snapshot is evaluated with the parameters of then.

/// @notice Node classes of paper 1 section 2.1 and paper 2 section 3.1.
enum NodeClass {
    HouseholdRooftopPV,
    SingleHouseholdClusterPV,
    MultiHouseholdCommunityPV,
    Wind,
    Hydro,
    IntegratedEnergy,
    Consumer
}

/// @notice Which scoring model a deployment elects with (SPEC.md section 3).
enum ScoringModel {
    Credit, // paper 1, consensus value G
    DynamicTrust, // paper 2, comprehensive trust R
    Classic // classic DPoS: deposit-weighted votes
}

struct ScoringParams {
    // ---- paper 1 (credit model) ----
    uint64 alpha; // weight of the frequency value F, eq. (2)
    uint64 beta; // weight of the capacity value P, eq. (2)
    uint64 gamma; // weight of the quality value D, eq. (2)
    uint64 mu; // weight of credit C_cre, eq. (1)
    uint64 xi; // weight of the vote value V, eq. (1)
    uint64 qualityScale; // k of eq. (3)
    uint64 lossRate; // m of eq. (4)
    uint64 gainValue; // a of eq. (5)
    uint64 voteScale; // s of the vote value V = min(10, s * votes / totalVotes)
    uint64 capacityRef; // watts at which the capacity value P reaches 10
    // ---- paper 2 (dynamic-trust model) ----
    uint64 trustAlpha; // weight of history trust H, eq. (1)
    uint64 trustBeta; // weight of votes V, eq. (1)
    uint64 trustDelta; // weight of deposit M, eq. (1)
    uint64 trustGamma; // weight of dynamic trust D, eq. (1)
    uint64 omega1; // weight of behaviour factor A, eq. (3)
    uint64 omega2; // weight of participation factor B, eq. (3)
    uint64 mu1; // weight of correct actions C_T, eq. (5)
    uint64 mu2; // weight of malicious actions C_F, eq. (5)
    uint96 initialTrust; // dynamic trust of a newly admitted node (paper 2 section 4.1: 100)
    uint96 maxTrust; // cap of dynamic trust (200)
    uint64 trustReward; // ΔD_a per correct action, eq. (7)
    uint96 trustPenalty; // trust removed per proven offence
    uint64 decayRate; // N of eq. (8)
    uint32 decayPeriod; // T_t of eq. (8), seconds
    uint32 window; // epochs of the recent window of eqs. (5) and (6)
    uint128 depositRef; // token units at which the deposit term M reaches 10
    // ---- eligibility ----
    uint128 minDeposit; // least bonded deposit of an eligible candidate, token units
    // ---- per node class (paper 1 section 2.1) ----
    uint32[7] tradingCycle; // T_a in seconds, indexed by NodeClass
    uint64[7] frequencyValue; // F, indexed by NodeClass
}

/// @title ScoringParamsLib
/// @notice Defaults and validation of {ScoringParams}.
library ScoringParamsLib {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant MAX_ATTRIBUTE = 10 * WAD;

    /// @notice Weights that must sum to 1 (1e18) do not.
    error ScoringWeightsDoNotSumToOne(string group, uint256 sum);

    /// @notice The papers' defaults: paper 1 section 2.2.2 and section 3, paper 2 section 3.2.
    /// @dev Paper 2 gives no numeric weights; ours favour dynamic trust (its subject) and are
    ///      documented in the README. Trading cycles: quarter, month, week (paper 1 section 2.1).
    function defaults() internal pure returns (ScoringParams memory p) {
        p.alpha = 0.3e18;
        p.beta = 0.3e18;
        p.gamma = 0.4e18;
        p.mu = 0.5e18;
        p.xi = 0.5e18;
        p.qualityScale = 10e18;
        p.lossRate = 1e18;
        p.gainValue = 1e18;
        p.voteScale = 10e18;
        p.capacityRef = 100_000; // 100 kW
        p.trustAlpha = 0.3e18;
        p.trustBeta = 0.2e18;
        p.trustDelta = 0.1e18;
        p.trustGamma = 0.4e18;
        p.omega1 = 0.5e18;
        p.omega2 = 0.5e18;
        p.mu1 = 1e18;
        p.mu2 = 2e18;
        p.initialTrust = 100e18;
        p.maxTrust = 200e18;
        p.trustReward = 1e18;
        p.trustPenalty = 20e18;
        p.decayRate = 1e18;
        p.decayPeriod = 1 days;
        p.window = 10;
        p.depositRef = 1000e18;
        p.minDeposit = 100e18;
        p.tradingCycle = [uint32(90 days), 30 days, 7 days, 7 days, 7 days, 7 days, 0];
        p.frequencyValue = [uint64(4e18), 6e18, 8e18, 8e18, 8e18, 8e18, 0];
    }

    /// @notice Reverts with the name of the first field out of bounds (`OutOfRange`, with its range).
    function validate(ScoringParams memory p) internal pure {
        _sumsToOne("credit", uint256(p.alpha) + p.beta + p.gamma);
        _sumsToOne("consensus", uint256(p.mu) + p.xi);
        _sumsToOne("trust", uint256(p.trustAlpha) + p.trustBeta + p.trustDelta + p.trustGamma);
        _sumsToOne("history", uint256(p.omega1) + p.omega2);
        _atMost("qualityScale", p.qualityScale, MAX_ATTRIBUTE);
        _atMost("lossRate", p.lossRate, MAX_ATTRIBUTE);
        _atMost("gainValue", p.gainValue, MAX_ATTRIBUTE);
        _within("voteScale", p.voteScale, 1, 100 * WAD);
        _within("capacityRef", p.capacityRef, 1, 1e12);
        _atMost("mu1", p.mu1, MAX_ATTRIBUTE);
        _atMost("mu2", p.mu2, MAX_ATTRIBUTE);
        _within("maxTrust", p.maxTrust, 1, 1000 * WAD);
        _atMost("initialTrust", p.initialTrust, p.maxTrust);
        _atMost("trustReward", p.trustReward, p.maxTrust);
        _atMost("trustPenalty", p.trustPenalty, p.maxTrust);
        _atMost("decayRate", p.decayRate, 1000 * WAD);
        _within("decayPeriod", p.decayPeriod, 1, 3650 days);
        _within("window", p.window, 1, 1000);
        _within("depositRef", p.depositRef, 1, 1e36);
        _within("minDeposit", p.minDeposit, 1, 1e36);
        for (uint256 c = 0; c < 6; ++c) {
            _within("tradingCycle", p.tradingCycle[c], 1 hours, 400 days);
            _atMost("frequencyValue", p.frequencyValue[c], MAX_ATTRIBUTE);
        }
        _atMost("tradingCycle", p.tradingCycle[uint256(NodeClass.Consumer)], 0);
        _atMost("frequencyValue", p.frequencyValue[uint256(NodeClass.Consumer)], 0);
    }

    function _sumsToOne(string memory group, uint256 sum) private pure {
        if (sum != WAD) revert ScoringWeightsDoNotSumToOne(group, sum);
    }

    function _atMost(string memory field, uint256 value, uint256 max) private pure {
        if (value > max) revert ISystemErrors.OutOfRange(field, value, 0, max);
    }

    function _within(string memory field, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert ISystemErrors.OutOfRange(field, value, min, max);
    }
}
