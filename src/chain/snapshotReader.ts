// Reads what a score needs for one node at an election's snapshot from the contracts, and
// scores it with the TypeScript mirror: the keeper's view, rebuilt from the chain alone.
import { ZeroHash } from "ethers";
import type { DelegateElection, NodeRegistry, SnapshotLens, StakeVault } from "../../typechain-types";
import { creditScore } from "../scoring/creditScore";
import { dynamicTrustScore } from "../scoring/dynamicTrustScore";
import { NodeClass, ScoringModel, type ScoringParams } from "../scoring/params";
import { ElectionRule, NEVER, electionKey, tieBreak } from "../scoring/electionKey";
import * as ScoreInputs from "../scoring/scoreInputs";
import { EMPTY_TRUST_RECORD } from "../scoring/scoreInputs";
import { Clock } from "./clock";

export interface SnapshotScore {
  node: string;
  eligible: boolean;
  score: bigint;
  key: bigint;
  /** The seed's order between equal keys (ElectionKey.tieBreak). */
  tie: bigint;
}

type ParamsResult = Awaited<ReturnType<NodeRegistry["scoringParamsAt"]>>;

/** Solidity returns structs as Result arrays; rebuild the plain params object, struct by struct. */
export function toScoringParams(r: ParamsResult): ScoringParams {
  const c = r.credit;
  const t = r.trust;
  const d = t.dynamics;
  return {
    credit: {
      alpha: c.alpha,
      beta: c.beta,
      gamma: c.gamma,
      mu: c.mu,
      xi: c.xi,
      lossRate: c.lossRate,
      gainValue: c.gainValue,
      voteScale: c.voteScale,
      capacityRef: c.capacityRef,
    },
    trust: {
      trustAlpha: t.trustAlpha,
      trustBeta: t.trustBeta,
      trustDelta: t.trustDelta,
      trustGamma: t.trustGamma,
      omega1: t.omega1,
      omega2: t.omega2,
      mu1: t.mu1,
      mu2: t.mu2,
      voteScale: t.voteScale,
      window: t.window,
      depositRef: t.depositRef,
      dynamics: {
        maxTrust: d.maxTrust,
        trustPenalty: d.trustPenalty,
        trustReward: d.trustReward,
        decayRate: d.decayRate,
        decayPeriod: d.decayPeriod,
        initialTrust: d.initialTrust,
      },
    },
    qualityScale: r.qualityScale,
    minDeposit: r.minDeposit,
    tradingCycle: [...r.tradingCycle],
    frequencyValue: [...r.frequencyValue],
  };
}

/** What a score reads about one node at a snapshot (the lens's `NodeView`). */
export interface NodeSnapshot {
  node: { nodeClass: bigint; tradingCycle: bigint; admittedAt: bigint; capacity: bigint };
  credit: ScoreInputs.CreditRecord & { jailedUntil?: bigint };
  trust: ScoreInputs.TrustRecord;
  trustAtWindowStart: { correct: bigint; offences: bigint; participated: bigint };
  votes: bigint;
  totalVotes: bigint;
  weightedVotes: bigint;
  lastVote: bigint;
  deposit: bigint;
}

/** Paper 1's inputs of a node from its lens view at `snapshot − 1` (the keeper's and the dashboard's one path). */
export function creditInputsOf(p: ScoringParams, v: NodeSnapshot, snapshot: bigint) {
  const nodeClass = Number(v.node.nodeClass);
  return ScoreInputs.credit(
    nodeClass < p.frequencyValue.length ? p.frequencyValue[nodeClass] : 0n,
    v.node.capacity,
    v.node.tradingCycle,
    v.node.admittedAt,
    v.credit,
    v.credit.clean, // creditRecordAt(snapshot − 1) says whether ΔC+ applies at the snapshot
    snapshot,
    v.votes,
    v.totalVotes,
    v.lastVote,
  );
}

/** Paper 2's inputs of a node from its lens view (at `snapshot − 1` and at the window's start). */
export function trustInputsOf(p: ScoringParams, clock: Clock, v: NodeSnapshot, snapshot: bigint) {
  const rounds = clock.epochOf(snapshot) - clock.epochOf(v.node.admittedAt);
  const start = { ...EMPTY_TRUST_RECORD, ...v.trustAtWindowStart };
  return ScoreInputs.trust(v.trust, start, rounds, p.trust.window, v.node.admittedAt, snapshot, v.votes, v.totalVotes, v.deposit);
}

/** What every score of one election shares (SnapshotReader.electionAt). */
export interface ElectionContext {
  model: ScoringModel;
  rule: ElectionRule;
  clock: Clock;
  params: ScoringParams;
  /** Zero until the seed is fixed (then only a top-K election has keys). */
  seed: string;
  snapshot: bigint;
  /** The timepoint every input is read at: `snapshot − 1`. */
  t: bigint;
  /** Where paper 2's window of counters opens (0 for the other models, or a window from the start). */
  windowStart: bigint;
}

/**
 * A scored node; its tie-break is hashed only when a ranking compares two equal keys. `tie` is a
 * getter on the prototype, so an object spread of a Scored (`{ ...s }`) has no `tie`: copy it by name.
 */
