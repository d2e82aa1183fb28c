import { expect } from "chai";
// Election test helpers: a population of admitted, bonded, voting nodes at an open election.
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { admitNode, deployed } from "../fixtures";
import { NodeClass, WAD } from "../../src/scoring/params";
import type { SystemOptions } from "../../src/deployment/deploySystem";
import { SnapshotReader } from "../../src/chain/snapshotReader";
import type { Keyed } from "../../src/election/engine";
import type { Challenge } from "../../src/keeper/watcher";
import { SeededRandom } from "../../src/util/random";
import { ElectionRule } from "../../src/scoring/electionKey";
import { openElection } from "../../src/election/open";

/** A valid DelegateElection constructor config (K = 3, 2 standbys, 24 slots) for deployment tests. */
export const electionConfig = {
  rule: ElectionRule.TopK,
  delegateCount: 3n,
  standbyCount: 2n,
  slotsPerEpoch: 24n,
  votesPerNode: 10n,
  challengePeriod: 3600n,
  keeperMinBond: 14n, // 3L − 1 = 14 challenges of 1
  challengeReward: 1n,
  keeperReward: 1n,
};

export async function populatedElection(count: number, seed: number, overrides: Partial<SystemOptions> = {}) {
  const f = await deployed(overrides);
  const rng = new SeededRandom(seed);
  const nodes: Signer[] = f.others.slice(0, count);
  for (const n of nodes) {
    await admitNode(f.system, f.admin, n, {
      nodeClass: [NodeClass.HouseholdRooftopPV, NodeClass.SingleHouseholdClusterPV, NodeClass.MultiHouseholdCommunityPV][rng.below(3)],
      capacity: BigInt(1 + rng.below(100_000)),
      // some below minDeposit (100): ineligible
      deposit: BigInt(50 + rng.below(900)) * WAD,
    });
  }
  const addresses = await Promise.all(nodes.map((n) => n.getAddress()));
  for (const n of nodes) {
    const c = addresses[rng.below(addresses.length)];
    await f.election.connect(n).vote([c], [BigInt(1 + rng.below(10))]);
  }
  const epoch = (await f.election.currentEpoch()) + 2n;
  await time.increaseTo(await f.election.snapshotOf(epoch));
  await openElection(f.election, epoch);
  await f.vault.connect(f.keeper).bondKeeper(f.system.options.keeperMinBond);
  const scored = await SnapshotReader.of(f.system).scoreAll(epoch, addresses);
  // The lens's paged read and the five calls per node must see the same snapshot.
  const direct = await new SnapshotReader(f.registry, f.vault, f.election).scoreAll(epoch, addresses);
  expect(scored, "lens read vs per-node read").to.deep.equal(direct);
  const byNode = new Map<string, Keyed>(scored.map((s) => [s.node.toLowerCase(), s]));
  return { ...f, nodes, addresses, epoch, scored, byNode, maxLength: Number(await f.election.listLength()) };
}

/** Send challenge `c` against the election's current list from `from`. */
export async function sendChallenge(
  election: Awaited<ReturnType<typeof populatedElection>>["election"],
  from: Signer,
  epoch: bigint,
  c: Challenge,
) {
  const e = election.connect(from);
  if (c.kind === "ineligible") return e.challengeIneligible(epoch, c.index);
  if (c.kind === "duplicate") return e.challengeDuplicate(epoch, c.i, c.j);
  if (c.kind === "order") return e.challengeOrder(epoch, c.from, c.to);
  return e.challengeExcluded(epoch, c.node, c.position);
}
