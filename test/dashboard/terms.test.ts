// The score terms the dashboard shows add up to the contract's own score: under dynamic trust after
// blocks, attestations and a punished missed slot (A, B, trust and decay all in play), and under
// classic DPoS; ineligible nodes say why.
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { commit, ledgerFixture } from "../ledger/helpers";
import { admitNode, deployed } from "../fixtures";
import { Clock } from "../../src/chain/clock";
import { toScoringParams, type NodeSnapshot } from "../../src/chain/snapshotReader";
import { readPoints, scoreTerms } from "../../src/dashboard/terms";
import { NodeClass, ScoringModel, WAD } from "../../src/scoring/params";
import type { System } from "../../src/deployment/deploySystem";

async function breakdowns(system: Omit<System, "options" | "gas">, model: ScoringModel, epoch: bigint, nodes: string[]) {
  const clock = await Clock.read(system.election);
  const snapshot = clock.snapshotOf(epoch);
  const params = toScoringParams(await system.registry.scoringParamsAt(snapshot - 1n));
  const { t, windowStart } = readPoints(model, params, clock, snapshot);
  const views = (await system.lens.read(await system.election.getAddress(), nodes, t, windowStart)) as unknown as NodeSnapshot[];
  return views.map((v) => scoreTerms(model, params, clock, snapshot, v));
}

describe("dashboard score terms", function () {
  this.timeout(120_000);

  it("dynamic trust: H, A, B, V, M and D give the contract's score after blocks and an offence", async () => {
    const f = await ledgerFixture({ model: ScoringModel.DynamicTrust });
    await (await (await commit(f, 0n)).tx).wait();
    await time.increaseTo((await f.election.slotWindow(f.epoch, 1n))[1]);
    await (await f.ledger.connect(f.outsider).reportMissedSlot(f.epoch, 1n)).wait();
    const later = f.epoch + 2n;
    await time.increaseTo(await f.election.snapshotOf(later));
    const nodes = f.nodes.map((n) => n.address);
    const got = await breakdowns(f.system, ScoringModel.DynamicTrust, later, nodes);
    for (const [i, b] of got.entries()) {
      const [eligible, score] = await f.election.scoreOf(later, nodes[i]);
      expect([b.eligible, b.score], `node ${i}`).to.deep.equal([eligible, score]);
      expect(b.terms.model).to.equal("dynamic-trust");
    }
    const terms = got.map((b) => b.terms as Extract<typeof b.terms, { model: "dynamic-trust" }>);
    expect(
      terms.some((t) => t.A > 0n),
      "a correct action counted",
    ).to.equal(true);
    const offender = nodes.indexOf(await f.election.slotOwner(f.epoch, 1n));
    expect(got[offender].reason, "jailed at the later snapshot").to.equal("jailed");
    expect(terms[offender].trust).to.be.lessThan(terms.find((_, i) => i !== offender)!.trust);
  });

  it("classic: the deposit-weighted votes; a consumer and a thin deposit are not eligible, and say so", async () => {
    const f = await deployed({ model: ScoringModel.Classic });
    const [a, b, consumer, thin] = f.others;
    await admitNode(f.system, f.admin, a);
    await admitNode(f.system, f.admin, b);
    await admitNode(f.system, f.admin, consumer, { nodeClass: NodeClass.Consumer, capacity: 0n, deposit: 0n });
    await admitNode(f.system, f.admin, thin, { deposit: WAD });
    await f.election.connect(b).vote([a.address], [7n]);
    await f.election.connect(a).vote([b.address], [3n]);
    const epoch = (await f.election.currentEpoch()) + 2n;
    await time.increaseTo(await f.election.snapshotOf(epoch));
    const nodes = [a, b, consumer, thin].map((s) => s.address);
    const got = await breakdowns(f.system, ScoringModel.Classic, epoch, nodes);
    for (const [i, b] of got.entries()) {
      const [eligible, score] = await f.election.scoreOf(epoch, nodes[i]);
      expect([b.eligible, b.score], `node ${i}`).to.deep.equal([eligible, score]);
    }
    expect(got[0].terms).to.deep.equal({ model: "classic", votes: 7n * 500n * WAD }); // 7 votes of a 500-token voter
    expect(got[0].score).to.be.greaterThan(got[1].score);
    expect(got.map((b) => b.reason)).to.deep.equal([undefined, undefined, "consumer", "deposit below minimum"]);
  });
});
