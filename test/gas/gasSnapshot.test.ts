// Gas regression check: the key operations' gas, measured in a fixed scenario, must stay within
// 2 % of the committed snapshot (snapshots/gas.json). A rise fails the test; a fall is reported
// so the snapshot can be lowered. Update on purpose with `npm run gas:snapshot`.
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { admitNode, deployed } from "../fixtures";
import { bestKeys } from "../../src/election/engine";
import { SnapshotReader } from "../../src/chain/snapshotReader";
import { NodeClass, WAD } from "../../src/scoring/params";
import { GasProbe__factory } from "../../typechain-types";

const SNAPSHOT = path.join(__dirname, "..", "..", "snapshots", "gas.json");
const TOLERANCE = 0.02;

const used = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => (await (await tx).wait())!.gasUsed;

async function measure(): Promise<Record<string, number>> {
  const f = await deployed();
  const g: Record<string, bigint> = {};
  const [first, ...rest] = f.others.slice(0, 8);
  g.register = await used(f.registry.connect(first).register(NodeClass.Wind, 50_000n, "http://127.0.0.1:7000"));
  g.admit = await used(f.registry.connect(f.admin).admit(first.address));
  g.deposit = await used(f.vault.connect(first).deposit(500n * WAD));
  for (const [i, n] of rest.entries()) await admitNode(f.system, f.admin, n, { capacity: BigInt(10_000 * (i + 1)) });
  g.reportPlan = await used(f.meters.connect(first).reportPlan(1, 1_000n));
  g.voteOneCandidate = await used(f.election.connect(first).vote([rest[0].address], [10n]));
  g.voteThreeCandidates = await used(f.election.connect(rest[0]).vote([first.address, rest[1].address, rest[2].address], [3n, 3n, 4n]));
  await time.increase(14n * 86_400n);
  g.reportMeterReading = await used(f.meters.connect(f.admin).reportMeterReading(first.address, 1, 900n));
  const epoch = (await f.election.currentEpoch()) + 2n;
  await time.increaseTo(await f.election.snapshotOf(epoch));
  g.openElection = await used(f.election.openElection(epoch));
  await f.vault.connect(f.keeper).bondKeeper(f.system.options.keeperMinBond);
  const addresses = [first, ...rest].map((s) => s.address);
  const scored = await new SnapshotReader(f.registry, f.vault, f.election).scoreAll(epoch, addresses);
  const right = bestKeys(scored, Number(await f.election.listLength())).map((s) => s.node);
  const wrong = [right[1], right[0], ...right.slice(2)];
  g.submitK3 = await used(f.election.connect(f.keeper).submit(epoch, wrong));
  g.challengeOrder = await used(f.election.connect(f.outsider).challengeOrder(epoch, 1, 0));
  await time.increase(await f.election.challengePeriod());
  g.finalizeK3 = await used(f.election.finalize(epoch));
  const probe = await new GasProbe__factory(f.admin).deploy();
  [g.scoreEvaluationCold, g.scoreEvaluationNext] = await probe.scoreGasPair(await f.election.getAddress(), epoch, right[0], right[1]);
  g.claim = await used(f.vault.connect(f.outsider).claim());
  return Object.fromEntries(Object.entries(g).map(([k, v]) => [k, Number(v)]));
}

describe("gas snapshot (snapshots/gas.json)", () => {
  it("no key operation costs more than 2 % over the committed snapshot", async function () {
    const measured = await measure();
    if (process.env.UPDATE_GAS_SNAPSHOT === "true") {
      fs.writeFileSync(SNAPSHOT, JSON.stringify(measured, null, 2) + "\n");
      console.log(`      gas snapshot written to ${SNAPSHOT}`);
    }
    const committed = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as Record<string, number>;
    expect(Object.keys(measured).sort(), "operations measured vs snapshot").to.deep.equal(Object.keys(committed).sort());
    const rises: string[] = [];
    for (const [op, gas] of Object.entries(measured)) {
      const before = committed[op];
      if (gas > before * (1 + TOLERANCE)) rises.push(`${op}: ${before} -> ${gas} (+${(((gas - before) / before) * 100).toFixed(1)} %)`);
      else if (gas < before * (1 - TOLERANCE)) console.log(`      ${op} fell ${before} -> ${gas}: lower the snapshot with npm run gas:snapshot`);
    }
    expect(rises, `gas rose more than 2 % over the snapshot; if on purpose, run npm run gas:snapshot`).to.deep.equal([]);
    expect(measured.submitK3).to.be.greaterThan(21_000);
  });
});
