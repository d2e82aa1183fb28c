// The terms of a node's score at an election's snapshot, for the dashboard: the same inputs and
// the same mirror functions as the keeper's SnapshotReader (src/chain/snapshotReader.ts), stopped
// before they are summed, so a reader sees why a delegate was chosen. Pure; test/dashboard holds
// the total to the keeper's score and to the contract's scoreOf.
import type { NodeSnapshot } from "../chain/snapshotReader";
import type { Clock } from "../chain/clock";
import { capacityValue, consensusValue, credit, creditGain, creditLoss, voteValue } from "../scoring/creditScore";
import { behaviourFactor, decayedTrust, depositValue, historyTrust, participationFactor, trustValue } from "../scoring/dynamicTrustScore";
import { MAX_ATTRIBUTE, NodeClass, ScoringModel, WAD, type ScoringParams } from "../scoring/params";

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
 * An ineligible node scores 0 with its terms still shown.
 */
export function scoreTerms(model: ScoringModel, p: ScoringParams, clock: Clock, snapshot: bigint, v: NodeSnapshot): ScoreBreakdown {
  const nodeClass = Number(v.node.nodeClass) as NodeClass;
  const reason = !v.credit.admitted
    ? "not admitted"
    : v.credit.jailed
      ? "jailed"
      : nodeClass === NodeClass.Consumer
        ? "consumer"
        : v.deposit < p.minDeposit
          ? "deposit below minimum"
          : undefined;
  const eligible = reason === undefined;
  const V = voteValue(v.votes, v.totalVotes, p.voteScale);
  if (model === ScoringModel.Credit) {
    const since = v.lastVote > v.node.admittedAt ? v.lastVote : v.node.admittedAt;
    const loss0 = creditLoss(snapshot - since, v.node.tradingCycle, p.lossRate) + v.credit.offencePenalty;
    const terms: CreditTerms = {
      model: "credit",
      F: nodeClass < p.frequencyValue.length ? p.frequencyValue[nodeClass] : 0n,
      P: capacityValue(v.node.capacity, p.capacityRef),
      D: v.credit.quality,
      gain: creditGain(v.credit.clean, p.gainValue),
      loss: loss0 > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : loss0,
      V,
      credit: 0n,
    };
    terms.credit = credit(p, terms.F, terms.P, terms.D, terms.gain, terms.loss);
    return { eligible, reason, score: eligible ? consensusValue(p, terms.credit, V) : 0n, terms };
  }
  if (model === ScoringModel.DynamicTrust) {
    const rounds = clock.epochOf(snapshot) - clock.epochOf(v.node.admittedAt);
    const last = v.trust.lastParticipation > v.node.admittedAt ? v.trust.lastParticipation : v.node.admittedAt;
    const start = v.trustAtWindowStart;
    const A = behaviourFactor(p, v.trust.correct - start.correct, v.trust.offences - start.offences);
    const B = participationFactor(v.trust.participated - start.participated, rounds < p.window ? rounds : p.window);
    const trust = decayedTrust(p, v.trust.trust, snapshot - last);
    const terms: TrustTerms = { model: "dynamic-trust", H: historyTrust(p, A, B), A, B, V, M: depositValue(v.deposit, p.depositRef), D: trustValue(p, trust), trust };
    const score = (p.trustAlpha * terms.H) / WAD + (p.trustBeta * V) / WAD + (p.trustDelta * terms.M) / WAD + (p.trustGamma * terms.D) / WAD;
    return { eligible, reason, score: eligible ? score : 0n, terms };
  }
  return { eligible, reason, score: eligible ? v.weightedVotes : 0n, terms: { model: "classic", votes: v.weightedVotes } };
}

/** The `t` and window start the lens must be read at for the election whose snapshot is `snapshot`. */
export function readPoints(model: ScoringModel, p: ScoringParams, clock: Clock, snapshot: bigint): { t: bigint; windowStart: bigint } {
  const span = p.window * clock.epochDuration;
  return { t: snapshot - 1n, windowStart: model === ScoringModel.DynamicTrust && snapshot > span + 1n ? snapshot - span - 1n : 0n };
}
