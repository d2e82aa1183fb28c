// Reads what a score needs for one node at an election's snapshot from the contracts, and
// scores it with the TypeScript mirror: the keeper's view, rebuilt from the chain alone.
import type { DelegateElection, NodeRegistry, SnapshotLens, StakeVault } from "../../typechain-types";
import { creditScore } from "../scoring/creditScore";
import { dynamicTrustScore } from "../scoring/dynamicTrustScore";
import { NodeClass, ScoringModel, type ScoringParams } from "../scoring/params";
import { ElectionRule, NEVER, electionKey, tieBreak } from "../scoring/electionKey";
import { Clock } from "./clock";

export interface SnapshotScore {
  node: string;
  eligible: boolean;
  score: bigint;
  key: bigint;
  /** The seed's order between equal keys (ElectionKey.tieBreak). */
  tie: bigint;
}

/** Solidity returns structs as Result arrays; rebuild the plain params object. */
export function toScoringParams(r: Awaited<ReturnType<NodeRegistry["scoringParamsAt"]>>): ScoringParams {
  return {
    alpha: r.alpha,
    beta: r.beta,
    gamma: r.gamma,
    mu: r.mu,
    xi: r.xi,
    qualityScale: r.qualityScale,
    lossRate: r.lossRate,
    gainValue: r.gainValue,
    voteScale: r.voteScale,
    capacityRef: r.capacityRef,
    trustAlpha: r.trustAlpha,
    trustBeta: r.trustBeta,
    trustDelta: r.trustDelta,
    trustGamma: r.trustGamma,
    omega1: r.omega1,
    omega2: r.omega2,
    mu1: r.mu1,
    mu2: r.mu2,
    initialTrust: r.initialTrust,
    maxTrust: r.maxTrust,
    trustReward: r.trustReward,
    trustPenalty: r.trustPenalty,
    decayRate: r.decayRate,
    decayPeriod: r.decayPeriod,
    window: r.window,
    depositRef: r.depositRef,
    minDeposit: r.minDeposit,
    tradingCycle: [...r.tradingCycle],
    frequencyValue: [...r.frequencyValue],
  };
}

/** What a score reads about one node at a snapshot (the lens's `NodeView`). */
export interface NodeSnapshot {
  node: { nodeClass: bigint; tradingCycle: bigint; admittedAt: bigint; capacity: bigint };
  credit: { quality: bigint; offencePenalty: bigint; clean: boolean; admitted: boolean; jailed: boolean };
  trust: { trust: bigint; correct: bigint; offences: bigint; participated: bigint; lastParticipation: bigint };
  trustAtWindowStart: { correct: bigint; offences: bigint; participated: bigint };
  votes: bigint;
  totalVotes: bigint;
  weightedVotes: bigint;
  lastVote: bigint;
  deposit: bigint;
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
    const { model, rule, clock } = await this.constants();
    const snapshot = clock.snapshotOf(epoch);
    const [params, seed] = await Promise.all([
      this.registry.scoringParamsAt(snapshot - 1n).then(toScoringParams),
      this.election.elections(epoch).then((e) => e.seed),
    ]);
    const t = snapshot - 1n;
    const span = params.window * clock.epochDuration;
    const windowStart = model === ScoringModel.DynamicTrust && snapshot > span + 1n ? snapshot - span - 1n : 0n;
    const views = await this.read(nodes, t, windowStart);
    const opened = seed !== "0x" + "00".repeat(32);
    return views.map((v, i) => {
      const node = nodes[i];
      const nodeClass = Number(v.node.nodeClass) as NodeClass;
      const eligible = v.credit.admitted && !v.credit.jailed && nodeClass !== NodeClass.Consumer && v.deposit >= params.minDeposit;
      let score = 0n;
      if (eligible && model === ScoringModel.Credit) {
        const since = v.lastVote > v.node.admittedAt ? v.lastVote : v.node.admittedAt;
        score = creditScore(params, {
          frequencyValue: params.frequencyValue[nodeClass],
          capacity: v.node.capacity,
          quality: v.credit.quality,
          cleanRecord: v.credit.clean,
          offencePenalty: v.credit.offencePenalty,
          elapsedSinceVote: snapshot - since,
          tradingCycle: v.node.tradingCycle,
          votes: v.votes,
          totalVotes: v.totalVotes,
        });
      } else if (eligible && model === ScoringModel.DynamicTrust) {
        const rounds = clock.epochOf(snapshot) - clock.epochOf(v.node.admittedAt);
        const last = v.trust.lastParticipation > v.node.admittedAt ? v.trust.lastParticipation : v.node.admittedAt;
        const start = v.trustAtWindowStart;
        score = dynamicTrustScore(params, {
          correctActions: v.trust.correct - start.correct,
          offences: v.trust.offences - start.offences,
          participatedRounds: v.trust.participated - start.participated,
          windowRounds: rounds < params.window ? rounds : params.window,
          votes: v.votes,
          totalVotes: v.totalVotes,
          deposit: v.deposit,
          trust: v.trust.trust,
          elapsedSinceParticipation: snapshot - last,
        });
      } else if (eligible) {
        score = v.weightedVotes;
      }
      const key = eligible && (opened || rule === ElectionRule.TopK) ? electionKey(rule as ElectionRule, score, seed, node) : NEVER;
      return { node, eligible, score, key, tie: tieBreak(seed, node) };
    });
  }

  private fixed?: Promise<{ model: number; rule: number; clock: Clock }>;

  /** The deployment's immutables, read once. */
  private constants() {
    this.fixed ??= Promise.all([this.registry.scoringModel(), this.election.rule(), Clock.read(this.election)]).then(([model, rule, clock]) => ({
      model: Number(model),
      rule: Number(rule),
      clock,
    }));
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
