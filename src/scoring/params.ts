// The scoring parameters of the three models, mirroring contracts/scoring/ScoringParams.sol:
// the same structs (one per model), the same defaults, the same bounds. Every value is a WAD bigint unless named otherwise.

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

/** Paper 1's credit model: exactly what `creditScore` reads (Solidity `CreditParams`). */
export interface CreditParams {
  alpha: bigint;
  beta: bigint;
  gamma: bigint;
  mu: bigint;
  xi: bigint;
  lossRate: bigint;
  gainValue: bigint;
  voteScale: bigint;
  capacityRef: bigint;
}

/** Paper 2's trust dynamics, eqs. (7)-(8): what every trust update reads (Solidity `TrustDynamics`). */
export interface TrustDynamics {
  maxTrust: bigint;
  trustPenalty: bigint;
  trustReward: bigint;
  decayRate: bigint;
  decayPeriod: bigint;
  initialTrust: bigint;
}

/** Paper 2's dynamic-trust model: exactly what `dynamicTrustScore` reads (Solidity `TrustParams`). */
export interface TrustParams {
  trustAlpha: bigint;
  trustBeta: bigint;
  trustDelta: bigint;
  trustGamma: bigint;
  omega1: bigint;
  omega2: bigint;
  mu1: bigint;
  mu2: bigint;
  voteScale: bigint;
  window: bigint;
  depositRef: bigint;
  dynamics: TrustDynamics;
}

/** Every parameter of a deployment: each model's own struct, then what is shared (Solidity `ScoringParams`). */
export interface ScoringParams {
  credit: CreditParams;
  trust: TrustParams;
  qualityScale: bigint;
  minDeposit: bigint;
  tradingCycle: bigint[];
  frequencyValue: bigint[];
}

const wad = (x: number): bigint => BigInt(Math.round(x * 1000)) * (WAD / 1000n);

/** The papers' defaults (paper 1 2.2.2 and section 3; paper 2 3.2), as in ScoringParamsLib.defaults. */
export function defaultScoringParams(): ScoringParams {
  return {
    credit: {
      alpha: wad(0.3),
      beta: wad(0.3),
      gamma: wad(0.4),
      mu: wad(0.5),
      xi: wad(0.5),
      lossRate: WAD,
      gainValue: WAD,
      voteScale: 10n * WAD,
      capacityRef: 100_000n,
    },
    trust: {
      trustAlpha: wad(0.3),
      trustBeta: wad(0.2),
      trustDelta: wad(0.1),
      trustGamma: wad(0.4),
      omega1: wad(0.5),
      omega2: wad(0.5),
      mu1: WAD,
      mu2: 2n * WAD,
      voteScale: 10n * WAD,
      window: 10n,
      depositRef: 1000n * WAD,
      dynamics: {
        maxTrust: 200n * WAD,
        trustPenalty: 20n * WAD,
        trustReward: WAD,
        decayRate: WAD,
        decayPeriod: DAY,
        initialTrust: 100n * WAD,
      },
    },
    qualityScale: 10n * WAD,
    minDeposit: 100n * WAD,
    tradingCycle: [90n * DAY, 30n * DAY, 7n * DAY, 7n * DAY, 7n * DAY, 7n * DAY, 0n],
    frequencyValue: [4n * WAD, 6n * WAD, 8n * WAD, 8n * WAD, 8n * WAD, 8n * WAD, 0n],
  };
}

/** `p` with some fields of its credit and trust structs replaced (the trust dynamics merged too). */
export function withParams(
  p: ScoringParams,
  change: { credit?: Partial<CreditParams>; trust?: Partial<Omit<TrustParams, "dynamics">>; dynamics?: Partial<TrustDynamics> } & Partial<
    Omit<ScoringParams, "credit" | "trust">
  >,
): ScoringParams {
  const { credit, trust, dynamics, ...rest } = change;
  return {
    ...p,
    ...rest,
    credit: { ...p.credit, ...credit },
    trust: { ...p.trust, ...trust, dynamics: { ...p.trust.dynamics, ...dynamics } },
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
  const { credit: c, trust: t } = p;
  const d = t.dynamics;
  sumsToOne("credit", c.alpha + c.beta + c.gamma);
  sumsToOne("consensus", c.mu + c.xi);
  sumsToOne("trust", t.trustAlpha + t.trustBeta + t.trustDelta + t.trustGamma);
  sumsToOne("history", t.omega1 + t.omega2);
  within("qualityScale", p.qualityScale, 0n, MAX_ATTRIBUTE);
  within("lossRate", c.lossRate, 0n, MAX_ATTRIBUTE);
  within("gainValue", c.gainValue, 0n, MAX_ATTRIBUTE);
  within("voteScale", c.voteScale, 1n, 2n ** 64n - 1n); // the contract's uint64 field
  within("capacityRef", c.capacityRef, 1n, 10n ** 12n);
  within("mu1", t.mu1, 0n, MAX_ATTRIBUTE);
  within("mu2", t.mu2, 0n, MAX_ATTRIBUTE);
  within("trust.voteScale", t.voteScale, 1n, 2n ** 64n - 1n);
  within("maxTrust", d.maxTrust, 1n, 1000n * WAD);
  within("initialTrust", d.initialTrust, 0n, d.maxTrust);
  within("trustReward", d.trustReward, 0n, d.maxTrust);
  within("trustPenalty", d.trustPenalty, 0n, d.maxTrust);
  within("decayRate", d.decayRate, 0n, 1000n * WAD);
  within("decayPeriod", d.decayPeriod, 1n, 3650n * DAY);
  within("window", t.window, 1n, 1000n);
  within("depositRef", t.depositRef, 1n, 10n ** 36n);
  within("minDeposit", p.minDeposit, 1n, 10n ** 36n);
  for (let c = 0; c < 6; c++) {
    within("tradingCycle", p.tradingCycle[c], HOUR, 400n * DAY);
    within("frequencyValue", p.frequencyValue[c], 0n, MAX_ATTRIBUTE);
  }
  within("tradingCycle", p.tradingCycle[NodeClass.Consumer], 0n, 0n);
  within("frequencyValue", p.frequencyValue[NodeClass.Consumer], 0n, 0n);
}
