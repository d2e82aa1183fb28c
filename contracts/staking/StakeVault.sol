// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IStakeVault, IDepositObserver, IUnbondingFloor, IMinimumDeposit} from "../interfaces/IStakeVault.sol";
import {RewardRole} from "../interfaces/IStakeVault.sol";

/// @title StakeVault
/// @notice The one contract that holds tokens (SPEC.md section 6): node deposits with unbonding,
///         keeper bonds, the reward pool fed by participation fees, slashes and benefactors, and
///         rewards that are accrued by the system contracts and claimed by their owners (pull,
///         never push).
/// @dev Conservation: `token.balanceOf(this) == accountedBalance()` at all times, where the
///      accounted balance is bonded + unbonding deposits + keeper bonds (bonded and unbonding)
///      + pool + unclaimed rewards. Bonded deposits are checkpointed by timestamp so a score can
///      read the deposit at any past snapshot in O(log n).
///      The pool is three role pools (paper 1 2.2.1 rule 5, SPEC.md section 6): every token that
///      comes in (fee, slash, funding) is split at once by the basis points fixed at deployment,
///      attesters' and keepers' parts rounded down and the producers' part the rest, so the three
///      parts add up to the inflow to the wei. An accrual for a role is paid only from that role's
///      pool and never more than it holds: no role is ever paid more than its share of what came in,
///      whatever the others do.
contract StakeVault is IStakeVault, AccessControl, Pausable, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    // ------------------------------------------------------------------ roles
    /// @notice System contracts (registry, election, ledger): fees, rewards, slashes, bond seizures.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant PARAMETER_ADMIN_ROLE = keccak256("PARAMETER_ADMIN_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice Bounds of the unbonding period; it must outlast every evidence and challenge window.
    uint256 public constant MIN_UNBONDING_PERIOD = 1 hours;
    uint256 public constant MAX_UNBONDING_PERIOD = 365 days;

    // ------------------------------------------------------------------ storage
    struct Unbonding {
        uint128 amount;
        uint48 releaseAt;
    }

    /// @notice How every inflow of the pool is shared among the roles, in basis points (sum 10,000).
    struct PoolShares {
        uint256 producers;
        uint256 attesters;
        uint256 keepers;
    }

    uint256 internal constant BPS = 10_000;
    /// @inheritdoc IStakeVault
    uint256 public immutable producerShareBps;
    /// @inheritdoc IStakeVault
    uint256 public immutable attesterShareBps;
    /// @inheritdoc IStakeVault
    uint256 public immutable keeperShareBps;

    /// @inheritdoc IStakeVault
    IERC20 public immutable token;
    /// @inheritdoc IStakeVault
    IDepositObserver public depositObserver;
    /// @inheritdoc IStakeVault
    uint256 public unbondingPeriod;
    /// @inheritdoc IStakeVault
    IMinimumDeposit public depositRule;
    uint256 public constant MAX_UNBONDING_FLOORS = 8;
    IUnbondingFloor[] private _unbondingFloors;

    mapping(address node => Checkpoints.Trace208) private _bonded;
    /// @inheritdoc IStakeVault
    mapping(address node => Unbonding) public unbonding;
    /// @inheritdoc IStakeVault
    mapping(address keeper => uint256) public keeperBond;
    /// @inheritdoc IStakeVault
    mapping(address keeper => Unbonding) public keeperUnbonding;
    /// @inheritdoc IStakeVault
    mapping(address account => uint256) public rewards;

    /// @dev The role pools, what came in and is not yet accrued to anyone, and the accrued rewards
    ///      not yet claimed. Producers and attesters share a slot (a block pays both), keepers share
    ///      one with the unclaimed total (a finalization writes one slot); 2^128 − 1 base units is
    ///      ample for any token.
    struct Pools {
        uint128 producers;
        uint128 attesters;
        uint128 keepers;
        uint128 unclaimed;
    }
    Pools private _pools;
    /// @inheritdoc IStakeVault
    uint256 public totalBonded;
    /// @inheritdoc IStakeVault
    uint256 public totalUnbonding;
    /// @inheritdoc IStakeVault
    uint256 public totalKeeperBonds;

    /// @param shares How every inflow of the pool is shared among producers, attesters and keepers
    ///        (basis points adding up to 10,000), fixed for the vault's life.
    constructor(IERC20 token_, address admin, uint256 unbondingPeriod_, PoolShares memory shares) {
        if (address(token_) == address(0)) revert ZeroAddress("token");
        if (admin == address(0)) revert ZeroAddress("admin");
        // each at most 10,000, so the sum cannot overflow
        if (
            shares.producers > BPS ||
            shares.attesters > BPS ||
            shares.keepers > BPS ||
            shares.producers + shares.attesters + shares.keepers != BPS
        ) revert PoolSharesNotWhole(shares.producers, shares.attesters, shares.keepers);
        token = token_;
        (producerShareBps, attesterShareBps, keeperShareBps) = (shares.producers, shares.attesters, shares.keepers);
        emit PoolSharesSet(shares.producers, shares.attesters, shares.keepers);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setUnbondingPeriod(unbondingPeriod_);
    }

    // ------------------------------------------------------------------ node deposits
    /// @inheritdoc IStakeVault
    function deposit(uint256 amount) external whenNotPaused nonReentrant {
        _pull(msg.sender, amount);
        uint256 previous = _bonded[msg.sender].latest();
        uint256 current = previous + amount;
        _bonded[msg.sender].push(_now(), SafeCast.toUint208(current));
        totalBonded += amount;
        emit Deposited(msg.sender, amount, current);
        _notify(msg.sender, previous, current);
    }

    /// @inheritdoc IStakeVault
    function requestWithdrawal(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 previous = _bonded[msg.sender].latest();
        if (amount > previous) revert InsufficientBonded(msg.sender, previous, amount);
        uint256 current = previous - amount;
        if (current != 0) {
            uint256 minimum = minRemainder();
            if (current < minimum) revert RemainderBelowMinimum(msg.sender, current, minimum);
        }
        _bonded[msg.sender].push(_now(), SafeCast.toUint208(current));
        totalBonded -= amount;
        totalUnbonding += amount;
        (uint256 pending, uint256 releaseAt) = _startUnbonding(unbonding[msg.sender], amount);
        emit WithdrawalRequested(msg.sender, amount, pending, releaseAt);
        _notify(msg.sender, previous, current);
    }

    /// @inheritdoc IStakeVault
    function withdraw() external nonReentrant {
        uint256 amount = _releaseUnbonded(unbonding);
        totalUnbonding -= amount;
        emit Withdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ keeper bonds
    /// @inheritdoc IStakeVault
    function bondKeeper(uint256 amount) external whenNotPaused nonReentrant {
        _pull(msg.sender, amount);
        keeperBond[msg.sender] += amount;
        totalKeeperBonds += amount;
        emit KeeperBonded(msg.sender, amount, keeperBond[msg.sender]);
    }

    /// @inheritdoc IStakeVault
    function requestKeeperUnbond(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 bond = keeperBond[msg.sender];
        if (amount > bond) revert InsufficientBonded(msg.sender, bond, amount);
        keeperBond[msg.sender] = bond - amount;
        (uint256 pending, uint256 releaseAt) = _startUnbonding(keeperUnbonding[msg.sender], amount);
        emit KeeperUnbondRequested(msg.sender, amount, pending, releaseAt);
    }

    /// @inheritdoc IStakeVault
    function withdrawKeeperBond() external nonReentrant {
        uint256 amount = _releaseUnbonded(keeperUnbonding);
        totalKeeperBonds -= amount;
        emit KeeperBondWithdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ pool and rewards
    /// @inheritdoc IStakeVault
    function fundPool(uint256 amount) external nonReentrant {
        _pull(msg.sender, amount);
        _share(amount);
        emit PoolFunded(msg.sender, amount, pool());
    }

    /// @inheritdoc IStakeVault
    function collectFee(address payer, uint256 amount) external onlyRole(OPERATOR_ROLE) whenNotPaused nonReentrant {
        if (amount == 0) return;
        _pull(payer, amount);
        _share(amount);
        emit FeeCollected(payer, amount, pool());
    }

    /// @inheritdoc IStakeVault
    function accrueReward(
        RewardRole role,
        address account,
        uint256 amount
    ) external onlyRole(OPERATOR_ROLE) returns (uint256 paid) {
        uint256 available = _poolOf(role);
        paid = amount < available ? amount : available;
        if (paid == 0) return 0;
        _setPool(role, available - paid);
        _pools.unclaimed = SafeCast.toUint128(_pools.unclaimed + paid);
        rewards[account] += paid;
        emit RewardAccrued(account, role, paid, available - paid);
    }

    /// @inheritdoc IStakeVault
    function accrueRewardEach(
        RewardRole role,
        address[] calldata accounts,
        uint256 amountEach
    ) external onlyRole(OPERATOR_ROLE) returns (uint256 paidEach) {
        uint256 n = accounts.length;
        if (n == 0) return 0;
        uint256 left = _poolOf(role);
        uint256 equalShare = left / n;
        paidEach = amountEach < equalShare ? amountEach : equalShare;
        if (paidEach == 0) return 0;
        _setPool(role, left - paidEach * n); // paidEach · n ≤ left
        _pools.unclaimed = SafeCast.toUint128(_pools.unclaimed + paidEach * n);
        for (uint256 i = 0; i < n; ++i) {
            rewards[accounts[i]] += paidEach;
            left -= paidEach;
            emit RewardAccrued(accounts[i], role, paidEach, left);
        }
    }

    /// @inheritdoc IStakeVault
    function claim() external nonReentrant returns (uint256 amount) {
        amount = rewards[msg.sender];
        if (amount == 0) revert NothingToClaim(msg.sender);
        rewards[msg.sender] = 0;
        _pools.unclaimed -= uint128(amount); // one account's rewards never exceed the total
        emit RewardClaimed(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ slashing
    /// @inheritdoc IStakeVault
    function slash(
        address node,
        uint256 amount,
        address reporter,
        uint256 reporterShareWad
    ) external onlyRole(OPERATOR_ROLE) returns (uint256 slashed) {
        uint256 previous = _bonded[node].latest();
        uint256 fromBonded = amount < previous ? amount : previous;
        if (fromBonded != 0) {
            _bonded[node].push(_now(), SafeCast.toUint208(previous - fromBonded));
            totalBonded -= fromBonded;
        }
        uint256 fromUnbonding = amount - fromBonded;
        Unbonding storage u = unbonding[node];
        if (fromUnbonding > u.amount) fromUnbonding = u.amount;
        if (fromUnbonding != 0) {
            u.amount -= uint128(fromUnbonding);
            totalUnbonding -= fromUnbonding;
        }
        slashed = fromBonded + fromUnbonding;
        uint256 share = (slashed * reporterShareWad) / 1e18;
        if (share != 0) rewards[reporter] += share;
        _pools.unclaimed = SafeCast.toUint128(_pools.unclaimed + share);
        _share(slashed - share);
        emit Slashed(node, slashed, reporter, share);
        if (fromBonded != 0) _notify(node, previous, previous - fromBonded);
    }

    /// @inheritdoc IStakeVault
    function seizeKeeperBond(
        address keeper,
        uint256 amount,
        address beneficiary
    ) external onlyRole(OPERATOR_ROLE) returns (uint256 seized) {
        uint256 bond = keeperBond[keeper];
        uint256 fromBond = amount < bond ? amount : bond;
        keeperBond[keeper] = bond - fromBond;
        uint256 fromUnbonding = amount - fromBond;
        Unbonding storage u = keeperUnbonding[keeper];
        if (fromUnbonding > u.amount) fromUnbonding = u.amount;
        u.amount -= uint128(fromUnbonding);
        seized = fromBond + fromUnbonding;
        totalKeeperBonds -= seized;
        rewards[beneficiary] += seized;
        _pools.unclaimed = SafeCast.toUint128(_pools.unclaimed + seized);
        emit KeeperBondSeized(keeper, seized, beneficiary);
    }

    // ------------------------------------------------------------------ parameters
    /// @inheritdoc IStakeVault
    function setUnbondingPeriod(uint256 value) external onlyRole(PARAMETER_ADMIN_ROLE) {
        _setUnbondingPeriod(value);
    }

    /// @inheritdoc IStakeVault
    function addUnbondingFloor(IUnbondingFloor floor) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(floor) == address(0)) revert ZeroAddress("floor");
        if (_unbondingFloors.length == MAX_UNBONDING_FLOORS) {
            revert OutOfRange("unbondingFloors", MAX_UNBONDING_FLOORS + 1, 0, MAX_UNBONDING_FLOORS);
        }
        uint256 minimum = floor.minUnbondingPeriod();
        if (unbondingPeriod < minimum) revert UnbondingBelowFloor(unbondingPeriod, address(floor), minimum);
        _unbondingFloors.push(floor);
        emit UnbondingFloorAdded(address(floor));
    }

    /// @inheritdoc IStakeVault
    function setDepositRule(IMinimumDeposit rule) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(depositRule) != address(0)) revert DepositRuleAlreadySet(address(depositRule));
        if (address(rule) == address(0)) revert ZeroAddress("rule");
        depositRule = rule;
        emit DepositRuleSet(address(rule));
    }

    /// @inheritdoc IStakeVault
    function setDepositObserver(IDepositObserver observer) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(depositObserver) != address(0)) revert ObserverAlreadySet(address(depositObserver));
        if (address(observer) == address(0)) revert ZeroAddress("observer");
        depositObserver = observer;
        emit DepositObserverSet(address(observer));
    }

    /// @inheritdoc IStakeVault
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IStakeVault
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ views
    /// @inheritdoc IStakeVault
    function minRemainder() public view returns (uint256) {
        IMinimumDeposit rule = depositRule;
        return address(rule) == address(0) ? 0 : rule.minDeposit();
    }

    /// @inheritdoc IStakeVault
    function unbondingFloors() external view returns (IUnbondingFloor[] memory) {
        return _unbondingFloors;
    }

    /// @inheritdoc IStakeVault
    function bonded(address node) external view returns (uint256) {
        return _bonded[node].latest();
    }

    /// @inheritdoc IStakeVault
    function bondedAt(address node, uint256 timepoint) external view returns (uint256) {
        return _bonded[node].upperLookupRecent(SafeCast.toUint48(timepoint));
    }

    /// @inheritdoc IStakeVault
    function pool() public view returns (uint256) {
        Pools memory p = _pools;
        return uint256(p.producers) + p.attesters + p.keepers;
    }

    /// @inheritdoc IStakeVault
    function rewardPools() external view returns (uint256 producers, uint256 attesters, uint256 keepers) {
        Pools memory p = _pools;
        return (p.producers, p.attesters, p.keepers);
    }

    /// @inheritdoc IStakeVault
    function totalRewards() public view returns (uint256) {
        return _pools.unclaimed;
    }

    /// @inheritdoc IStakeVault
    function accountedBalance() external view returns (uint256) {
        return totalBonded + totalUnbonding + totalKeeperBonds + pool() + totalRewards();
    }

    // ------------------------------------------------------------------ internals
    function _pull(address from, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        uint256 allowance = token.allowance(from, address(this));
        if (allowance < amount) revert InsufficientAllowance(from, allowance, amount);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        // Fee-on-transfer or rebasing tokens would break conservation: refuse them.
        if (received != amount) revert TokenTransferMismatch(amount, received);
    }

    /// @dev Adds `amount` to a pending unbonding and restarts its period; returns the new state.
    function _startUnbonding(Unbonding storage u, uint256 amount) private returns (uint256, uint256) {
        u.amount += SafeCast.toUint128(amount);
        u.releaseAt = SafeCast.toUint48(block.timestamp + unbondingPeriod);
        return (u.amount, u.releaseAt);
    }

    /// @dev Clears the caller's finished unbonding in `book` and returns its amount.
    function _releaseUnbonded(mapping(address => Unbonding) storage book) private returns (uint256 amount) {
        Unbonding memory u = book[msg.sender];
        if (u.amount == 0) revert NothingUnbonding(msg.sender);
        if (block.timestamp < u.releaseAt) revert UnbondingNotFinished(msg.sender, u.releaseAt, block.timestamp);
        delete book[msg.sender];
        return u.amount;
    }

    /// @dev Splits an inflow among the role pools by the deployment's shares: attesters' and
    ///      keepers' parts round down, producers take the rest, so the parts add up to `amount`.
    function _share(uint256 amount) private {
        if (amount == 0) return;
        uint256 toAttesters = (amount * attesterShareBps) / BPS;
        uint256 toKeepers = (amount * keeperShareBps) / BPS;
        uint256 toProducers = amount - toAttesters - toKeepers; // shares sum to 10,000: never negative
        Pools storage p = _pools;
        (p.producers, p.attesters) = (
            SafeCast.toUint128(p.producers + toProducers),
            SafeCast.toUint128(p.attesters + toAttesters)
        );
        p.keepers = SafeCast.toUint128(p.keepers + toKeepers);
        emit PoolShared(amount, toProducers, toAttesters, toKeepers);
    }

    function _poolOf(RewardRole role) private view returns (uint256) {
        if (role == RewardRole.Producer) return _pools.producers;
        if (role == RewardRole.Attester) return _pools.attesters;
        return _pools.keepers;
    }

    /// @dev `value` never exceeds the pool it replaces, so it fits in 128 bits.
    function _setPool(RewardRole role, uint256 value) private {
        if (role == RewardRole.Producer) _pools.producers = uint128(value);
        else if (role == RewardRole.Attester) _pools.attesters = uint128(value);
        else _pools.keepers = uint128(value);
    }

    function _notify(address node, uint256 previous, uint256 current) private {
        IDepositObserver observer = depositObserver;
        if (address(observer) != address(0)) observer.onDepositChanged(node, previous, current);
    }

    function _setUnbondingPeriod(uint256 value) private {
        if (value < MIN_UNBONDING_PERIOD || value > MAX_UNBONDING_PERIOD) {
            revert OutOfRange("unbondingPeriod", value, MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD);
        }
        for (uint256 i = 0; i < _unbondingFloors.length; ++i) {
            uint256 minimum = _unbondingFloors[i].minUnbondingPeriod();
            if (value < minimum) revert UnbondingBelowFloor(value, address(_unbondingFloors[i]), minimum);
        }
        unbondingPeriod = value;
        emit UnbondingPeriodSet(value);
    }

    function _now() private view returns (uint48) {
        return SafeCast.toUint48(block.timestamp);
    }
}
