import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { admitNode, deployed } from "../fixtures";
import { NodeClass, WAD } from "../../src/scoring/params";

const WEEK = 7n * 86_400n;

describe("MeterBook", () => {
  async function fixture() {
    const f = await deployed();
    const [a, b, c] = f.others;
    for (const n of [a, b, c]) await admitNode(f.system, f.admin, n, { nodeClass: NodeClass.MultiHouseholdCommunityPV });
    await f.meters.connect(f.admin).setBackstop(f.outsider.address);
    return { ...f, nodes: [a, b, c] };
  }

  it("takes a plan for the current cycle and its fee into the pool", async () => {
    const { meters, vault, nodes } = await loadFixture(fixture);
    await expect(meters.connect(nodes[0]).reportPlan(0, 1_000n))
      .to.emit(meters, "PlanReported")
      .withArgs(nodes[0].address, 0, 1_000n, WAD);
    expect(await vault.pool()).to.equal(WAD);
    expect((await meters.cycleOf(nodes[0].address, 0)).plannedEnergy).to.equal(1_000n);
  });

  it("rejects plans for a future or closed cycle, a second plan, and non-admitted reporters", async () => {
    const { meters, nodes, outsider } = await loadFixture(fixture);
    await expect(meters.connect(nodes[0]).reportPlan(1, 1n))
      .to.be.revertedWithCustomError(meters, "CycleNotStarted")
      .withArgs(nodes[0].address, 1, 0);
    await meters.connect(nodes[0]).reportPlan(0, 1n);
    await expect(meters.connect(nodes[0]).reportPlan(0, 2n)).to.be.revertedWithCustomError(meters, "PlanAlreadyReported");
    await time.increase(WEEK);
    await expect(meters.connect(nodes[0]).reportPlan(0, 1n))
      .to.be.revertedWithCustomError(meters, "CycleClosed")
      .withArgs(nodes[0].address, 0, 1);
    await expect(meters.connect(outsider).reportPlan(0, 1n)).to.be.revertedWithCustomError(meters, "NotAdmitted");
    await expect(meters.connect(nodes[1]).reportPlan(1, 2n ** 96n)).to.be.revertedWithCustomError(meters, "EnergyOutOfBounds");
  });

  it("settles a closed cycle: quality D of eq. (3) and the imbalance against the backstop", async () => {
    const { meters, registry, nodes, admin, outsider } = await loadFixture(fixture);
    await meters.connect(nodes[0]).reportPlan(0, 1_000n);
    await expect(meters.connect(admin).reportMeterReading(nodes[0].address, 0, 1_000n)).to.be.revertedWithCustomError(
      meters,
      "CycleNotClosed",
    );
    await time.increase(WEEK);
    await expect(meters.connect(admin).reportMeterReading(nodes[0].address, 0, 700n))
      .to.emit(meters, "MeterReadingApplied")
      .withArgs(nodes[0].address, 0, 1_000n, 700n, 7n * WAD)
      .and.to.emit(meters, "ImbalanceRecorded")
      .withArgs(nodes[0].address, 0, outsider.address, -300n);
    expect((await registry.creditRecordAt(nodes[0].address, await time.latest())).quality).to.equal(7n * WAD);
    expect(await meters.backstopImbalance()).to.equal(-300n);
    await expect(meters.connect(admin).reportMeterReading(nodes[0].address, 0, 700n))
      .to.be.revertedWithCustomError(meters, "MeterAlreadyReported")
      .withArgs(nodes[0].address, 0);
    // no plan: nothing was promised, so none kept (D = 0); the whole reading is imbalance
    await time.increase(WEEK);
    await expect(meters.connect(admin).reportMeterReading(nodes[0].address, 1, 50n))
      .to.emit(meters, "MeterReadingApplied")
      .withArgs(nodes[0].address, 1, 0n, 50n, 0n);
    expect((await registry.creditRecordAt(nodes[0].address, await time.latest())).quality).to.equal(0n);
    expect(await meters.backstopImbalance()).to.equal(-250n);
    await expect(meters.connect(outsider).reportMeterReading(nodes[0].address, 2, 1n)).to.be.revertedWithCustomError(
      meters,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("applies readings from one Merkle root, each once, with its proof", async () => {
    const { meters, registry, nodes, admin, outsider } = await loadFixture(fixture);
    for (const n of nodes) await meters.connect(n).reportPlan(0, 1_000n);
    await time.increase(WEEK);
    const readings: [string, bigint, bigint][] = nodes.map((n, i) => [n.address, 0n, 1_000n - 100n * BigInt(i)]);
    const tree = StandardMerkleTree.of(readings, ["address", "uint256", "uint256"]);
    await expect(meters.connect(admin).postMeterRoot(tree.root)).to.emit(meters, "MeterRootPosted").withArgs(0, tree.root);
    for (const [i, leaf] of tree.entries()) {
      await meters.connect(outsider).applyMeterReading(0, leaf[0], leaf[1], leaf[2], tree.getProof(i));
    }
    expect((await registry.creditRecordAt(nodes[2].address, await time.latest())).quality).to.equal(8n * WAD);
    const proof = tree.getProof(0);
    const [node, cycle, metered] = tree.at(0)!;
    await expect(meters.applyMeterReading(0, node, cycle, metered, proof)).to.be.revertedWithCustomError(meters, "MeterAlreadyReported");
    await expect(meters.applyMeterReading(0, node, cycle, metered + 1n, proof)).to.be.revertedWithCustomError(meters, "InvalidMeterProof");
    await expect(meters.applyMeterReading(1, node, cycle, metered, proof)).to.be.revertedWithCustomError(meters, "UnknownMeterRoot").withArgs(1);
  });

  it("bounds the participation fee and names the backstop only by the supervisor", async () => {
    const { meters, admin, outsider } = await loadFixture(fixture);
    await expect(meters.connect(admin).setParticipationFee(10n ** 24n + 1n)).to.be.revertedWithCustomError(meters, "ParticipationFeeOutOfBounds");
    await expect(meters.connect(admin).setParticipationFee(5n)).to.emit(meters, "ParticipationFeeSet").withArgs(5n);
    await expect(meters.connect(outsider).setBackstop(outsider.address)).to.be.revertedWithCustomError(meters, "AccessControlUnauthorizedAccount");
    await expect(meters.connect(admin).setBackstop("0x0000000000000000000000000000000000000000")).to.be.revertedWithCustomError(meters, "ZeroAddress");
  });

  it("refuses plans and readings for consumers, which have no trading cycle", async () => {
    const { meters, registry, admin, others } = await loadFixture(fixture);
    const consumer = others[5];
    await registry.connect(consumer).register(NodeClass.Consumer, 0n, "");
    await registry.connect(admin).admit(consumer.address);
    await expect(meters.connect(consumer).reportPlan(0, 1n)).to.be.revertedWithCustomError(meters, "NotAProducer").withArgs(consumer.address);
    await expect(meters.connect(admin).reportMeterReading(consumer.address, 0, 1n)).to.be.revertedWithCustomError(meters, "NotAProducer");
  });

  it("stops plans and readings while paused", async () => {
    const { meters, nodes, admin } = await loadFixture(fixture);
    await meters.connect(admin).pause();
    await expect(meters.connect(nodes[0]).reportPlan(0, 1n)).to.be.revertedWithCustomError(meters, "EnforcedPause");
    await meters.connect(admin).unpause();
    await meters.connect(nodes[0]).reportPlan(0, 1n);
  });
});
