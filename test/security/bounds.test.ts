// Every bound and guard refuses out-of-range input with an error naming what is wrong, and changes
// nothing. Complements the per-contract tests with the edges they do not reach.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { electionConfig, populatedElection } from "../election/helpers";
import { ledgerFixture, header } from "../ledger/helpers";
import { deployed } from "../fixtures";
import { bestKeys } from "../../src/election/engine";
import { defaultScoringParams, NodeClass, WAD } from "../../src/scoring/params";
import { signHeader } from "../../src/ledger/signing";
import { openElection } from "../../src/election/open";
import { defaultSystemOptions, poolShares } from "../../src/deployment/deploySystem";

describe("bounds and guards", () => {
  describe("DelegateElection", () => {
    const fixture = () => populatedElection(12, 42);
    const base = electionConfig;

    it("refuses each configuration field above its maximum or at zero, naming the field", async () => {
      const { registry, vault, admin, election } = await loadFixture(fixture);
      const F = await ethers.getContractFactory("DelegateElection");
      const [r, v] = [await registry.getAddress(), await vault.getAddress()];
      const cases: [keyof typeof base, bigint][] = [
        ["delegateCount", 102n],
        ["standbyCount", 33n],
        ["votesPerNode", 0n],
        ["votesPerNode", 1_001n],
        ["keeperMinBond", 0n],
      ];
      const range: Record<string, [bigint, bigint]> = {
        delegateCount: [1n, 101n],
        standbyCount: [0n, 32n],
        votesPerNode: [1n, 1_000n],
        keeperMinBond: [base.challengeReward * 14n, 2n ** 256n - 1n], // the 3L − 1 = 14 challenges of a list of 5
      };
      for (const [field, value] of cases) {
        await expect(F.deploy(admin.address, r, v, { ...base, [field]: value }), `${field} = ${value}`)
          .to.be.revertedWithCustomError(F, "OutOfRange")
          .withArgs(field, value, range[field][0], range[field][1]);
      }
      await expect(election.connect(admin).setKeeperEconomics(0n, 0n, 0n))
        .to.be.revertedWithCustomError(election, "OutOfRange")
        .withArgs("keeperMinBond", 0n, 1n, 2n ** 256n - 1n);
      expect(await election.keeperMinBond()).to.equal(1_000n * WAD);
    });

    it("refuses a vote for more candidates than a voter may name", async () => {
      const { election, nodes, addresses } = await loadFixture(fixture);
      const candidates = Array.from({ length: 33 }, (_, i) => addresses[i % addresses.length]);
      const before = await election.votesAt(addresses[0], await time.latest());
      await expect(
        election.connect(nodes[0]).vote(
          candidates,
          candidates.map(() => 0n),
        ),
      )
        .to.be.revertedWithCustomError(election, "OutOfRange")
        .withArgs("candidates", 33n, 0n, 32n);
      expect(await election.votesAt(addresses[0], await time.latest())).to.deep.equal(before);
    });

    it("refuses challenges whose indices fall outside the list, or a duplicate with i >= j", async () => {
      const { election, keeper, epoch, scored, maxLength } = await loadFixture(fixture);
      const list = bestKeys(scored, maxLength).map((s) => s.node);
      for (const c of ["Ineligible", "Duplicate", "Order", "Excluded"] as const) {
        await expect(
          c === "Ineligible"
            ? election.challengeIneligible(epoch, 0)
            : c === "Duplicate"
              ? election.challengeDuplicate(epoch, 0, 1)
              : c === "Order"
                ? election.challengeOrder(epoch, 1, 0)
                : election.challengeExcluded(epoch, list[0], 0),
          `${c} before any submission`,
        )
          .to.be.revertedWithCustomError(election, "NoSubmission")
          .withArgs(epoch);
      }
      await expect(election.finalize(epoch)).to.be.revertedWithCustomError(election, "NoSubmission").withArgs(epoch);
      await election.connect(keeper).submit(epoch, list);
      const n = BigInt(list.length);
      await expect(election.challengeDuplicate(epoch, 0, n))
        .to.be.revertedWithCustomError(election, "IndexOutOfRange")
        .withArgs("j", n, n);
      await expect(election.challengeDuplicate(epoch, 1, 1)).to.be.revertedWithCustomError(election, "ChallengeFailed");
      await expect(election.challengeDuplicate(epoch, 2, 1)).to.be.revertedWithCustomError(election, "ChallengeFailed");
      await expect(election.challengeOrder(epoch, n, 0n))
        .to.be.revertedWithCustomError(election, "IndexOutOfRange")
        .withArgs("from", n, n);
      await expect(election.challengeOrder(epoch, 1n, 1n))
        .to.be.revertedWithCustomError(election, "IndexOutOfRange")
        .withArgs("to", 1n, 1n);
      const outside = bestKeys(scored, maxLength + 1)[maxLength].node;
      await expect(election.challengeExcluded(epoch, outside, n + 1n))
        .to.be.revertedWithCustomError(election, "IndexOutOfRange")
        .withArgs("position", n + 1n, n + 1n);
      const ineligible = scored.find((s) => !s.eligible)!.node;
      await expect(election.challengeExcluded(epoch, ineligible, 0)).to.be.revertedWithCustomError(election, "ChallengeFailed");
      expect([...(await election.submittedList(epoch))]).to.deep.equal(list);
    });

    it("checks a short list's neighbours when a node claims to be excluded", async () => {
      const { election, keeper, epoch, scored, maxLength } = await loadFixture(fixture);
      const ranked = bestKeys(scored, maxLength).map((s) => s.node);
      // A short list missing its second-best node: the node belongs at position 1, nowhere else.
      const short = [ranked[0], ...ranked.slice(2)];
      await election.connect(keeper).submit(epoch, short);
      await expect(election.challengeExcluded(epoch, ranked[1], 0), "ranks after list[0]").to.be.revertedWithCustomError(
        election,
        "ChallengeFailed",
      );
      await expect(election.challengeExcluded(epoch, ranked[1], 2), "ranks before list[1]").to.be.revertedWithCustomError(
        election,
        "ChallengeFailed",
      );
      await expect(election.challengeExcluded(epoch, ranked[1], 1)).to.emit(election, "ListChallenged");
      expect([...(await election.submittedList(epoch))]).to.deep.equal(ranked);
    });

    it("refuses a reference election with nobody electable, and finalization after the epoch began", async () => {
      const f = await deployed();
      const epoch = (await f.election.currentEpoch()) + 2n;
      await time.increaseTo(await f.election.snapshotOf(epoch));
      await openElection(f.election, epoch);
      await expect(f.election.electReference(epoch)).to.be.revertedWithCustomError(f.election, "NothingToElect").withArgs(epoch);

      const g = await loadFixture(fixture);
      const list = bestKeys(g.scored, g.maxLength).map((s) => s.node);
      await g.election.connect(g.keeper).submit(g.epoch, list);
      const start = await g.election.epochStart(g.epoch);
      await time.increaseTo(start);
      await expect(g.election.finalize(g.epoch)).to.be.revertedWithCustomError(g.election, "FinalizationTooLate").withArgs(g.epoch, start);
      expect(await g.election.submitterOf(g.epoch)).to.equal(g.keeper.address);
      await g.election.carryOver(g.epoch);
      await expect(g.election.carryOver(g.epoch)).to.be.revertedWithCustomError(g.election, "AlreadyFinalized").withArgs(g.epoch);
    });
  });

  describe("StakeVault", () => {
    it("refuses zero amounts, a zero observer and out-of-range unbonding periods", async () => {
      const { vault, token, keeper, admin } = await loadFixture(deployed);
      await vault.connect(keeper).deposit(200n * WAD);
      await vault.connect(keeper).bondKeeper(10n * WAD);
      await expect(vault.connect(keeper).requestWithdrawal(0n)).to.be.revertedWithCustomError(vault, "ZeroAmount");
      await expect(vault.connect(keeper).requestKeeperUnbond(0n)).to.be.revertedWithCustomError(vault, "ZeroAmount");
      for (const value of [3599n, 365n * 86_400n + 1n]) {
        await expect(vault.connect(admin).setUnbondingPeriod(value))
          .to.be.revertedWithCustomError(vault, "OutOfRange")
          .withArgs("unbondingPeriod", value, 3600n, 365n * 86_400n);
      }
      // the floors: the ledger's evidence window plus a slot, and the election's challenge window
      const { ledger } = await loadFixture(deployed);
      const floor = await ledger.minUnbondingPeriod();
      await expect(vault.connect(admin).setUnbondingPeriod(floor - 1n))
        .to.be.revertedWithCustomError(vault, "UnbondingBelowFloor")
        .withArgs(floor - 1n, await ledger.getAddress(), floor);
      await expect(vault.connect(admin).setUnbondingPeriod(floor)).to.emit(vault, "UnbondingPeriodSet").withArgs(floor);
      const F = await ethers.getContractFactory("StakeVault");
      const fresh = await F.deploy(await token.getAddress(), admin.address, 3600n, poolShares(defaultSystemOptions()));
      await expect(fresh.setDepositObserver(ethers.ZeroAddress)).to.be.revertedWithCustomError(fresh, "ZeroAddress").withArgs("observer");
      expect(await fresh.depositObserver()).to.equal(ethers.ZeroAddress);
    });

    it("a zero participation fee moves nothing and emits nothing", async () => {
      const { vault, admin, keeper } = await loadFixture(deployed);
      await vault.connect(admin).grantRole(await vault.OPERATOR_ROLE(), admin.address);
      const pool = await vault.pool();
      await expect(vault.connect(admin).collectFee(keeper.address, 0n)).not.to.emit(vault, "FeeCollected");
      expect(await vault.pool()).to.equal(pool);
    });
  });

  describe("BlockLedger", () => {
    it("refuses evidence that is no offence: an unscheduled slot, headers of different epochs, a replay backwards in epochs", async () => {
      const f = await ledgerFixture();
      const unscheduled = f.epoch + 5n;
      const [, end] = await f.election.slotWindow(unscheduled, 0n);
      // No set was ever finalized before f.epoch: an earlier epoch has no slot owner.
      const early = f.epoch - 1n;
      const [, earlyEnd] = await f.election.slotWindow(early, 0n);
      expect(earlyEnd).to.be.lessThan(end);
      await expect(f.ledger.reportMissedSlot(early, 0n)).to.be.revertedWithCustomError(f.ledger, "NobodyScheduled").withArgs(early, 0n);
      const signer = f.signerOf(f.members[0]);
      const a = header(f, 0n);
      const b = { ...header(f, 0n), epoch: f.epoch + 1n };
      const [sa, sb] = [await signHeader(signer, f.domain, a), await signHeader(signer, f.domain, b)];
      await expect(f.ledger.reportEquivocation(a, sa, b, sb)).to.be.revertedWithCustomError(f.ledger, "NotEquivocation");
      const inclusion = (h: typeof a) => ({
        header: h,
        sellerSignatureHash: ethers.ZeroHash,
        buyerSignatureHash: ethers.ZeroHash,
        proof: [],
      });
      await expect(f.ledger.reportReplayedTrade(ethers.ZeroHash, inclusion(b), inclusion(a))).to.be.revertedWithCustomError(
        f.ledger,
        "NotAReplay",
      );
      expect(await f.registry.isJailed(f.members[0])).to.equal(false);
    });

    it("refuses each penalty and reward field out of bounds", async () => {
      const f = await loadFixture(deployed);
      const ok = { slashFraction: WAD / 10n, creditPenalty: WAD, jailPeriod: 86_400n };
      const bounds: [keyof typeof ok, bigint][] = [
        ["slashFraction", WAD],
        ["creditPenalty", 10n * WAD],
        ["jailPeriod", 365n * 86_400n],
      ];
      for (const [field, max] of bounds) {
        await expect(f.ledger.connect(f.admin).setPenalty(0, { ...ok, [field]: max + 1n }))
          .to.be.revertedWithCustomError(f.ledger, "OutOfRange")
          .withArgs(field, max + 1n, 0n, max);
      }
      const rewards = { producerReward: WAD, attesterReward: 0n, reporterShare: WAD / 5n, evidenceWindow: 86_400n };
      await expect(f.ledger.connect(f.admin).setRewards({ ...rewards, reporterShare: WAD + 1n }))
        .to.be.revertedWithCustomError(f.ledger, "OutOfRange")
        .withArgs("reporterShare", WAD + 1n, 0n, WAD);
      const slot = await f.election.slotDuration();
      const longest = (await f.vault.unbondingPeriod()) - slot - 1n; // its unbonding must fit the vault's
      for (const w of [slot - 1n, longest + 1n]) {
        await expect(f.ledger.connect(f.admin).setRewards({ ...rewards, evidenceWindow: w }))
          .to.be.revertedWithCustomError(f.ledger, "OutOfRange")
          .withArgs("evidenceWindow", w, slot, longest);
      }
      expect((await f.ledger.rewards()).evidenceWindow).to.equal(f.system.options.evidenceWindow);
    });
  });

  describe("registry, meters and lens", () => {
    it("refuses a zero vault, a far clock, an over-long endpoint, an impossible meter reading and an over-large lens page", async () => {
      const f = await loadFixture(deployed);
      const R = await ethers.getContractFactory("NodeRegistry");
      const now = BigInt(await time.latest());
      const vault = await f.vault.getAddress();
      await expect(R.deploy(f.admin.address, ethers.ZeroAddress, 0, defaultScoringParams(), now, 3600))
        .to.be.revertedWithCustomError(R, "ZeroAddress")
        .withArgs("vault");
      for (const [genesis, duration] of [
        [now, 365n * 86_400n + 1n],
        [now + 366n * 86_400n, 3600n],
      ]) {
        const deployment = R.deploy(f.admin.address, vault, 0, defaultScoringParams(), genesis, duration);
        if (duration > 365n * 86_400n) {
          await expect(deployment)
            .to.be.revertedWithCustomError(R, "OutOfRange")
            .withArgs("epochDuration", duration, 60n, 365n * 86_400n);
        } else {
          await expect(deployment).to.be.revertedWithCustomError(R, "OutOfRange").withArgs("genesis", genesis, 0n, anyValue); // a year from the block's time
        }
      }
      const node = f.others[0];
      await f.registry.connect(node).register(NodeClass.MultiHouseholdCommunityPV, 1_000n, "http://a");
      await expect(f.registry.connect(node).setEndpoint("x".repeat(257)))
        .to.be.revertedWithCustomError(f.registry, "OutOfRange")
        .withArgs("endpoint", 257n, 0n, 256n);
      expect(await f.registry.endpointOf(node.address)).to.equal("http://a");

      await f.registry.connect(f.admin).admit(node.address);
      await f.meters.connect(node).reportPlan(1, 1_000n);
      await time.increase(14n * 86_400n);
      await expect(f.meters.connect(f.admin).reportMeterReading(node.address, 1, 2n ** 96n))
        .to.be.revertedWithCustomError(f.meters, "OutOfRange")
        .withArgs("meteredEnergy", 2n ** 96n, 0n, 2n ** 96n - 1n);
      expect((await f.meters.cycleOf(node.address, 1)).settled).to.equal(false);

      const page = Array.from({ length: 501 }, () => node.address);
      await expect(f.lens.read(await f.election.getAddress(), page, now, 0))
        .to.be.revertedWithCustomError(f.lens, "OutOfRange")
        .withArgs("nodes", 501n, 0n, 500n);
    });
  });
});
