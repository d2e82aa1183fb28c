// Deploys and wires the whole system with ethers: token (a local test token unless one is given),
// vault, registry, meter book, election and block ledger, with every role granted to one admin account.
// Used by every entry point: the demo, the tests, the experiments, `deploy-system` and `npm run network`.
import type { Signer } from "ethers";
import {
  BlockLedger__factory,
  DelegateElection__factory,
  MeterBook__factory,
  NodeRegistry__factory,
  SnapshotLens__factory,
  StakeVault__factory,
  TestToken__factory,
  type BlockLedger,
  type DelegateElection,
  type MeterBook,
  type NodeRegistry,
  type SnapshotLens,
  type StakeVault,
  type TestToken,
} from "../../typechain-types";
import { ElectionRule } from "../scoring/electionKey";
import { ScoringModel, WAD, defaultScoringParams, validateScoringParams, type ScoringParams } from "../scoring/params";

export interface Penalty {
  slashFraction: bigint;
  creditPenalty: bigint;
  jailPeriod: bigint;
}

export interface SystemOptions {
  model: ScoringModel;
  rule: ElectionRule;
  params: ScoringParams;
  /** Timestamp of epoch 0; defaults to the latest block's. */
  genesis?: bigint;
  epochDuration: bigint;
  delegateCount: bigint;
  standbyCount: bigint;
  slotsPerEpoch: bigint;
  votesPerNode: bigint;
  challengePeriod: bigint;
  unbondingPeriod: bigint;
  participationFee: bigint;
  keeperMinBond: bigint;
  challengeReward: bigint;
  /** Most a finalization pays its keeper, from the keepers' pool. */
  keeperReward: bigint;
  /**
   * How every inflow of the reward pool (fees, slashes, funding) is shared, in basis points adding
   * up to 10,000 (the vault's constructor refuses anything else): block producers, attesters,
   * keepers. Attesters' and keepers' parts round down; producers take the rest. Fixed for the
   * vault's life.
   */
  producerPoolShareBps: bigint;
  attesterPoolShareBps: bigint;
  keeperPoolShareBps: bigint;
  /** Punishment per offence: missed slot, equivocation, invalid block. */
  penalties: [Penalty, Penalty, Penalty];
  /** Most a block pays its producer, from the producers' pool. */
  producerReward: bigint;
  /** Most a block pays each attester but the producer, from the attesters' pool. */
  attesterReward: bigint;
  reporterShare: bigint;
  evidenceWindow: bigint;
  /** An existing ERC-20 to stake with; a TestToken is deployed when absent. */
  token?: string;
}

/** Paper 1's set-up: credit model, top-K, 3 delegates, 10 votes per node; day-long epochs. */
export function defaultSystemOptions(): SystemOptions {
  return {
    model: ScoringModel.Credit,
    rule: ElectionRule.TopK,
    params: defaultScoringParams(),
    epochDuration: 86_400n,
    delegateCount: 3n,
    standbyCount: 2n,
    slotsPerEpoch: 24n,
    votesPerNode: 10n,
    challengePeriod: 3_600n,
    unbondingPeriod: 7n * 86_400n,
    participationFee: WAD,
    keeperMinBond: 1_000n * WAD,
    // the minimum bond pays all 3L − 1 challenges a wrong list of L = 5 can need (election.maxRepairChallenges)
    challengeReward: 10n * WAD,
    keeperReward: 10n * WAD,
    // Near what the default rates ask of an epoch of 24 slots with K = 3 (24 blocks of 1 token, 48
    // attestations of 0.1, one finalization of 10: 62 %, 12 %, 26 %), rounded, a little more to attesters.
    producerPoolShareBps: 6_000n,
    attesterPoolShareBps: 1_500n,
    keeperPoolShareBps: 2_500n,
    // Paper 2 (3.2) punishes negligent ("消极") and malicious ("恶意") nodes apart: a missed slot
    // (downtime, like the weak nodes of Fig. 4(a)) is jailed a day; both malicious offences, double
    // signing and a forged trade, a week. With a 3-day jail for forged trades the malicious node of
    // Fig. 4(b) kept 0.37 of the honest mean (4 seeds), 0.28 with a week (results/experiments/paper2-fig4.md).
    penalties: [
      { slashFraction: WAD / 100n, creditPenalty: WAD, jailPeriod: 86_400n }, // missed slot
      { slashFraction: WAD / 10n, creditPenalty: 5n * WAD, jailPeriod: 7n * 86_400n }, // equivocation
      { slashFraction: WAD / 20n, creditPenalty: 3n * WAD, jailPeriod: 7n * 86_400n }, // invalid block
    ],
    producerReward: WAD,
    attesterReward: WAD / 10n,
    reporterShare: WAD / 5n,
    evidenceWindow: 3n * 86_400n,
  };
}

