// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DelegateList} from "../election/DelegateList.sol";

/// @notice Test-only: exposes the {DelegateList} codec so its layout and edges are tested apart
///         from the election that uses it.
contract DelegateListHarness {
    /// @notice The pointer of the last {store}.
    address public lastPointer;

    /// @notice Writes `submitter` and `list` as SSTORE2 code (see {DelegateList.store}).
    function store(address submitter, address[] calldata list) external returns (address pointer) {
        pointer = DelegateList.store(submitter, list);
        lastPointer = pointer;
    }

    /// @notice {DelegateList.load} of `pointer`.
    function load(address pointer) external view returns (address submitter, address[] memory list) {
        return DelegateList.load(pointer);
    }

    /// @notice {DelegateList.loadSubmitter} of `pointer`.
    function loadSubmitter(address pointer) external view returns (address) {
        return DelegateList.loadSubmitter(pointer);
    }

    /// @notice {DelegateList.without} of `list` and `index`.
    function without(address[] memory list, uint256 index) external pure returns (address[] memory) {
        return DelegateList.without(list, index);
    }
}
