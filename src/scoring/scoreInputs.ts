// A node's records turned into each model's inputs and its eligibility at a snapshot: line for line
// the mirror of contracts/scoring/ScoreInputs.sol, so the keeper assembles exactly what scoreAt does.
import type { CreditInputs } from "./creditScore";
import type { TrustInputs } from "./dynamicTrustScore";
import { NodeClass, ScoringModel } from "./params";

/** The credit record of a node (paper 1), unpacked as `creditRecordAt` and the lens return it. */
export interface CreditRecord {
  quality: bigint;
  offencePenalty: bigint;
  clean: boolean;
  admitted: boolean;
  jailed: boolean;
}

/** The trust record of a node (paper 2), unpacked as `trustRecordAt` and the lens return it. */
export interface TrustRecord {
  trust: bigint;
  correct: bigint;
  offences: bigint;
  participated: bigint;
  lastParticipation: bigint;
}

/** The record before any: what a lookup before the first checkpoint reads (all zero). */
export const EMPTY_TRUST_RECORD: TrustRecord = { trust: 0n, correct: 0n, offences: 0n, participated: 0n, lastParticipation: 0n };

/** May stand: admitted, not jailed, a producer (consumers are never candidates, paper 1 2.2.1). */
export function mayStand(c: CreditRecord, nodeClass: NodeClass): boolean {
  return c.admitted && !c.jailed && nodeClass !== NodeClass.Consumer;
}

/** A bonded deposit that meets the candidates' minimum. */
export function bondedEnough(deposit: bigint, minDeposit: bigint): boolean {
  return deposit >= minDeposit;
}

/** Eligible at a snapshot: `mayStand` and `bondedEnough` (SPEC.md section 4). */
export function eligible(c: CreditRecord, nodeClass: NodeClass, deposit: bigint, minDeposit: bigint): boolean {
  return mayStand(c, nodeClass) && bondedEnough(deposit, minDeposit);
}

/** Whether the model's score reads deposit-weighted tallies (classic DPoS) rather than raw votes. */
export function weighsVotesByDeposit(model: ScoringModel): boolean {
  return model === ScoringModel.Classic;
}

/**
 * Paper 1's inputs at `snapshot`; `gain` says whether ΔC+ applies there (the lens's `credit.clean`
 * already is `gainApplies` at the snapshot); eq. (4)'s t runs from the last vote, or admission if none since.
 */
export function credit(
  frequencyValue: bigint,
  capacity: bigint,
  tradingCycle: bigint,
  admittedAt: bigint,
  c: CreditRecord,
  gain: boolean,
  snapshot: bigint,
  votes: bigint,
  totalVotes: bigint,
  lastVote: bigint,
): CreditInputs {
  const since = lastVote > admittedAt ? lastVote : admittedAt;
  return {
    frequencyValue,
    capacity,
    quality: c.quality,
    cleanRecord: gain,
    offencePenalty: c.offencePenalty,
    elapsedSinceVote: snapshot - since,
    tradingCycle,
    votes,
    totalVotes,
  };
}

/** The timepoint whose trust record opens the recent window before `snapshot`, or 0 if there is none. */
export function windowStart(snapshot: bigint, window: bigint, epochDuration: bigint): bigint {
  const span = window * epochDuration;
  return snapshot > span + 1n ? snapshot - span - 1n : 0n;
}

/** Paper 2's inputs at `snapshot`: the window's counters as differences of the two records. */
export function trust(
  atSnapshot: TrustRecord,
  atWindowStart: TrustRecord,
  roundsSinceAdmission: bigint,
  window: bigint,
  admittedAt: bigint,
  snapshot: bigint,
  votes: bigint,
  totalVotes: bigint,
  deposit: bigint,
): TrustInputs {
  let last = atSnapshot.lastParticipation;
  if (last < admittedAt) last = admittedAt;
  return {
    correctActions: atSnapshot.correct - atWindowStart.correct,
    offences: atSnapshot.offences - atWindowStart.offences,
    participatedRounds: atSnapshot.participated - atWindowStart.participated,
    windowRounds: roundsSinceAdmission < window ? roundsSinceAdmission : window,
    votes,
    totalVotes,
    deposit,
    trust: atSnapshot.trust,
    elapsedSinceParticipation: snapshot - last,
  };
}
