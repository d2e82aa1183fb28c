// Opening an election the way the contract wants it: `openElection` commits to the blocks after it,
// and the first `fixSeed` from the next block on fixes the seed from that block's prevrandao. On an
// automining local chain the next transaction is the next block.
import { ZeroHash } from "ethers";
import type { DelegateElection } from "../../typechain-types";

/**
 * Open the election of `epoch` (unless it is open) and fix its seed; returns the seed. `beforeFix`
 * runs between the two, e.g. to set the next block's prevrandao on a local chain so that a run
 * replays exactly.
 */
export async function openElection(election: DelegateElection, epoch: bigint, beforeFix?: () => Promise<void>): Promise<string> {
  const el = await election.elections(epoch);
  if (el.seedBlock === 0n) await (await election.openElection(epoch)).wait();
  if (el.seed === ZeroHash) {
    await beforeFix?.();
    await (await election.fixSeed(epoch)).wait();
  }
  return (await election.elections(epoch)).seed;
}
