// A population for the keeper benchmark, grown fast on Anvil: 100,000 nodes acting one by one are
// half a million transactions, and Anvil mined ~40 nodes' worth a second of those once its state
// held tens of thousands of accounts. Here the nodes are contracts (contracts/test/BenchPopulation.sol)
// that a population contract creates, admits (it holds the supervisor role) and bonds, 200 a
// transaction: the same logs as nodes acting by themselves, in a few hundred transactions.
import type { Signer } from "ethers";
import { BenchPopulation__factory, type BenchPopulation } from "../../typechain-types";
import type { System } from "../../src/deployment/deploySystem";
import { sendChecked } from "../../src/chain/tx";

const PER_TRANSACTION = 200;

/** Deploy the population contract for `system` and give it the supervisor role. */
export async function benchPopulation(system: System, admin: Signer): Promise<BenchPopulation> {
  const population = await new BenchPopulation__factory(admin).deploy(await system.token.getAddress(), await system.election.getAddress());
  await population.waitForDeployment();
  await sendChecked(
    "grantRole",
    system.registry.connect(admin).grantRole,
    await system.registry.SUPERVISOR_ROLE(),
    await population.getAddress(),
  );
  return population;
}

/** Grow the population by `count` nodes. */
export async function grow(population: BenchPopulation, count: number): Promise<void> {
  for (let left = count; left > 0; left -= PER_TRANSACTION) {
    const n = Math.min(PER_TRANSACTION, left);
    await (await population.grow(n, { gasLimit: 600_000n * BigInt(n) + 1_000_000n })).wait();
  }
}
