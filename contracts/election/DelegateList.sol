// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SSTORE2} from "solady/src/utils/SSTORE2.sol";

/// @title DelegateList
/// @notice The codec of a submitted delegate list: its keeper and its members written once as
///         SSTORE2 contract code, 20 bytes each, read back with one EXTCODECOPY. A list in code
///         costs ~200 gas a byte to write instead of ~22,100 a storage slot, so a submission's gas
///         follows the list's length, never the number of nodes.
/// @dev Layout of the code at a pointer: `submitter` (20 bytes), then `list[0]`, `list[1]`, … (20
///      bytes each). Tested on its own through `contracts/test/DelegateListHarness.sol`.
library DelegateList {
    /// @notice Writes `submitter` then `list` as SSTORE2 code; returns its pointer.
    function store(address submitter, address[] memory list) internal returns (address pointer) {
        bytes memory packed = new bytes((list.length + 1) * 20);
        for (uint256 i = 0; i <= list.length; ++i) {
            address entry = i == 0 ? submitter : list[i - 1];
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                // 20 bytes of `entry` at offset 20·i; the next write overwrites the 12 spilled bytes
                mstore(add(add(packed, 0x20), mul(i, 20)), shl(96, entry))
            }
        }
        return SSTORE2.write(packed);
    }

    /// @notice The submitter and list written by {store} at `pointer`; both empty for the zero pointer.
    function load(address pointer) internal view returns (address submitter, address[] memory list) {
        if (pointer == address(0)) return (submitter, list);
        bytes memory packed = SSTORE2.read(pointer);
        uint256 n = packed.length / 20 - 1;
        list = new address[](n);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            submitter := shr(96, mload(add(packed, 0x20)))
        }
        for (uint256 i = 0; i < n; ++i) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                mstore(add(add(list, 0x20), shl(5, i)), shr(96, mload(add(add(packed, 0x34), mul(i, 20)))))
            }
        }
    }

    /// @notice The submitter alone: the first 20 bytes of the code at `pointer` (a nonzero pointer).
    function loadSubmitter(address pointer) internal view returns (address who) {
        bytes memory head = SSTORE2.read(pointer, 0, 20);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            who := shr(96, mload(add(head, 0x20)))
        }
    }

    /// @notice `list` without its entry at `index` (< length), shifted in place: the same memory, one shorter.
    function without(address[] memory list, uint256 index) internal pure returns (address[] memory) {
        uint256 n = list.length - 1;
        for (uint256 i = index; i < n; ++i) list[i] = list[i + 1];
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(list, n)
        }
        return list;
    }
}
