// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ScoringParams, ScoringParamsLib, NodeClass} from "../scoring/ScoringParams.sol";
import {CreditParams, TrustParams, TrustDynamics} from "../scoring/ScoringParams.sol";
import {ScoreInputs} from "../scoring/ScoreInputs.sol";
import {NodeRecord, CreditRecord, TrustRecord} from "../registry/NodeRecord.sol";
import {CreditScore} from "../scoring/CreditScore.sol";
import {DynamicTrustScore} from "../scoring/DynamicTrustScore.sol";
import {ElectionKey, ElectionRule} from "../scoring/ElectionKey.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

/// @notice Test-only: exposes the scoring libraries in batches so differential tests can
///         compare thousands of evaluations against the TypeScript mirror in few calls.
contract ScoringHarness {
    function defaults() external pure returns (ScoringParams memory) {
        return ScoringParamsLib.defaults();
    }

    function validate(ScoringParams memory p) external pure {
        ScoringParamsLib.validate(p);
    }

    function creditScores(
        CreditParams memory p,
        CreditScore.Inputs[] memory inputs
    ) external pure returns (uint256[] memory out) {
        out = new uint256[](inputs.length);
        for (uint256 i = 0; i < inputs.length; ++i) out[i] = CreditScore.score(p, inputs[i]);
    }

    function trustScores(
        TrustParams memory p,
        DynamicTrustScore.Inputs[] memory inputs
    ) external pure returns (uint256[] memory out) {
        out = new uint256[](inputs.length);
        for (uint256 i = 0; i < inputs.length; ++i) out[i] = DynamicTrustScore.score(p, inputs[i]);
    }

    function qualities(
        bool[] memory hasPlan,
        uint256[] memory planned,
        uint256[] memory metered,
        uint256 k,
        uint256 previous
    ) external pure returns (uint256[] memory out) {
        out = new uint256[](planned.length);
        for (uint256 i = 0; i < planned.length; ++i) {
            out[i] = CreditScore.quality(hasPlan[i], planned[i], metered[i], k, previous);
        }
    }

    function gainApplies(
        bool[] memory clean,
        uint256[] memory gainStage,
        uint256[] memory stage
    ) external pure returns (bool[] memory out) {
        out = new bool[](clean.length);
        for (uint256 i = 0; i < clean.length; ++i) out[i] = CreditScore.gainApplies(clean[i], gainStage[i], stage[i]);
    }

    function trustUpdates(
        TrustDynamics memory p,
        uint256[] memory trusts,
        uint256[] memory elapsed
    ) external pure returns (uint256[] memory rewarded, uint256[] memory penalized, uint256[] memory decayed) {
        rewarded = new uint256[](trusts.length);
        penalized = new uint256[](trusts.length);
        decayed = new uint256[](trusts.length);
        for (uint256 i = 0; i < trusts.length; ++i) {
            rewarded[i] = DynamicTrustScore.rewarded(p, trusts[i]);
            penalized[i] = DynamicTrustScore.penalized(p, trusts[i]);
            decayed[i] = DynamicTrustScore.decayedTrust(p, trusts[i], elapsed[i]);
        }
    }

    /// @notice One node's raw facts and records, as the registry and the election hold them.
    struct RecordCase {
        uint8 nodeClass;
        uint256 capacity;
        uint256 tradingCycle;
        uint256 admittedAt;
        uint256 snapshot;
        uint256 votes;
        uint256 totalVotes;
        uint256 lastVote;
        uint256 deposit;
        uint256 roundsSinceAdmission;
        // credit record (packed on-chain with NodeRecord, as the registry stores it)
        uint256 quality;
        uint256 offencePenalty;
        bool clean;
        bool admitted;
        bool jailed;
        // trust records at the snapshot and at the window's start
        uint256[5] trustNow; // trust, correct, offences, participated, lastParticipation
        uint256[5] trustStart;
    }

    /// @notice {ScoreInputs} on each case: eligibility, then each model's inputs.
    function scoreInputs(
        RecordCase[] memory cases,
        uint256 minDeposit,
        uint256 frequencyValue,
        uint256 window
    )
        external
        pure
        returns (bool[] memory eligible, CreditScore.Inputs[] memory credit, DynamicTrustScore.Inputs[] memory trust)
    {
        eligible = new bool[](cases.length);
        credit = new CreditScore.Inputs[](cases.length);
        trust = new DynamicTrustScore.Inputs[](cases.length);
        for (uint256 i = 0; i < cases.length; ++i) {
            RecordCase memory x = cases[i];
            CreditRecord c = NodeRecord.packCredit(x.quality, x.offencePenalty, x.clean, x.admitted, x.jailed, 0, 0);
            eligible[i] = ScoreInputs.eligible(c, NodeClass(x.nodeClass), x.deposit, minDeposit);
            credit[i] = ScoreInputs.credit(
                frequencyValue,
                x.capacity,
                x.tradingCycle,
                x.admittedAt,
                c,
                x.clean,
                x.snapshot,
                x.votes,
                x.totalVotes,
                x.lastVote
            );
            trust[i] = ScoreInputs.trust(
                _trustRecord(x.trustNow),
                _trustRecord(x.trustStart),
                x.roundsSinceAdmission,
                window,
                x.admittedAt,
                x.snapshot,
                x.votes,
                x.totalVotes,
                x.deposit
            );
        }
    }

    /// @notice {ScoreInputs.windowStart} of each snapshot.
    function windowStarts(
        uint256[] memory snapshots,
        uint256 window,
        uint256 epochDuration
    ) external pure returns (uint256[] memory out) {
        out = new uint256[](snapshots.length);
        for (uint256 i = 0; i < snapshots.length; ++i)
            out[i] = ScoreInputs.windowStart(snapshots[i], window, epochDuration);
    }

    function _trustRecord(uint256[5] memory r) private pure returns (TrustRecord) {
        return NodeRecord.packTrust(r[0], r[1], r[2], r[3], r[4]);
    }

    function keys(
        ElectionRule rule,
        uint256[] memory scores,
        bytes32 seed,
        address[] memory nodes
    ) external pure returns (uint256[] memory out) {
        out = new uint256[](scores.length);
        for (uint256 i = 0; i < scores.length; ++i) out[i] = ElectionKey.key(rule, scores[i], seed, nodes[i]);
    }

    function lnWads(int256[] memory xs) external pure returns (int256[] memory out) {
        out = new int256[](xs.length);
        for (uint256 i = 0; i < xs.length; ++i) out[i] = FixedPointMathLib.lnWad(xs[i]);
    }
}
