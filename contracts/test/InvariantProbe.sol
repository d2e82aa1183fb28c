// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStakeVault} from "../interfaces/IStakeVault.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IDelegateElection} from "../interfaces/IDelegateElection.sol";

/// @title InvariantProbe
/// @notice Test helper (never deployed outside tests): everything the system invariants of SPEC.md
///         section 9 read, in one call, so the stateful property tests can check them after every step.
contract InvariantProbe {
    struct State {
        uint256 vaultBalance; // token balance of the vault
        uint256 accounted; // bonded + unbonding + keeper bonds + pool + unclaimed rewards
        uint256[] stakes; // per node: bonded + unbonding
        bool[] jailed; // per node
        uint256[] keeperBonds; // per keeper: bonded + unbonding
        uint256 epoch; // the current epoch
        // who holds each delegate index of the current epoch now, then of the next epoch if its set
        // is finalized: every slot still to come belongs to its index's latest holder (a hand-over
        // always starts at the current slot or later), so none of them may be jailed
        address[] owners;
        uint256[3] rewardPools; // producers', attesters', keepers' pools
        uint256 totalRewards; // accrued, not yet claimed
    }

    /// @notice What the honesty invariant (SPEC.md section 9, invariant 6) reads of each node: the
    ///         credit and trust attributes a punishment changes, so the test can tell that an honest
    ///         node never lost any of them and that each accepted punishment landed exactly once.
    struct Records {
        uint256[] quality; // D (paper 1), moved only by meter readings
        uint256[] offencePenalty; // ΔC− (paper 1), moved only by a proven offence
        bool[] jailed;
        uint256[] trust; // paper 2's trust
        uint256[] offences; // C_F (paper 2), +1 per proven offence
    }

    /// @notice The state the invariants read, for `nodes` and `keepers`.
    function read(
        IStakeVault vault,
        INodeRegistry registry,
        IDelegateElection election,
        address[] calldata nodes,
        address[] calldata keepers
    ) external view returns (State memory s) {
        s.vaultBalance = IERC20(vault.token()).balanceOf(address(vault));
        s.accounted = vault.accountedBalance();
        (s.rewardPools[0], s.rewardPools[1], s.rewardPools[2]) = vault.rewardPools();
        s.totalRewards = vault.totalRewards();
        s.stakes = new uint256[](nodes.length);
        s.jailed = new bool[](nodes.length);
        for (uint256 i = 0; i < nodes.length; ++i) {
            (uint128 unbonding, ) = vault.unbonding(nodes[i]);
            s.stakes[i] = vault.bonded(nodes[i]) + unbonding;
            s.jailed[i] = registry.isJailed(nodes[i]);
        }
        s.keeperBonds = new uint256[](keepers.length);
        for (uint256 i = 0; i < keepers.length; ++i) {
            (uint128 unbonding, ) = vault.keeperUnbonding(keepers[i]);
            s.keeperBonds[i] = vault.keeperBond(keepers[i]) + unbonding;
        }
        s.epoch = election.currentEpoch();
        (, , , , , bool nextFinal, , ) = election.elections(s.epoch + 1);
        (, , uint256 k) = election.delegatesOf(s.epoch);
        (, , uint256 kNext) = nextFinal ? election.delegatesOf(s.epoch + 1) : (new address[](0), 0, 0);
        s.owners = new address[](k + kNext);
        for (uint256 i = 0; i < k; ++i) (s.owners[i], ) = election.indexOwner(s.epoch, i);
        for (uint256 i = 0; i < kNext; ++i) (s.owners[k + i], ) = election.indexOwner(s.epoch + 1, i);
    }

    /// @notice The credit and trust records of `nodes` now, in one call.
    function records(INodeRegistry registry, address[] calldata nodes) external view returns (Records memory r) {
        uint256 n = nodes.length;
        (r.quality, r.offencePenalty, r.jailed, r.trust, r.offences) = (
            new uint256[](n),
            new uint256[](n),
            new bool[](n),
            new uint256[](n),
            new uint256[](n)
        );
        for (uint256 i = 0; i < n; ++i) {
            (r.quality[i], r.offencePenalty[i], , , r.jailed[i], ) = registry.creditRecordAt(nodes[i], block.timestamp);
            (r.trust[i], , r.offences[i], , ) = registry.trustRecordAt(nodes[i], block.timestamp);
        }
    }
}
