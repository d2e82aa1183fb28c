import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { electionConfig, populatedElection, sendChallenge } from "./helpers";
import { admitNode, deployed } from "../fixtures";
import { bestKeys } from "../../src/election/engine";
import { applyChallenge, nextChallenge } from "../../src/keeper/watcher";
import { NodeClass, ScoringModel, WAD } from "../../src/scoring/params";

describe("DelegateElection", () => {
  describe("votes", () => {
    const setUp = async (model: ScoringModel) => {
      const f = await deployed({ model });
      const [a, b, consumer] = f.others;
      await admitNode(f.system, f.admin, a);
      await admitNode(f.system, f.admin, b);
      await f.registry.connect(consumer).register(NodeClass.Consumer, 0n, "");
      await f.registry.connect(f.admin).admit(consumer.address);
      return { ...f, a, b, consumer };
    };
    const fixture = () => setUp(ScoringModel.DynamicTrust);
    const classicFixture = () => setUp(ScoringModel.Classic);

    it("splits votes, checkpoints tallies, replaces them on a new vote and counts participation", async () => {
      const { election, registry, a, b, consumer } = await loadFixture(fixture);
      await expect(election.connect(consumer).vote([a.address, b.address], [6n, 4n]))
        .to.emit(election, "Voted")
        .withArgs(consumer.address, [a.address, b.address], [6n, 4n]);
      const t1 = await time.latest();
      let [votes, total] = await election.votesAt(a.address, t1);
      expect([votes, total]).to.deep.equal([6n, 10n]);
      expect((await registry.trustRecordAt(consumer.address, t1)).participated).to.equal(1n);
      await election.connect(consumer).vote([b.address], [3n]);
      [votes, total] = await election.votesAt(a.address, await time.latest());
      expect([votes, total]).to.deep.equal([0n, 3n]);
      expect((await election.votesAt(a.address, t1)).votes).to.equal(6n); // history kept
      expect(await election.allocationOf(consumer.address)).to.have.length(1);
    });

    it("weighs votes by the voter's deposit and re-weighs when the deposit changes (classic model)", async () => {
      const { election, vault, a, b } = await loadFixture(classicFixture);
      await election.connect(a).vote([b.address], [2n]);
      expect((await election.votesAt(b.address, await time.latest())).weighted).to.equal(2n * 500n * WAD);
      await vault.connect(a).deposit(100n * WAD);
      expect((await election.votesAt(b.address, await time.latest())).weighted).to.equal(2n * 600n * WAD);
      // a new vote replaces the old one in the weighted tallies
      await election.connect(a).vote([b.address], [5n]);
      expect((await election.votesAt(b.address, await time.latest())).weighted).to.equal(5n * 600n * WAD);
      await expect(election.onDepositChanged(a.address, 0n, 1n)).to.be.revertedWithCustomError(election, "OnlyVault");
    });

    it("rejects bad votes with their own errors, changing nothing", async () => {
      const { election, a, b, consumer, outsider } = await loadFixture(fixture);
      await expect(election.connect(outsider).vote([a.address], [1n])).to.be.revertedWithCustomError(election, "NotAdmitted");
      await expect(election.connect(a).vote([consumer.address], [1n]))
        .to.be.revertedWithCustomError(election, "NotACandidate")
        .withArgs(consumer.address);
      await expect(election.connect(a).vote([b.address, b.address], [1n, 1n])).to.be.revertedWithCustomError(
        election,
        "DuplicateCandidate",
      );
      await expect(election.connect(a).vote([a.address, b.address], [6n, 5n]))
        .to.be.revertedWithCustomError(election, "VotesExceedAllowance")
        .withArgs(11n, 10n);
      await expect(election.connect(a).vote([a.address], [1n, 2n])).to.be.revertedWithCustomError(election, "LengthMismatch");
      await expect(election.connect(a).vote([a.address], [0n])).to.be.revertedWithCustomError(election, "ZeroVotes");
      expect((await election.votesAt(a.address, await time.latest())).total).to.equal(0n);
    });
  });

  describe("submission, challenges and finalization", () => {
    const fixture = () => populatedElection(12, 42);

    it("finalizes a correct submission after the window, equal to the reference election, and pays the keeper", async () => {
      const { election, vault, keeper, outsider, epoch, scored, maxLength } = await loadFixture(fixture);
      const list = bestKeys(scored, maxLength).map((s) => s.node);
      expect(list).to.deep.equal([...(await election.referenceList(epoch))]);
      await expect(election.connect(keeper).submit(epoch, list)).to.emit(election, "ListSubmitted").withArgs(epoch, keeper.address, list);
      expect([...(await election.submittedList(epoch))]).to.deep.equal(list);
      expect(await election.submitterOf(epoch)).to.equal(keeper.address);
      await expect(election.finalize(epoch)).to.be.revertedWithCustomError(election, "ChallengeWindowOpen");
      await time.increase(await election.challengePeriod());
      await vault.connect(outsider).fundPool(100n * WAD);
      await expect(election.finalize(epoch))
        .to.emit(election, "DelegatesFinalized")
        .withArgs(epoch, keeper.address, 10n * WAD);
      expect(await vault.rewards(keeper.address)).to.equal(10n * WAD);
      const [members] = await election.delegatesOf(epoch);
      expect([...members]).to.deep.equal(list);
      await expect(election.finalize(epoch)).to.be.revertedWithCustomError(election, "AlreadyFinalized");
      // slot s belongs to delegate s mod K
      for (let s = 0n; s < 6n; s++) expect(await election.slotOwner(epoch, s)).to.equal(list[Number(s % 3n)]);
    });

    it("rejects submissions for the wrong epoch, unopened, underbonded, of wrong length, twice or too late", async () => {
      const { election, keeper, outsider, epoch, scored, maxLength, vault } = await loadFixture(fixture);
      const list = bestKeys(scored, maxLength).map((s) => s.node);
      await expect(election.connect(keeper).submit(epoch - 1n, list)).to.be.revertedWithCustomError(election, "WrongEpoch");
      await expect(election.connect(keeper).submit(epoch + 1n, list)).to.be.revertedWithCustomError(election, "WrongEpoch");
      await expect(election.connect(outsider).submit(epoch, list))
        .to.be.revertedWithCustomError(election, "KeeperBondTooLow")
        .withArgs(outsider.address, 0n, await election.keeperMinBond());
      const listLength = await election.listLength();
      await expect(election.connect(keeper).submit(epoch, []))
        .to.be.revertedWithCustomError(election, "OutOfRange")
        .withArgs("list", 0n, 1n, listLength);
      await expect(election.connect(keeper).submit(epoch, [...list, list[0]]))
        .to.be.revertedWithCustomError(election, "OutOfRange")
        .withArgs("list", BigInt(list.length + 1), 1n, listLength);
      await vault.connect(outsider).bondKeeper(await election.keeperMinBond());
      await time.increaseTo((await election.submissionDeadline(epoch)) + 1n);
      await expect(election.connect(keeper).submit(epoch, list)).to.be.revertedWithCustomError(election, "SubmissionWindowClosed");
    });

    it("rejects a second submission and submissions for an election not opened", async () => {
      const { election, keeper, epoch, scored, maxLength } = await loadFixture(fixture);
      const list = bestKeys(scored, maxLength).map((s) => s.node);
      await election.connect(keeper).submit(epoch, list);
      await expect(election.connect(keeper).submit(epoch, list))
        .to.be.revertedWithCustomError(election, "AlreadySubmitted")
        .withArgs(epoch, keeper.address);
      await expect(election.electReference(epoch))
        .to.be.revertedWithCustomError(election, "AlreadySubmitted")
        .withArgs(epoch, keeper.address);
      await expect(election.openElection(epoch)).to.be.revertedWithCustomError(election, "ElectionAlreadyOpen");
    });

    for (const kind of ["ineligible", "duplicate", "order", "excluded"] as const) {
      it(`challenge "${kind}": succeeds against a wrong list, repairs it, pays the challenger; fails against the right list`, async () => {
        const { election, vault, keeper, outsider, epoch, scored, byNode, maxLength } = await loadFixture(fixture);
        const right = bestKeys(scored, maxLength).map((s) => s.node);
        const ineligibleNode = scored.find((s) => !s.eligible)!.node;
        const excludedNode = bestKeys(scored, maxLength + 1)[maxLength].node;
        const wrong =
          kind === "ineligible"
            ? [...right.slice(0, -1), ineligibleNode]
            : kind === "duplicate"
              ? [...right.slice(0, -1), right[0]]
              : kind === "order"
                ? [right[1], right[0], ...right.slice(2)]
                : [...right.slice(0, -1), excludedNode === right.at(-1) ? right[0] : right.at(-1)!].slice(0, -1);
        await election.connect(keeper).submit(epoch, wrong);
        const c = nextChallenge(wrong, byNode, maxLength)!;
        expect(c.kind).to.equal(kind);
        const repaired = applyChallenge(wrong, c, maxLength);
        const reward = await election.challengeReward();
        await expect(sendChallenge(election, outsider, epoch, c))
          .to.emit(election, "ListChallenged")
          .withArgs(epoch, ["ineligible", "duplicate", "order", "excluded"].indexOf(kind), outsider.address, reward, repaired);
        expect(await vault.rewards(outsider.address)).to.equal(reward);
        expect([...(await election.submittedList(epoch))]).to.deep.equal(repaired);
        expect(await vault.keeperBond(keeper.address)).to.equal((await election.keeperMinBond()) - reward);
        // the repaired list is now right where it was wrong: the same challenge fails on it
        const again =
          kind === "ineligible"
            ? election.challengeIneligible(epoch, repaired.length - 1)
            : kind === "duplicate"
              ? election.challengeDuplicate(epoch, 0, repaired.length - 1)
              : kind === "order"
                ? election.challengeOrder(epoch, 1, 0)
                : election.challengeExcluded(epoch, right[0], 0);
        await expect(again).to.be.revertedWithCustomError(election, "ChallengeFailed");
        expect(await vault.keeperBond(keeper.address), "a failed challenge seizes nothing").to.equal(
          (await election.keeperMinBond()) - reward,
        );
      });
    }

    it("challenges against the right list all fail, and none is accepted after the window", async () => {
      const { election, keeper, outsider, epoch, scored, maxLength } = await loadFixture(fixture);
      const right = bestKeys(scored, maxLength).map((s) => s.node);
      await election.connect(keeper).submit(epoch, right);
      const outsiderNode = bestKeys(scored, maxLength + 1)[maxLength].node;
      for (let i = 0; i < right.length; i++) {
        await expect(election.challengeIneligible(epoch, i)).to.be.revertedWithCustomError(election, "ChallengeFailed");
      }
      await expect(election.challengeDuplicate(epoch, 0, 1)).to.be.revertedWithCustomError(election, "ChallengeFailed");
      for (let from = 1; from < right.length; from++) {
        for (let to = 0; to < from; to++) {
          await expect(election.challengeOrder(epoch, from, to)).to.be.revertedWithCustomError(election, "ChallengeFailed");
        }
      }
      for (let position = 0; position <= right.length; position++) {
        await expect(election.challengeExcluded(epoch, outsiderNode, position)).to.be.revertedWithCustomError(election, "ChallengeFailed");
      }
      await expect(election.challengeIneligible(epoch, 99))
        .to.be.revertedWithCustomError(election, "IndexOutOfRange")
        .withArgs("index", 99n, (await election.submittedList(epoch)).length);
      await time.increase(await election.challengePeriod());
      await expect(election.connect(outsider).challengeOrder(epoch, 1, 0)).to.be.revertedWithCustomError(election, "ChallengeWindowClosed");
    });

    it("hands the slots of a delegate jailed after the snapshot to a standby at finalization", async () => {
      const { election, registry, admin, keeper, epoch, scored, maxLength } = await loadFixture(fixture);
      const list = bestKeys(scored, maxLength).map((s) => s.node);
      await election.connect(keeper).submit(epoch, list);
      await registry.connect(admin).grantRole(await registry.RECORDER_ROLE(), admin.address);
      await registry.connect(admin).recordOffence(list[1], 0n, 86_400n);
      expect(await registry.lastJailing()).to.be.greaterThanOrEqual(await election.snapshotOf(epoch));
      await time.increase(await election.challengePeriod());
      await expect(election.finalize(epoch)).to.emit(election, "SlotsHandedOver").withArgs(epoch, 1, list[1], list[3], 0);
      for (let s = 0n; s < 6n; s++) expect(await election.slotOwner(epoch, s)).to.not.equal(list[1]);
    });

    it("refuses to finalize a list that challenges emptied, so the previous set carries over", async () => {
      const { election, keeper, outsider, epoch, scored } = await loadFixture(fixture);
      const ineligibleNode = scored.find((s) => !s.eligible)!.node;
      await election.connect(keeper).submit(epoch, [ineligibleNode]);
      await election.connect(outsider).challengeIneligible(epoch, 0);
      expect(await election.submittedList(epoch)).to.deep.equal([]);
      await time.increase(await election.challengePeriod());
      await expect(election.finalize(epoch)).to.be.revertedWithCustomError(election, "NothingToElect").withArgs(epoch);
    });

    it("runs the O(N) reference election when nobody submitted", async () => {
      const { election, epoch, scored, maxLength } = await loadFixture(fixture);
      await expect(election.electReference(epoch)).to.emit(election, "DelegatesFinalized");
      const [members] = await election.delegatesOf(epoch);
      expect([...members]).to.deep.equal(bestKeys(scored, maxLength).map((s) => s.node));
    });

    it("carries the previous set over, with an event, when nothing was finalized", async () => {
      const { election, epoch } = await loadFixture(fixture);
      await election.electReference(epoch);
      await time.increaseTo(await election.epochStart(epoch + 1n));
      await expect(election.carryOver(epoch + 1n))
        .to.emit(election, "DelegateSetCarriedOver")
        .withArgs(epoch + 1n, epoch);
      const [members, source] = await election.delegatesOf(epoch + 1n);
      expect(source).to.equal(epoch);
      expect([...members]).to.deep.equal([...(await election.delegatesOf(epoch))[0]]);
      await expect(election.carryOver(epoch + 1n)).to.be.revertedWithCustomError(election, "AlreadyFinalized");
      await expect(election.carryOver(epoch + 5n)).to.be.revertedWithCustomError(election, "EpochNotStarted");
    });

    it("a carried-over set does not schedule a delegate jailed in the earlier epoch", async () => {
      const { election, registry, admin, epoch } = await loadFixture(fixture);
      await election.electReference(epoch);
      const [members] = await election.delegatesOf(epoch);
      await time.increaseTo(await election.epochStart(epoch));
      await registry.connect(admin).grantRole(await registry.RECORDER_ROLE(), admin.address);
      await registry.connect(admin).recordOffence(members[0], 0n, 30n * 86_400n);
      await election.handOver(members[0]);
      // nothing elected for epoch + 1: the set carries over, and its jailed member loses its slots
      // again from the next slot on (a slot that has begun keeps its owner)
      await time.increaseTo((await election.epochStart(epoch + 1n)) + 3n * (await election.slotDuration()));
      expect(await election.slotOwner(epoch + 1n, 3n)).to.equal(members[0]);
      await expect(election.carryOver(epoch + 1n))
        .to.emit(election, "SlotsHandedOver")
        .withArgs(epoch + 1n, 0, members[0], members[3], 4);
      const slots = await election.slotsPerEpoch();
      for (let s = 4n; s < slots; s++) expect(await election.slotOwner(epoch + 1n, s), `slot ${s}`).to.not.equal(members[0]);
      expect(await election.slotOwner(epoch + 1n, 3n), "the current slot keeps its owner").to.equal(members[0]);
      expect(await election.slotOwner(epoch + 1n, 0n), "past slots keep their owner").to.equal(members[0]);
    });

    it("hands a jailed delegate's remaining slots to the next standby at once", async () => {
      const { election, registry, admin, epoch } = await loadFixture(fixture);
      await election.electReference(epoch);
      const [members] = await election.delegatesOf(epoch);
      await time.increaseTo((await election.epochStart(epoch)) + 2n * (await election.slotDuration()));
      await expect(election.handOver(members[1])).to.be.revertedWithCustomError(election, "NotJailed").withArgs(members[1]);
      await registry.connect(admin).grantRole(await registry.RECORDER_ROLE(), admin.address);
      await registry.connect(admin).recordOffence(members[1], 0n, 86_400n);
      await expect(election.handOver(members[1])).to.emit(election, "SlotsHandedOver").withArgs(epoch, 1, members[1], members[3], 3);
      expect(await election.slotOwner(epoch, 1n)).to.equal(members[1]); // past slot unchanged
      expect(await election.slotOwner(epoch, 2n)).to.equal(members[2]); // the slot that has begun is index 2's
      expect(await election.slotOwner(epoch, 4n)).to.equal(members[3]);
      expect(await election.standbysUsed(epoch)).to.equal(1n);
      await expect(election.handOver(members[1])).to.be.revertedWithCustomError(election, "NotScheduled");
    });

    it("checks the configuration at deployment and the keeper economics when set", async () => {
      const { election, registry, vault, admin } = await loadFixture(fixture);
      const F = await ethers.getContractFactory("DelegateElection");
      const base = electionConfig;
      const r = await registry.getAddress();
      const v = await vault.getAddress();
      await expect(F.deploy(admin.address, r, v, { ...base, delegateCount: 0n }))
        .to.be.revertedWithCustomError(F, "OutOfRange")
        .withArgs("delegateCount", 0n, 1n, 101n);
      for (const slots of [0n, 100_001n]) {
        await expect(F.deploy(admin.address, r, v, { ...base, slotsPerEpoch: slots }), `${slots} slots`)
          .to.be.revertedWithCustomError(F, "OutOfRange")
          .withArgs("slotsPerEpoch", slots, 1n, 100_000n);
      }
      // slots must divide the day-long epoch exactly, so every second lies in one slot below S
      await expect(F.deploy(admin.address, r, v, { ...base, slotsPerEpoch: 7n }))
        .to.be.revertedWithCustomError(F, "InvalidSlotCount")
        .withArgs(7n, 86_400n);
      // at most a quarter of the epoch (and of the vault's unbonding period, longer here)
      await expect(F.deploy(admin.address, r, v, { ...base, challengePeriod: 86_400n }))
        .to.be.revertedWithCustomError(F, "OutOfRange")
        .withArgs("challengePeriod", 86_400n, 60n, 21_600n);
      // the bond must pay every challenge of the worst repair: 3L − 1 = 14 for L = 5
      expect(await election.maxRepairChallenges()).to.equal(14n);
      await expect(election.connect(admin).setKeeperEconomics(13n, 1n, 0n))
        .to.be.revertedWithCustomError(election, "OutOfRange")
        .withArgs("keeperMinBond", 13n, 14n, 2n ** 256n - 1n);
      await expect(election.connect(admin).setKeeperEconomics(14n, 1n, 0n))
        .to.emit(election, "KeeperEconomicsSet")
        .withArgs(14n, 1n, 0n);
      await expect(election.connect(admin).setChallengePeriod(30n))
        .to.be.revertedWithCustomError(election, "OutOfRange")
        .withArgs("challengePeriod", 30n, 60n, 21_600n);
      await expect(election.connect(admin).setChallengePeriod(600n)).to.emit(election, "ChallengePeriodSet").withArgs(600n);
    });
  });
});
