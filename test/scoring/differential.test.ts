// Differential tests: the Solidity scoring libraries and their TypeScript mirror must agree bit for
// bit (SPEC.md section 9, invariant 4), on random inputs and on every boundary we can name.
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Result } from "ethers";
import fc from "fast-check";
import type { ScoringHarness } from "../../typechain-types";
import { NodeClass, WAD, defaultScoringParams, type ScoringParams } from "../../src/scoring/params";
import * as ScoreInputs from "../../src/scoring/scoreInputs";
import { toScoringParams } from "../../src/chain/snapshotReader";
import { GAIN_STAGE_MODULUS, creditScore, gainApplies, quality, type CreditInputs } from "../../src/scoring/creditScore";
import { decayedTrust, dynamicTrustScore, penalized, rewarded, type TrustInputs } from "../../src/scoring/dynamicTrustScore";
import { ElectionRule, electionKey, lnWad } from "../../src/scoring/electionKey";
import { depth } from "../depth";

// 10,000 random input sets per model in the deep run, 500 in `npm test` (test/depth.ts);
// DIFFERENTIAL_RUNS sets it for `npm run coverage`, where instrumented contracts run far slower.
const RUNS = depth("DIFFERENTIAL_RUNS", 500, 10_000);
const BATCH = 500;
const SEED = 20261123;

const DAY = 86_400n;
/** Values picked to sit on every edge of the formulas; mixed into the random ones. */
const edgy = (edges: bigint[], max: bigint) =>
  fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...edges) }, { weight: 3, arbitrary: fc.bigInt(0n, max) });

const creditInputs: fc.Arbitrary<CreditInputs> = fc.record({
  frequencyValue: edgy([0n, 4n * WAD, 10n * WAD], 10n * WAD),
  capacity: edgy([0n, 1n, 100_000n, 99_999n, 10n ** 10n], 10n ** 10n),
  quality: edgy([0n, 10n * WAD, 6n * WAD], 10n * WAD),
  cleanRecord: fc.boolean(),
  offencePenalty: edgy([0n, 10n * WAD, 3n * WAD], 10n * WAD),
  // elapsed exactly at T_a, one second over, far over (loss cap)
  elapsedSinceVote: edgy([0n, 7n * DAY, 7n * DAY + 1n, 30n * DAY, 90n * DAY, 90n * DAY + 1n, 10n ** 9n], 10n ** 9n),
  tradingCycle: edgy([0n, 7n * DAY, 30n * DAY, 90n * DAY], 400n * DAY),
  votes: edgy([0n, 1n, 100n], 10n ** 6n),
  totalVotes: edgy([0n, 1n, 100n, 10n ** 6n], 10n ** 7n),
});

const trustInputs: fc.Arbitrary<TrustInputs> = fc.record({
  correctActions: edgy([0n, 1n, 2n ** 32n - 1n], 10n ** 6n),
  offences: edgy([0n, 1n, 2n ** 32n - 1n], 10n ** 4n),
  participatedRounds: edgy([0n, 10n], 1000n),
  windowRounds: edgy([0n, 1n, 10n, 1000n], 1000n),
  votes: edgy([0n, 1n], 10n ** 6n),
  totalVotes: edgy([0n, 1n, 10n ** 6n], 10n ** 7n),
  deposit: edgy([0n, 1000n * WAD, 2n ** 128n - 1n], 10n ** 24n),
  trust: edgy([0n, 100n * WAD, 200n * WAD], 200n * WAD),
  elapsedSinceParticipation: edgy([0n, DAY, DAY + 1n, 10n ** 9n], 10n ** 9n),
});

