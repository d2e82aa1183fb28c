// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystemErrors} from "../interfaces/ISystemErrors.sol";

/// @title ScoringParams
/// @notice The one parameter set of the three scoring models, split by model so that each score
///         copies exactly its own struct ({CreditParams}, {TrustParams}; trust updates
///         {TrustDynamics}), with the papers' defaults in one place and one validation. Every
///         value is WAD fixed point (1e18 = 1) unless its name says seconds, watts, epochs or
///         token units.
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

/// @notice Paper 1's credit model: exactly what {CreditScore.score} reads, copied whole by a score.
struct CreditParams {
    uint64 alpha; // weight of the frequency value F, eq. (2)
    uint64 beta; // weight of the capacity value P, eq. (2)
    uint64 gamma; // weight of the quality value D, eq. (2)
    uint64 mu; // weight of credit C_cre, eq. (1)
    uint64 xi; // weight of the vote value V, eq. (1)
    uint64 lossRate; // m of eq. (4)
    uint64 gainValue; // a of eq. (5)
    uint64 voteScale; // s of the vote value V = min(10, s * votes / totalVotes)
    uint64 capacityRef; // watts at which the capacity value P reaches 10
}

/// @notice Paper 2's trust dynamics, eqs. (7)-(8): what every trust update reads (each vote and
///         attestation of the dynamic-trust model), and the score's decay and cap. Two slots.
struct TrustDynamics {
    uint96 maxTrust; // cap of dynamic trust (200)
    uint96 trustPenalty; // trust removed per proven offence
    uint64 trustReward; // ΔD_a per correct action, eq. (7)
    uint64 decayRate; // N of eq. (8)
    uint32 decayPeriod; // T_t of eq. (8), seconds
    uint96 initialTrust; // dynamic trust of a newly admitted node (paper 2 section 4.1: 100)
}

/// @notice Paper 2's dynamic-trust model: exactly what {DynamicTrustScore.score} reads, copied
///         whole by a score.
struct TrustParams {
    uint64 trustAlpha; // weight of history trust H, eq. (1)
    uint64 trustBeta; // weight of votes V, eq. (1)
    uint64 trustDelta; // weight of deposit M, eq. (1)
    uint64 trustGamma; // weight of dynamic trust D, eq. (1)
    uint64 omega1; // weight of behaviour factor A, eq. (3)
    uint64 omega2; // weight of participation factor B, eq. (3)
    uint64 mu1; // weight of correct actions C_T, eq. (5)
    uint64 mu2; // weight of malicious actions C_F, eq. (5)
    uint64 voteScale; // s of the vote value V, this model's own
    uint32 window; // epochs of the recent window of eqs. (5) and (6)
    uint128 depositRef; // token units at which the deposit term M reaches 10
    TrustDynamics dynamics;
}

/// @notice Every parameter of a deployment: each model's own struct, then what is shared.
struct ScoringParams {
    CreditParams credit;
    TrustParams trust;
    // ---- the credit record's update (paper 1 eq. 3) ----
    uint64 qualityScale; // k of eq. (3)
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
        p.credit = CreditParams({
            alpha: 0.3e18,
            beta: 0.3e18,
            gamma: 0.4e18,
            mu: 0.5e18,
            xi: 0.5e18,
            lossRate: 1e18,
            gainValue: 1e18,
            voteScale: 10e18,
            capacityRef: 100_000 // 100 kW
        });
        p.trust = TrustParams({
            trustAlpha: 0.3e18,
            trustBeta: 0.2e18,
            trustDelta: 0.1e18,
            trustGamma: 0.4e18,
            omega1: 0.5e18,
            omega2: 0.5e18,
            mu1: 1e18,
            mu2: 2e18,
            voteScale: 10e18,
            window: 10,
            depositRef: 1000e18,
            dynamics: TrustDynamics({
                maxTrust: 200e18,
                trustPenalty: 20e18,
                trustReward: 1e18,
                decayRate: 1e18,
                decayPeriod: 1 days,
                initialTrust: 100e18
            })
        });
        p.qualityScale = 10e18;
        p.minDeposit = 100e18;
        p.tradingCycle = [uint32(90 days), 30 days, 7 days, 7 days, 7 days, 7 days, 0];
        p.frequencyValue = [uint64(4e18), 6e18, 8e18, 8e18, 8e18, 8e18, 0];
    }

    /// @notice Reverts with the name of the first field out of bounds (`OutOfRange`, with its range).
    function validate(ScoringParams memory p) internal pure {
        CreditParams memory c = p.credit;
        TrustParams memory t = p.trust;
        TrustDynamics memory d = t.dynamics;
        _sumsToOne("credit", uint256(c.alpha) + c.beta + c.gamma);
        _sumsToOne("consensus", uint256(c.mu) + c.xi);
        _sumsToOne("trust", uint256(t.trustAlpha) + t.trustBeta + t.trustDelta + t.trustGamma);
        _sumsToOne("history", uint256(t.omega1) + t.omega2);
        _atMost("qualityScale", p.qualityScale, MAX_ATTRIBUTE);
        _atMost("lossRate", c.lossRate, MAX_ATTRIBUTE);
        _atMost("gainValue", c.gainValue, MAX_ATTRIBUTE);
        _within("voteScale", c.voteScale, 1, type(uint64).max); // the field's width, about 18.4e18
        _within("capacityRef", c.capacityRef, 1, 1e12);
        _atMost("mu1", t.mu1, MAX_ATTRIBUTE);
        _atMost("mu2", t.mu2, MAX_ATTRIBUTE);
        _within("trust.voteScale", t.voteScale, 1, type(uint64).max);
        _within("maxTrust", d.maxTrust, 1, 1000 * WAD);
        _atMost("initialTrust", d.initialTrust, d.maxTrust);
        _atMost("trustReward", d.trustReward, d.maxTrust);
        _atMost("trustPenalty", d.trustPenalty, d.maxTrust);
        _atMost("decayRate", d.decayRate, 1000 * WAD);
        _within("decayPeriod", d.decayPeriod, 1, 3650 days);
        _within("window", t.window, 1, 1000);
        _within("depositRef", t.depositRef, 1, 1e36);
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
