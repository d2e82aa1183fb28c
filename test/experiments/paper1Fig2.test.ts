// Paper 1 Fig. 2 on a reduced run count with a fixed seed: the paper's qualitative claims hold
// under the deployment's reading of V (a share), and the literal count's delegates are the mirror's
// top 3 of the same snapshot.
import { expect } from "chai";
import { runPaper1Experiment, type Paper1Result } from "../../experiments/paper1Fig2";
import { paper1Claims } from "../../experiments/paper1Report";

const RUNS = 40;
const SEED = 11;

describe("experiments: paper 1 Fig. 2 (reduced runs, fixed seed)", () => {
  const results: Record<number, Paper1Result> = {};
  const literal: Record<number, Paper1Result> = {};
  before(async () => {
    for (const e of [1, 2, 3] as const) ({ share: results[e], count: literal[e] } = await runPaper1Experiment(e, RUNS, SEED));
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

  it("the literal count elects 3 a run from the same runs; it flattens experiment 1 (5-7 up, 10 down), 1-4 stay rare", () => {
    for (const e of [1, 2, 3]) {
      expect(literal[e].runs).to.equal(RUNS);
      expect(
        literal[e].counts.reduce((a, b) => a + b),
        `exp. ${e}: 3 delegates a run`,
      ).to.equal(3 * RUNS);
    }
    // with V = min(10, votes) and about 10 votes a node, V reaches its cap of 10 for many nodes, so the credit
    // attributes decide: the vote share no longer lifts node 10 above the rest
    const [share, count] = [results[1].counts, literal[1].counts];
    const middle = (c: number[]) => c[4] + c[5] + c[6];
    expect(middle(count), "nodes 5-7").to.be.greaterThan(middle(share));
    expect(count[9], "node 10").to.be.lessThan(share[9]);
    // the full run has node 2 at 1.7 % (the report: "almost never" is not reproduced), so only rare is asserted
    for (let i = 0; i < 4; i++) expect(count[i] / RUNS, `node ${i + 1}`).to.be.lessThan(0.05);
  });

  it("the same seed gives the same counts, under both readings", async () => {
    const again = await runPaper1Experiment(1, 5, SEED);
    const first = await runPaper1Experiment(1, 5, SEED);
    expect(again).to.deep.equal(first);
  });
});
