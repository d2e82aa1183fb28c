// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ISystemErrors} from "./ISystemErrors.sol";

/// @notice Told when a node's bonded deposit changes (the election keeps deposit-weighted tallies).
interface IDepositObserver {
    /// @notice The bonded deposit of `node` went from `previous` to `current` (vault only).
    function onDepositChanged(address node, uint256 previous, uint256 current) external;
}

/// @notice A system contract whose window the unbonding period must outlast (the ledger's evidence
///         window, the election's challenge window).
interface IUnbondingFloor {
    /// @notice The shortest unbonding period the vault may have.
    function minUnbondingPeriod() external view returns (uint256);
}

/// @notice Where the least bonded deposit of a candidate is set (the registry's scoring parameters).
interface IMinimumDeposit {
    /// @notice The least bonded deposit of an eligible candidate now.
    function minDeposit() external view returns (uint256);
}

/// @notice Who does the work the reward pool pays for (paper 1 2.2.1 rule 5: "the trading platform
///         builds a prize pool; delegate nodes that complete their work receive part of the reward").
enum RewardRole {
    Producer, // commits a block in its slot (BlockLedger)
    Attester, // signs another delegate's block (BlockLedger)
    Keeper // has its submitted election finalized (DelegateElection)
}

/// @title IStakeVault
/// @notice The one contract that holds tokens (SPEC.md section 6): node deposits with unbonding,
///         keeper bonds, the reward pool fed by participation fees, slashes and benefactors and
///         shared by role, and rewards that are accrued by the system contracts and claimed by
///         their owners (pull, never push).
/// @dev Conservation: `token.balanceOf(vault) == accountedBalance()` at all times.
interface IStakeVault is ISystemErrors {
    // ------------------------------------------------------------------ errors
    error ZeroAmount();
    error InsufficientAllowance(address owner, uint256 allowance, uint256 needed);
    error InsufficientBonded(address account, uint256 bonded, uint256 needed);
    error RemainderBelowMinimum(address account, uint256 remainder, uint256 minimum);
    error NothingUnbonding(address account);
    error UnbondingNotFinished(address account, uint256 releaseAt, uint256 now_);
    error NothingToClaim(address account);
    error TokenTransferMismatch(uint256 expected, uint256 received);
    /// @notice `value` would let funds leave before `floor`'s window closes (it needs `minimum`).
    error UnbondingBelowFloor(uint256 value, address floor, uint256 minimum);
    error ObserverAlreadySet(address observer);
    error DepositRuleAlreadySet(address rule);
    /// @notice The pool shares must add up to 10,000 basis points.
    error PoolSharesNotWhole(uint256 producers, uint256 attesters, uint256 keepers);

    // ------------------------------------------------------------------ events
    event Deposited(address indexed node, uint256 amount, uint256 bonded);
    event WithdrawalRequested(address indexed node, uint256 amount, uint256 unbonding, uint256 releaseAt);
    event Withdrawn(address indexed node, uint256 amount);
    event KeeperBonded(address indexed keeper, uint256 amount, uint256 bond);
    event KeeperUnbondRequested(address indexed keeper, uint256 amount, uint256 unbonding, uint256 releaseAt);
    event KeeperBondWithdrawn(address indexed keeper, uint256 amount);
    event FeeCollected(address indexed payer, uint256 amount, uint256 pool);
    event PoolFunded(address indexed funder, uint256 amount, uint256 pool);
    /// @notice An inflow of `amount` split among the role pools (its three parts add up to it).
    event PoolShared(uint256 amount, uint256 toProducers, uint256 toAttesters, uint256 toKeepers);
    /// @dev `rolePool` is what is left in `role`'s pool after this accrual.
    event RewardAccrued(address indexed account, RewardRole indexed role, uint256 amount, uint256 rolePool);
    event RewardClaimed(address indexed account, uint256 amount);
    event Slashed(address indexed node, uint256 amount, address indexed reporter, uint256 reporterShare);
    event KeeperBondSeized(address indexed keeper, uint256 amount, address indexed beneficiary);
    event UnbondingPeriodSet(uint256 value);
    event UnbondingFloorAdded(address floor);
    event DepositRuleSet(address rule);
    event DepositObserverSet(address observer);
    event PoolSharesSet(uint256 producers, uint256 attesters, uint256 keepers);

    // ------------------------------------------------------------------ functions

    /// @notice Bond `amount` tokens as the caller's deposit (first deposit or top-up).
    /// @dev Needs an ERC-20 allowance of at least `amount` to this contract.
    function deposit(uint256 amount) external;

    /// @notice Start unbonding `amount` of the caller's deposit; it stays slashable until withdrawn.
    /// @dev Either keep at least {minRemainder} bonded or withdraw everything. A second request
    ///      adds to the first and restarts the unbonding period.
    function requestWithdrawal(uint256 amount) external;

    /// @notice Withdraw the caller's unbonded deposit once the unbonding period is over. Works while paused.
    function withdraw() external;

    /// @notice Bond `amount` tokens as the caller's keeper bond.
    function bondKeeper(uint256 amount) external;

    /// @notice Start unbonding `amount` of the caller's keeper bond; it stays seizable until withdrawn.
    function requestKeeperUnbond(uint256 amount) external;

    /// @notice Withdraw the caller's unbonded keeper bond after the unbonding period. Works while paused.
    function withdrawKeeperBond() external;

    /// @notice Anyone may add tokens to the reward pool (a benefactor: a platform bootstrapping
    ///         rewards); they are shared among the roles like every inflow ({PoolShared}).
    function fundPool(uint256 amount) external;

    /// @notice Collect a participation fee from `payer` into the pool (paper 1 2.2.1 rule 5: nodes
    ///         that trade pay the platform, which builds the prize pool), shared among the roles.
    /// @dev Operator only; `payer` must have approved this contract.
    function collectFee(address payer, uint256 amount) external;

