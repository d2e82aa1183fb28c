// Deploys and wires the whole system with ethers: token (a local test token unless one is given),
// vault, registry, meter book, election and block ledger, with every role granted to one admin account.
// Used by every entry point: the demo, the tests, the experiments, `deploy-system` and `npm run network`.
// The wiring itself is data in ./wiring.ts, shared with the Ignition module of testnet deployments.
import { id, type BaseContract, type ContractFactory, type ContractTransactionResponse, type Signer } from "ethers";
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
import { CORE_WIRING, PAIR_WIRING, constructorArgs, type ContractKey, type OptionValues, type WiringStep } from "./wiring";
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
  const gas: Record<string, bigint> = {};
  const values = { ...options, genesis: options.genesis ?? BigInt((await admin.provider!.getBlock("latest"))!.timestamp) };
  const send = await AdminSequence.start(admin, gas);
  const token = options.token
    ? TestToken__factory.connect(options.token, admin)
    : await send.create("token", new TestToken__factory(admin), []);
  const a = { admin: await admin.getAddress(), token: await token.getAddress() };
  const vault = await send.create("vault", new StakeVault__factory(admin), constructorArgs.vault(values, a));
  const registry = await send.create(
    "registry",
    new NodeRegistry__factory(admin),
    constructorArgs.registry(values, { ...a, vault: await vault.getAddress() }),
  );
  const meters = await send.create(
    "meters",
    new MeterBook__factory(admin),
    constructorArgs.meters(values, { ...a, vault: await vault.getAddress(), registry: await registry.getAddress() }),
  );
  const { election, ledger } = await deployPair({ registry, vault }, admin, values, send);
  const lens = await send.create("lens", new SnapshotLens__factory(admin), []);
  const contracts = { token, vault, registry, meters, election, ledger, lens };
  await send.wire(CORE_WIRING, contracts);
  return { token: token as TestToken, vault, registry, meters, election, ledger, lens, options, gas };
}

/**
 * The admin's transactions, one at a time. Each waits for the previous one's receipt: geth and the
 * hosted RPCs built on it estimate gas against the latest block, so the election's creation (its
 * constructor reads the registry) must not be estimated while the registry's is still pending.
 * Nonces are counted here from one read made when nothing of ours is pending: a load-balanced
 * provider's pending count can lag behind a transaction it has just accepted.
 */
class AdminSequence {
  private constructor(
    private readonly admin: Signer,
    private readonly gas: Record<string, bigint>,
    private nonce: number,
  ) {}

  static async start(admin: Signer, gas: Record<string, bigint>): Promise<AdminSequence> {
    return new AdminSequence(admin, gas, await admin.provider!.getTransactionCount(await admin.getAddress(), "pending"));
  }

  /** Deploy with `factory`, wait until mined; the contract is connected to the admin. */
  async create<T>(name: string, factory: { deploy(...args: unknown[]): Promise<T> }, args: unknown[]): Promise<T> {
    const contract = (await (factory as unknown as ContractFactory).deploy(...args, { nonce: this.nonce })) as BaseContract;
    this.nonce++;
    const receipt = await contract.deploymentTransaction()!.wait();
    this.gas[`deploy ${name}`] = receipt!.gasUsed;
    return contract as T;
  }

  /** Send every step of `steps` in order, each mined before the next. */
  async wire(steps: readonly WiringStep[], contracts: Partial<Record<ContractKey, BaseContract>>): Promise<void> {
    const adminAddress = await this.admin.getAddress();
    for (const step of steps) {
      const to = step.to === "admin" ? adminAddress : await contracts[step.to]!.getAddress();
      const args = step.role ? [id(step.role), to] : [to];
      const tx = (await contracts[step.on]!.connect(this.admin).getFunction(step.call)(...args, {
        nonce: this.nonce,
      })) as ContractTransactionResponse;
      this.nonce++;
      const receipt = await tx.wait();
      this.gas.wire = (this.gas.wire ?? 0n) + receipt!.gasUsed;
    }
  }
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
  // genesis is unused here: the election takes the registry's
  return deployPair(core, admin, { ...options, genesis: options.genesis ?? 0n }, await AdminSequence.start(admin, gas));
}

async function deployPair(
  core: { registry: NodeRegistry; vault: StakeVault },
  admin: Signer,
  values: OptionValues & SystemOptions,
  send: AdminSequence,
) {
  const a = { admin: await admin.getAddress(), registry: await core.registry.getAddress(), vault: await core.vault.getAddress() };
  const election = await send.create("election", new DelegateElection__factory(admin), constructorArgs.election(values, a));
  const ledger = await send.create(
    "ledger",
    new BlockLedger__factory(admin),
    constructorArgs.ledger(values, { ...a, election: await election.getAddress() }),
  );
  await send.wire(PAIR_WIRING, { ...core, election, ledger });
  return { election, ledger };
}
