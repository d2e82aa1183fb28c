// Paper 2, section 3.2, eqs. (1)-(8): line for line the mirror of contracts/scoring/DynamicTrustScore.sol.
import { voteValue } from "./creditScore";
import { MAX_ATTRIBUTE, WAD, type TrustDynamics, type TrustParams } from "./params";

export interface TrustInputs {
  correctActions: bigint;
  offences: bigint;
  participatedRounds: bigint;
  windowRounds: bigint;
  votes: bigint;
  totalVotes: bigint;
  deposit: bigint;
  trust: bigint;
  elapsedSinceParticipation: bigint;
}

const cap10 = (x: bigint): bigint => (x > MAX_ATTRIBUTE ? MAX_ATTRIBUTE : x);

/** Paper 2 eq. (5): A = (μ1·C_T − μ2·C_F) / C in [0, 10]; zero when C = 0. */
export function behaviourFactor(p: TrustParams, correct: bigint, malicious: bigint): bigint {
  const all = correct + malicious;
  if (all === 0n) return 0n;
  const good = p.mu1 * correct;
  const bad = p.mu2 * malicious;
  if (bad >= good) return 0n;
  return cap10(((good - bad) * 10n) / all);
}

/** Paper 2 eq. (6): B = E_i / E in [0, 10]; zero when E = 0. */
export function participationFactor(participated: bigint, rounds: bigint): bigint {
  if (rounds === 0n) return 0n;
  return cap10((participated * MAX_ATTRIBUTE) / rounds);
}

/** Paper 2 eq. (3): H = ω1·A + ω2·B. */
export function historyTrust(p: TrustParams, a: bigint, b: bigint): bigint {
  return (p.omega1 * a) / WAD + (p.omega2 * b) / WAD;
}

/** Deposit term M = min(10, 10 · deposit / depositRef). */
export function depositValue(deposit: bigint, depositRef: bigint): bigint {
  return cap10((deposit * MAX_ATTRIBUTE) / depositRef);
}

/** Paper 2 eq. (8): ΔD_s = 0 if t ≤ T_t, else N · t / T_t. */
export function trustDecay(elapsed: bigint, decayPeriod: bigint, decayRate: bigint): bigint {
  if (elapsed <= decayPeriod) return 0n;
  return (decayRate * elapsed) / decayPeriod;
}

/** Stored trust less the decay since the last participation, never below zero. */
export function decayedTrust(p: TrustDynamics, trust: bigint, elapsed: bigint): bigint {
  const decay = trustDecay(elapsed, p.decayPeriod, p.decayRate);
  return trust > decay ? trust - decay : 0n;
}

/** Paper 2 eq. (7), reward part: trust + ΔD_a, capped at maxTrust. */
export function rewarded(p: TrustDynamics, trust: bigint): bigint {
  const t = trust + p.trustReward;
  return t > p.maxTrust ? p.maxTrust : t;
}

/** Trust after a proven offence: trust − penalty, never below zero. */
export function penalized(p: TrustDynamics, trust: bigint): bigint {
  return trust > p.trustPenalty ? trust - p.trustPenalty : 0n;
}

/** The dynamic-trust term of eq. (1): 10 · trust / maxTrust in [0, 10]. */
export function trustValue(p: TrustDynamics, trust: bigint): bigint {
  return cap10((trust * MAX_ATTRIBUTE) / p.maxTrust);
}

/** Paper 2 eq. (1): R = α·H + β·V + δ·M + γ·D of one node at one snapshot. */
export function dynamicTrustScore(p: TrustParams, n: TrustInputs): bigint {
  const h = historyTrust(p, behaviourFactor(p, n.correctActions, n.offences), participationFactor(n.participatedRounds, n.windowRounds));
  const v = voteValue(n.votes, n.totalVotes, p.voteScale);
  const m = depositValue(n.deposit, p.depositRef);
  const d = trustValue(p.dynamics, decayedTrust(p.dynamics, n.trust, n.elapsedSinceParticipation));
  return (p.trustAlpha * h) / WAD + (p.trustBeta * v) / WAD + (p.trustDelta * m) / WAD + (p.trustGamma * d) / WAD;
}
