// The system's wiring, written once as data: each contract's constructor arguments and every role
// grant and link between the contracts. deploySystem (ethers) and the Ignition module
// (ignition/modules/) both follow it, so the two deployments cannot drift apart;
// test/deployment/ignition.test.ts reads both back from the chain and compares them.
import type { SystemOptions } from "./deploySystem";

/** The deployed contracts, by the key the address record uses, and their artifact names. */
export const CONTRACT_NAMES = {
  token: "TestToken",
  vault: "StakeVault",
  registry: "NodeRegistry",
  meters: "MeterBook",
  election: "DelegateElection",
  ledger: "BlockLedger",
  lens: "SnapshotLens",
} as const;
export type ContractKey = keyof typeof CONTRACT_NAMES;
/** Whoever a grant or link names: a contract, or the admin (the deploying account). */
export type Party = ContractKey | "admin";

/** The options a deployment fixes on chain (the token is an address, not an option). */
export type DeployOption = Exclude<keyof SystemOptions, "token">;
/** Option values: bigints and structs for deploySystem, Ignition's parameter placeholders for the module. */
export type OptionValues = Record<DeployOption, unknown>;

/**
 * Constructor arguments of each contract, from the options and the addresses it needs. The values
 * are opaque here so that the Ignition module can pass its parameter and future placeholders.
 */
export const constructorArgs = {
  vault: (o: OptionValues, a: { admin: unknown; token: unknown }) => [
    a.token,
    a.admin,
    o.unbondingPeriod,
    { producers: o.producerPoolShareBps, attesters: o.attesterPoolShareBps, keepers: o.keeperPoolShareBps },
  ],
  registry: (o: OptionValues, a: { admin: unknown; vault: unknown }) => [a.admin, a.vault, o.model, o.params, o.genesis, o.epochDuration],
  meters: (o: OptionValues, a: { admin: unknown; registry: unknown; vault: unknown }) => [a.admin, a.registry, a.vault, o.participationFee],
  election: (o: OptionValues, a: { admin: unknown; registry: unknown; vault: unknown }) => [
    a.admin,
    a.registry,
    a.vault,
    {
      rule: o.rule,
      delegateCount: o.delegateCount,
      standbyCount: o.standbyCount,
      slotsPerEpoch: o.slotsPerEpoch,
      votesPerNode: o.votesPerNode,
      challengePeriod: o.challengePeriod,
      keeperMinBond: o.keeperMinBond,
      challengeReward: o.challengeReward,
      keeperReward: o.keeperReward,
    },
  ],
  ledger: (o: OptionValues, a: { admin: unknown; registry: unknown; vault: unknown; election: unknown }) => [
    a.admin,
    a.registry,
    a.vault,
    a.election,
    o.penalties,
    {
      producerReward: o.producerReward,
      attesterReward: o.attesterReward,
      reporterShare: o.reporterShare,
      evidenceWindow: o.evidenceWindow,
    },
  ],
};

/** The role names the contracts define (each is keccak256 of its name, as OpenZeppelin's are). */
export type RoleName =
  "OPERATOR_ROLE" | "RECORDER_ROLE" | "SCHEDULER_ROLE" | "SUPERVISOR_ROLE" | "METER_ORACLE_ROLE" | "PARAMETER_ADMIN_ROLE" | "PAUSER_ROLE";

/** One wiring transaction, sent by the admin: `on.call(role?, to)`. */
export interface WiringStep {
  /** Unique; the Ignition future id. */
  id: string;
  on: ContractKey;
  call: "grantRole" | "setDepositObserver" | "setDepositRule" | "addUnbondingFloor";
  role?: RoleName;
  to: Party;
}

const grant = (on: ContractKey, role: RoleName, to: Party): WiringStep => ({ id: `${on}_${role}_${to}`, on, call: "grantRole", role, to });
const link = (on: ContractKey, call: Exclude<WiringStep["call"], "grantRole">, to: Party): WiringStep => ({
  id: `${on}_${call}_${to}`,
  on,
  call,
  to,
});

/**
 * What an election and its block ledger need: vault operators (slashing, rewards) and registry
 * recorders (credit, trust, jail), the ledger's hand-over of slots, and unbonding floors so that
 * the unbonding period outlasts the challenge and the evidence windows, whichever moves.
 */
export const PAIR_WIRING: readonly WiringStep[] = [
  grant("vault", "OPERATOR_ROLE", "election"),
  grant("vault", "OPERATOR_ROLE", "ledger"),
  grant("registry", "RECORDER_ROLE", "election"),
  grant("registry", "RECORDER_ROLE", "ledger"),
  grant("election", "SCHEDULER_ROLE", "ledger"),
  link("vault", "addUnbondingFloor", "election"),
  link("vault", "addUnbondingFloor", "ledger"),
  grant("ledger", "PARAMETER_ADMIN_ROLE", "admin"),
  grant("election", "PARAMETER_ADMIN_ROLE", "admin"),
  grant("election", "PAUSER_ROLE", "admin"),
];

/**
 * The rest: the meter book collects fees and records quality, the vault tells the (first)
 * election of deposit changes and asks the registry for the minimum deposit, and the admin holds
 * every human role (supervisor, meter oracle, parameters, pausing).
 */
export const CORE_WIRING: readonly WiringStep[] = [
  grant("vault", "OPERATOR_ROLE", "meters"),
  link("vault", "setDepositObserver", "election"),
  link("vault", "setDepositRule", "registry"),
  grant("registry", "RECORDER_ROLE", "meters"),
  grant("vault", "PARAMETER_ADMIN_ROLE", "admin"),
  grant("vault", "PAUSER_ROLE", "admin"),
  grant("registry", "SUPERVISOR_ROLE", "admin"),
  grant("registry", "PARAMETER_ADMIN_ROLE", "admin"),
  grant("registry", "PAUSER_ROLE", "admin"),
  grant("meters", "SUPERVISOR_ROLE", "admin"),
  grant("meters", "METER_ORACLE_ROLE", "admin"),
  grant("meters", "PARAMETER_ADMIN_ROLE", "admin"),
  grant("meters", "PAUSER_ROLE", "admin"),
];