/** The vault's constructor argument for the pool shares of `options`. */
export function poolShares(options: SystemOptions): { producers: bigint; attesters: bigint; keepers: bigint } {
  return { producers: options.producerPoolShareBps, attesters: options.attesterPoolShareBps, keepers: options.keeperPoolShareBps };
}

export interface System {
  token: TestToken;
  vault: StakeVault;
  registry: NodeRegistry;
  meters: MeterBook;
  election: DelegateElection;
  ledger: BlockLedger;
  /** Stateless batch reader for keepers. */
  lens: SnapshotLens;
  options: SystemOptions;
  /** Gas of each deployment and wiring transaction. */
  gas: Record<string, bigint>;
}

/** Deploy and wire everything from `admin`; `admin` holds every role afterwards. */
export async function deploySystem(admin: Signer, overrides: Partial<SystemOptions> = {}): Promise<System> {
  const options = { ...defaultSystemOptions(), ...overrides };
  validateScoringParams(options.params);
  const adminAddress = await admin.getAddress();
  const gas: Record<string, bigint> = {};
  const track = tracker(gas);

  const token = options.token
    ? TestToken__factory.connect(options.token, admin)
    : await new TestToken__factory(admin).deploy();
  const genesis = options.genesis ?? BigInt((await admin.provider!.getBlock("latest"))!.timestamp);

  const vault = await new StakeVault__factory(admin).deploy(
    await token.getAddress(),
    adminAddress,
    options.unbondingPeriod,
    poolShares(options),
  );
  const registry = await new NodeRegistry__factory(admin).deploy(
    adminAddress,
    await vault.getAddress(),
    options.model,
    options.params,
    genesis,
    options.epochDuration,
  );
  const meters = await new MeterBook__factory(admin).deploy(
    adminAddress,
    await registry.getAddress(),
    await vault.getAddress(),
    options.participationFee,
  );
  const { election, ledger } = await deployElectionAndLedger({ registry, vault }, admin, options, gas);
  for (const [name, c] of Object.entries({ vault, registry, meters })) {
    const receipt = await c.deploymentTransaction()!.wait();
    gas[`deploy ${name}`] = receipt!.gasUsed;
  }

  const metersAddress = await meters.getAddress();
  await track("wire", await vault.grantRole(await vault.OPERATOR_ROLE(), metersAddress));
  await track("wire", await vault.setDepositObserver(await election.getAddress()));
  await track("wire", await vault.setDepositRule(await registry.getAddress()));
  await track("wire", await registry.grantRole(await registry.RECORDER_ROLE(), metersAddress));
  for (const role of ["PARAMETER_ADMIN_ROLE", "PAUSER_ROLE"] as const) {
    await track("wire", await vault.grantRole(await vault[role](), adminAddress));
  }
  for (const role of ["SUPERVISOR_ROLE", "PARAMETER_ADMIN_ROLE", "PAUSER_ROLE"] as const) {
    await track("wire", await registry.grantRole(await registry[role](), adminAddress));
  }
  for (const role of ["SUPERVISOR_ROLE", "METER_ORACLE_ROLE", "PARAMETER_ADMIN_ROLE", "PAUSER_ROLE"] as const) {
    await track("wire", await meters.grantRole(await meters[role](), adminAddress));
  }
  const lens = await new SnapshotLens__factory(admin).deploy();
  gas["deploy lens"] = (await lens.deploymentTransaction()!.wait())!.gasUsed;
  return { token: token as TestToken, vault, registry, meters, election, ledger, lens, options, gas };
}

