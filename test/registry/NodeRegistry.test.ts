import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { admitNode, deployed } from "../fixtures";
import { NodeClass, ScoringModel, WAD, defaultScoringParams, withParams } from "../../src/scoring/params";

describe("NodeRegistry", () => {
  const fixture = () => deployed();

  describe("registration and admission", () => {
    it("registers a pending node, admits it with its class's trading cycle and initial trust", async () => {
      const { registry, admin, others } = await loadFixture(fixture);
      const [node] = others;
      await expect(registry.connect(node).register(NodeClass.SingleHouseholdClusterPV, 40_000n, "http://n1"))
        .to.emit(registry, "NodeRegistered")
        .withArgs(node.address, NodeClass.SingleHouseholdClusterPV, 40_000n, "http://n1");
      expect((await registry.nodeOf(node.address)).status).to.equal(1n); // Pending
      expect(await registry.nodeCount(), "listed at admission, not registration").to.equal(0n);
      await expect(registry.connect(admin).admit(node.address))
        .to.emit(registry, "NodeAdmitted")
        .withArgs(node.address, NodeClass.SingleHouseholdClusterPV, 40_000n, 30n * 86_400n, 100n * WAD); // trust record: trust alone
      const t = BigInt(await time.latest());
      const credit = await registry.creditRecordAt(node.address, t);
      expect(credit.admitted).to.equal(true);
      expect((await registry.trustRecordAt(node.address, t)).trust).to.equal(100n * WAD);
      expect((await registry.creditRecordAt(node.address, t - 1n)).admitted).to.equal(false);
      expect(await registry.isCandidate(node.address)).to.equal(true);
      expect(await registry.nodeCount()).to.equal(1n);
      expect(await registry.nodesPage(0, 10)).to.deep.equal([node.address]);
      expect(await registry.nodesPage(5, 10)).to.deep.equal([]);
    });

    it("rejects bad registrations with errors that name the problem, changing nothing", async () => {
      const { registry, others } = await loadFixture(fixture);
      const [node] = others;
      await expect(registry.connect(node).register(7, 1n, ""))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs("nodeClass", 7, 0, 6);
      await expect(registry.connect(node).register(NodeClass.Wind, 0n, ""))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs("capacity", 0n, 1n, 10n ** 10n);
      await expect(registry.connect(node).register(NodeClass.Wind, 10n ** 10n + 1n, ""))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs("capacity", 10n ** 10n + 1n, 1n, 10n ** 10n);
      await expect(registry.connect(node).register(NodeClass.Wind, 1n, "x".repeat(257)))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs("endpoint", 257, 0, 256);
      expect(await registry.nodeCount()).to.equal(0n);
      await registry.connect(node).register(NodeClass.Consumer, 0n, "");
      await expect(registry.connect(node).register(NodeClass.Wind, 1n, ""))
        .to.be.revertedWithCustomError(registry, "AlreadyRegistered")
        .withArgs(node.address, 1);
      expect(await registry.isCandidate(node.address)).to.equal(false);
    });

    it("lets only the supervisor admit or reject, and only pending nodes", async () => {
      const { registry, admin, outsider, others } = await loadFixture(fixture);
      const [a, b] = others;
      await registry.connect(a).register(NodeClass.Wind, 1n, "");
      await registry.connect(b).register(NodeClass.Hydro, 1n, "");
      await expect(registry.connect(outsider).admit(a.address)).to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount");
      await expect(registry.connect(admin).reject(b.address)).to.emit(registry, "NodeRejected").withArgs(b.address);
      await expect(registry.connect(admin).admit(b.address)).to.be.revertedWithCustomError(registry, "NotPending").withArgs(b.address, 3);
      await expect(registry.connect(admin).admit(outsider.address)).to.be.revertedWithCustomError(registry, "NotPending");
    });

    it("exits for good and stops being admitted from that time on", async () => {
      const { registry, admin, others, system } = await loadFixture(fixture);
      const [node] = others;
      await admitNode(system, admin, node);
      const before = BigInt(await time.latest());
      await expect(registry.connect(node).exit()).to.emit(registry, "NodeExited").withArgs(node.address);
      expect((await registry.creditRecordAt(node.address, before)).admitted).to.equal(true);
      expect((await registry.creditRecordAt(node.address, before + 1n)).admitted).to.equal(false);
      await expect(registry.connect(node).exit()).to.be.revertedWithCustomError(registry, "NotActive").withArgs(node.address, 4); // Exited
      await expect(registry.connect(node).setEndpoint("x")).to.be.revertedWithCustomError(registry, "NotActive").withArgs(node.address, 4);
    });

    it("updates the endpoint and pauses registration", async () => {
      const { registry, admin, others, system } = await loadFixture(fixture);
      await admitNode(system, admin, others[0]);
      await expect(registry.connect(others[0]).setEndpoint("http://new")).to.emit(registry, "EndpointUpdated");
      expect(await registry.endpointOf(others[0].address)).to.equal("http://new");
      await registry.connect(admin).pause();
      await expect(registry.connect(others[1]).register(NodeClass.Wind, 1n, "")).to.be.revertedWithCustomError(registry, "EnforcedPause");
      await registry.connect(admin).unpause();
      await registry.connect(others[1]).register(NodeClass.Wind, 1n, "");
    });
  });

  describe("records written by system contracts", () => {
    const trustFixture = () => deployed({ model: ScoringModel.DynamicTrust });
    async function withRecorder(model = ScoringModel.DynamicTrust) {
      const f = await loadFixture(model === ScoringModel.DynamicTrust ? trustFixture : fixture);
      await f.registry.connect(f.admin).grantRole(await f.registry.RECORDER_ROLE(), f.admin.address);
      await admitNode(f.system, f.admin, f.others[0]);
      return { ...f, node: f.others[0] };
    }

    it("refuses recorder functions to anyone else", async () => {
      const { registry, outsider, node } = await withRecorder();
      for (const call of [
        () => registry.connect(outsider).recordParticipation(node.address),
        () => registry.connect(outsider).recordCorrectAction(node.address),
        () => registry.connect(outsider).recordOffence(node.address, 0n, 0n),
        () => registry.connect(outsider).setCleanRecord(node.address, true),
        () => registry.connect(outsider).recordQuality(node.address, true, 1n, 1n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount");
      }
    });

    it("counts participation once per epoch and rewards correct actions (paper 2 eqs. 6-7)", async () => {
      const { registry, admin, node } = await withRecorder();
      await registry.connect(admin).recordParticipation(node.address);
      await registry.connect(admin).recordCorrectAction(node.address);
      let r = await registry.trustRecordAt(node.address, await time.latest());
      expect(r.participated).to.equal(1n);
      expect(r.correct).to.equal(1n);
      expect(r.trust).to.equal(101n * WAD);
      await time.increase(86_400);
      await registry.connect(admin).recordParticipation(node.address);
      r = await registry.trustRecordAt(node.address, await time.latest());
      expect(r.participated).to.equal(2n);
    });

    it("keeps no trust record under the credit model, whose score never reads it, but still checks admission", async () => {
      const { registry, admin, node, outsider } = await withRecorder(ScoringModel.Credit);
      await registry.connect(admin).recordParticipation(node.address);
      await registry.connect(admin).recordCorrectAction(node.address);
      const r = await registry.trustRecordAt(node.address, await time.latest());
      expect([r.participated, r.correct]).to.deep.equal([0n, 0n]);
      await expect(registry.connect(admin).recordParticipation(outsider.address))
        .to.be.revertedWithCustomError(registry, "NotAdmitted")
        .withArgs(outsider.address);
    });

    it("realises the trust decay of eq. (8) on the next participation", async () => {
      const { registry, admin, node } = await withRecorder();
      await registry.connect(admin).recordParticipation(node.address);
      await time.increase(3n * 86_400n);
      await registry.connect(admin).recordParticipation(node.address);
      const r = await registry.trustRecordAt(node.address, await time.latest());
      // decay N · t / T_t with N = 1, T_t = 1 day, t = 3 days (+1 s for the mined block)
      expect(r.trust).to.equal(100n * WAD - (WAD * (3n * 86_400n + 1n)) / 86_400n);
    });

    it("ΔC+ of a clean term counts in the next stage's election only (paper 1 eq. 5), and an offence clears it", async () => {
      const { registry, admin, node } = await withRecorder(ScoringModel.Credit);
      const term = await registry.currentEpoch();
      await expect(registry.connect(admin).setCleanRecord(node.address, true))
        .to.emit(registry, "CleanRecordSet")
        .withArgs(node.address, true);
      const d = await registry.epochDuration();
      const next = await registry.epochStart(term + 1n); // the snapshot of the election of term + 2
      const clean = async (t: bigint) => (await registry.creditRecordAt(node.address, t)).clean;
      expect(await clean(next - 1n), "the next stage").to.equal(true);
      expect(await clean(next - 2n), "a snapshot inside the term's own epoch").to.equal(false);
      expect(await clean(next + d - 1n), "the stage after: expired").to.equal(false);
      const inputs = { votes: 0n, totalVotes: 0n, weightedVotes: 0n, lastVote: 0n, deposit: 1_000n * WAD };
      const p = defaultScoringParams();
      const [[okNext, gained], [okLater, plain]] = await Promise.all([
        registry.scoreAt(node.address, next, inputs),
        registry.scoreAt(node.address, next + d, inputs),
      ]);
      expect(okNext && okLater).to.equal(true);
      expect(gained - plain).to.equal((p.credit.mu * p.credit.gainValue) / WAD);
      // a second clean term in the next epoch moves the gain on by one stage
      await time.increaseTo(next);
      await registry.connect(admin).setCleanRecord(node.address, true);
      expect(await clean(next + d - 1n)).to.equal(true);
      expect(await clean(next + 2n * d - 1n)).to.equal(false);
      await registry.connect(admin).recordOffence(node.address, 0n, 0n);
      expect(await clean(next + d - 1n), "an offence since the term").to.equal(false);
    });

    it("records an offence: penalties, jail, and unjail only after the period with enough deposit", async () => {
      const { registry, admin, node, vault } = await withRecorder();
      await registry.connect(admin).setCleanRecord(node.address, true);
      await expect(registry.connect(admin).recordOffence(node.address, 2n * WAD, 3_600n)).to.emit(registry, "OffenceRecorded");
      const t = await time.latest();
      const c = await registry.creditRecordAt(node.address, t);
      expect(c.offencePenalty).to.equal(2n * WAD);
      // where the clean term alone would still earn ΔC+: the next epoch's snapshot
      const stage = await registry.epochStart((await registry.currentEpoch()) + 1n);
      expect((await registry.creditRecordAt(node.address, stage - 1n)).clean).to.equal(false);
      expect(c.jailed).to.equal(true);
      expect(c.jailedUntil).to.equal(BigInt(t) + 3_600n);
      expect((await registry.trustRecordAt(node.address, t)).trust).to.equal(80n * WAD);
      expect((await registry.trustRecordAt(node.address, t)).offences).to.equal(1n);
      await expect(registry.connect(node).unjail()).to.be.revertedWithCustomError(registry, "JailNotOver");
      await time.increase(3_600);
      await vault.connect(node).requestWithdrawal(500n * WAD);
      await expect(registry.connect(node).unjail())
        .to.be.revertedWithCustomError(registry, "DepositBelowMinimum")
        .withArgs(node.address, 0n, 100n * WAD);
      await vault.connect(node).deposit(100n * WAD);
      await expect(registry.connect(node).unjail()).to.emit(registry, "NodeUnjailed").withArgs(node.address);
      expect(await registry.isJailed(node.address)).to.equal(false);
      await expect(registry.connect(node).unjail()).to.be.revertedWithCustomError(registry, "NotJailed");
    });

    it("caps the accumulated credit penalty at 10", async () => {
      const { registry, admin, node } = await withRecorder();
      for (let i = 0; i < 3; i++) await registry.connect(admin).recordOffence(node.address, 4n * WAD, 0n);
      expect((await registry.creditRecordAt(node.address, await time.latest())).offencePenalty).to.equal(10n * WAD);
    });
  });

  describe("scoring parameters", () => {
    it("versions parameters by time so past snapshots keep theirs", async () => {
      const { registry, admin } = await loadFixture(fixture);
      const before = BigInt(await time.latest());
      const p = withParams(defaultScoringParams(), { credit: { alpha: WAD / 2n, beta: WAD / 10n, gamma: (4n * WAD) / 10n } });
      await expect(registry.connect(admin).setScoringParams(p)).to.emit(registry, "ScoringParamsSet").withArgs(1n);
      expect((await registry.scoringParamsAt(before)).credit.alpha).to.equal((3n * WAD) / 10n);
      expect((await registry.scoringParams()).credit.alpha).to.equal(WAD / 2n);
    });

    it("rejects weights that do not sum to one and values out of bounds, naming the field", async () => {
      const { registry, admin, outsider } = await loadFixture(fixture);
      await expect(registry.connect(admin).setScoringParams(withParams(defaultScoringParams(), { credit: { alpha: WAD } })))
        .to.be.revertedWithCustomError(registry, "ScoringWeightsDoNotSumToOne")
        .withArgs("credit", (17n * WAD) / 10n);
      await expect(registry.connect(admin).setScoringParams(withParams(defaultScoringParams(), { trust: { window: 0n } })))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs("window", 0n, 1n, 1000n);
      const tc = [...defaultScoringParams().tradingCycle];
      tc[6] = 1n;
      await expect(registry.connect(admin).setScoringParams({ ...defaultScoringParams(), tradingCycle: tc }))
        .to.be.revertedWithCustomError(registry, "OutOfRange")
        .withArgs("tradingCycle", 1n, 0n, 0n);
      await expect(registry.connect(outsider).setScoringParams(defaultScoringParams())).to.be.revertedWithCustomError(
        registry,
        "AccessControlUnauthorizedAccount",
      );
    });

    it("refuses an unusable epoch clock or missing addresses at deployment", async () => {
      const { admin, vault } = await loadFixture(fixture);
      const F = await ethers.getContractFactory("NodeRegistry");
      const now = BigInt(await time.latest());
      await expect(F.deploy(admin.address, await vault.getAddress(), 0, defaultScoringParams(), now, 59))
        .to.be.revertedWithCustomError(F, "OutOfRange")
        .withArgs("epochDuration", 59n, 60n, 365n * 86_400n);
      await expect(
        F.deploy(ethers.ZeroAddress, await vault.getAddress(), 0, defaultScoringParams(), now, 3600),
      ).to.be.revertedWithCustomError(F, "ZeroAddress");
    });
  });
});
