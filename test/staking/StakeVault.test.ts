import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployed } from "../fixtures";
import { WAD } from "../../src/scoring/params";
import { SeededRandom } from "../../src/util/random";
import { defaultSystemOptions, poolShares } from "../../src/deployment/deploySystem";
import { RewardRole } from "../../src/rewards/pool";

describe("StakeVault", () => {
  const fixture = () => deployed();

  async function expectConserved(vault: Awaited<ReturnType<typeof fixture>>["vault"], token: Awaited<ReturnType<typeof fixture>>["token"]) {
    expect(await token.balanceOf(await vault.getAddress())).to.equal(await vault.accountedBalance());
  }

  describe("deposits", () => {
    it("bonds a deposit, checkpoints it by time and emits Deposited", async () => {
      const { vault, others } = await loadFixture(fixture);
      const [node] = others;
      await expect(vault.connect(node).deposit(100n * WAD))
        .to.emit(vault, "Deposited")
        .withArgs(node.address, 100n * WAD, 100n * WAD);
      const t1 = BigInt(await time.latest());
      await time.increase(10);
      await vault.connect(node).deposit(50n * WAD);
      expect(await vault.bonded(node.address)).to.equal(150n * WAD);
      expect(await vault.bondedAt(node.address, t1)).to.equal(100n * WAD);
      expect(await vault.bondedAt(node.address, t1 - 1n)).to.equal(0n);
      expect(await vault.totalBonded()).to.equal(150n * WAD);
    });

    it("rejects a zero deposit and one without allowance, changing nothing", async () => {
      const { vault, token, others } = await loadFixture(fixture);
      const [node] = others;
      await expect(vault.connect(node).deposit(0)).to.be.revertedWithCustomError(vault, "ZeroAmount");
      await token.connect(node).approve(await vault.getAddress(), 5n);
      await expect(vault.connect(node).deposit(6n))
        .to.be.revertedWithCustomError(vault, "InsufficientAllowance")
        .withArgs(node.address, 5n, 6n);
      expect(await vault.bonded(node.address)).to.equal(0n);
    });

    it("unbonds, refuses early withdrawal, withdraws after the period, even when paused", async () => {
      const { vault, token, others, admin } = await loadFixture(fixture);
      const [node] = others;
      await vault.connect(node).deposit(300n * WAD);
      await expect(vault.connect(node).requestWithdrawal(301n * WAD))
        .to.be.revertedWithCustomError(vault, "InsufficientBonded")
        .withArgs(node.address, 300n * WAD, 301n * WAD);
      // a partial withdrawal must leave at least minDeposit (100) bonded
      await expect(vault.connect(node).requestWithdrawal(250n * WAD))
        .to.be.revertedWithCustomError(vault, "RemainderBelowMinimum")
        .withArgs(node.address, 50n * WAD, 100n * WAD);
      await expect(vault.connect(node).requestWithdrawal(200n * WAD)).to.emit(vault, "WithdrawalRequested");
      const [, releaseAt] = await vault.unbonding(node.address);
      await expect(vault.connect(node).withdraw()).to.be.revertedWithCustomError(vault, "UnbondingNotFinished");
      await vault.connect(admin).pause();
      await time.increaseTo(releaseAt);
      const before = await token.balanceOf(node.address);
      await expect(vault.connect(node).withdraw())
        .to.emit(vault, "Withdrawn")
        .withArgs(node.address, 200n * WAD);
      expect((await token.balanceOf(node.address)) - before).to.equal(200n * WAD);
      await expect(vault.connect(node).withdraw()).to.be.revertedWithCustomError(vault, "NothingUnbonding");
      await expectConserved(vault, token);
    });

    it("pausing stops deposits and keeper bonds", async () => {
      const { vault, others, admin } = await loadFixture(fixture);
      await vault.connect(admin).pause();
      await expect(vault.connect(others[0]).deposit(WAD)).to.be.revertedWithCustomError(vault, "EnforcedPause");
      await expect(vault.connect(others[0]).bondKeeper(WAD)).to.be.revertedWithCustomError(vault, "EnforcedPause");
    });
  });

  describe("keeper bonds", () => {
    it("bonds, unbonds and withdraws a keeper bond", async () => {
      const { vault, keeper, token } = await loadFixture(fixture);
      await expect(vault.connect(keeper).bondKeeper(10n * WAD)).to.emit(vault, "KeeperBonded");
      await expect(vault.connect(keeper).requestKeeperUnbond(11n * WAD)).to.be.revertedWithCustomError(vault, "InsufficientBonded");
      await vault.connect(keeper).requestKeeperUnbond(4n * WAD);
      expect(await vault.keeperBond(keeper.address)).to.equal(6n * WAD);
      await expect(vault.connect(keeper).withdrawKeeperBond()).to.be.revertedWithCustomError(vault, "UnbondingNotFinished");
      await time.increase(await vault.unbondingPeriod());
      await expect(vault.connect(keeper).withdrawKeeperBond())
        .to.emit(vault, "KeeperBondWithdrawn")
        .withArgs(keeper.address, 4n * WAD);
      await expectConserved(vault, token);
    });
  });

  describe("pool, rewards and slashing (operator only)", () => {
    async function withOperator() {
      const f = await loadFixture(fixture);
      await f.vault.connect(f.admin).grantRole(await f.vault.OPERATOR_ROLE(), f.admin.address);
      return f;
    }

    it("refuses every operator function to a non-operator", async () => {
      const { vault, outsider } = await loadFixture(fixture);
      const role = await vault.OPERATOR_ROLE();
      for (const call of [
        () => vault.connect(outsider).collectFee(outsider.address, 1n),
        () => vault.connect(outsider).accrueReward(RewardRole.Producer, outsider.address, 1n),
        () => vault.connect(outsider).accrueRewardEach(RewardRole.Attester, [outsider.address], 1n),
        () => vault.connect(outsider).slash(outsider.address, 1n, outsider.address, 0n),
        () => vault.connect(outsider).seizeKeeperBond(outsider.address, 1n, outsider.address),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount").withArgs(outsider.address, role);
      }
    });

    it("accrues a role's reward only up to that role's pool and pays it by claim", async () => {
      const { vault, token, admin, others } = await withOperator();
      const [payer, earner] = others;
      // 30 tokens in: 60 % to producers, 15 % to attesters, 25 % to keepers (the default shares)
      await expect(vault.connect(admin).collectFee(payer.address, 30n * WAD))
        .to.emit(vault, "PoolShared")
        .withArgs(30n * WAD, 18n * WAD, (45n * WAD) / 10n, (75n * WAD) / 10n);
      expect(await vault.pool()).to.equal(30n * WAD);
      await expect(vault.connect(admin).accrueReward(RewardRole.Producer, earner.address, 50n * WAD))
        .to.emit(vault, "RewardAccrued")
        .withArgs(earner.address, RewardRole.Producer, 18n * WAD, 0n);
      expect(await vault.rewardPools()).to.deep.equal([0n, (45n * WAD) / 10n, (75n * WAD) / 10n]);
      // an empty role pool pays nothing and records nothing, whatever the others hold
      await expect(vault.connect(admin).accrueReward(RewardRole.Producer, earner.address, 1n)).not.to.emit(vault, "RewardAccrued");
      expect(await vault.rewards(earner.address)).to.equal(18n * WAD);
      const before = await token.balanceOf(earner.address);
      await vault.connect(earner).claim();
      expect((await token.balanceOf(earner.address)) - before).to.equal(18n * WAD);
      await expect(vault.connect(earner).claim()).to.be.revertedWithCustomError(vault, "NothingToClaim");
      await expectConserved(vault, token);
    });

    it("the testnet failure: a keeper's fixed reward no longer drains what block producers earned", async () => {
      // fees of 10 plans of 1 token, then the keeper's 10-token finalization reward asked first:
      // before the role pools it took all 10 and the producer of 13 blocks could claim nothing
      const { vault, token, admin, others, keeper } = await withOperator();
      const [producer] = others;
      for (const payer of others.slice(1, 11)) await vault.connect(admin).collectFee(payer.address, WAD);
      await vault.connect(admin).accrueReward(RewardRole.Keeper, keeper.address, 10n * WAD);
      expect(await vault.rewards(keeper.address), "the keeper gets its 25 %, not the pool").to.equal((25n * WAD) / 10n);
      for (let block = 0; block < 13; block++) await vault.connect(admin).accrueReward(RewardRole.Producer, producer.address, WAD);
      expect(await vault.rewards(producer.address), "the producers' 60 %").to.equal(6n * WAD);
      await expect(vault.connect(producer).claim())
        .to.emit(vault, "RewardClaimed")
        .withArgs(producer.address, 6n * WAD);
      expect(await vault.rewardPools()).to.deep.equal([0n, (15n * WAD) / 10n, 0n]);
      await expectConserved(vault, token);
    });

    it("gives the rounding remainder of every inflow to the producers, so the parts add up to the wei", async () => {
      const { vault, token, admin, others } = await withOperator();
      // 1 wei: attesters' and keepers' parts round to 0; 9,999 wei: 1,499 and 2,499 (99.99 % of a wei lost each)
      await expect(vault.connect(admin).collectFee(others[0].address, 1n)).to.emit(vault, "PoolShared").withArgs(1n, 1n, 0n, 0n);
      await expect(vault.connect(admin).collectFee(others[0].address, 9_999n))
        .to.emit(vault, "PoolShared")
        .withArgs(9_999n, 6_001n, 1_499n, 2_499n);
      expect(await vault.rewardPools()).to.deep.equal([6_002n, 1_499n, 2_499n]);
      expect(await vault.pool()).to.equal(10_000n);
      await expectConserved(vault, token);
    });

    it("pays a block's attesters equally from their pool, capped per attester, whatever their order", async () => {
      const { vault, token, admin, others } = await withOperator();
      const [a, b, c] = others.map((s) => s.address);
      await vault.connect(admin).collectFee(others[5].address, 20n * WAD + 1n); // attesters: 3 tokens (the wei rounds away)
      // asked 2 tokens each, 3 attesters: the pool holds 1 each, and the wei of 3 that does not divide stays
      const tx = vault.connect(admin).accrueRewardEach(RewardRole.Attester, [a, b, c], 2n * WAD);
      await expect(tx)
        .to.emit(vault, "RewardAccrued")
        .withArgs(a, RewardRole.Attester, WAD, 2n * WAD);
      await expect(tx).to.emit(vault, "RewardAccrued").withArgs(c, RewardRole.Attester, WAD, 0n);
      for (const x of [a, b, c]) expect(await vault.rewards(x)).to.equal(WAD);
      expect((await vault.rewardPools())[1]).to.equal(0n);
      await vault.connect(admin).collectFee(others[5].address, 20n * WAD);
      // under the cap: 1 token each of the 3 in the pool, whoever comes first in the list
      await vault.connect(admin).accrueRewardEach(RewardRole.Attester, [c, a], WAD);
      expect([await vault.rewards(a), await vault.rewards(c), (await vault.rewardPools())[1]]).to.deep.equal([2n * WAD, 2n * WAD, WAD]);
      // nobody to pay, or less than a wei each: nothing moves
      await expect(vault.connect(admin).accrueRewardEach(RewardRole.Attester, [], WAD)).not.to.emit(vault, "RewardAccrued");
      await expect(vault.connect(admin).accrueRewardEach(RewardRole.Attester, [a, b], 0n)).not.to.emit(vault, "RewardAccrued");
      await expectConserved(vault, token);
    });

    it("refuses pool shares that do not add up to 10,000 basis points, naming all three", async () => {
      const { token, admin } = await loadFixture(fixture);
      const F = await ethers.getContractFactory("StakeVault");
      const at = await token.getAddress();
      for (const [producers, attesters, keepers] of [
        [6_000n, 1_500n, 2_499n],
        [6_000n, 1_500n, 2_501n],
        [0n, 0n, 0n],
        [10_001n, 0n, 0n],
        // a sum that would wrap around 2^256 is refused by the bound on each, not by an overflow panic
        [2n ** 256n - 1n, 10_001n, 0n],
      ]) {
        await expect(F.deploy(at, admin.address, 3600, { producers, attesters, keepers }))
          .to.be.revertedWithCustomError(F, "PoolSharesNotWhole")
          .withArgs(producers, attesters, keepers);
      }
      const vault = await F.deploy(at, admin.address, 3600, { producers: 0n, attesters: 0n, keepers: 10_000n });
      await expect(vault.deploymentTransaction()).to.emit(vault, "PoolSharesSet").withArgs(0n, 0n, 10_000n);
      expect([await vault.producerShareBps(), await vault.attesterShareBps(), await vault.keeperShareBps()]).to.deep.equal([
        0n,
        0n,
        10_000n,
      ]);
    });

    it("slashes bonded then unbonding deposit, shares with the reporter, rest to the pool", async () => {
      const { vault, token, admin, others } = await withOperator();
      const [node, reporter] = others;
      await vault.connect(node).deposit(200n * WAD);
      await vault.connect(node).requestWithdrawal(100n * WAD);
      await expect(vault.connect(admin).slash(node.address, 150n * WAD, reporter.address, WAD / 10n))
        .to.emit(vault, "Slashed")
        .withArgs(node.address, 150n * WAD, reporter.address, 15n * WAD);
      expect(await vault.bonded(node.address)).to.equal(0n);
      expect((await vault.unbonding(node.address)).amount).to.equal(50n * WAD);
      expect(await vault.rewards(reporter.address)).to.equal(15n * WAD);
      expect(await vault.pool()).to.equal(135n * WAD);
      // the slash's remainder is shared among the roles like a fee
      expect(await vault.rewardPools()).to.deep.equal([81n * WAD, (2025n * WAD) / 100n, (3375n * WAD) / 100n]);
      // asking for more than is left takes what is left
      await vault.connect(admin).slash(node.address, 1_000n * WAD, reporter.address, 0n);
      expect((await vault.unbonding(node.address)).amount).to.equal(0n);
      await expectConserved(vault, token);
    });

    it("seizes a keeper bond into the beneficiary's rewards", async () => {
      const { vault, token, admin, keeper, others } = await withOperator();
      await vault.connect(keeper).bondKeeper(10n * WAD);
      await vault.connect(keeper).requestKeeperUnbond(5n * WAD);
      await expect(vault.connect(admin).seizeKeeperBond(keeper.address, 8n * WAD, others[0].address))
        .to.emit(vault, "KeeperBondSeized")
        .withArgs(keeper.address, 8n * WAD, others[0].address);
      expect(await vault.keeperBond(keeper.address)).to.equal(0n);
      expect((await vault.keeperUnbonding(keeper.address)).amount).to.equal(2n * WAD);
      expect(await vault.rewards(others[0].address)).to.equal(8n * WAD);
      await expectConserved(vault, token);
    });

    it("conserves tokens across a random sequence of deposits, fees, withdrawals, slashes and claims", async () => {
      const { vault, token, admin, others, keeper } = await withOperator();
      const actors = others.slice(0, 5);
      const rng = new SeededRandom(7);
      for (let step = 0; step < 120; step++) {
        const a = actors[rng.below(actors.length)];
        const amount = BigInt(1 + rng.below(300)) * WAD;
        const action = rng.below(8);
        // Each action may legitimately revert (e.g. nothing to withdraw): conservation must hold either way.
        const attempt = async () => {
          if (action === 0) await vault.connect(a).deposit(amount);
          else if (action === 1) await vault.connect(a).requestWithdrawal(amount);
          else if (action === 2) await vault.connect(a).withdraw();
          else if (action === 3) await vault.connect(admin).collectFee(a.address, amount);
          else if (action === 4) await vault.connect(admin).slash(a.address, amount, actors[0].address, WAD / 5n);
          else if (action === 5) await vault.connect(admin).accrueReward(rng.below(3), a.address, amount);
          else if (action === 6) await vault.connect(a).claim();
          else await vault.connect(keeper).bondKeeper(amount);
        };
        await attempt().catch(() => undefined);
        if (rng.below(4) === 0) await time.increase(3n * 86_400n);
        await expectConserved(vault, token);
      }
      expect(await vault.totalBonded()).to.be.greaterThan(0n);
    });
  });

  describe("parameters", () => {
    it("bounds the unbonding period and restricts setters to the parameter admin", async () => {
      const { vault, admin, outsider } = await loadFixture(fixture);
      await expect(vault.connect(admin).setUnbondingPeriod(59n * 60n))
        .to.be.revertedWithCustomError(vault, "OutOfRange")
        .withArgs("unbondingPeriod", 59n * 60n, 3600n, 365n * 86_400n);
      await expect(vault.connect(admin).setUnbondingPeriod(8n * 86_400n))
        .to.emit(vault, "UnbondingPeriodSet")
        .withArgs(8n * 86_400n);
      await expect(vault.connect(outsider).setUnbondingPeriod(2n * 86_400n)).to.be.revertedWithCustomError(
        vault,
        "AccessControlUnauthorizedAccount",
      );
      await expect(vault.connect(admin).setDepositRule(outsider.address)).to.be.revertedWithCustomError(vault, "DepositRuleAlreadySet");
      await expect(vault.connect(admin).setDepositObserver(outsider.address)).to.be.revertedWithCustomError(vault, "ObserverAlreadySet");
    });

    it("refuses a zero token or admin at deployment", async () => {
      const { token, admin } = await loadFixture(fixture);
      const F = await ethers.getContractFactory("StakeVault");
      await expect(F.deploy(ethers.ZeroAddress, admin.address, 3600, poolShares(defaultSystemOptions()))).to.be.revertedWithCustomError(
        F,
        "ZeroAddress",
      );
      await expect(
        F.deploy(await token.getAddress(), ethers.ZeroAddress, 3600, poolShares(defaultSystemOptions())),
      ).to.be.revertedWithCustomError(F, "ZeroAddress");
    });
  });
});
