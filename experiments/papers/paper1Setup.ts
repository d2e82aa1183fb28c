// Puts the 10 nodes of paper 1 Table 2 on a deployed system through the real role actions:
// register, admit, deposit, plan the next cycle, let that cycle close, meter reading (so that the
// on-chain quality D equals the table's), and 10 random votes per node.
import type { Signer } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { System } from "../../src/deployment/deploySystem";
import { NodeClass, WAD } from "../../src/scoring/params";
import { SeededRandom } from "../../src/util/random";
import type { Paper1Node } from "./paper1";

/** Paper 1 2.1: frequency value 4, 6, 8 ↔ household, single-household cluster, community PV. */
export function classOfFrequency(frequency: bigint): NodeClass {
  if (frequency === 4n) return NodeClass.HouseholdRooftopPV;
  if (frequency === 6n) return NodeClass.SingleHouseholdClusterPV;
  if (frequency === 8n) return NodeClass.MultiHouseholdCommunityPV;
  throw new RangeError(`paper 1 has no node class with frequency value ${frequency}`);
}

export const PLANNED_ENERGY = 1_000_000n; // Wh per cycle
export const NODE_DEPOSIT = 500n * WAD;

export interface SetupGas {
  register: bigint;
  admit: bigint;
  deposit: bigint;
  reportPlan: bigint;
  reportMeterReading: bigint;
  vote: bigint;
}

/** Registers and admits `rows` as `nodes[i]`, bonds, plans and settles cycle 1 with the table's D. */
export async function setUpPaper1Nodes(system: System, admin: Signer, nodes: Signer[], rows: readonly Paper1Node[]): Promise<SetupGas> {
  const { token, vault, registry, meters } = system;
  const gas: SetupGas = { register: 0n, admit: 0n, deposit: 0n, reportPlan: 0n, reportMeterReading: 0n, vote: 0n };
  const used = async (p: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => (await (await p).wait())!.gasUsed;
  const capacityRef = system.options.params.credit.capacityRef;
  for (const [i, row] of rows.entries()) {
    const node = nodes[i];
    const address = await node.getAddress();
    gas.register = await used(
      registry.connect(node).register(classOfFrequency(row.frequency), (row.capacity * capacityRef) / 10n, `http://127.0.0.1:${7100 + i}`),
    );
    gas.admit = await used(registry.connect(admin).admit(address));
    await (await token.mint(address, 10_000n * WAD)).wait();
    await (await token.connect(node).approve(await vault.getAddress(), 2n ** 255n)).wait();
    gas.deposit = await used(vault.connect(node).deposit(NODE_DEPOSIT));
    gas.reportPlan = await used(meters.connect(node).reportPlan(1n, PLANNED_ENERGY)); // a plan is made before its cycle
  }
  // Close every node's cycle 1, the planned one (the longest cycle is a quarter), and report meters so that
  // D = 10 · (1 − |E_real − E_plan| / E_plan) equals the table's quality exactly.
  const longest = system.options.params.tradingCycle.reduce((a, b) => (a > b ? a : b));
  await time.increase(2n * longest + 1n);
  for (const [i, row] of rows.entries()) {
    const metered = (PLANNED_ENERGY * row.quality) / 10n;
    gas.reportMeterReading = await used(meters.connect(admin).reportMeterReading(await nodes[i].getAddress(), 1n, metered));
  }
  return gas;
}

/** The ballots of `voters` voters: each casts `votesPerNode` votes, one at a time at random among the candidates (paper 1 section 3). */
export function randomBallots(
  voters: number,
  votesPerNode: number,
  candidates: string[],
  rng: SeededRandom,
): { candidates: string[]; amounts: bigint[] }[] {
  return Array.from({ length: voters }, () => {
    const tally = new Map<string, bigint>();
    for (let v = 0; v < votesPerNode; v++) {
      const c = candidates[rng.below(candidates.length)];
      tally.set(c, (tally.get(c) ?? 0n) + 1n);
    }
    return { candidates: [...tally.keys()], amounts: [...tally.values()] };
  });
}

/** Each voter casts its {@link randomBallots} ballot, one transaction each; returns the last one's gas. */
export async function castRandomVotes(system: System, voters: Signer[], candidates: string[], rng: SeededRandom): Promise<bigint> {
  let gas = 0n;
  const ballots = randomBallots(voters.length, Number(system.options.votesPerNode), candidates, rng);
  for (const [i, voter] of voters.entries()) {
    const receipt = await (await system.election.connect(voter).vote(ballots[i].candidates, ballots[i].amounts)).wait();
    gas = receipt!.gasUsed;
  }
  return gas;
}
