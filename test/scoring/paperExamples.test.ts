// Worked examples of paper 1 Table 2, asserted in both languages.
import { expect } from "chai";
import { ethers } from "hardhat";
import { WAD, defaultScoringParams, withParams } from "../../src/scoring/params";
import { creditScore, credit, type CreditInputs } from "../../src/scoring/creditScore";
import { TABLE_2, type Paper1Node } from "../../experiments/papers/paper1";

describe("scoring: paper 1 Table 2 worked examples", () => {
  // μ = 1, ξ = 0 makes G equal to C_cre, so the contract's score is the credit value itself.
  const all = withParams(defaultScoringParams(), { credit: { mu: WAD, xi: 0n } });
  const p = all.credit;
  const cycle = all.tradingCycle[0];
  const inputs = (row: Paper1Node): CreditInputs => ({
    frequencyValue: row.frequency * WAD,
    capacity: (row.capacity * p.capacityRef) / 10n, // capacity value P = 10 · capacity / capacityRef
    quality: row.quality * WAD,
    cleanRecord: false,
    offencePenalty: 0n,
    elapsedSinceVote: 0n,
    tradingCycle: cycle,
    votes: 0n,
    totalVotes: 0n,
  });

  it("C_cre of node 1 is 4.2 and of node 10 is 8.0 without loss and gain (TypeScript)", () => {
    expect(creditScore(p, inputs(TABLE_2[0]))).to.equal(42n * (WAD / 10n));
    expect(creditScore(p, inputs(TABLE_2[9]))).to.equal(8n * WAD);
    expect(credit(defaultScoringParams().credit, 4n * WAD, 2n * WAD, 6n * WAD, 0n, 0n)).to.equal(42n * (WAD / 10n));
  });

  it("C_cre of node 1 is 4.2 and of node 10 is 8.0 without loss and gain (Solidity)", async () => {
    const harness = await (await ethers.getContractFactory("ScoringHarness")).deploy();
    const [g1, g10] = await harness.creditScores(p, [inputs(TABLE_2[0]), inputs(TABLE_2[9])]);
    expect(g1).to.equal(42n * (WAD / 10n));
    expect(g10).to.equal(8n * WAD);
  });

  it("ranks Table 2 as the paper does: nodes 8-10 above 5-7 above 1-4", () => {
    const c = TABLE_2.map((row) => creditScore(p, inputs(row)));
    const minBig = c.slice(7).reduce((a, b) => (a < b ? a : b));
    const maxMid = c.slice(4, 7).reduce((a, b) => (a > b ? a : b));
    const minMid = c.slice(4, 7).reduce((a, b) => (a < b ? a : b));
    const maxSmall = c.slice(0, 4).reduce((a, b) => (a > b ? a : b));
    expect(minBig > maxMid).to.equal(true);
    expect(minMid > maxSmall).to.equal(true);
  });

  it("loss and gain move the credit: +a for a clean record, −m·t/T_a after a silent cycle", () => {
    const base = creditScore(p, inputs(TABLE_2[5]));
    expect(creditScore(p, { ...inputs(TABLE_2[5]), cleanRecord: true })).to.equal(base + WAD);
    const silent = { ...inputs(TABLE_2[0]), elapsedSinceVote: 2n * cycle };
    expect(creditScore(p, silent)).to.equal(creditScore(p, inputs(TABLE_2[0])) - 2n * WAD);
    const exactlyAtCycle = { ...inputs(TABLE_2[0]), elapsedSinceVote: cycle };
    expect(creditScore(p, exactlyAtCycle)).to.equal(creditScore(p, inputs(TABLE_2[0])));
  });
});
