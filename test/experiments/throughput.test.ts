// Paper 2 Figs. 5-6 on a reduced run (one seed of 2 epochs per model, the full run's first): the
// real keeper and 30 delegate clients over HTTP. What must hold on any seed: the forgers' blocks are
// refused by the honest clients' own check, the keeper reports the malicious delegates' lost slots
// and no honest node is ever punished, the malicious delegates lose fewer slots in the second
// epoch than in the first, each model holds the next election, the report marks PoW and PoS out
// of reach, and a seed replays exactly.
import { expect } from "chai";
import { runThroughput, THROUGHPUT_DELEGATES, type ThroughputRun } from "../../experiments/throughput";
import { throughputClaims } from "../../experiments/throughputReport";
import { ScoringModel } from "../../src/scoring/params";

const OPTIONS = { epochs: 2, maliciousShare: 0.2 };

describe("experiments: paper 2 Figs. 5-6 (seed 1, 2 epochs, each model)", function () {
  this.timeout(600_000);
  const runs: ThroughputRun[] = [];
  before(async () => {
    for (const model of [ScoringModel.Classic, ScoringModel.DynamicTrust, ScoringModel.Credit])
      runs.push(await runThroughput(model, 1, OPTIONS));
  });

  it("refuses forged blocks, punishes only malicious producers, and their lost slots fall after the first epoch", () => {
    for (const run of runs) {
      const name = ScoringModel[run.model];
      expect(run.malicious, name).to.equal(6);
      expect(run.forgedRefusals, `${name}: honest clients refused forged blocks`).to.be.greaterThan(0);
      const [first, second] = run.rows;
      expect(run.honestPunished, `${name}: no honest node punished`).to.equal(0);
      expect(run.reported, `${name}: the malicious delegates' lost slots reported`).to.be.at.least(first.slotsLostToMalicious);
      expect(run.reported, name).to.be.at.most(run.rows.reduce((n, r) => n + r.slotsLost, 0));
      expect(first.maliciousDelegates, `${name}: the bought votes elect malicious delegates first`).to.be.greaterThan(0);
      expect(second.slotsLostToMalicious, `${name}: punished and jailed, they lose fewer slots next`).to.be.lessThan(
        first.slotsLostToMalicious,
      );
      for (const r of run.rows) {
        expect(r.validTrades, `${name}: at most a trade a committed slot`).to.be.at.most(THROUGHPUT_DELEGATES - r.slotsLost);
        expect(r.roundGas, `${name}: the next election was held`).to.be.greaterThan(0);
      }
    }
  });

  it("the report's claims are judged from the runs, PoW and PoS marked out of reach", () => {
    const claims = throughputClaims(runs);
    expect(claims.map((c) => c.text.slice(0, 6))).to.deep.equal(["Fig. 5", "Fig. 6", "Fig. 6", "Figs. "]);
    expect(claims[3].holds).to.equal("out of reach");
    const dt = runs[1].rows;
    expect(claims[2].holds, "rises over time").to.equal(dt[dt.length - 1].tradesPerHour > dt[0].tradesPerHour);
  });

  it("the same seed gives the same run, but for wall-clock time", async () => {
    const again = await runThroughput(ScoringModel.Classic, 1, { epochs: 1, maliciousShare: 0.2 });
    const strip = (r: ThroughputRun) => ({ ...r, rows: r.rows.map((row) => ({ ...row, roundMs: 0 })) });
    expect(strip(again).rows[0]).to.deep.equal(strip(runs[0]).rows[0]);
    await expect(runThroughput(ScoringModel.Classic, 1, { epochs: 0, maliciousShare: 0.2 })).to.be.rejectedWith(
      "epochs must be a positive integer",
    );
  });
});
