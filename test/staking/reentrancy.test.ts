// A hostile ERC-20 that calls the vault back during every payout: each paying function refuses the
// re-entry (OpenZeppelin ReentrancyGuard), the whole transaction reverts, and nothing is paid twice.
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ReentrantToken__factory, StakeVault__factory } from "../../typechain-types";
import { WAD } from "../../src/scoring/params";
import { defaultSystemOptions, poolShares } from "../../src/deployment/deploySystem";
import { RewardRole } from "../../src/rewards/pool";

describe("StakeVault against a re-entrant token", () => {
  async function hostile() {
    const [admin] = await ethers.getSigners();
    const token = await new ReentrantToken__factory(admin).deploy();
    const vault = await new StakeVault__factory(admin).deploy(
      await token.getAddress(),
      admin.address,
      3_600n,
      poolShares(defaultSystemOptions()),
    );
    await vault.grantRole(await vault.OPERATOR_ROLE(), admin.address);
    const [t, v] = [await token.getAddress(), await vault.getAddress()];
    const call = (data: string) => token.act(v, data);
    await token.mint(t, 1_000n * WAD);
    await token.act(t, token.interface.encodeFunctionData("approve", [v, 2n ** 255n]));
    await call(vault.interface.encodeFunctionData("deposit", [100n * WAD]));
    await call(vault.interface.encodeFunctionData("bondKeeper", [100n * WAD]));
    await call(vault.interface.encodeFunctionData("fundPool", [100n * WAD]));
    await vault.accrueReward(RewardRole.Producer, t, 10n * WAD);
    return { token, vault, t, v, call };
  }

  for (const fn of ["claim", "withdraw", "withdrawKeeperBond"] as const) {
    it(`${fn}: a re-entrant call during the payout reverts the whole transaction`, async () => {
      const { token, vault, t, v, call } = await hostile();
      if (fn === "withdraw") await call(vault.interface.encodeFunctionData("requestWithdrawal", [40n * WAD]));
      if (fn === "withdrawKeeperBond") await call(vault.interface.encodeFunctionData("requestKeeperUnbond", [40n * WAD]));
      await time.increase(3_601n);
      const before = { vault: await token.balanceOf(v), attacker: await token.balanceOf(t), accounted: await vault.accountedBalance() };
      const data = {
        claim: vault.interface.encodeFunctionData("claim"),
        withdraw: vault.interface.encodeFunctionData("withdraw"),
        withdrawKeeperBond: vault.interface.encodeFunctionData("withdrawKeeperBond"),
      }[fn];
      await token.arm(v, data);
      await expect(call(data)).to.be.revertedWithCustomError(vault, "ReentrancyGuardReentrantCall");
      expect(await token.balanceOf(v)).to.equal(before.vault);
      expect(await token.balanceOf(t)).to.equal(before.attacker);
      expect(await vault.accountedBalance()).to.equal(before.accounted);
      // unarmed, the same call pays once, and the vault still holds what it owes
      await token.disarm();
      await call(data);
      expect(await token.balanceOf(t)).to.be.greaterThan(before.attacker);
      expect(await token.balanceOf(v)).to.equal(await vault.accountedBalance());
    });
  }
});
