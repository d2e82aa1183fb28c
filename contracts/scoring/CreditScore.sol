// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CreditParams} from "./ScoringParams.sol";

/// @title CreditScore
/// @notice Paper 1 (credit-based DPoS for distributed PV trading), section 2.2.2, eqs. (1)-(5).
///         Every value is WAD fixed point; every division rounds toward zero; a negative
///         result is zero. Mirrored line for line by `src/scoring/creditScore.ts`.
library CreditScore {
    uint256 internal constant WAD = 1e18;
    /// @dev All five attributes of the node-credit table take values in [0, 10] (paper 1 2.2.2).
    uint256 internal constant MAX_ATTRIBUTE = 10 * WAD;

    /// @notice The inputs of one node's consensus value at one snapshot.
    struct Inputs {
        uint256 frequencyValue; // F of the node's class
        uint256 capacity; // installed capacity, watts
        uint256 quality; // D after the last settled trading cycle
        bool cleanRecord; // a clean delegate term in the epoch before the snapshot's (ΔC+; gainApplies)
        uint256 offencePenalty; // credit removed by proven offences (part of ΔC−)
        uint256 elapsedSinceVote; // t of eq. (4), seconds
        uint256 tradingCycle; // T_a of eq. (4), seconds
        uint256 votes; // votes the node received
        uint256 totalVotes; // all votes cast
    }

    /// @notice Capacity value P = min(10, 10 * capacity / capacityRef) (SPEC.md section 2).
    /// @dev Returns 10 for any capacity at or above the reference.
    function capacityValue(uint256 capacity, uint256 capacityRef) internal pure returns (uint256) {
        uint256 p = (capacity * MAX_ATTRIBUTE) / capacityRef;
        return p > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : p;
    }

    /// @notice Paper 1 eq. (3): D = k * (1 - |E_real - E_plan| / E_plan), clamped to [0, 10].
    /// @dev Paper 1 section 2.2.1 makes E_plan a promise reported to the trading platform before
    ///      the cycle, and eq. (3) scores how well it was kept. So a settled cycle without a plan
    ///      (`hasPlan` false) kept no promise: D = 0; carrying D over would let one plan buy
    ///      D = 10 forever (issue 19, attack 7). An explicit plan of E_plan = 0 is a declared idle
    ///      cycle: metered 0 keeps the previous D (eq. 3 is undefined there, and nothing was
    ///      broken), metered > 0 is a 100 % miss, D = 0. Otherwise eq. (3), the relative deviation
    ///      rounded toward zero first; a deviation of 100 % or more gives 0.
    function quality(
        bool hasPlan,
        uint256 plannedEnergy,
        uint256 meteredEnergy,
        uint256 qualityScale,
        uint256 previous
    ) internal pure returns (uint256) {
        if (!hasPlan) return 0;
        if (plannedEnergy == 0) return meteredEnergy == 0 ? previous : 0;
        uint256 gap = meteredEnergy > plannedEnergy ? meteredEnergy - plannedEnergy : plannedEnergy - meteredEnergy;
        uint256 deviation = (gap * WAD) / plannedEnergy;
        if (deviation >= WAD) return 0;
        uint256 d = (qualityScale * (WAD - deviation)) / WAD;
        return d > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : d;
    }

    /// @notice Paper 1 eq. (4): ΔC− = 0 if t <= T_a, else m * t / T_a, capped at 10.
    /// @dev `tradingCycle` = 0 (consumers) gives no loss: they are never candidates.
    function creditLoss(uint256 elapsed, uint256 tradingCycle, uint256 lossRate) internal pure returns (uint256) {
        if (tradingCycle == 0 || elapsed <= tradingCycle) return 0;
        uint256 loss = (lossRate * elapsed) / tradingCycle;
        return loss > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : loss;
    }

    /// @notice Stages are counted modulo this (the credit record keeps a stage in 29 bits).
    uint256 internal constant GAIN_STAGE_MODULUS = 1 << 29;

    /// @notice Whether a clean delegate term earns ΔC+ in the election whose snapshot lies in
    ///         epoch `stage`: paper 1 2.2.2 gives the gain for packing every transaction of a
    ///         delegate term, "more advantage in the next stage's election" (在下一阶段竞选过程中更具优势),
    ///         and section 3's node 10, not elected in the last stage, has gain 0. So the gain of a
    ///         term in epoch e is `gainStage` = e + 1 (mod 2^29): the snapshot epochStart(e + 1)
    ///         of the election of e + 2 is the first taken after the term, and the only one it counts in.
    /// @dev `clean` is false once an offence was proven since the term. Epochs 2^29 apart share a
    ///      stage: a node whose last clean term was exactly k·2^29 epochs earlier (over 1,000 years
    ///      at the clock's shortest epoch of 60 s) would gain again.
    function gainApplies(bool clean, uint256 gainStage, uint256 stage) internal pure returns (bool) {
        return clean && gainStage == stage % GAIN_STAGE_MODULUS;
    }

    /// @notice Paper 1 eq. (5): ΔC+ = a if the node packed every block it was assigned (n = N_tra).
    function creditGain(bool cleanRecord, uint256 gainValue) internal pure returns (uint256) {
        return cleanRecord ? gainValue : 0;
    }

    /// @notice Paper 1 eq. (2): C_cre = α·F + β·P + γ·D + ΔC+ − ΔC−, zero if negative.
    function credit(
        CreditParams memory p,
        uint256 f,
        uint256 cap,
        uint256 d,
        uint256 gain,
        uint256 loss
    ) internal pure returns (uint256) {
        uint256 positive = (p.alpha * f) / WAD + (p.beta * cap) / WAD + (p.gamma * d) / WAD + gain;
        return positive > loss ? positive - loss : 0;
    }

    /// @notice Vote value V = min(10, s * votes / totalVotes); zero when nobody has voted.
    function voteValue(uint256 votes, uint256 totalVotes, uint256 voteScale) internal pure returns (uint256) {
        if (totalVotes == 0) return 0;
        uint256 v = (voteScale * votes) / totalVotes;
        return v > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : v;
    }

    /// @notice Paper 1 eq. (1): G = μ·C_cre + ξ·V.
    function consensusValue(CreditParams memory p, uint256 creditValue, uint256 vote) internal pure returns (uint256) {
        return (p.mu * creditValue) / WAD + (p.xi * vote) / WAD;
    }

    /// @notice The whole credit model: the consensus value G of one node at one snapshot.
    /// @dev ΔC− is the time loss of eq. (4) plus the offence penalty, capped together at 10.
    function score(CreditParams memory p, Inputs memory n) internal pure returns (uint256) {
        uint256 loss = creditLoss(n.elapsedSinceVote, n.tradingCycle, p.lossRate) + n.offencePenalty;
        if (loss > MAX_ATTRIBUTE) loss = MAX_ATTRIBUTE;
        uint256 c = credit(
            p,
            n.frequencyValue,
            capacityValue(n.capacity, p.capacityRef),
            n.quality,
            creditGain(n.cleanRecord, p.gainValue),
            loss
        );
        return consensusValue(p, c, voteValue(n.votes, n.totalVotes, p.voteScale));
    }
}
