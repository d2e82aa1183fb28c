// The three-model comparison on one malicious delegate, on a reduced horizon with a fixed seed.
import { expect } from "chai";
import { runModelComparison, exclusion, type ComparisonRun } from "../../experiments/modelComparison";
import { modelSummary } from "../../experiments/modelComparisonReport";
import { ScoringModel } from "../../src/scoring/params";

const EPOCHS = 30;
const SEED = 1;

describe("experiments: one malicious delegate under the three models (30 epochs, fixed seed)", () => {
  const runs = new Map<ScoringModel, ComparisonRun>();
  before(async () => {
    for (const m of [ScoringModel.Classic, ScoringModel.Credit, ScoringModel.DynamicTrust])
      runs.set(m, await runModelComparison(m, SEED, EPOCHS));
  });

  it("the popular node is elected first under every model, and each of its forged blocks is proven once", () => {
    for (const run of runs.values()) {
      expect(run.offenderElected[0], `model ${run.model}`).to.equal(0);
      expect(run.offences).to.equal(run.slotsLost).and.to.be.greaterThan(0);
    }
  });

  it("classic DPoS elects the offender again whenever its jail ends; dynamic trust keeps it out", () => {
    const classic = exclusion(runs.get(ScoringModel.Classic)!);
    const trust = exclusion(runs.get(ScoringModel.DynamicTrust)!);
    expect(classic.lastElected).to.be.greaterThanOrEqual(Math.ceil((EPOCHS * 2) / 3));
    expect(trust.afterFirstOffence).to.be.lessThan(classic.afterFirstOffence);
    expect(runs.get(ScoringModel.DynamicTrust)!.slotsLost).to.be.lessThan(runs.get(ScoringModel.Classic)!.slotsLost);
  });

  it("the summary counts the runs still electing the offender late", () => {
    const summary = modelSummary([...runs.values()]);
    const late = new Map(summary.map((s) => [s.model, s.stillElectedLate]));
    expect(late.get(ScoringModel.Classic)).to.equal(1);
    expect(late.get(ScoringModel.DynamicTrust)).to.equal(0);
  });

  it("the same seed gives the same run", async () => {
    expect(await runModelComparison(ScoringModel.Credit, SEED, 12)).to.deep.equal(await runModelComparison(ScoringModel.Credit, SEED, 12));
  });
});
