// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ScoringParams, ScoringParamsLib} from "../scoring/ScoringParams.sol";
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
        ScoringParams memory p,
        CreditScore.Inputs[] memory inputs
    ) external pure returns (uint256[] memory out) {
        out = new uint256[](inputs.length);
        for (uint256 i = 0; i < inputs.length; ++i) out[i] = CreditScore.score(p, inputs[i]);
    }

    function trustScores(
        ScoringParams memory p,
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
        ScoringParams memory p,
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
