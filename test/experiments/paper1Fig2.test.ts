// Paper 1 Fig. 2 on a reduced run count with a fixed seed: the paper's qualitative claims hold.
import { expect } from "chai";
import { runPaper1Experiment, type Paper1Result } from "../../experiments/paper1Fig2";
import { paper1Claims } from "../../experiments/paper1Report";

const RUNS = 40;
const SEED = 11;

describe("experiments: paper 1 Fig. 2 (reduced runs, fixed seed)", () => {
  const results: Record<number, Paper1Result> = {};
  before(async () => {
    for (const e of [1, 2, 3] as const) results[e] = await runPaper1Experiment(e, RUNS, SEED);
  });

  it("experiment 1: nodes 8, 9, 10 are chosen most and nodes 1-4 each under 1 % of runs", () => {
    const c = results[1].counts;
    const top = Math.min(c[7], c[8], c[9]);
    expect(top).to.be.greaterThan(Math.max(...c.slice(0, 7)));
    for (let i = 0; i < 4; i++) expect(c[i] / RUNS, `node ${i + 1}`).to.be.lessThan(0.01);
  });

  it("experiment 2: nodes 5, 6 and 7 are each chosen more than in experiment 1", () => {
    for (const i of [4, 5, 6]) expect(results[2].counts[i], `node ${i + 1}`).to.be.greaterThan(results[1].counts[i]);
  });

  it("experiment 3: nodes 6, 8, 9 are chosen more and node 10 less than in experiment 1", () => {
    for (const i of [5, 7, 8]) expect(results[3].counts[i], `node ${i + 1}`).to.be.greaterThan(results[1].counts[i]);
    expect(results[3].counts[9]).to.be.lessThan(results[1].counts[9]);
  });

  it("the report checks experiment 1's claim whole: 8-10 most and 1-4 almost never hold, 5-7 next does not (node 5 is never chosen)", () => {
    expect(results[1].counts[4]).to.equal(0);
    const claims = paper1Claims(new Map(Object.values(results).map((r) => [r.experiment, r])));
    expect(claims.map((c) => c.holds)).to.deep.equal([true, false, true, true, true]);
  });

  it("the same seed gives the same counts", async () => {
    const again = await runPaper1Experiment(1, 5, SEED);
    const first = await runPaper1Experiment(1, 5, SEED);
    expect(again.counts).to.deep.equal(first.counts);
  });
});