/** One node's raw facts and records at a snapshot, as the registry and the election hold them. */
const trustRecord = fc.record({
  trust: edgy([0n, 100n * WAD, 200n * WAD], 2n ** 72n - 1n),
  correct: edgy([0n, 1n, 2n ** 32n - 1n], 2n ** 32n - 1n),
  offences: edgy([0n, 1n], 2n ** 32n - 1n),
  participated: edgy([0n, 10n], 2n ** 32n - 1n),
  lastParticipation: edgy([0n, 10n ** 9n], 2n ** 40n - 1n),
});
const recordCase = fc
  .record({
    nodeClass: fc.integer({ min: 0, max: 6 }) as fc.Arbitrary<NodeClass>,
    capacity: edgy([0n, 1n, 10n ** 10n], 10n ** 10n),
    tradingCycle: edgy([0n, 7n * DAY], 400n * DAY),
    admittedAt: edgy([0n, 10n ** 9n], 2n * 10n ** 9n),
    age: edgy([0n, 1n, DAY], 10n ** 9n), // snapshot − max(admittedAt, lastVote, lastParticipation)
    votes: edgy([0n, 1n], 10n ** 6n),
    totalVotes: edgy([0n, 10n ** 6n], 10n ** 7n),
    lastVote: edgy([0n, 10n ** 9n], 2n * 10n ** 9n),
    deposit: edgy([0n, 100n * WAD - 1n, 100n * WAD], 10n ** 24n),
    rounds: edgy([0n, 9n, 10n, 11n], 1000n),
    credit: fc.record({
      quality: edgy([0n, 10n * WAD], 10n * WAD),
      offencePenalty: edgy([0n, 10n * WAD], 10n * WAD),
      clean: fc.boolean(),
      admitted: fc.boolean(),
      jailed: fc.boolean(),
    }),
    trustNow: trustRecord,
    startShare: fc.bigInt(0n, 100n), // the window's start holds this share (%) of each counter
  })
  .map((x) => {
    const scale = (v: bigint) => (v * x.startShare) / 100n;
    const trustStart = {
      ...x.trustNow,
      correct: scale(x.trustNow.correct),
      offences: scale(x.trustNow.offences),
      participated: scale(x.trustNow.participated),
    };
    const latest = [x.admittedAt, x.lastVote, x.trustNow.lastParticipation].reduce((a, b) => (a > b ? a : b));
    return { ...x, trustStart, snapshot: latest + x.age };
  });
type RecordCase = typeof recordCase extends fc.Arbitrary<infer T> ? T : never;
const trustArray = (r: ScoreInputs.TrustRecord): [bigint, bigint, bigint, bigint, bigint] => [
  r.trust,
  r.correct,
  r.offences,
  r.participated,
  r.lastParticipation,
];
const toSolidity = (x: RecordCase) => ({
  nodeClass: x.nodeClass,
  capacity: x.capacity,
  tradingCycle: x.tradingCycle,
  admittedAt: x.admittedAt,
  snapshot: x.snapshot,
  votes: x.votes,
  totalVotes: x.totalVotes,
  lastVote: x.lastVote,
  deposit: x.deposit,
  roundsSinceAdmission: x.rounds,
  ...x.credit,
  trustNow: trustArray(x.trustNow),
  trustStart: trustArray(x.trustStart),
});

/** Random valid parameter sets: weights that sum to 1, bounds respected. */
const weights = (n: number) =>
  fc.array(fc.bigInt(0n, WAD), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const sorted = [0n, ...cuts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), WAD];
    return sorted.slice(1).map((c, i) => c - sorted[i]);
  });
