// Paper 1 section 3, Fig. 2, on the deployed contracts through the keeper code: 10 nodes with the
// attributes of Table 2 (Table 3 for nodes 5-7 in experiment 2), each run every node casts 10
// random votes, the keeper scores every node off-chain, submits the best keys and finalizes;
// the counts of each node among the 3 delegates are the experiment's result. Each run is counted
// under both readings of V (see VoteReading): the chain elects under the deployment's share, and
// the literal count is scored from the same snapshot by the TypeScript mirror of eq. (1).
//
// Table 2's credit loss and gain are static attribute values in the paper. On-chain, a gain is a
// clean delegate term recorded in the epoch before each run's snapshot, so ΔC+ = a = 1 counts in
// that run's election only; the time-based loss is reset by every vote, so a node's loss of 1 is
// applied as the credit penalty of eq. (4)'s ΔC− (an offence record with no jail). The rules
// themselves run in experiments/creditDynamics.ts.
import { ethers, network } from "hardhat";
import { AbiCoder, keccak256 } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deploySystem } from "../src/deployment/deploySystem";
import { SnapshotReader, scoreViews } from "../src/chain/snapshotReader";
import { bestKeys } from "../src/election/engine";
import { TABLE_2, TABLE_3, type Paper1Node } from "./papers/paper1";
import { randomBallots, setUpPaper1Nodes } from "./papers/paper1Setup";
import { WAD, withParams } from "../src/scoring/params";
import { SeededRandom } from "../src/util/random";
import { freshNetwork } from "./world/freshNetwork";
import { sendNow, sendTogether } from "./fastChain";

export type Paper1Experiment = 1 | 2 | 3;

/**
 * How V, "the number of votes the node receives" (paper 1 eq. 1), becomes a value in [0, 10]:
 * "share" is the deployment's V = 10 · votes / all votes (voteScale 10); "count" is the literal
 * count, V = min(10, votes): with the 100 votes of 10 voters always cast, voteScale 100 gives it.
 * The contract's voteScale is a uint64 of WAD units (at most ~18.4), so it cannot hold 100: the
 * count is scored off-chain by the line-for-line mirror (src/scoring/creditScore.ts, which the
 * differential test holds to the contract bit for bit) from the snapshot the chain elected from,
 * with the same seed's keys breaking ties.
 */
export type VoteReading = "share" | "count";

/** voteScale for the literal count: 100 · votes / 100 votes cast = votes (eq. 1 caps V at 10). */
export const LITERAL_VOTE_SCALE = 100n * WAD;

/** The 10 rows of an experiment: 1 and 3 use Table 2; 2 takes nodes 5-7 from Table 3. */
export function experimentRows(experiment: Paper1Experiment): Paper1Node[] {
  return TABLE_2.map((row, i) => {
    const changed = experiment === 2 ? TABLE_3[i + 1] : undefined;
    return { ...row, ...(changed ?? {}) };
  });
}

export interface Paper1Result {
  experiment: Paper1Experiment;
  reading: VoteReading;
  runs: number;
  seed: number;
  /** Times node i + 1 was among the delegates. */
  counts: number[];
}

/** One experiment's counts under each reading of V, from the same runs. */
export interface Paper1Readings {
  share: Paper1Result;
  count: Paper1Result;
}

/**
 * Runs `runs` runs of one experiment, numbered from `firstRun`, on a fresh Hardhat network. Each
 * run draws its votes from its own generator (`SeededRandom.forRun(seed, run)`), so runs 0-499 here
 * and 500-999 elsewhere count the same as 0-999 in one go. `onRun` is told after each run.
 */
