// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {NodeRegistry} from "../registry/NodeRegistry.sol";
import {StakeVault} from "../staking/StakeVault.sol";
import {DelegateElection} from "../election/DelegateElection.sol";

/// @title SnapshotLens
/// @notice Read-only batch reader for keepers (SPEC.md section 7): everything the off-chain scorer
///         needs about a page of nodes at a snapshot, in one `eth_call` instead of five per node.
///         It holds no state and no roles; pages keep each call bounded.
contract SnapshotLens {
    /// @notice Every attribute a score reads, for one node.
    struct NodeView {
        NodeRegistry.Node node;
        Credit credit;
        Trust trust; // at the snapshot
        Trust trustAtWindowStart; // at the start of the recent window (paper 2 eqs. 5–6)
        uint256 votes;
        uint256 totalVotes;
        uint256 weightedVotes;
        uint256 lastVote;
        uint256 deposit;
    }

    struct Credit {
        uint256 quality;
        uint256 offencePenalty;
        bool clean;
        bool admitted;
        bool jailed;
        uint256 jailedUntil;
    }

    struct Trust {
        uint256 trust;
        uint256 correct;
        uint256 offences;
        uint256 participated;
        uint256 lastParticipation;
    }

    /// @notice Maximum nodes per call.
    uint256 public constant MAX_PAGE = 500;

    error PageTooLarge(uint256 length, uint256 max);

    /// @notice The attributes of `nodes` at the end of second `t` (trust also at `windowStart`,
    ///         when it is non-zero) from `election`'s registry and vault.
    function read(
        DelegateElection election,
        address[] calldata nodes,
        uint256 t,
        uint256 windowStart
    ) external view returns (NodeView[] memory views) {
        if (nodes.length > MAX_PAGE) revert PageTooLarge(nodes.length, MAX_PAGE);
        NodeRegistry registry = election.registry();
        StakeVault vault = election.vault();
        views = new NodeView[](nodes.length);
        for (uint256 i = 0; i < nodes.length; ++i) {
            address a = nodes[i];
            NodeView memory v = views[i];
            v.node = registry.nodeOf(a);
            Credit memory c = v.credit;
            (c.quality, c.offencePenalty, c.clean, c.admitted, c.jailed, c.jailedUntil) = registry.creditRecordAt(a, t);
            v.trust = _trust(registry, a, t);
            if (windowStart != 0) v.trustAtWindowStart = _trust(registry, a, windowStart);
            (v.votes, v.totalVotes, v.weightedVotes, v.lastVote) = election.votesAt(a, t);
            v.deposit = vault.bondedAt(a, t);
        }
    }

    function _trust(NodeRegistry registry, address a, uint256 t) private view returns (Trust memory r) {
        (r.trust, r.correct, r.offences, r.participated, r.lastParticipation) = registry.trustRecordAt(a, t);
    }
}
