// `deploy-system --pool-shares` accepts exactly the shares the vault's constructor accepts: the
// parser and the mirror's validatePoolShares are held to the contract on random and edge triples.
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { ArgumentError, poolShares } from "../../src/util/parse";
import { validatePoolShares } from "../../src/rewards/pool";

describe("pool shares: the parser accepts what the vault accepts", () => {
  const accepts = (f: () => unknown) => {
    try {
      f();
      return true;
    } catch (e) {
      expect(e).to.be.instanceOf(Error);
      return false;
    }
  };

  it("agrees with the vault's constructor on random and edge triples", async () => {
    const [admin] = await ethers.getSigners();
    const Vault = await ethers.getContractFactory("StakeVault");
    const token = await (await ethers.getContractFactory("TestToken")).deploy();
    const edge = fc.constantFrom(0, 1, 2_500, 5_000, 9_999, 10_000, 10_001, 99_999);
    const part = fc.oneof(edge, fc.integer({ min: 0, max: 10_000 }));
    // a random triple rarely adds up to 10,000: the other two kinds are whole splits and near misses (±1)
    const whole = fc
      .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(-1, 0, 0, 1))
      .map(([x, y, miss]): [number, number, number] => {
        const [lo, hi] = x < y ? [x, y] : [y, x];
        return [lo, hi - lo, Math.max(0, 10_000 - hi + miss)];
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.tuple(part, part, part), whole), async ([producers, attesters, keepers]) => {
        const shares = { producers: BigInt(producers), attesters: BigInt(attesters), keepers: BigInt(keepers) };
        const onChain = await ethers.provider
          .estimateGas(await Vault.getDeployTransaction(await token.getAddress(), admin.address, 3_600n, shares))
          .then(
            () => true,
            () => false,
          );
        expect(
          accepts(() => poolShares("--pool-shares", `${producers},${attesters},${keepers}`)),
          "parser",
        ).to.equal(onChain);
        expect(
          accepts(() => validatePoolShares(shares)),
          "mirror",
        ).to.equal(onChain);
      }),
      { numRuns: 24, seed: 24, examples: [[[6_000, 1_500, 2_500]], [[10_000, 0, 0]], [[0, 0, 10_000]], [[5_000, 5_000, 1]]] },
    );
  });

  it("names the argument and the value it refuses", () => {
    for (const [raw, says] of [
      ["6000,1500", "is not three basis points"],
      ["6000,1500,2500,0", "is not three basis points"],
      ["60%,15%,25%", "is not three basis points"],
      ["-1,5001,5000", "is not three basis points"],
      ["6000,1500,2499", "adds up to 9999 basis points, not 10000"],
    ]) {
      expect(() => poolShares("--pool-shares", raw)).to.throw(ArgumentError, `--pool-shares: "${raw}" ${says}`);
    }
    expect(poolShares("--pool-shares", " 6000, 1500 ,2500")).to.deep.equal({ producers: 6_000n, attesters: 1_500n, keepers: 2_500n });
  });
});
