// Every role-gated function refuses an account without the role, naming the role; every
// pausable function stops while paused and works again after unpause; views answer.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import { admitNode, deployed } from "../fixtures";
import { NodeClass, WAD, defaultScoringParams } from "../../src/scoring/params";

type Call = () => Promise<ContractTransactionResponse>;

describe("access control and pausing", () => {
  const fixture = async () => {
    const f = await deployed();
    await admitNode(f.system, f.admin, f.others[0]);
    return { ...f, node: f.others[0] };
  };

  it("refuses every role function to an account without the role", async () => {
    const { vault, registry, meters, election, ledger, outsider, node } = await loadFixture(fixture);
    const a = node.address;
    const p = defaultScoringParams();
    const cases: [BaseContract & { hasRole(role: string, who: string): Promise<boolean> }, string, Call][] = [
      [vault, await vault.PARAMETER_ADMIN_ROLE(), () => vault.connect(outsider).setUnbondingPeriod(7200)],
      [vault, await vault.DEFAULT_ADMIN_ROLE(), () => vault.connect(outsider).setDepositRule(a)],
      [vault, await vault.DEFAULT_ADMIN_ROLE(), () => vault.connect(outsider).addUnbondingFloor(a)],
      [vault, await vault.DEFAULT_ADMIN_ROLE(), () => vault.connect(outsider).setDepositObserver(a)],
      [vault, await vault.PAUSER_ROLE(), () => vault.connect(outsider).pause()],
      [vault, await vault.PAUSER_ROLE(), () => vault.connect(outsider).unpause()],
      [registry, await registry.SUPERVISOR_ROLE(), () => registry.connect(outsider).reject(a)],
      [registry, await registry.RECORDER_ROLE(), () => registry.connect(outsider).recordQuality(a, true, 1, 1)],
      [registry, await registry.PARAMETER_ADMIN_ROLE(), () => registry.connect(outsider).setScoringParams(p)],
      [registry, await registry.PAUSER_ROLE(), () => registry.connect(outsider).pause()],
      [registry, await registry.PAUSER_ROLE(), () => registry.connect(outsider).unpause()],
      [meters, await meters.METER_ORACLE_ROLE(), () => meters.connect(outsider).reportMeterReading(a, 0, 1)],
      [meters, await meters.METER_ORACLE_ROLE(), () => meters.connect(outsider).postMeterRoot(ethers.ZeroHash)],
      [meters, await meters.SUPERVISOR_ROLE(), () => meters.connect(outsider).setBackstop(a)],
      [meters, await meters.PARAMETER_ADMIN_ROLE(), () => meters.connect(outsider).setParticipationFee(1)],
      [meters, await meters.PAUSER_ROLE(), () => meters.connect(outsider).pause()],
      [meters, await meters.PAUSER_ROLE(), () => meters.connect(outsider).unpause()],
      [election, await election.PARAMETER_ADMIN_ROLE(), () => election.connect(outsider).setChallengePeriod(600)],
      [election, await election.PARAMETER_ADMIN_ROLE(), () => election.connect(outsider).setKeeperEconomics(1, 1, 1)],
      [election, await election.PAUSER_ROLE(), () => election.connect(outsider).pause()],
      [election, await election.PAUSER_ROLE(), () => election.connect(outsider).unpause()],
      [election, await election.SCHEDULER_ROLE(), () => election.connect(outsider).onJailed(a)],
      [
        ledger,
        await ledger.PARAMETER_ADMIN_ROLE(),
        () => ledger.connect(outsider).setPenalty(0, { slashFraction: 0, creditPenalty: 0, jailPeriod: 0 }),
      ],
      [
        ledger,
        await ledger.PARAMETER_ADMIN_ROLE(),
        () => ledger.connect(outsider).setRewards({ producerReward: 0, attesterReward: 0, reporterShare: 0, evidenceWindow: 86_400 }),
      ],
    ];
    for (const [contract, role, call] of cases) {
      expect(await contract.hasRole(role, outsider.address)).to.equal(false);
      await expect(call()).to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount").withArgs(outsider.address, role);
    }
  });

  it("pausing the registry stops registration and admission only until unpaused", async () => {
    const { registry, admin, others } = await loadFixture(fixture);
    await registry.connect(others[1]).register(NodeClass.Hydro, 5n, "");
    await registry.connect(admin).pause();
    await expect(registry.connect(admin).admit(others[1].address)).to.be.revertedWithCustomError(registry, "EnforcedPause");
    await registry.connect(admin).unpause();
    await expect(registry.connect(admin).admit(others[1].address)).to.emit(registry, "NodeAdmitted");
  });

  it("pausing the meter book stops plans, readings and roots", async () => {
    const { meters, admin, node } = await loadFixture(fixture);
    await meters.connect(admin).pause();
    await expect(meters.connect(admin).reportMeterReading(node.address, 0, 1)).to.be.revertedWithCustomError(meters, "EnforcedPause");
    await expect(meters.connect(admin).postMeterRoot(ethers.ZeroHash)).to.be.revertedWithCustomError(meters, "EnforcedPause");
    await expect(meters.applyMeterReading(0, node.address, 0, 1, [])).to.be.revertedWithCustomError(meters, "EnforcedPause");
  });

  it("pausing the vault stops fee collection but never withdrawals or claims", async () => {
    const { vault, admin, node } = await loadFixture(fixture);
    await vault.connect(admin).grantRole(await vault.OPERATOR_ROLE(), admin.address);
    await vault.connect(admin).pause();
    await expect(vault.connect(admin).collectFee(node.address, WAD)).to.be.revertedWithCustomError(vault, "EnforcedPause");
    await vault.connect(node).requestWithdrawal(500n * WAD);
    await time.increase(await vault.unbondingPeriod());
    await expect(vault.connect(node).withdraw()).to.emit(vault, "Withdrawn");
    await vault.connect(admin).unpause();
    await expect(vault.connect(admin).collectFee(node.address, WAD)).to.emit(vault, "FeeCollected");
    expect(await vault.paused()).to.equal(false);
  });

  it("pausing the election stops votes, openings, submissions and the reference election", async () => {
    const { election, admin, node, keeper } = await loadFixture(fixture);
    const epoch = (await election.currentEpoch()) + 1n;
    await election.connect(admin).pause();
    await expect(election.connect(node).vote([node.address], [1n])).to.be.revertedWithCustomError(election, "EnforcedPause");
    await expect(election.openElection(epoch)).to.be.revertedWithCustomError(election, "EnforcedPause");
    await expect(election.connect(keeper).submit(epoch, [node.address])).to.be.revertedWithCustomError(election, "EnforcedPause");
    await expect(election.electReference(epoch)).to.be.revertedWithCustomError(election, "EnforcedPause");
    await election.connect(admin).unpause();
    await expect(election.connect(node).vote([node.address], [1n])).to.emit(election, "Voted");
  });

  it("answers the clock and cycle views and refuses a meter book without its contracts", async () => {
    const { registry, meters, node, admin, vault } = await loadFixture(fixture);
    const genesis = await registry.genesis();
    expect(await registry.epochStart(3n)).to.equal(genesis + 3n * (await registry.epochDuration()));
    expect(await registry.epochOf(genesis - 1n)).to.equal(0n);
    expect(await meters.currentCycle(node.address)).to.equal(0n);
    await time.increase(7n * 86_400n);
    expect(await meters.currentCycle(node.address)).to.equal(1n);
    const F = await ethers.getContractFactory("MeterBook");
    const r = await registry.getAddress();
    const v = await vault.getAddress();
    await expect(F.deploy(ethers.ZeroAddress, r, v, 0))
      .to.be.revertedWithCustomError(F, "ZeroAddress")
      .withArgs("admin");
    await expect(F.deploy(admin.address, ethers.ZeroAddress, v, 0))
      .to.be.revertedWithCustomError(F, "ZeroAddress")
      .withArgs("registry");
    await expect(F.deploy(admin.address, r, ethers.ZeroAddress, 0))
      .to.be.revertedWithCustomError(F, "ZeroAddress")
      .withArgs("vault");
    await expect(meters.currentCycle(admin.address)).to.be.revertedWithCustomError(meters, "NotAdmitted");
  });
});
