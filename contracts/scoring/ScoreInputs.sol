// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CreditRecord, TrustRecord} from "../registry/NodeRecord.sol";
import {CreditScore} from "./CreditScore.sol";
import {DynamicTrustScore} from "./DynamicTrustScore.sol";
import {NodeClass, ScoringModel} from "./ScoringParams.sol";

/// @title ScoreInputs
/// @notice The one place where a node's records become a model's inputs and its eligibility at a
///         snapshot (SPEC.md sections 3-4): the registry's `scoreAt`, the election's vote tallies
///         and the keeper's TypeScript mirror (`src/scoring/scoreInputs.ts`, called by
///         `SnapshotReader.scoreAll`) all go through it, and the differential test holds the two
///         languages to the same answers. Pure: the callers read the records and the clock.
library ScoreInputs {
    /// @notice Whether a node with credit record `c` (at the snapshot) and class `nodeClass` may
    ///         stand: admitted, not jailed, a producer (consumers are never candidates, paper 1 2.2.1).
    function mayStand(CreditRecord c, NodeClass nodeClass) internal pure returns (bool) {
        return c.admitted() && !c.jailed() && nodeClass != NodeClass.Consumer;
    }

    /// @notice Whether a bonded deposit of `deposit` meets the candidates' minimum `minDeposit`.
    function bondedEnough(uint256 deposit, uint256 minDeposit) internal pure returns (bool) {
        return deposit >= minDeposit;
    }

    /// @notice Eligible at a snapshot: {mayStand} and {bondedEnough} (SPEC.md section 4).
    function eligible(
        CreditRecord c,
        NodeClass nodeClass,
        uint256 deposit,
        uint256 minDeposit
    ) internal pure returns (bool) {
        return mayStand(c, nodeClass) && bondedEnough(deposit, minDeposit);
    }

    /// @notice Whether `model`'s score reads deposit-weighted vote tallies (classic DPoS, SPEC.md
    ///         3.3) rather than the raw votes, their total and the voter's last vote (both papers).
    function weighsVotesByDeposit(ScoringModel model) internal pure returns (bool) {
        return model == ScoringModel.Classic;
    }

    /// @notice Paper 1's inputs of a node at `snapshot`: its class's F, capacity, trading cycle T_a,
    ///         credit record `c`, whether ΔC+ applies at this snapshot (`gain`, the registry's
    ///         `CreditScore.gainApplies` of the record's stage), and the votes it received of all
    ///         cast. The time t of eq. (4) runs from its last vote, or its admission if it never
    ///         voted since (README, credit loss).
    function credit(
        uint256 frequencyValue,
        uint256 capacity,
        uint256 tradingCycle,
        uint256 admittedAt,
        CreditRecord c,
        bool gain,
        uint256 snapshot,
        uint256 votes,
        uint256 totalVotes,
        uint256 lastVote
    ) internal pure returns (CreditScore.Inputs memory) {
        uint256 since = lastVote > admittedAt ? lastVote : admittedAt;
        return
            CreditScore.Inputs({
                frequencyValue: frequencyValue,
                capacity: capacity,
                quality: c.quality(),
                cleanRecord: gain,
                offencePenalty: c.offencePenalty(),
                elapsedSinceVote: snapshot - since,
                tradingCycle: tradingCycle,
                votes: votes,
                totalVotes: totalVotes
            });
    }

    /// @notice The timepoint whose trust record opens the recent window of `window` epochs of
    ///         `epochDuration` before `snapshot` (paper 2 eqs. 5-6), or 0 when the window reaches
    ///         back past the start of time (the counters then count from zero).
    function windowStart(uint256 snapshot, uint256 window, uint256 epochDuration) internal pure returns (uint256) {
        uint256 span = window * epochDuration;
        return snapshot > span + 1 ? snapshot - span - 1 : 0;
    }

    /// @notice Paper 2's inputs of a node at `snapshot`: the window's counters as differences of
    ///         the trust records at the snapshot and at {windowStart} (zero when there is none),
    ///         the window's rounds (the epochs since admission, at most `window`), and the time
    ///         since its last participation, or its admission if it never took part since.
    /// @param roundsSinceAdmission `epochOf(snapshot) − epochOf(admittedAt)`, from the clock.
    function trust(
        TrustRecord atSnapshot,
        TrustRecord atWindowStart,
        uint256 roundsSinceAdmission,
        uint256 window,
        uint256 admittedAt,
        uint256 snapshot,
        uint256 votes,
        uint256 totalVotes,
        uint256 deposit
    ) internal pure returns (DynamicTrustScore.Inputs memory) {
        uint256 last = atSnapshot.lastParticipation();
        if (last < admittedAt) last = admittedAt;
        return
            DynamicTrustScore.Inputs({
                correctActions: atSnapshot.correct() - atWindowStart.correct(),
                offences: atSnapshot.offences() - atWindowStart.offences(),
                participatedRounds: atSnapshot.participated() - atWindowStart.participated(),
                windowRounds: roundsSinceAdmission < window ? roundsSinceAdmission : window,
                votes: votes,
                totalVotes: totalVotes,
                deposit: deposit,
                trust: atSnapshot.trust(),
                elapsedSinceParticipation: snapshot - last
            });
    }
}
