import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployed } from "../fixtures";
import { WAD } from "../../src/scoring/params";
import { SeededRandom } from "../../src/util/random";

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
      await expect(vault.connect(node).withdraw()).to.emit(vault, "Withdrawn").withArgs(node.address, 200n * WAD);
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
      await expect(vault.connect(keeper).requestKeeperUnbond(11n * WAD)).to.be.revertedWithCustomError(
        vault,
        "InsufficientBonded",
      );
      await vault.connect(keeper).requestKeeperUnbond(4n * WAD);
      expect(await vault.keeperBond(keeper.address)).to.equal(6n * WAD);
      await expect(vault.connect(keeper).withdrawKeeperBond()).to.be.revertedWithCustomError(vault, "UnbondingNotFinished");
      await time.increase(await vault.unbondingPeriod());
      await expect(vault.connect(keeper).withdrawKeeperBond()).to.emit(vault, "KeeperBondWithdrawn").withArgs(keeper.address, 4n * WAD);
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
        () => vault.connect(outsider).accrueReward(outsider.address, 1n),
        () => vault.connect(outsider).slash(outsider.address, 1n, outsider.address, 0n),
        () => vault.connect(outsider).seizeKeeperBond(outsider.address, 1n, outsider.address),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(vault, "AccessControlUnauthorizedAccount").withArgs(outsider.address, role);
      }
    });

    it("accrues rewards only up to the pool and pays them by claim", async () => {
      const { vault, token, admin, others } = await withOperator();
      const [payer, earner] = others;
      await expect(vault.connect(admin).collectFee(payer.address, 30n * WAD)).to.emit(vault, "FeeCollected");
      expect(await vault.pool()).to.equal(30n * WAD);
      await expect(vault.connect(admin).accrueReward(earner.address, 50n * WAD))
        .to.emit(vault, "RewardAccrued")
        .withArgs(earner.address, 30n * WAD, 0n);
      expect(await vault.rewards(earner.address)).to.equal(30n * WAD);
      const before = await token.balanceOf(earner.address);
      await vault.connect(earner).claim();
      expect((await token.balanceOf(earner.address)) - before).to.equal(30n * WAD);
      await expect(vault.connect(earner).claim()).to.be.revertedWithCustomError(vault, "NothingToClaim");
      await expectConserved(vault, token);
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
          else if (action === 5) await vault.connect(admin).accrueReward(a.address, amount);
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
        .to.be.revertedWithCustomError(vault, "UnbondingPeriodOutOfBounds")
        .withArgs(59n * 60n);
      await expect(vault.connect(admin).setUnbondingPeriod(8n * 86_400n)).to.emit(vault, "UnbondingPeriodSet").withArgs(8n * 86_400n);
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
      await expect(F.deploy(ethers.ZeroAddress, admin.address, 3600)).to.be.revertedWithCustomError(F, "ZeroAddress");
      await expect(F.deploy(await token.getAddress(), ethers.ZeroAddress, 3600)).to.be.revertedWithCustomError(F, "ZeroAddress");
    });
  });
});
