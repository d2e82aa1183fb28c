// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystemErrors} from "../interfaces/ISystemErrors.sol";

/// @notice A node's checkpointed credit attributes (paper 1), packed: see {NodeRecord}. Its own type,
///         so a credit record can never be read as a trust record.
type CreditRecord is uint208;

/// @notice A node's checkpointed trust attributes (paper 2), packed: see {NodeRecord}.
type TrustRecord is uint208;

using NodeRecord for CreditRecord global;
using NodeRecord for TrustRecord global;

/// @title NodeRecord
/// @notice Bit layouts of the two checkpointed attribute records of a node, each one 208-bit
///         `Checkpoints.Trace208` value, so a score at a snapshot costs two lookups, not ten.
/// @dev Credit record (paper 1): quality D [0,64) | offence penalty [64,128) | clean 128 |
///      admitted 129 | jailed 130 | jailedUntil [131,179) | gain stage [179,208) (the epoch, mod
///      2^29, whose election snapshot the clean term's ΔC+ applies to; see CreditScore.gainApplies).
///      Trust record (paper 2): trust [0,72) | C_T [72,104) | C_F [104,136) | E_i [136,168) |
///      last participation [168,208). Values wider than their field revert (`OutOfRange`, SafeCast-style).
library NodeRecord {
    // ---- credit record
    function packCredit(
        uint256 quality_,
        uint256 penalty_,
        bool clean_,
        bool admitted_,
        bool jailed_,
        uint256 jailedUntil_,
        uint256 gainStage_
    ) internal pure returns (CreditRecord) {
        return
            CreditRecord.wrap(
                uint208(
                    _fit(quality_, 64) |
                        (_fit(penalty_, 64) << 64) |
                        (_bit(clean_) << 128) |
                        (_bit(admitted_) << 129) |
                        (_bit(jailed_) << 130) |
                        (_fit(jailedUntil_, 48) << 131) |
                        (_fit(gainStage_, 29) << 179)
                )
            );
    }

    function quality(CreditRecord r) internal pure returns (uint256) {
        return uint64(CreditRecord.unwrap(r));
    }

    function offencePenalty(CreditRecord r) internal pure returns (uint256) {
        return uint64(CreditRecord.unwrap(r) >> 64);
    }

    function clean(CreditRecord r) internal pure returns (bool) {
        return (CreditRecord.unwrap(r) >> 128) & 1 == 1;
    }

    function admitted(CreditRecord r) internal pure returns (bool) {
        return (CreditRecord.unwrap(r) >> 129) & 1 == 1;
    }

    function jailed(CreditRecord r) internal pure returns (bool) {
        return (CreditRecord.unwrap(r) >> 130) & 1 == 1;
    }

    function jailedUntil(CreditRecord r) internal pure returns (uint256) {
        return uint48(CreditRecord.unwrap(r) >> 131);
    }

    function gainStage(CreditRecord r) internal pure returns (uint256) {
        return uint256(CreditRecord.unwrap(r)) >> 179;
    }

    function withQuality(CreditRecord r, uint256 v) internal pure returns (CreditRecord) {
        return packCredit(v, offencePenalty(r), clean(r), admitted(r), jailed(r), jailedUntil(r), gainStage(r));
    }

    function withOffencePenalty(CreditRecord r, uint256 v) internal pure returns (CreditRecord) {
        return packCredit(quality(r), v, clean(r), admitted(r), jailed(r), jailedUntil(r), gainStage(r));
    }

    function withClean(CreditRecord r, bool v) internal pure returns (CreditRecord) {
        return packCredit(quality(r), offencePenalty(r), v, admitted(r), jailed(r), jailedUntil(r), gainStage(r));
    }

    /// @dev A clean term (v = true) also sets the stage its ΔC+ applies to; losing it keeps the stage.
    function withClean(CreditRecord r, bool v, uint256 stage) internal pure returns (CreditRecord) {
        return packCredit(quality(r), offencePenalty(r), v, admitted(r), jailed(r), jailedUntil(r), stage);
    }

    function withAdmitted(CreditRecord r, bool v) internal pure returns (CreditRecord) {
        return packCredit(quality(r), offencePenalty(r), clean(r), v, jailed(r), jailedUntil(r), gainStage(r));
    }

    function withJail(CreditRecord r, bool v, uint256 until) internal pure returns (CreditRecord) {
        return packCredit(quality(r), offencePenalty(r), clean(r), admitted(r), v, until, gainStage(r));
    }

    // ---- trust record
    function packTrust(
        uint256 trust_,
        uint256 correct_,
        uint256 offences_,
        uint256 participated_,
        uint256 lastParticipation_
    ) internal pure returns (TrustRecord) {
        return
            TrustRecord.wrap(
                uint208(
                    _fit(trust_, 72) |
                        (_fit(correct_, 32) << 72) |
                        (_fit(offences_, 32) << 104) |
                        (_fit(participated_, 32) << 136) |
                        (_fit(lastParticipation_, 40) << 168)
                )
            );
    }

    function trust(TrustRecord r) internal pure returns (uint256) {
        return uint72(TrustRecord.unwrap(r));
    }

    function correct(TrustRecord r) internal pure returns (uint256) {
        return uint32(TrustRecord.unwrap(r) >> 72);
    }

    function offences(TrustRecord r) internal pure returns (uint256) {
        return uint32(TrustRecord.unwrap(r) >> 104);
    }

    function participated(TrustRecord r) internal pure returns (uint256) {
        return uint32(TrustRecord.unwrap(r) >> 136);
    }

    function lastParticipation(TrustRecord r) internal pure returns (uint256) {
        return uint40(TrustRecord.unwrap(r) >> 168);
    }

    function withTrust(TrustRecord r, uint256 v) internal pure returns (TrustRecord) {
        return packTrust(v, correct(r), offences(r), participated(r), lastParticipation(r));
    }

    function withCorrect(TrustRecord r, uint256 v) internal pure returns (TrustRecord) {
        return packTrust(trust(r), v, offences(r), participated(r), lastParticipation(r));
    }

    function withOffences(TrustRecord r, uint256 v) internal pure returns (TrustRecord) {
        return packTrust(trust(r), correct(r), v, participated(r), lastParticipation(r));
    }

    function withParticipated(TrustRecord r, uint256 v) internal pure returns (TrustRecord) {
        return packTrust(trust(r), correct(r), offences(r), v, lastParticipation(r));
    }

    function withLastParticipation(TrustRecord r, uint256 v) internal pure returns (TrustRecord) {
        return packTrust(trust(r), correct(r), offences(r), participated(r), v);
    }

    function _fit(uint256 v, uint256 bits) private pure returns (uint256) {
        if (v >> bits != 0) revert ISystemErrors.OutOfRange("record field", v, 0, (1 << bits) - 1);
        return v;
    }

    function _bit(bool b) private pure returns (uint256) {
        return b ? 1 : 0;
    }
}
