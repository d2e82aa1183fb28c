// Paper 1's credit loss and gain from their rules (a reduced run: 16 stages, one seed): the gain of a
// clean term counts in one election only, the silent voters' time loss appears once their 90-day
// cycle has passed, and a seed replays exactly.
import { expect } from "chai";
import { runCreditDynamics, type CreditDynamicsRun } from "../../experiments/creditDynamics";

describe("experiments: paper 1 credit dynamics (16 stages, seed 1)", () => {
  let run: CreditDynamicsRun;
  before(async () => {
    run = await runCreditDynamics(1, 16);
  });

  it("ΔC+ goes to the delegates of the stage before last, and to no one else", () => {
    for (let s = 2; s < run.stages; s++) {
      const gained = run.gain[s].flatMap((g, i) => (g > 0 ? [i + 1] : []));
      expect(gained.sort(), `stage ${s + 1}`).to.deep.equal([...run.byVote[s - 2]].sort());
    }
    expect(run.gain[0].every((g) => g === 0) && run.gain[1].every((g) => g === 0)).to.equal(true);
  });

  it("nodes 1-4, silent after the first stage, lose credit only once 90 days have passed; the active voters never do after stage 2", () => {
    for (let s = 0; s < run.stages; s++) {
      // 12 weekly stages are 84 days: within every silent node's 90-day cycle; 16 are past it
      for (const i of [0, 1, 2, 3]) {
        if (s < 12) expect(run.loss[s][i], `node ${i + 1}, stage ${s + 1}`).to.equal(0);
        if (s === run.stages - 1) expect(run.loss[s][i], `node ${i + 1}, stage ${s + 1}`).to.be.greaterThan(0);
      }
      if (s >= 2) for (const i of [4, 5, 6, 7, 8, 9]) expect(run.loss[s][i], `node ${i + 1}, stage ${s + 1}`).to.equal(0);
    }
  });

  it("the same seed gives the same run", async () => {
    expect(await runCreditDynamics(1, 4)).to.deep.equal(await runCreditDynamics(1, 4));
  });
});
