// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestToken} from "./TestToken.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IStakeVault} from "../interfaces/IStakeVault.sol";
import {IDelegateElection} from "../interfaces/IDelegateElection.sol";

/// @title BenchNode
/// @notice Benchmarks only (experiments/keeper/): a node that is a contract, so that thousands of
///         them join in one transaction. Its creator acts for it.
contract BenchNode {
    error OnlyCreator(address caller);

    address private immutable _creator;
    IDelegateElection private immutable _election;
    IStakeVault private immutable _vault;
    TestToken private immutable _token;

    constructor(TestToken token, INodeRegistry registry, IDelegateElection election, uint256 capacity) {
        _creator = msg.sender;
        _election = election;
        _vault = election.vault();
        _token = token;
        token.approve(address(_vault), type(uint256).max);
        registry.register(1, capacity, "");
    }

    /// @notice Bond `amount` more, minted here first.
    function deposit(uint256 amount) external {
        if (msg.sender != _creator) revert OnlyCreator(msg.sender);
        _token.mint(address(this), amount);
        _vault.deposit(amount);
    }

    /// @notice Vote as this node.
    function vote(address[] calldata candidates, uint256[] calldata amounts) external {
        if (msg.sender != _creator) revert OnlyCreator(msg.sender);
        _election.vote(candidates, amounts);
    }
}

/// @title BenchPopulation
/// @notice Benchmarks only: grows a population of {BenchNode}s that register, are admitted (this
///         contract holds the supervisor role) and bond, `count` a call. Every log is the one a
///         node acting by itself would cause, so an indexer reads the same as from real nodes.
contract BenchPopulation {
    TestToken public immutable token;
    INodeRegistry public immutable registry;
    IDelegateElection public immutable election;
    BenchNode[] public nodes;

    constructor(TestToken token_, IDelegateElection election_) {
        token = token_;
        election = election_;
        registry = election_.registry();
    }

    /// @notice Add `count` nodes; node i has capacity 1 + (i·7919 mod 100,000) W and bonds 100 + (i mod 900) tokens.
    function grow(uint256 count) external {
        for (uint256 k = 0; k < count; ++k) {
            uint256 i = nodes.length;
            uint256 deposit_ = (100 + (i % 900)) * 1e18;
            BenchNode n = new BenchNode(token, registry, election, 1 + ((i * 7919) % 100_000));
            registry.admit(address(n));
            n.deposit(deposit_);
            nodes.push(n);
        }
    }

    /// @notice Votes `from` to `to` of round `round`: voter k is node (k·7919 + round·104,729) mod
    ///         the population, and gives 3 votes to each of 1 + (k mod 3) nodes 31 apart after it.
    function voteRound(uint256 from, uint256 to, uint256 round) external {
        uint256 size = nodes.length;
        for (uint256 k = from; k < to; ++k) {
            uint256 i = (k * 7919 + round * 104_729) % size;
            uint256 picks = 1 + (k % 3);
            address[] memory c = new address[](picks);
            uint256[] memory a = new uint256[](picks);
            for (uint256 j = 0; j < picks; ++j) (c[j], a[j]) = (address(nodes[(i + (j + 1) * 31) % size]), 3);
            nodes[i].vote(c, a);
        }
    }

    /// @notice Each of `which` bonds `amount` more.
    function deposit(uint256[] calldata which, uint256 amount) external {
        for (uint256 j = 0; j < which.length; ++j) nodes[which[j]].deposit(amount);
    }

    /// @notice How many nodes were grown.
    function count() external view returns (uint256) {
        return nodes.length;
    }
}
