// The benefactor's funding (src/rewards/fund.ts, the fund-rewards task's action): it approves the
// vault only when needed, reports the split the vault made, and refuses a short balance before
// sending anything.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployed } from "../fixtures";
import { WAD } from "../../src/scoring/params";
import { FundingError, fundRewards } from "../../src/rewards/fund";
import { splitInflow } from "../../src/rewards/pool";
import { poolShares } from "../../src/deployment/deploySystem";

describe("fundRewards (fund-rewards task)", () => {
  const fixture = () => deployed();

  it("approves the vault when its allowance is short, funds, and reports the vault's split and pools", async () => {
    const { vault, token, others, system } = await loadFixture(fixture);
    const [benefactor] = others;
    await token.connect(benefactor).approve(await vault.getAddress(), 0n);
    const amount = 100n * WAD + 3n; // 3 wei that round: producers take them
    const f = await fundRewards(vault, token, benefactor, amount);
    expect(f.shared).to.deep.equal(splitInflow(amount, poolShares(system.options)));
    expect(f.shared).to.deep.equal({ producers: 60n * WAD + 3n, attesters: 15n * WAD, keepers: 25n * WAD });
    expect(f.pools).to.deep.equal(f.shared);
    expect(await vault.pool()).to.equal(amount);
    const again = await fundRewards(vault, token, benefactor, 10n * WAD);
    expect(again.pools.keepers).to.equal(27n * WAD + WAD / 2n);
  });

  it("refuses more than the benefactor holds, naming the field, and sends nothing", async () => {
    const { vault, token, others } = await loadFixture(fixture);
    const [benefactor] = others;
    const held = await token.balanceOf(benefactor.address);
    const e = await fundRewards(vault, token, benefactor, held + 1n, "--amount").catch((x: unknown) => x);
    expect(e).to.be.instanceOf(FundingError);
    expect((e as FundingError).message).to.match(
      /^--amount: 0x[0-9a-fA-F]{40} holds 1000000\.0 tokens, less than 1000000\.000000000000000001$/,
    );
    expect(await vault.pool()).to.equal(0n);
    expect(await token.balanceOf(benefactor.address)).to.equal(held);
  });
});