class Scored implements SnapshotScore {
  private tieBreak?: bigint;
  constructor(
    readonly node: string,
    readonly eligible: boolean,
    readonly score: bigint,
    readonly key: bigint,
    private readonly seed: string,
  ) {}

  get tie(): bigint {
    return (this.tieBreak ??= tieBreak(this.seed, this.node));
  }
}

/**
 * Each node's eligibility, score and key from its inputs at the snapshot, with the TypeScript
 * mirror: the one scoring path of the keeper, whether the inputs come from the lens or the index.
 */
export function scoreViews(e: ElectionContext, nodes: readonly string[], views: readonly NodeSnapshot[]): SnapshotScore[] {
  const { model, rule, clock, params, seed, snapshot } = e;
  const opened = seed !== ZeroHash;
  return views.map((v, i) => {
    const node = nodes[i];
    const nodeClass = Number(v.node.nodeClass) as NodeClass;
    const eligible = ScoreInputs.eligible(v.credit, nodeClass, v.deposit, params.minDeposit);
    let score = 0n;
    if (eligible && model === ScoringModel.Credit) {
      score = creditScore(params.credit, creditInputsOf(params, v, snapshot));
    } else if (eligible && model === ScoringModel.DynamicTrust) {
      score = dynamicTrustScore(params.trust, trustInputsOf(params, clock, v, snapshot));
    } else if (eligible) {
      score = v.weightedVotes;
    }
    const key = eligible && (opened || rule === ElectionRule.TopK) ? electionKey(rule, score, seed, node) : NEVER;
    return new Scored(node, eligible, score, key, seed);
  });
}

/** Nodes per lens call: well under the lens's MAX_PAGE and any RPC's call gas cap. */
export const LENS_PAGE = 250;

/**
 * The keeper's chain reader: every node's inputs at an election's snapshot, then its score and key
 * with the TypeScript mirror. With a `SnapshotLens` it reads pages of 250 nodes per `eth_call`;
 * without, five calls per node.
 */
export class SnapshotReader {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly vault: StakeVault,
    private readonly election: DelegateElection,
    private readonly lens?: SnapshotLens,
  ) {}

  /** Score and key of every node in `nodes` for the election of `epoch`, computed off-chain. */
  async scoreAll(epoch: bigint, nodes: string[]): Promise<SnapshotScore[]> {
    const election = await this.electionAt(epoch);
    return scoreViews(election, nodes, await this.read(nodes, election.t, election.windowStart));
  }

  /** What every score of the election of `epoch` shares: the rules, parameters, seed and timepoints. */
  async electionAt(epoch: bigint): Promise<ElectionContext> {
    const { model, rule, clock } = await this.constants();
    const snapshot = clock.snapshotOf(epoch);
    const [params, seed] = await Promise.all([
      this.registry.scoringParamsAt(snapshot - 1n).then(toScoringParams),
      this.election.elections(epoch).then((e) => e.seed),
    ]);
    const windowStart =
      model === ScoringModel.DynamicTrust ? ScoreInputs.windowStart(snapshot, params.trust.window, clock.epochDuration) : 0n;
    return { model, rule, clock, params, seed, snapshot, t: snapshot - 1n, windowStart };
  }

  private fixed?: Promise<{ model: ScoringModel; rule: ElectionRule; clock: Clock }>;

  /** The deployment's immutables, read once. */
  private constants() {
    this.fixed ??= Promise.all([this.registry.scoringModel(), this.election.rule(), Clock.read(this.election)]).then(
      ([model, rule, clock]) => ({
        model: Number(model) as ScoringModel,
        rule: Number(rule) as ElectionRule,
        clock,
      }),
    );
    return this.fixed;
  }

  /** The inputs of `nodes` at `t` (trust counters also at `windowStart` when non-zero). */
  async read(nodes: string[], t: bigint, windowStart: bigint): Promise<NodeSnapshot[]> {
    const lens = this.lens;
    if (lens) {
      const election = await this.election.getAddress();
      const pages: Promise<NodeSnapshot[]>[] = [];
      for (let i = 0; i < nodes.length; i += LENS_PAGE) {
        pages.push(lens.read(election, nodes.slice(i, i + LENS_PAGE), t, windowStart) as unknown as Promise<NodeSnapshot[]>);
      }
      return (await Promise.all(pages)).flat();
    }
    const zero = { correct: 0n, offences: 0n, participated: 0n };
    return Promise.all(
      nodes.map(async (node) => {
        const [info, credit, trust, votes, deposit, atStart] = await Promise.all([
          this.registry.nodeOf(node),
          this.registry.creditRecordAt(node, t),
          this.registry.trustRecordAt(node, t),
          this.election.votesAt(node, t),
          this.vault.bondedAt(node, t),
          windowStart === 0n ? zero : this.registry.trustRecordAt(node, windowStart),
        ]);
        return {
          node: info,
          credit,
          trust,
          trustAtWindowStart: atStart,
          votes: votes.votes,
          totalVotes: votes.total,
          weightedVotes: votes.weighted,
          lastVote: votes.lastVote,
          deposit,
        };
      }),
    );
  }

  /** A reader for a deployed system, with its lens. */
  static of(system: { registry: NodeRegistry; vault: StakeVault; election: DelegateElection; lens?: SnapshotLens }): SnapshotReader {
    return new SnapshotReader(system.registry, system.vault, system.election, system.lens);
  }
}