const paramsArb: fc.Arbitrary<ScoringParams> = fc
  .record({
    credit: weights(3),
    consensus: weights(2),
    trust: weights(4),
    history: weights(2),
    qualityScale: fc.bigInt(0n, 10n * WAD),
    mu1: fc.bigInt(0n, 10n * WAD),
    mu2: fc.bigInt(0n, 10n * WAD),
    maxTrust: fc.bigInt(1n, 1000n * WAD),
    decayPeriod: fc.bigInt(1n, 30n * DAY),
    // the whole of the contract's uint64 field, the default 10 WAD and the bound among them
    voteScale: fc.oneof(fc.constantFrom(10n * WAD, 2n ** 64n - 1n), fc.bigInt(1n, 2n ** 64n - 1n)),
    trustVoteScale: fc.oneof(fc.constantFrom(10n * WAD, 2n ** 64n - 1n), fc.bigInt(1n, 2n ** 64n - 1n)),
  })
  .map((r) => {
    const p = defaultScoringParams();
    const [c, t, d] = [p.credit, p.trust, p.trust.dynamics];
    [c.alpha, c.beta, c.gamma] = r.credit;
    [c.mu, c.xi] = r.consensus;
    [t.trustAlpha, t.trustBeta, t.trustDelta, t.trustGamma] = r.trust;
    [t.omega1, t.omega2] = r.history;
    p.qualityScale = r.qualityScale;
    t.mu1 = r.mu1;
    t.mu2 = r.mu2;
    d.maxTrust = r.maxTrust;
    d.initialTrust = r.maxTrust / 2n;
    d.decayPeriod = r.decayPeriod;
    c.voteScale = r.voteScale;
    t.voteScale = r.trustVoteScale;
    return p;
  });

async function inBatches<T, R>(items: T[], call: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(...(await call(items.slice(i, i + BATCH))));
  return out;
}

