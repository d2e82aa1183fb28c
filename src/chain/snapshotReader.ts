// Reads what a score needs for one node at an election's snapshot from the contracts, and
// scores it with the TypeScript mirror: the keeper's view, rebuilt from the chain alone.
import type { DelegateElection, NodeRegistry, StakeVault } from "../../typechain-types";
import { creditScore } from "../scoring/creditScore";
import { dynamicTrustScore } from "../scoring/dynamicTrustScore";
import { NodeClass, ScoringModel, type ScoringParams } from "../scoring/params";
import { ElectionRule, NEVER, electionKey } from "../scoring/electionKey";

export interface SnapshotScore {
  node: string;
  eligible: boolean;
  score: bigint;
  key: bigint;
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

export class SnapshotReader {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly vault: StakeVault,
    private readonly election: DelegateElection,
  ) {}

  /** Score and key of every node in `nodes` for the election of `epoch`, computed off-chain. */
  async scoreAll(epoch: bigint, nodes: string[]): Promise<SnapshotScore[]> {
    const snapshot = await this.election.snapshotOf(epoch);
    const [params, model, rule, seed, epochDuration] = await Promise.all([
      this.registry.scoringParamsAt(snapshot - 1n).then(toScoringParams),
      this.registry.scoringModel(),
      this.election.rule(),
      this.election.elections(epoch).then((e) => e.seed),
      this.registry.epochDuration(),
    ]);
    const epochOf = async (t: bigint) => this.registry.epochOf(t);
    return Promise.all(
      nodes.map(async (node) => {
        const t = snapshot - 1n;
        const [info, credit, trust, votes, deposit] = await Promise.all([
          this.registry.nodeOf(node),
          this.registry.creditRecordAt(node, t),
          this.registry.trustRecordAt(node, t),
          this.election.votesAt(node, t),
          this.vault.bondedAt(node, t),
        ]);
        const nodeClass = Number(info.nodeClass) as NodeClass;
        const eligible =
          credit.admitted && !credit.jailed && nodeClass !== NodeClass.Consumer && deposit >= params.minDeposit;
        let score = 0n;
        if (eligible && Number(model) === ScoringModel.Credit) {
          const since = votes.lastVote > info.admittedAt ? votes.lastVote : info.admittedAt;
          score = creditScore(params, {
            frequencyValue: params.frequencyValue[nodeClass],
            capacity: info.capacity,
            quality: credit.quality,
            cleanRecord: credit.clean,
            offencePenalty: credit.offencePenalty,
            elapsedSinceVote: snapshot - since,
            tradingCycle: info.tradingCycle,
            votes: votes.votes,
            totalVotes: votes.total,
          });
        } else if (eligible && Number(model) === ScoringModel.DynamicTrust) {
          const span = params.window * epochDuration;
          const start =
            snapshot > span + 1n
              ? await this.registry.trustRecordAt(node, snapshot - span - 1n)
              : { correct: 0n, offences: 0n, participated: 0n };
          const rounds = (await epochOf(snapshot)) - (await epochOf(info.admittedAt));
          const last = trust.lastParticipation > info.admittedAt ? trust.lastParticipation : info.admittedAt;
          score = dynamicTrustScore(params, {
            correctActions: trust.correct - start.correct,
            offences: trust.offences - start.offences,
            participatedRounds: trust.participated - start.participated,
            windowRounds: rounds < params.window ? rounds : params.window,
            votes: votes.votes,
            totalVotes: votes.total,
            deposit,
            trust: trust.trust,
            elapsedSinceParticipation: snapshot - last,
          });
        } else if (eligible) {
          score = votes.weighted;
        }
        const opened = seed !== "0x" + "00".repeat(32);
        const key = eligible && (opened || Number(rule) === ElectionRule.TopK) ? electionKey(Number(rule) as ElectionRule, score, seed, node) : NEVER;
        return { node, eligible, score, key };
      }),
    );
  }
}
