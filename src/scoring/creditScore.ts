// Paper 1, section 2.2.2, eqs. (1)-(5): line for line the mirror of contracts/scoring/CreditScore.sol.
// bigint division truncates toward zero, exactly like Solidity's on unsigned values.
import { MAX_ATTRIBUTE, WAD, type CreditParams } from "./params";

export interface CreditInputs {
  frequencyValue: bigint;
  capacity: bigint;
  quality: bigint;
  cleanRecord: boolean;
  offencePenalty: bigint;
  elapsedSinceVote: bigint;
  tradingCycle: bigint;
  votes: bigint;
  totalVotes: bigint;
}

const cap10 = (x: bigint): bigint => (x > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : x);

/** Capacity value P = min(10, 10 · capacity / capacityRef). */
export function capacityValue(capacity: bigint, capacityRef: bigint): bigint {
  return cap10((capacity * MAX_ATTRIBUTE) / capacityRef);
}

/**
 * Paper 1 eq. (3): D = k · (1 − |E_real − E_plan| / E_plan) in [0, 10]. A plan is a promise made
 * before the cycle (paper 1 2.2.1): no plan gives 0; a plan of 0 keeps `previous` if metered 0, else 0.
 */
export function quality(hasPlan: boolean, plannedEnergy: bigint, meteredEnergy: bigint, qualityScale: bigint, previous: bigint): bigint {
  if (!hasPlan) return 0n;
  if (plannedEnergy === 0n) return meteredEnergy === 0n ? previous : 0n;
  const gap = meteredEnergy > plannedEnergy ? meteredEnergy - plannedEnergy : plannedEnergy - meteredEnergy;
  const deviation = (gap * WAD) / plannedEnergy;
  if (deviation >= WAD) return 0n;
  return cap10((qualityScale * (WAD - deviation)) / WAD);
}

/** Paper 1 eq. (4): ΔC− = 0 if t ≤ T_a, else m · t / T_a, capped at 10. */
export function creditLoss(elapsed: bigint, tradingCycle: bigint, lossRate: bigint): bigint {
  if (tradingCycle === 0n || elapsed <= tradingCycle) return 0n;
  return cap10((lossRate * elapsed) / tradingCycle);
}

/** Stages are counted modulo this (the credit record keeps a stage in 29 bits). */
export const GAIN_STAGE_MODULUS = 1n << 29n;

/**
 * Whether a clean delegate term earns ΔC+ in the election whose snapshot lies in epoch `stage`
 * (paper 1 2.2.2: the gain counts in the next stage's election only). A term in epoch e stores
 * `gainStage` = e + 1 mod 2^29; `clean` is false once an offence was proven since.
 */
export function gainApplies(clean: boolean, gainStage: bigint, stage: bigint): boolean {
  return clean && gainStage === stage % GAIN_STAGE_MODULUS;
}

/** Paper 1 eq. (5): ΔC+ = a when the node packed every block it was assigned. */
export function creditGain(cleanRecord: boolean, gainValue: bigint): bigint {
  return cleanRecord ? gainValue : 0n;
}

/** Paper 1 eq. (2): C_cre = α·F + β·P + γ·D + ΔC+ − ΔC−, zero if negative. */
export function credit(p: CreditParams, f: bigint, cap: bigint, d: bigint, gain: bigint, loss: bigint): bigint {
  const positive = (p.alpha * f) / WAD + (p.beta * cap) / WAD + (p.gamma * d) / WAD + gain;
  return positive > loss ? positive - loss : 0n;
}

/** Vote value V = min(10, s · votes / totalVotes); zero when nobody has voted. */
export function voteValue(votes: bigint, totalVotes: bigint, voteScale: bigint): bigint {
  if (totalVotes === 0n) return 0n;
  return cap10((voteScale * votes) / totalVotes);
}

/** Paper 1 eq. (1): G = μ·C_cre + ξ·V. */
export function consensusValue(p: CreditParams, creditValue: bigint, vote: bigint): bigint {
  return (p.mu * creditValue) / WAD + (p.xi * vote) / WAD;
}

/** The whole credit model: consensus value G of one node at one snapshot. */
export function creditScore(p: CreditParams, n: CreditInputs): bigint {
  const loss = cap10(creditLoss(n.elapsedSinceVote, n.tradingCycle, p.lossRate) + n.offencePenalty);
  const c = credit(p, n.frequencyValue, capacityValue(n.capacity, p.capacityRef), n.quality, creditGain(n.cleanRecord, p.gainValue), loss);
  return consensusValue(p, c, voteValue(n.votes, n.totalVotes, p.voteScale));
}
