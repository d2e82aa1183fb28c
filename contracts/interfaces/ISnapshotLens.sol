// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystemErrors} from "./ISystemErrors.sol";
import {INodeRegistry} from "./INodeRegistry.sol";
import {IDelegateElection} from "./IDelegateElection.sol";

/// @title ISnapshotLens
/// @notice Read-only batch reader for keepers (SPEC.md section 7): everything the off-chain scorer
///         needs about a page of nodes at a snapshot, in one `eth_call` instead of five per node.
interface ISnapshotLens is ISystemErrors {
    /// @notice Every attribute a score reads, for one node.
    struct NodeView {
        INodeRegistry.Node node;
        Credit credit;
        Trust trust; // at the snapshot
        Trust trustAtWindowStart; // at the start of the recent window (paper 2 eqs. 5–6)
        uint256 votes;
        uint256 totalVotes;
        uint256 weightedVotes;
        uint256 lastVote;
        uint256 deposit;
    }

    /// @notice The credit record of a node (paper 1), unpacked.
    struct Credit {
        uint256 quality;
        uint256 offencePenalty;
        bool clean;
        bool admitted;
        bool jailed;
        uint256 jailedUntil;
    }

    /// @notice The trust record of a node (paper 2), unpacked.
    struct Trust {
        uint256 trust;
        uint256 correct;
        uint256 offences;
        uint256 participated;
        uint256 lastParticipation;
    }

    /// @notice Maximum nodes per call.
    function MAX_PAGE() external view returns (uint256);

    /// @notice The attributes of `nodes` at the end of second `t` (trust also at `windowStart`,
    ///         when it is non-zero) from `election`'s registry and vault; at most {MAX_PAGE} nodes
    ///         (`OutOfRange("nodes", …)` otherwise).
    function read(
        IDelegateElection election,
        address[] calldata nodes,
        uint256 t,
        uint256 windowStart
    ) external view returns (NodeView[] memory views);
}
