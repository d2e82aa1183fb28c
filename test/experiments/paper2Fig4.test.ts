// Paper 2 Fig. 4 on the contracts: a seed replays exactly, block for block.
import { expect } from "chai";
import { runPaper2 } from "../../src/experiments/paper2Fig4";

describe("paper 2 Fig. 4 on the contracts", () => {
  it("the same seed gives the same counts", async () => {
    const first = await runPaper2("b", 5, 25);
    const again = await runPaper2("b", 5, 25);
    expect(again).to.deep.equal(first);
    expect(first.counts.reduce((a, b) => a + b, 0)).to.equal(25);
  });
});
