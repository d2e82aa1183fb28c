// The terms of a node's score at an election's snapshot, for the dashboard: the same inputs (the
// score-inputs mirror) and the same mirror functions as the keeper's SnapshotReader
// (src/chain/snapshotReader.ts), stopped before they are summed, so a reader sees why a delegate
// was chosen. Pure; test/dashboard holds
// the total to the keeper's score and to the contract's scoreOf.
import { creditInputsOf, trustInputsOf, type NodeSnapshot } from "../chain/snapshotReader";
import type { Clock } from "../chain/clock";
import { capacityValue, consensusValue, credit, creditGain, creditLoss, voteValue } from "../scoring/creditScore";
import { behaviourFactor, decayedTrust, depositValue, historyTrust, participationFactor, trustValue } from "../scoring/dynamicTrustScore";
import { MAX_ATTRIBUTE, NodeClass, ScoringModel, WAD, type ScoringParams } from "../scoring/params";
import * as ScoreInputs from "../scoring/scoreInputs";

/** Paper 1 eqs. (1)-(5): every value WAD. */
export interface CreditTerms {
  model: "credit";
  /** Trading frequency value of the node's class. */
  F: bigint;
  /** Capacity value. */
  P: bigint;
  /** Quality of the latest settled cycle, eq. (3). */
  D: bigint;
  /** Credit gain ΔC+, eq. (5). */
  gain: bigint;
  /** Credit loss ΔC−, eq. (4) plus proven offences, capped at 10. */
  loss: bigint;
  /** Vote value. */
  V: bigint;
  /** C_cre, eq. (2). */
  credit: bigint;
}

/** Paper 2 eqs. (1)-(8): every value WAD. */
export interface TrustTerms {
  model: "dynamic-trust";
  /** Behaviour history H = ω1·A + ω2·B, eq. (3). */
  H: bigint;
  /** Behaviour factor, eq. (5). */
  A: bigint;
  /** Participation factor, eq. (6). */
  B: bigint;
  V: bigint;
  /** Deposit term. */
  M: bigint;
  /** Dynamic trust term 10 · trust / maxTrust after decay, eqs. (7)-(8). */
  D: bigint;
  /** Stored trust after decay (0 to maxTrust, WAD). */
  trust: bigint;
}

/**
 * Classic DPoS: the votes, each weighted by its voter's deposit (Σ votes · deposit, token units);
 * under this model the contract keeps no unweighted count.
 */
export interface ClassicTerms {
  model: "classic";
  votes: bigint;
}

export type ScoreTerms = CreditTerms | TrustTerms | ClassicTerms;

export interface ScoreBreakdown {
  eligible: boolean;
  /** Why not, when not eligible. */
  reason?: "not admitted" | "jailed" | "consumer" | "deposit below minimum";
  score: bigint;
  terms: ScoreTerms;
}

export const modelName = (model: ScoringModel): ScoreTerms["model"] =>
  model === ScoringModel.Credit ? "credit" : model === ScoringModel.DynamicTrust ? "dynamic-trust" : "classic";

/**
 * The score of one node in the election whose snapshot is `snapshot`, term by term, from `v` (the
 * lens's view at `snapshot − 1`, trust also at the window's start) and the parameters then in force.
 * The inputs come from the score-inputs mirror (src/scoring/scoreInputs.ts), as the keeper's and the
 * contract's do. An ineligible node scores 0 with its terms still shown.
 */
export function scoreTerms(model: ScoringModel, p: ScoringParams, clock: Clock, snapshot: bigint, v: NodeSnapshot): ScoreBreakdown {
  const nodeClass = Number(v.node.nodeClass) as NodeClass;
  const eligible = ScoreInputs.eligible(v.credit, nodeClass, v.deposit, p.minDeposit);
  const reason = eligible
    ? undefined
    : !v.credit.admitted
      ? "not admitted"
      : v.credit.jailed
        ? "jailed"
        : nodeClass === NodeClass.Consumer
          ? "consumer"
          : "deposit below minimum";
  if (model === ScoringModel.Credit) {
    const c = p.credit;
    const n = creditInputsOf(p, v, snapshot);
    const loss = creditLoss(n.elapsedSinceVote, n.tradingCycle, c.lossRate) + n.offencePenalty;
    const terms: CreditTerms = {
      model: "credit",
      F: n.frequencyValue,
      P: capacityValue(n.capacity, c.capacityRef),
      D: n.quality,
      gain: creditGain(n.cleanRecord, c.gainValue),
      loss: loss > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : loss,
      V: voteValue(n.votes, n.totalVotes, c.voteScale),
      credit: 0n,
    };
    terms.credit = credit(c, terms.F, terms.P, terms.D, terms.gain, terms.loss);
    return { eligible, reason, score: eligible ? consensusValue(c, terms.credit, terms.V) : 0n, terms };
  }
  if (model === ScoringModel.DynamicTrust) {
    const t = p.trust;
    const n = trustInputsOf(p, clock, v, snapshot);
    const A = behaviourFactor(t, n.correctActions, n.offences);
    const B = participationFactor(n.participatedRounds, n.windowRounds);
    const trust = decayedTrust(t.dynamics, n.trust, n.elapsedSinceParticipation);
    const terms: TrustTerms = {
      model: "dynamic-trust",
      H: historyTrust(t, A, B),
      A,
      B,
      V: voteValue(n.votes, n.totalVotes, t.voteScale),
      M: depositValue(n.deposit, t.depositRef),
      D: trustValue(t.dynamics, trust),
      trust,
    };
    // paper 2 eq. (1), summed as dynamicTrustScore sums it
    const score =
      (t.trustAlpha * terms.H) / WAD + (t.trustBeta * terms.V) / WAD + (t.trustDelta * terms.M) / WAD + (t.trustGamma * terms.D) / WAD;
    return { eligible, reason, score: eligible ? score : 0n, terms };
  }
  return { eligible, reason, score: eligible ? v.weightedVotes : 0n, terms: { model: "classic", votes: v.weightedVotes } };
}

/** The `t` and window start the lens must be read at for the election whose snapshot is `snapshot`. */
export function readPoints(model: ScoringModel, p: ScoringParams, clock: Clock, snapshot: bigint): { t: bigint; windowStart: bigint } {
  return {
    t: snapshot - 1n,
    windowStart: model === ScoringModel.DynamicTrust ? ScoreInputs.windowStart(snapshot, p.trust.window, clock.epochDuration) : 0n,
  };
}