    /// @notice Accrue up to `amount` from `role`'s pool to `account` (paper 1 2.2.1 rule 5: a
    ///         delegate that completed its work gets part of the prize pool); returns what was accrued.
    /// @dev Never pays more than `role`'s pool holds: a short pool pays what it has, zero when empty.
    function accrueReward(RewardRole role, address account, uint256 amount) external returns (uint256 paid);

    /// @notice Accrue to each of `accounts` the same amount from `role`'s pool: `amountEach`, or an
    ///         equal share of the pool when it holds less (rounded down; the rest stays in it), so
    ///         the order of `accounts` favours nobody. Returns what each was accrued.
    /// @dev Bounded by the caller's list (the ledger's attesters, at most K + standbys).
    function accrueRewardEach(
        RewardRole role,
        address[] calldata accounts,
        uint256 amountEach
    ) external returns (uint256 paidEach);

    /// @notice Transfer the caller's accrued rewards to it. Works while paused.
    function claim() external returns (uint256 amount);

    /// @notice Slash up to `amount` of `node`'s deposit, bonded first, then unbonding; a share
    ///         `reporterShareWad` (1e18 = all) goes to `reporter` as a claimable reward, the rest to the pool.
    /// @return slashed The amount actually taken (less if the node holds less).
    function slash(
        address node,
        uint256 amount,
        address reporter,
        uint256 reporterShareWad
    ) external returns (uint256 slashed);

    /// @notice Move up to `amount` of `keeper`'s bond (bonded, then unbonding) to `beneficiary`'s rewards.
    /// @return seized The amount actually moved.
    function seizeKeeperBond(address keeper, uint256 amount, address beneficiary) external returns (uint256 seized);

    /// @notice Set the unbonding period, within [1 hour, 365 days] and at least every floor's
    ///         {IUnbondingFloor.minUnbondingPeriod} (evidence and challenge windows).
    function setUnbondingPeriod(uint256 value) external;

    /// @notice Name a contract whose window the unbonding period must always outlast (admin; at
    ///         most {MAX_UNBONDING_FLOORS}). Checked now and on every later {setUnbondingPeriod};
    ///         the floor checks the other direction on its own setters.
    function addUnbondingFloor(IUnbondingFloor floor) external;

    /// @notice Name the contract whose minimum deposit is the least remainder of a partial
    ///         withdrawal, once (admin; the registry).
    function setDepositRule(IMinimumDeposit rule) external;

    /// @notice Name the deposit observer once (the election contract).
    function setDepositObserver(IDepositObserver observer) external;

    /// @notice Stop deposits, bonds and fee collection; withdrawals and claims still work.
    function pause() external;

    /// @notice Resume after {pause}.
    function unpause() external;

    /// @notice The least a partial withdrawal must leave bonded: the registry's minDeposit now
    ///         (zero before the registry is named).
    function minRemainder() external view returns (uint256);

    /// @notice The contracts whose windows the unbonding period must outlast.
    function unbondingFloors() external view returns (IUnbondingFloor[] memory);

    /// @notice Bonded deposit of `node` now.
    function bonded(address node) external view returns (uint256);

    /// @notice Bonded deposit of `node` as it was at the end of second `timepoint`.
    function bondedAt(address node, uint256 timepoint) external view returns (uint256);

    /// @notice The reward pool: what came in (fees, slashes, funding) and is not yet accrued, all roles.
    function pool() external view returns (uint256);

    /// @notice What each role may still be paid: its share of every inflow less what it was accrued.
    function rewardPools() external view returns (uint256 producers, uint256 attesters, uint256 keepers);

    /// @notice Accrued rewards not yet claimed, all accounts together.
    function totalRewards() external view returns (uint256);

    /// @notice What the vault owes: must equal its token balance (SPEC.md section 6).
    function accountedBalance() external view returns (uint256);

    /// @notice The stake and fee token, fixed at deployment.
    function token() external view returns (IERC20);

    /// @notice Told of every change of a bonded deposit (the election contract).
    function depositObserver() external view returns (IDepositObserver);

    /// @notice Seconds between a withdrawal request and the withdrawal.
    function unbondingPeriod() external view returns (uint256);

    /// @notice Where a partial withdrawal's least remainder comes from: the registry's minDeposit.
    function depositRule() external view returns (IMinimumDeposit);

    /// @notice The pending unbonding of node `node`: its amount and when it may be withdrawn.
    function unbonding(address node) external view returns (uint128 amount, uint48 releaseAt);

    /// @notice The bonded keeper bond of `keeper`.
    function keeperBond(address keeper) external view returns (uint256);

    /// @notice The pending keeper-bond unbonding of `keeper`.
    function keeperUnbonding(address keeper) external view returns (uint128 amount, uint48 releaseAt);

    /// @notice Accrued, unclaimed rewards of `account`.
    function rewards(address account) external view returns (uint256);

    /// @notice Bonded deposits, all nodes together.
    function totalBonded() external view returns (uint256);

    /// @notice Unbonding deposits, all nodes together.
    function totalUnbonding() external view returns (uint256);

    /// @notice Keeper bonds, bonded and unbonding, all keepers together.
    function totalKeeperBonds() external view returns (uint256);

    /// @notice The producers' share of every inflow of the pool, in basis points (they also take
    ///         the rounding remainder).
    function producerShareBps() external view returns (uint256);

    /// @notice The attesters' share of every inflow of the pool, in basis points.
    function attesterShareBps() external view returns (uint256);

    /// @notice The keepers' share of every inflow of the pool, in basis points.
    function keeperShareBps() external view returns (uint256);
}