describe("scoring: Solidity and TypeScript agree bit for bit", function () {
  let harness: ScoringHarness;
  before(async () => {
    harness = await (await ethers.getContractFactory("ScoringHarness")).deploy();
  });

  it("has the same defaults in both languages", async () => {
    const onChain = toScoringParams((await harness.defaults()) as unknown as Parameters<typeof toScoringParams>[0]);
    expect(onChain).to.deep.equal(defaultScoringParams());
  });

  it(`credit model (paper 1): ${RUNS} random input sets under default and random parameters`, async () => {
    const inputs = fc.sample(creditInputs, { numRuns: RUNS, seed: SEED });
    const paramSets = [defaultScoringParams(), ...fc.sample(paramsArb, { numRuns: 2, seed: SEED })];
    for (const p of paramSets) {
      const chain = await inBatches(inputs, (b) => harness.creditScores(p.credit, b));
      const mirror = inputs.map((n) => creditScore(p.credit, n));
      expect(chain).to.deep.equal(mirror);
    }
  });

  it(`dynamic-trust model (paper 2): ${RUNS} random input sets under default and random parameters`, async () => {
    const inputs = fc.sample(trustInputs, { numRuns: RUNS, seed: SEED + 1 });
    const paramSets = [defaultScoringParams(), ...fc.sample(paramsArb, { numRuns: 2, seed: SEED + 1 })];
    for (const p of paramSets) {
      const chain = await inBatches(inputs, (b) => harness.trustScores(p.trust, b));
      const mirror = inputs.map((n) => dynamicTrustScore(p.trust, n));
      expect(chain).to.deep.equal(mirror);
    }
  });

  it("quality D of eq. (3): no plan, plan of zero (idle or not), deviation over 100 %, exact plan, random", async () => {
    const rows: [boolean, bigint, bigint][] = [
      [false, 0n, 5n],
      [false, 0n, 0n],
      [true, 0n, 0n],
      [true, 0n, 5n],
      [true, 100n, 0n],
      [true, 100n, 200n],
      [true, 100n, 201n],
      [true, 100n, 100n],
      [true, 3n, 2n],
      [false, 100n, 100n], // never stored (no plan leaves E_plan 0), but the function must still say 0
      ...fc.sample(fc.tuple(fc.boolean(), edgy([0n, 1n], 10n ** 15n), edgy([0n, 1n], 10n ** 15n)), { numRuns: RUNS, seed: SEED + 2 }),
    ];
    const previous = 7n * WAD;
    const chain = await inBatches(rows, (b) =>
      harness.qualities(
        b.map((x) => x[0]),
        b.map((x) => x[1]),
        b.map((x) => x[2]),
        10n * WAD,
        previous,
      ),
    );
    expect(chain).to.deep.equal(rows.map(([hasPlan, plan, real]) => quality(hasPlan, plan, real, 10n * WAD, previous)));
    expect(chain.slice(0, 2)).to.deep.equal([0n, 0n]); // no plan: no promise kept, D = 0
    expect(chain[2]).to.equal(previous); // a declared idle cycle, kept: D unchanged
    expect(chain[3]).to.equal(0n); // planned idle, produced anyway
    expect(chain[4]).to.equal(0n); // 100 % deviation
    expect(chain[6]).to.equal(0n); // over 100 %
    expect(chain[7]).to.equal(10n * WAD); // exact
    expect(chain[9]).to.equal(0n);
  });

  it("ΔC+ of eq. (5) counts in the next stage only: same stage, the one before and after, modulo 2^29, cleared", async () => {
    const M = GAIN_STAGE_MODULUS;
    const rows: [boolean, bigint, bigint][] = [
      [true, 5n, 5n],
      [true, 5n, 4n],
      [true, 5n, 6n],
      [false, 5n, 5n],
      [true, 0n, 0n],
      [true, 0n, M], // the stage after 2^29 - 1 wraps to 0
      [true, M - 1n, M - 1n],
      [true, 5n, 5n + M],
      [true, 5n, 2n ** 256n - 1n],
      ...fc.sample(fc.tuple(fc.boolean(), edgy([0n, 1n, M - 1n], M - 1n), edgy([0n, 1n, M - 1n, M, 2n ** 256n - 1n], 2n ** 64n)), {
        numRuns: RUNS,
        seed: SEED + 3,
      }),
    ];
    const chain = await inBatches(rows, (b) =>
      harness.gainApplies(
        b.map((x) => x[0]),
        b.map((x) => x[1]),
        b.map((x) => x[2]),
      ),
    );
    expect(chain).to.deep.equal(rows.map(([clean, gainStage, stage]) => gainApplies(clean, gainStage, stage)));
    expect(chain.slice(0, 9)).to.deep.equal([true, false, false, false, true, true, true, true, (2n ** 256n - 1n) % M === 5n]);
  });

  it("trust reward, penalty and decay of eqs. (7)-(8)", async () => {
    const p = defaultScoringParams().trust.dynamics;
    const rows = fc.sample(fc.tuple(edgy([0n, 199n * WAD, 200n * WAD, 19n * WAD], 200n * WAD), edgy([0n, DAY, DAY + 1n], 10n ** 8n)), {
      numRuns: 2000,
      seed: SEED + 3,
    });
    const [r, pen, dec] = await harness.trustUpdates(
      p,
      rows.map((x) => x[0]),
      rows.map((x) => x[1]),
    );
    expect([...r]).to.deep.equal(rows.map(([t]) => rewarded(p, t)));
    expect([...pen]).to.deep.equal(rows.map(([t]) => penalized(p, t)));
    expect([...dec]).to.deep.equal(rows.map(([t, e]) => decayedTrust(p, t, e)));
  });

  it(`score inputs and eligibility (ScoreInputs): ${RUNS} random records, both models' inputs`, async () => {
    const cases = fc.sample(recordCase, { numRuns: RUNS, seed: SEED + 7 });
    const minDeposit = 100n * WAD;
    const [frequencyValue, window] = [8n * WAD, 10n];
    const chainEligible: boolean[] = [];
    const chainCredit: unknown[] = [];
    const chainTrust: unknown[] = [];
    for (let i = 0; i < cases.length; i += BATCH) {
      const batch = cases.slice(i, i + BATCH).map(toSolidity);
      const [e, c, t] = await harness.scoreInputs(batch, minDeposit, frequencyValue, window);
      chainEligible.push(...e);
      chainCredit.push(...c.map((x) => (x as unknown as Result).toObject()));
      chainTrust.push(...t.map((x) => (x as unknown as Result).toObject()));
    }
    expect(chainEligible).to.deep.equal(cases.map((x) => ScoreInputs.eligible(x.credit, x.nodeClass, x.deposit, minDeposit)));
    expect(chainCredit).to.deep.equal(
      cases.map((x) =>
        ScoreInputs.credit(
          frequencyValue,
          x.capacity,
          x.tradingCycle,
          x.admittedAt,
          x.credit,
          x.credit.clean,
          x.snapshot,
          x.votes,
          x.totalVotes,
          x.lastVote,
        ),
      ),
    );
    expect(chainTrust).to.deep.equal(
      cases.map((x) =>
        ScoreInputs.trust(x.trustNow, x.trustStart, x.rounds, window, x.admittedAt, x.snapshot, x.votes, x.totalVotes, x.deposit),
      ),
    );
    // every branch was drawn: eligible and not, a last vote before and after admission, windows cut at 10 rounds
    expect(new Set(chainEligible).size).to.equal(2);
    expect(cases.some((x) => x.lastVote > x.admittedAt) && cases.some((x) => x.lastVote < x.admittedAt)).to.equal(true);
    expect(cases.some((x) => x.rounds > window) && cases.some((x) => x.rounds < window)).to.equal(true);
  });

  it("the recent window's start (ScoreInputs.windowStart) at and around its edge", async () => {
    const epoch = 3_600n;
    const window = 10n;
    const span = window * epoch;
    const snapshots = [
      0n,
      1n,
      span,
      span + 1n,
      span + 2n,
      10n ** 9n,
      ...fc.sample(fc.bigInt(0n, 10n ** 12n), { numRuns: 200, seed: SEED + 8 }),
    ];
    const chain = await harness.windowStarts(snapshots, window, epoch);
    expect([...chain]).to.deep.equal(snapshots.map((t) => ScoreInputs.windowStart(t, window, epoch)));
    expect([...chain.slice(0, 5)]).to.deep.equal([0n, 0n, 0n, 0n, 1n]); // none until the window fits after time 0
  });

  it(`lnWad port: ${RUNS} random and boundary arguments`, async () => {
    const xs = [
      1n,
      2n,
      WAD - 1n,
      WAD,
      WAD + 1n,
      2n ** 96n,
      2n ** 128n,
      2n ** 255n - 1n,
      ...fc.sample(fc.bigInt(1n, WAD), { numRuns: RUNS / 2, seed: SEED + 4 }),
      ...fc.sample(fc.bigInt(1n, 2n ** 255n - 1n), { numRuns: RUNS / 2, seed: SEED + 5 }),
    ];
    const chain = await inBatches(xs, (b) => harness.lnWads(b));
    expect(chain).to.deep.equal(xs.map(lnWad));
  });

  it(`election keys under both rules: ${RUNS} random scores and nodes`, async () => {
    const rows = fc.sample(fc.tuple(edgy([0n, 1n, 10n * WAD, 2n ** 200n], 20n * WAD), fc.uint8Array({ minLength: 20, maxLength: 20 })), {
      numRuns: RUNS,
      seed: SEED + 6,
    });
    const nodes = rows.map(([, bytes]) => ethers.getAddress(ethers.hexlify(bytes)));
    const scores = rows.map(([s]) => s);
    const seed = ethers.keccak256(ethers.toUtf8Bytes("differential"));
    for (const rule of [ElectionRule.TopK, ElectionRule.WeightedRandom]) {
      const idx = scores.map((_, i) => i);
      const chain = await inBatches(idx, (b) =>
        harness.keys(
          rule,
          b.map((i) => scores[i]),
          seed,
          b.map((i) => nodes[i]),
        ),
      );
      expect(chain).to.deep.equal(idx.map((i) => electionKey(rule, scores[i], seed, nodes[i])));
    }
  });
});