function tracker(gas: Record<string, bigint>) {
  return async (name: string, tx: { wait(): Promise<{ gasUsed: bigint } | null> }) => {
    const receipt = await tx.wait();
    gas[name] = (gas[name] ?? 0n) + (receipt?.gasUsed ?? 0n);
  };
}

/**
 * Deploy an election and its block ledger on an existing registry and vault, and grant them their
 * roles (vault operator, registry recorder, the ledger's scheduler role on the election). Several
 * pairs may share one registry, e.g. to compare K = 3 and K = 21 on the same nodes; the vault's
 * deposit observer (used by the classic model only) stays with the first pair.
 */
export async function deployElectionAndLedger(
  core: { registry: NodeRegistry; vault: StakeVault },
  admin: Signer,
  options: SystemOptions,
  gas: Record<string, bigint> = {},
): Promise<{ election: DelegateElection; ledger: BlockLedger }> {
  const track = tracker(gas);
  const adminAddress = await admin.getAddress();
  const election = await new DelegateElection__factory(admin).deploy(
    adminAddress,
    await core.registry.getAddress(),
    await core.vault.getAddress(),
    {
      rule: options.rule,
      delegateCount: options.delegateCount,
      standbyCount: options.standbyCount,
      slotsPerEpoch: options.slotsPerEpoch,
      votesPerNode: options.votesPerNode,
      challengePeriod: options.challengePeriod,
      keeperMinBond: options.keeperMinBond,
      challengeReward: options.challengeReward,
      keeperReward: options.keeperReward,
    },
  );
  const ledger = await new BlockLedger__factory(admin).deploy(
    adminAddress,
    await core.registry.getAddress(),
    await core.vault.getAddress(),
    await election.getAddress(),
    options.penalties,
    {
      producerReward: options.producerReward,
      attesterReward: options.attesterReward,
      reporterShare: options.reporterShare,
      evidenceWindow: options.evidenceWindow,
    },
  );
  for (const [name, c] of Object.entries({ election, ledger })) {
    gas[`deploy ${name}`] = (await c.deploymentTransaction()!.wait())!.gasUsed;
  }
  const [electionAddress, ledgerAddress] = [await election.getAddress(), await ledger.getAddress()];
  const { registry, vault } = core;
  await track("wire", await vault.grantRole(await vault.OPERATOR_ROLE(), electionAddress));
  await track("wire", await vault.grantRole(await vault.OPERATOR_ROLE(), ledgerAddress));
  await track("wire", await registry.grantRole(await registry.RECORDER_ROLE(), electionAddress));
  await track("wire", await registry.grantRole(await registry.RECORDER_ROLE(), ledgerAddress));
  await track("wire", await election.grantRole(await election.SCHEDULER_ROLE(), ledgerAddress));
  // the unbonding period must outlast the challenge window and the evidence window, whichever moves
  await track("wire", await vault.addUnbondingFloor(electionAddress));
  await track("wire", await vault.addUnbondingFloor(ledgerAddress));
  await track("wire", await ledger.grantRole(await ledger.PARAMETER_ADMIN_ROLE(), adminAddress));
  for (const role of ["PARAMETER_ADMIN_ROLE", "PAUSER_ROLE"] as const) {
    await track("wire", await election.grantRole(await election[role](), adminAddress));
  }
  return { election, ledger };
}
