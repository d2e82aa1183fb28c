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

  it("takes a plan for the next cycle and its fee into the pool", async () => {
    const { meters, vault, nodes } = await loadFixture(fixture);
    await expect(meters.connect(nodes[0]).reportPlan(1, 1_000n)).to.emit(meters, "PlanReported").withArgs(nodes[0].address, 1, 1_000n, WAD);
    expect(await vault.pool()).to.equal(WAD);
    expect((await meters.cycleOf(nodes[0].address, 1)).plannedEnergy).to.equal(1_000n);
  });

  it("rejects plans for any cycle but the next, a second plan, and non-admitted reporters", async () => {
    const { meters, nodes, outsider } = await loadFixture(fixture);
    for (const cycle of [0n, 2n, 2n ** 256n - 1n]) {
      await expect(meters.connect(nodes[0]).reportPlan(cycle, 1n))
        .to.be.revertedWithCustomError(meters, "PlanNotForNextCycle")
        .withArgs(nodes[0].address, cycle, 0);
    }
    await meters.connect(nodes[0]).reportPlan(1, 1n);
    await expect(meters.connect(nodes[0]).reportPlan(1, 2n)).to.be.revertedWithCustomError(meters, "PlanAlreadyReported");
    await time.increase(WEEK);
    await expect(meters.connect(nodes[0]).reportPlan(1, 1n))
      .to.be.revertedWithCustomError(meters, "PlanNotForNextCycle")
      .withArgs(nodes[0].address, 1, 1);
    await expect(meters.connect(outsider).reportPlan(0, 1n))
      .to.be.revertedWithCustomError(meters, "NotAdmitted")
      .withArgs(outsider.address);
    const next = (await meters.currentCycle(nodes[1].address)) + 1n;
    await expect(meters.connect(nodes[1]).reportPlan(next, 2n ** 96n))
      .to.be.revertedWithCustomError(meters, "OutOfRange")
      .withArgs("plannedEnergy", 2n ** 96n, 0n, 2n ** 96n - 1n);
  });

  it("settles a closed cycle: quality D of eq. (3) and the imbalance against the backstop", async () => {
    const { meters, registry, nodes, admin, outsider } = await loadFixture(fixture);
    await meters.connect(nodes[0]).reportPlan(1, 1_000n);
    await time.increase(WEEK);
    await expect(meters.connect(admin).reportMeterReading(nodes[0].address, 1, 1_000n)).to.be.revertedWithCustomError(
      meters,
      "CycleNotClosed",
    );
    await time.increase(WEEK);
    await expect(meters.connect(admin).reportMeterReading(nodes[0].address, 1, 700n))
      .to.emit(meters, "MeterReadingApplied")
      .withArgs(nodes[0].address, 1, 1_000n, 700n, 7n * WAD)
      .and.to.emit(meters, "ImbalanceRecorded")
      .withArgs(nodes[0].address, 1, outsider.address, -300n);
    expect((await registry.creditRecordAt(nodes[0].address, await time.latest())).quality).to.equal(7n * WAD);
    expect(await meters.backstopImbalance()).to.equal(-300n);
    await expect(meters.connect(admin).reportMeterReading(nodes[0].address, 1, 700n))
      .to.be.revertedWithCustomError(meters, "MeterAlreadyReported")
      .withArgs(nodes[0].address, 1);
    // no plan: nothing was promised, so none kept (D = 0); the whole reading is imbalance
    await time.increase(WEEK);
    await expect(meters.connect(admin).reportMeterReading(nodes[0].address, 2, 50n))
      .to.emit(meters, "MeterReadingApplied")
      .withArgs(nodes[0].address, 2, 0n, 50n, 0n);
    expect((await registry.creditRecordAt(nodes[0].address, await time.latest())).quality).to.equal(0n);
    expect(await meters.backstopImbalance()).to.equal(-250n);
    await expect(meters.connect(outsider).reportMeterReading(nodes[0].address, 2, 1n)).to.be.revertedWithCustomError(
      meters,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("applies readings from one Merkle root, each once, with its proof", async () => {
    const { meters, registry, nodes, admin, outsider } = await loadFixture(fixture);
    for (const n of nodes) await meters.connect(n).reportPlan(1, 1_000n);
    await time.increase(2n * WEEK);
    const readings: [string, bigint, bigint][] = nodes.map((n, i) => [n.address, 1n, 1_000n - 100n * BigInt(i)]);
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
    await expect(meters.applyMeterReading(1, node, cycle, metered, proof))
      .to.be.revertedWithCustomError(meters, "IndexOutOfRange")
      .withArgs("rootId", 1, 1);
  });

  it("takes a plan until the last second before its cycle, not in its first second (issue 19, attack 7)", async () => {
    const { meters, registry, nodes } = await loadFixture(fixture);
    const node = nodes[0];
    const { admittedAt, tradingCycle } = await registry.nodeOf(node.address);
    const start = (c: bigint) => admittedAt + c * tradingCycle;
    await time.setNextBlockTimestamp(start(1n) - 1n);
    await expect(meters.connect(node).reportPlan(1, 1_000n)).to.emit(meters, "PlanReported");
    await time.setNextBlockTimestamp(start(2n));
    await expect(meters.connect(node).reportPlan(2, 1_000n))
      .to.be.revertedWithCustomError(meters, "PlanNotForNextCycle")
      .withArgs(node.address, 2, 2);
  });

  it("refuses a plan made 2 s before its cycle closes, changing nothing; a node that stops planning loses D (issue 19, attack 7)", async () => {
    const { meters, registry, vault, token, nodes, admin } = await loadFixture(fixture);
    const node = nodes[0];
    const { admittedAt, tradingCycle } = await registry.nodeOf(node.address);
    const start = (c: bigint) => admittedAt + c * tradingCycle;
    const quality = async () => (await registry.creditRecordAt(node.address, await time.latest())).quality;
    // An honest plan for cycle 1, made in cycle 0 and kept exactly: D = 10.
    await meters.connect(node).reportPlan(1, 1_000n);
    await time.increaseTo(start(2n));
    await meters.connect(admin).reportMeterReading(node.address, 1, 1_000n);
    expect(await quality()).to.equal(10n * WAD);
    // The attack: plan cycle 2 two seconds before it closes, when E_real is all but known.
    await time.setNextBlockTimestamp(start(3n) - 2n);
    const pool = await vault.pool();
    const balance = await token.balanceOf(node.address);
    await expect(meters.connect(node).reportPlan(2, 1_000n))
      .to.be.revertedWithCustomError(meters, "PlanNotForNextCycle")
      .withArgs(node.address, 2, 2);
    expect(await vault.pool()).to.equal(pool);
    expect(await token.balanceOf(node.address)).to.equal(balance);
    expect((await meters.cycleOf(node.address, 2)).hasPlan).to.equal(false);
    expect(await quality()).to.equal(10n * WAD);
    // Cycle 2 settles without a plan: D = 0, not the 10 of the one plan before.
    await time.increaseTo(start(3n));
    await expect(meters.connect(admin).reportMeterReading(node.address, 2, 1_000n))
      .to.emit(meters, "MeterReadingApplied")
      .withArgs(node.address, 2, 0n, 1_000n, 0n);
    expect(await quality()).to.equal(0n);
  });

  it("a plan of 0 declares an idle cycle: metered 0 keeps D, metered more gives D = 0", async () => {
    const { meters, registry, nodes, admin } = await loadFixture(fixture);
    const node = nodes[0];
    const quality = async () => (await registry.creditRecordAt(node.address, await time.latest())).quality;
    await meters.connect(node).reportPlan(1, 1_000n);
    await time.increase(WEEK);
    await meters.connect(node).reportPlan(2, 0n);
    await time.increase(WEEK);
    await meters.connect(node).reportPlan(3, 0n);
    await time.increase(WEEK);
    await meters.connect(admin).reportMeterReading(node.address, 1, 800n);
    expect(await quality()).to.equal(8n * WAD);
    await meters.connect(admin).reportMeterReading(node.address, 2, 0n);
    expect(await quality()).to.equal(8n * WAD);
    await time.increase(WEEK);
    await expect(meters.connect(admin).reportMeterReading(node.address, 3, 1n))
      .to.emit(meters, "MeterReadingApplied")
      .withArgs(node.address, 3, 0n, 1n, 0n);
    expect(await quality()).to.equal(0n);
  });

  it("bounds the participation fee and names the backstop only by the supervisor", async () => {
    const { meters, admin, outsider } = await loadFixture(fixture);
    await expect(meters.connect(admin).setParticipationFee(10n ** 24n + 1n))
      .to.be.revertedWithCustomError(meters, "OutOfRange")
      .withArgs("participationFee", 10n ** 24n + 1n, 0n, 10n ** 24n);
    await expect(meters.connect(admin).setParticipationFee(5n)).to.emit(meters, "ParticipationFeeSet").withArgs(5n);
    await expect(meters.connect(outsider).setBackstop(outsider.address)).to.be.revertedWithCustomError(
      meters,
      "AccessControlUnauthorizedAccount",
    );
    await expect(meters.connect(admin).setBackstop("0x0000000000000000000000000000000000000000")).to.be.revertedWithCustomError(
      meters,
      "ZeroAddress",
    );
  });

  it("refuses plans and readings for consumers, which have no trading cycle", async () => {
    const { meters, registry, admin, others } = await loadFixture(fixture);
    const consumer = others[5];
    await registry.connect(consumer).register(NodeClass.Consumer, 0n, "");
    await registry.connect(admin).admit(consumer.address);
    await expect(meters.connect(consumer).reportPlan(1, 1n))
      .to.be.revertedWithCustomError(meters, "NotAProducer")
      .withArgs(consumer.address);
    await expect(meters.connect(admin).reportMeterReading(consumer.address, 0, 1n)).to.be.revertedWithCustomError(meters, "NotAProducer");
  });

  it("stops plans and readings while paused", async () => {
    const { meters, nodes, admin } = await loadFixture(fixture);
    await meters.connect(admin).pause();
    await expect(meters.connect(nodes[0]).reportPlan(1, 1n)).to.be.revertedWithCustomError(meters, "EnforcedPause");
    await meters.connect(admin).unpause();
    await meters.connect(nodes[0]).reportPlan(1, 1n);
  });
});
