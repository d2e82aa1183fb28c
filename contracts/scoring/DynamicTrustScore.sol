// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TrustParams, TrustDynamics} from "./ScoringParams.sol";
import {CreditScore} from "./CreditScore.sol";

/// @title DynamicTrustScore
/// @notice Paper 2 (DT-DPoS for distributed energy trading), section 3.2, eqs. (1)-(8).
///         WAD fixed point, divisions toward zero, negative results zero. Mirrored line for
///         line by `src/scoring/dynamicTrustScore.ts`.
/// @dev The "recent window" of eqs. (5)-(6) is the last `window` epochs before the snapshot,
///      read as differences of cumulative checkpointed counters (no list, no decay).
library DynamicTrustScore {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant MAX_ATTRIBUTE = 10 * WAD;

    /// @notice The inputs of one node's comprehensive trust at one snapshot.
    struct Inputs {
        uint256 correctActions; // C_T in the window: blocks produced, correct attestations
        uint256 offences; // C_F in the window: proven offences
        uint256 participatedRounds; // E_i: epochs of the window in which the node took part
        uint256 windowRounds; // E: epochs in the window
        uint256 votes; // votes the node received
        uint256 totalVotes; // all votes cast
        uint256 deposit; // bonded deposit, token units
        uint256 trust; // stored dynamic trust, before the decay since the last participation
        uint256 elapsedSinceParticipation; // t of eq. (8), seconds
    }

    /// @notice Paper 2 eq. (5): A = (μ1·C_T − μ2·C_F) / C, scaled to [0, 10]; zero when C = 0.
    /// @dev C = C_T + C_F. A negative numerator gives 0; the result is capped at 10.
    function behaviourFactor(TrustParams memory p, uint256 correct, uint256 malicious) internal pure returns (uint256) {
        uint256 all = correct + malicious;
        if (all == 0) return 0;
        uint256 good = p.mu1 * correct;
        uint256 bad = p.mu2 * malicious;
        if (bad >= good) return 0;
        uint256 a = ((good - bad) * 10) / all;
        return a > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : a;
    }

    /// @notice Paper 2 eq. (6): B = E_i / E, scaled to [0, 10]; zero when E = 0.
    function participationFactor(uint256 participated, uint256 rounds) internal pure returns (uint256) {
        if (rounds == 0) return 0;
        uint256 b = (participated * MAX_ATTRIBUTE) / rounds;
        return b > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : b;
    }

    /// @notice Paper 2 eq. (3): H = ω1·A + ω2·B.
    function historyTrust(TrustParams memory p, uint256 a, uint256 b) internal pure returns (uint256) {
        return (p.omega1 * a) / WAD + (p.omega2 * b) / WAD;
    }

    /// @notice Deposit term M = min(10, 10 · deposit / depositRef) (SPEC.md section 3.2).
    function depositValue(uint256 deposit, uint256 depositRef) internal pure returns (uint256) {
        uint256 m = (deposit * MAX_ATTRIBUTE) / depositRef;
        return m > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : m;
    }

    /// @notice Paper 2 eq. (8): ΔD_s = 0 if t <= T_t, else N · t / T_t.
    function trustDecay(uint256 elapsed, uint256 decayPeriod, uint256 decayRate) internal pure returns (uint256) {
        if (elapsed <= decayPeriod) return 0;
        return (decayRate * elapsed) / decayPeriod;
    }

    /// @notice Stored trust less the decay since the last participation, never below zero.
    function decayedTrust(TrustDynamics memory p, uint256 trust, uint256 elapsed) internal pure returns (uint256) {
        uint256 decay = trustDecay(elapsed, p.decayPeriod, p.decayRate);
        return trust > decay ? trust - decay : 0;
    }

    /// @notice Paper 2 eq. (7), reward part: trust + ΔD_a, capped at `maxTrust`.
    function rewarded(TrustDynamics memory p, uint256 trust) internal pure returns (uint256) {
        uint256 t = trust + p.trustReward;
        return t > p.maxTrust ? p.maxTrust : t;
    }

    /// @notice Trust after a proven offence: trust − penalty, never below zero.
    function penalized(TrustDynamics memory p, uint256 trust) internal pure returns (uint256) {
        return trust > p.trustPenalty ? trust - p.trustPenalty : 0;
    }

    /// @notice The dynamic-trust term of eq. (1): 10 · trust / maxTrust, in [0, 10].
    function trustValue(TrustDynamics memory p, uint256 trust) internal pure returns (uint256) {
        uint256 d = (trust * MAX_ATTRIBUTE) / p.maxTrust;
        return d > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : d;
    }

    /// @notice Paper 2 eq. (1): R = α·H + β·V + δ·M + γ·D of one node at one snapshot.
    /// @dev V is the vote value of SPEC.md section 3.1, with this model's own `voteScale`.
    function score(TrustParams memory p, Inputs memory n) internal pure returns (uint256) {
        uint256 h = historyTrust(
            p,
            behaviourFactor(p, n.correctActions, n.offences),
            participationFactor(n.participatedRounds, n.windowRounds)
        );
        uint256 v = CreditScore.voteValue(n.votes, n.totalVotes, p.voteScale);
        uint256 m = depositValue(n.deposit, p.depositRef);
        uint256 d = trustValue(p.dynamics, decayedTrust(p.dynamics, n.trust, n.elapsedSinceParticipation));
        return (p.trustAlpha * h) / WAD + (p.trustBeta * v) / WAD + (p.trustDelta * m) / WAD + (p.trustGamma * d) / WAD;
    }
}