export async function runPaper1Experiment(
  experiment: Paper1Experiment,
  runs: number,
  seed: number,
  onRun: (done: number) => void = () => undefined,
  firstRun = 0,
): Promise<Paper1Readings> {
  if (![1, 2, 3].includes(experiment)) throw new RangeError(`experiment must be 1, 2 or 3, got ${experiment}`);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  if (!Number.isInteger(firstRun) || firstRun < 0) throw new RangeError(`firstRun must be a whole number, got ${firstRun}`);
  const signers = await ethers.getSigners();
  const [admin, keeper] = signers;
  const nodes = signers.slice(2, 12);
  const addresses = nodes.map((n) => n.address);
  const system = await freshNetwork(async () => {
    const system = await deploySystem(admin);
    const { token, vault, registry } = system;
    const rows = experimentRows(experiment);
    await setUpPaper1Nodes(system, admin, nodes, rows);
    if (experiment === 3) {
      await (await registry.grantRole(await registry.RECORDER_ROLE(), admin.address)).wait();
      for (const [i, row] of rows.entries()) {
        if (row.loss > 0n) {
          await (await registry.recordOffence(addresses[i], row.loss * WAD, 0n)).wait();
          await (await registry.connect(nodes[i]).unjail()).wait();
        }
      }
    }
    await (await token.mint(keeper.address, 10_000n * WAD)).wait();
    await (await token.connect(keeper).approve(await vault.getAddress(), 2n ** 255n)).wait();
    await (await vault.connect(keeper).bondKeeper(system.options.keeperMinBond)).wait();
    return system;
  });
  const { election } = system;
  const gainers = experimentRows(experiment).flatMap((row, i) => (row.gain > 0n ? [addresses[i]] : []));

  const reader = SnapshotReader.of(system);
  const k = Number(system.options.delegateCount);
  const length = k + Number(system.options.standbyCount);
  const counts = new Array<number>(10).fill(0);
  const literal = new Array<number>(10).fill(0);
  const votesPerNode = Number(system.options.votesPerNode);
  for (let run = 0; run < runs; run++) {
    const ballots = randomBallots(nodes.length, votesPerNode, addresses, SeededRandom.forRun(seed, firstRun + run));
    // Experiment 3's gain is a clean term "in the last stage": recorded in the epoch before the
    // snapshot's, where ΔC+ counts in this run's election only (paper 1 eq. 5, CreditScore.gainApplies)
    const gains =
      experiment === 3 ? gainers.map((a) => ({ from: admin, tx: system.registry.setCleanRecord.populateTransaction(a, true) })) : [];
    await sendTogether([
      ...gains,
      ...nodes.map((node, i) => ({ from: node, tx: election.vote.populateTransaction(ballots[i].candidates, ballots[i].amounts) })),
    ]);
    const epoch = (await election.currentEpoch()) + 2n;
    await time.increaseTo(await election.snapshotOf(epoch));
    await sendNow(keeper, election.openElection.populateTransaction(epoch));
    // the seed (it breaks ties between equal scores) comes from the run, so any split of runs replays
    await network.provider.send("hardhat_setPrevRandao", [
      keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [seed, firstRun + run])),
    ]);
    await sendNow(keeper, election.fixSeed.populateTransaction(epoch));
    const context = await reader.electionAt(epoch);
    const views = await reader.read(addresses, context.t, context.windowStart);
    const list = bestKeys(scoreViews(context, addresses, views), length).map((s) => s.node);
    const asCount = { ...context, params: withParams(context.params, { credit: { voteScale: LITERAL_VOTE_SCALE } }) };
    for (const s of bestKeys(scoreViews(asCount, addresses, views), k)) literal[addresses.indexOf(s.node)] += 1;
    await sendNow(keeper, election.submit.populateTransaction(epoch, list));
    await time.increase(system.options.challengePeriod);
    await sendNow(keeper, election.finalize.populateTransaction(epoch));
    const [members] = await election.delegatesOf(epoch);
    for (const m of members.slice(0, k)) counts[addresses.indexOf(m)] += 1;
    onRun(run + 1);
  }
  return {
    share: { experiment, reading: "share", runs, seed, counts },
    count: { experiment, reading: "count", runs, seed, counts: literal },
  };
}
