// The scoring parameters of the three models, mirroring contracts/scoring/ScoringParams.sol:
// same fields, same defaults, same bounds. Every value is a WAD bigint unless named otherwise.

export const WAD = 10n ** 18n;
export const MAX_ATTRIBUTE = 10n * WAD;
const DAY = 86_400n;
const HOUR = 3_600n;

/** Node classes, in the order of the Solidity enum `NodeClass`. */
export enum NodeClass {
  HouseholdRooftopPV = 0,
  SingleHouseholdClusterPV = 1,
  MultiHouseholdCommunityPV = 2,
  Wind = 3,
  Hydro = 4,
  IntegratedEnergy = 5,
  Consumer = 6,
}

export enum ScoringModel {
  Credit = 0,
  DynamicTrust = 1,
  Classic = 2,
}

export interface ScoringParams {
  alpha: bigint;
  beta: bigint;
  gamma: bigint;
  mu: bigint;
  xi: bigint;
  qualityScale: bigint;
  lossRate: bigint;
  gainValue: bigint;
  voteScale: bigint;
  capacityRef: bigint;
  trustAlpha: bigint;
  trustBeta: bigint;
  trustDelta: bigint;
  trustGamma: bigint;
  omega1: bigint;
  omega2: bigint;
  mu1: bigint;
  mu2: bigint;
  initialTrust: bigint;
  maxTrust: bigint;
  trustReward: bigint;
  trustPenalty: bigint;
  decayRate: bigint;
  decayPeriod: bigint;
  window: bigint;
  depositRef: bigint;
  minDeposit: bigint;
  tradingCycle: bigint[];
  frequencyValue: bigint[];
}

const wad = (x: number): bigint => BigInt(Math.round(x * 1000)) * (WAD / 1000n);

/** The papers' defaults (paper 1 2.2.2 and section 3; paper 2 3.2), as in ScoringParamsLib.defaults. */
export function defaultScoringParams(): ScoringParams {
  return {
    alpha: wad(0.3),
    beta: wad(0.3),
    gamma: wad(0.4),
    mu: wad(0.5),
    xi: wad(0.5),
    qualityScale: 10n * WAD,
    lossRate: WAD,
    gainValue: WAD,
    voteScale: 10n * WAD,
    capacityRef: 100_000n,
    trustAlpha: wad(0.3),
    trustBeta: wad(0.2),
    trustDelta: wad(0.1),
    trustGamma: wad(0.4),
    omega1: wad(0.5),
    omega2: wad(0.5),
    mu1: WAD,
    mu2: 2n * WAD,
    initialTrust: 100n * WAD,
    maxTrust: 200n * WAD,
    trustReward: WAD,
    trustPenalty: 20n * WAD,
    decayRate: WAD,
    decayPeriod: DAY,
    window: 10n,
    depositRef: 1000n * WAD,
    minDeposit: 100n * WAD,
    tradingCycle: [90n * DAY, 30n * DAY, 7n * DAY, 7n * DAY, 7n * DAY, 7n * DAY, 0n],
    frequencyValue: [4n * WAD, 6n * WAD, 8n * WAD, 8n * WAD, 8n * WAD, 8n * WAD, 0n],
  };
}

/** A parameter outside its bound; the message names the field and the value. */
export class ScoringParamError extends Error {
  constructor(
    readonly field: string,
    readonly value: bigint,
    detail: string,
  ) {
    super(`scoring parameter ${field} = ${value}: ${detail}`);
    this.name = "ScoringParamError";
  }
}

/** Same checks, same order, as ScoringParamsLib.validate. */
export function validateScoringParams(p: ScoringParams): void {
  const sumsToOne = (group: string, sum: bigint) => {
    if (sum !== WAD) throw new ScoringParamError(group, sum, "weights must sum to 1e18");
  };
  const within = (field: string, value: bigint, min: bigint, max: bigint) => {
    if (value < min || value > max) throw new ScoringParamError(field, value, `must be within [${min}, ${max}]`);
  };
  sumsToOne("credit", p.alpha + p.beta + p.gamma);
  sumsToOne("consensus", p.mu + p.xi);
  sumsToOne("trust", p.trustAlpha + p.trustBeta + p.trustDelta + p.trustGamma);
  sumsToOne("history", p.omega1 + p.omega2);
  within("qualityScale", p.qualityScale, 0n, MAX_ATTRIBUTE);
  within("lossRate", p.lossRate, 0n, MAX_ATTRIBUTE);
  within("gainValue", p.gainValue, 0n, MAX_ATTRIBUTE);
  within("voteScale", p.voteScale, 1n, 100n * WAD);
  within("capacityRef", p.capacityRef, 1n, 10n ** 12n);
  within("mu1", p.mu1, 0n, MAX_ATTRIBUTE);
  within("mu2", p.mu2, 0n, MAX_ATTRIBUTE);
  within("maxTrust", p.maxTrust, 1n, 1000n * WAD);
  within("initialTrust", p.initialTrust, 0n, p.maxTrust);
  within("trustReward", p.trustReward, 0n, p.maxTrust);
  within("trustPenalty", p.trustPenalty, 0n, p.maxTrust);
  within("decayRate", p.decayRate, 0n, 1000n * WAD);
  within("decayPeriod", p.decayPeriod, 1n, 3650n * DAY);
  within("window", p.window, 1n, 1000n);
  within("depositRef", p.depositRef, 1n, 10n ** 36n);
  within("minDeposit", p.minDeposit, 1n, 10n ** 36n);
  for (let c = 0; c < 6; c++) {
    within("tradingCycle", p.tradingCycle[c], HOUR, 400n * DAY);
    within("frequencyValue", p.frequencyValue[c], 0n, MAX_ATTRIBUTE);
  }
  within("tradingCycle", p.tradingCycle[NodeClass.Consumer], 0n, 0n);
  within("frequencyValue", p.frequencyValue[NodeClass.Consumer], 0n, 0n);
}
