// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDelegateElection} from "../interfaces/IDelegateElection.sol";
import {revertIndexOutOfRange} from "../interfaces/ISystemErrors.sol";
import {DelegateList} from "./DelegateList.sol";
import {ElectionBase} from "./ElectionBase.sol";

/// @title DelegateSchedule
/// @notice Which finalized set serves each epoch, who owns each slot, and the hand-over of a jailed
///         delegate's slots to the next standby (SPEC.md section 4, paper 1 2.2.1): slot s of an
///         epoch belongs to delegate s mod K', or to the standby that took its index over.
/// @dev A hand-over takes effect from a slot that has not begun, so the owner of a slot never
///      changes once the slot has started. Every loop runs over the K delegates of one set
///      (K ≤ MAX_DELEGATES), never over nodes.
abstract contract DelegateSchedule is ElectionBase {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice System contracts (the ledger) that hand a jailed delegate's slots over.
    bytes32 public constant SCHEDULER_ROLE = keccak256("SCHEDULER_ROLE");

    struct Handover {
        address node;
        uint32 fromSlot;
    }

    /// @dev Keyed by the epochs whose set was finalized; the value packs that epoch (high 48 bits)
    ///      with the SSTORE2 pointer of its list (low 160 bits, {DelegateList}), so one lookup
    ///      finds the set serving any later epoch. Pushed by the election as it finalizes (inline
    ///      there: a call into a helper here cost finalization 36 gas).
    Checkpoints.Trace208 internal _finalizedEpochs;
    mapping(uint256 epoch => mapping(uint256 index => Handover[])) private _handovers;
    /// @inheritdoc IDelegateElection
    mapping(uint256 epoch => uint256) public standbysUsed;

    /// @inheritdoc IDelegateElection
    function delegatesOf(uint256 epoch) public view returns (address[] memory list, uint256 source, uint256 k) {
        uint208 entry = _finalizedEpochs.upperLookup(SafeCast.toUint48(epoch));
        if (entry == 0) return (list, 0, 0);
        source = entry >> 160;
        (, list) = DelegateList.load(address(uint160(entry)));
        k = list.length < delegateCount ? list.length : delegateCount;
    }

    /// @inheritdoc IDelegateElection
    function slotOwner(uint256 epoch, uint256 slot) public view returns (address) {
        if (slot >= slotsPerEpoch) revertIndexOutOfRange("slot", slot, slotsPerEpoch);
        (address[] memory list, , uint256 k) = delegatesOf(epoch);
        if (k == 0) return address(0);
        uint256 index = slot % k;
        Handover[] storage h = _handovers[epoch][index];
        for (uint256 i = h.length; i > 0; --i) if (h[i - 1].fromSlot <= slot) return h[i - 1].node;
        return list[index];
    }

    /// @inheritdoc IDelegateElection
    function indexOwner(uint256 epoch, uint256 index) external view returns (address node, uint256 fromSlot) {
        (address[] memory list, , ) = delegatesOf(epoch);
        Handover[] storage h = _handovers[epoch][index];
        if (h.length == 0) return (list[index], 0);
        return (h[h.length - 1].node, h[h.length - 1].fromSlot);
    }

    /// @inheritdoc IDelegateElection
    function handOver(address node) external {
        if (!registry.isJailed(node)) revert NotJailed(node);
        if (!_handOverEverywhere(node)) revert NotScheduled(node, currentEpoch());
    }

    /// @inheritdoc IDelegateElection
    function onJailed(address node) external onlyRole(SCHEDULER_ROLE) returns (bool moved) {
        return _handOverEverywhere(node);
    }

    /// @dev Hands the slots of every jailed delegate of the set serving `epoch` over from `fromSlot`.
    ///      Loops over the K delegates only (K ≤ MAX_DELEGATES), never over nodes.
    function _handOverJailed(uint256 epoch, uint256 fromSlot) internal {
        (address[] memory list, , uint256 k) = delegatesOf(epoch);
        for (uint256 i = 0; i < k; ++i) if (registry.isJailed(list[i])) _handOver(epoch, list[i], fromSlot);
    }

    function _handOverEverywhere(address node) private returns (bool moved) {
        uint256 current = currentEpoch();
        moved = _handOver(current, node, _nextSlot());
        if (_isFinalized(current + 1)) moved = _handOver(current + 1, node, 0) || moved;
    }

    function _handOver(uint256 epoch, address node, uint256 fromSlot) private returns (bool) {
        (address[] memory list, , uint256 k) = delegatesOf(epoch);
        for (uint256 i = 0; i < k; ++i) {
            Handover[] storage h = _handovers[epoch][i];
            address owner = h.length == 0 ? list[i] : h[h.length - 1].node;
            if (owner != node) continue;
            address next;
            uint256 used = standbysUsed[epoch];
            while (k + used < list.length) {
                address candidate = list[k + used++];
                if (!registry.isJailed(candidate)) {
                    next = candidate;
                    break;
                }
            }
            standbysUsed[epoch] = used;
            h.push(Handover(next, SafeCast.toUint32(fromSlot)));
            emit SlotsHandedOver(epoch, i, node, next, fromSlot);
            return true;
        }
        return false;
    }

    /// @dev The first slot of the current epoch that has not begun (`slotsPerEpoch` in the last slot).
    function _nextSlot() internal view returns (uint256) {
        (, uint256 slot) = currentSlot();
        return slot + 1;
    }
}
