// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISnapshotLens} from "../interfaces/ISnapshotLens.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IStakeVault} from "../interfaces/IStakeVault.sol";
import {IDelegateElection} from "../interfaces/IDelegateElection.sol";

/// @title SnapshotLens
/// @notice Read-only batch reader for keepers (SPEC.md section 7): everything the off-chain scorer
///         needs about a page of nodes at a snapshot, in one `eth_call` instead of five per node.
///         It holds no state and no roles; pages keep each call bounded.
contract SnapshotLens is ISnapshotLens {
    /// @inheritdoc ISnapshotLens
    uint256 public constant MAX_PAGE = 500;

    /// @inheritdoc ISnapshotLens
    function read(
        IDelegateElection election,
        address[] calldata nodes,
        uint256 t,
        uint256 windowStart
    ) external view returns (NodeView[] memory views) {
        if (nodes.length > MAX_PAGE) revert OutOfRange("nodes", nodes.length, 0, MAX_PAGE);
        INodeRegistry registry = election.registry();
        IStakeVault vault = election.vault();
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

    function _trust(INodeRegistry registry, address a, uint256 t) private view returns (Trust memory r) {
        (r.trust, r.correct, r.offences, r.participated, r.lastParticipation) = registry.trustRecordAt(a, t);
    }
}
