// Property test of the vault's role pools (paper 1 2.2.1 rule 5, SPEC.md section 6): under random
// pool shares and random sequences of inflows (funding, fees, slashes) and accruals of any uint, the
// vault's role pools equal the TypeScript mirror's (src/rewards/pool.ts) to the wei, no role is ever
// paid more than its share of what came in, and the vault holds exactly what it owes.
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { StakeVault__factory, TestToken__factory } from "../../typechain-types";
import { BPS, RewardRole, splitInflow, type PoolShares } from "../../src/rewards/pool";
import { depth } from "../depth";

const RUNS = depth("POOL_RUNS", 12, 300);
const U256_MAX = 2n ** 256n - 1n;

/** Three basis-point shares adding up to 10,000, edges (0 and 10,000) included. */
const sharesArb = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 })).map(([x, y]): PoolShares => {
  const [lo, hi] = x < y ? [x, y] : [y, x];
  return { producers: BigInt(lo), attesters: BigInt(hi - lo), keepers: BPS - BigInt(hi) };
});
/** Any uint a caller could send, weighted towards the small amounts that round. */
const amountArb = fc.oneof(fc.bigInt({ min: 0n, max: 20_000n }), fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.constant(U256_MAX));
const stepArb = fc.record({
  kind: fc.nat({ max: 5 }),
  role: fc.nat({ max: 2 }),
  who: fc.nat({ max: 3 }),
  count: fc.nat({ max: 4 }),
  amount: amountArb,
  inflow: fc.bigInt({ min: 1n, max: 10n ** 22n }),
});

describe("StakeVault role pools (property)", () => {
  it(`match the mirror to the wei and never pay a role beyond its share, over ${RUNS} random deployments`, async function () {
    this.timeout(10 * 60 * 1000);
    const [admin, funder, ...accounts] = await ethers.getSigners();
    const earners = accounts.slice(0, 4).map((a) => a.address);
    const token = await new TestToken__factory(admin).deploy();
    for (const s of [admin, funder]) await token.mint(s.address, 10n ** 30n);
    const snapshot = await network.provider.send("evm_snapshot");
    let revertTo = snapshot;
    await fc.assert(
      fc.asyncProperty(sharesArb, fc.array(stepArb, { minLength: 5, maxLength: 25 }), async (shares, steps) => {
        await network.provider.send("evm_revert", [revertTo]);
        revertTo = await network.provider.send("evm_snapshot");
        const vault = await new StakeVault__factory(admin).deploy(await token.getAddress(), admin.address, 3_600n, shares);
        const v = await vault.getAddress();
        await vault.grantRole(await vault.OPERATOR_ROLE(), admin.address);
        for (const s of [admin, funder]) await token.connect(s).approve(v, U256_MAX);
        await vault.connect(funder).deposit(10n ** 28n); // a stake to slash
        const pools = [0n, 0n, 0n];
        const cameIn = [0n, 0n, 0n];
        const paidOut = [0n, 0n, 0n];
        const owed = new Map<string, bigint>();
        const addInflow = (amount: bigint) => {
          const p = splitInflow(amount, shares);
          [p.producers, p.attesters, p.keepers].forEach((x, i) => {
            pools[i] += x;
            cameIn[i] += x;
          });
          expect(p.producers + p.attesters + p.keepers).to.equal(amount);
        };
        const accrue = (role: number, who: string, paid: bigint) => {
          pools[role] -= paid;
          paidOut[role] += paid;
          owed.set(who, (owed.get(who) ?? 0n) + paid);
        };
        for (const step of steps) {
          const role = step.role as RewardRole;
          const who = earners[step.who];
          if (step.kind === 0) {
            await vault.connect(funder).fundPool(step.inflow);
            addInflow(step.inflow);
          } else if (step.kind === 1) {
            await vault.collectFee(admin.address, step.inflow);
            addInflow(step.inflow);
          } else if (step.kind === 2) {
            const shareWad = step.amount % (10n ** 18n + 1n); // the reporter's share, up to all of it
            await vault.slash(funder.address, step.inflow, who, shareWad);
            const reporter = (step.inflow * shareWad) / 10n ** 18n;
            owed.set(who, (owed.get(who) ?? 0n) + reporter);
            addInflow(step.inflow - reporter);
          } else if (step.kind === 3) {
            await vault.accrueReward(role, who, step.amount);
            accrue(role, who, step.amount < pools[role] ? step.amount : pools[role]);
          } else if (step.kind === 4) {
            // a list with repeats: each entry is paid, the order favours nobody
            const list = Array.from({ length: step.count }, (_, i) => earners[(step.who + i * 3) % earners.length]);
            await vault.accrueRewardEach(role, list, step.amount);
            if (list.length > 0) {
              const equal = pools[role] / BigInt(list.length);
              const each = step.amount < equal ? step.amount : equal;
              for (const x of list) accrue(role, x, each);
            }
          } else {
            const signer = accounts[step.who];
            if ((owed.get(who) ?? 0n) === 0n)
              await expect(vault.connect(signer).claim()).to.be.revertedWithCustomError(vault, "NothingToClaim");
            else {
              await expect(vault.connect(signer).claim()).to.changeTokenBalance(token, signer, owed.get(who)!);
              owed.set(who, 0n);
            }
          }
          expect([...(await vault.rewardPools())], "role pools").to.deep.equal(pools);
          for (let r = 0; r < 3; r++) expect(paidOut[r] <= cameIn[r], `role ${RewardRole[r]} paid beyond its share`).to.equal(true);
          for (const x of earners) expect(await vault.rewards(x), `rewards of ${x}`).to.equal(owed.get(x) ?? 0n);
          expect(await token.balanceOf(v), "conservation").to.equal(await vault.accountedBalance());
        }
      }),
      { numRuns: RUNS, seed: 24 },
    );
    await network.provider.send("evm_revert", [revertTo]);
  });
});
