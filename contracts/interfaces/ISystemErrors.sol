// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ISystemErrors
/// @notice The errors every contract of the system shares, declared once: one shape per meaning,
///         so a caller (or `describeError` off the chain) reads the same words from any contract.
/// @dev Every bounded number that is refused says which argument or parameter it was, the value,
///      and the closed range it had to be in; every refused position says its index and the
///      length it had to stay below. Each contract's interface extends this one.
interface ISystemErrors {
    /// @notice `value` of `field` is outside the closed range [`min`, `max`] (a parameter, a
    ///         configuration value, an amount, a length or an epoch).
    error OutOfRange(string field, uint256 value, uint256 min, uint256 max);
    /// @notice Position `index` of `field` is not below `length` (an index into a list, a slot
    ///         of an epoch).
    error IndexOutOfRange(string field, uint256 index, uint256 length);
    /// @notice `field` may not be the zero address.
    error ZeroAddress(string field);
    /// @notice `node` is not admitted now (the registry's `nodeOf(node).status` says what it is).
    error NotAdmitted(address node);
    /// @notice `node` is not jailed now.
    error NotJailed(address node);
    /// @notice `epoch` has not begun: the current epoch is `currentEpoch`.
    error EpochNotStarted(uint256 epoch, uint256 currentEpoch);
}

/// @dev Reverts with {ISystemErrors.OutOfRange}. Calling this instead of `revert OutOfRange(...)` shares
///      one ABI encoder among all field names (solc emits one per string literal): bytecode, not gas.
function revertOutOfRange(string memory field, uint256 value, uint256 min, uint256 max) pure {
    revert ISystemErrors.OutOfRange(field, value, min, max);
}

/// @dev Reverts with {ISystemErrors.IndexOutOfRange}; shares one encoder, as {revertOutOfRange}.
function revertIndexOutOfRange(string memory field, uint256 index, uint256 length) pure {
    revert ISystemErrors.IndexOutOfRange(field, index, length);
}
