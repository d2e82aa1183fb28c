// Opening an election the way the contract wants it: `openElection` commits to the next block,
// and `fixSeed` called in that very block fixes the seed from its prevrandao. On an automining
// local chain the next transaction is the next block; elsewhere a late call commits to the block
// after it, so the call is repeated until the seed is fixed.
import { ZeroHash } from "ethers";
import type { DelegateElection } from "../../typechain-types";

/** The seed of `epoch`'s election could not be fixed in `tries` calls (blocks kept coming between). */
export class SeedNotFixedError extends Error {
  override readonly name = "SeedNotFixedError";
  constructor(
    readonly epoch: bigint,
    readonly tries: number,
  ) {
    super(`the seed of epoch ${epoch}'s election was not fixed after ${tries} calls of fixSeed`);
  }
}

/**
 * Open the election of `epoch` (unless it is open) and fix its seed. `beforeFix` runs between the
 * two, e.g. to set the next block's prevrandao on a local chain so that a run replays exactly.
 */
export async function openElection(election: DelegateElection, epoch: bigint, beforeFix?: () => Promise<void>, tries = 5): Promise<string> {
  if ((await election.elections(epoch)).seedBlock === 0n) await (await election.openElection(epoch)).wait();
  for (let i = 0; i < tries; i++) {
    const seed = (await election.elections(epoch)).seed;
    if (seed !== ZeroHash) return seed;
    await beforeFix?.();
    await (await election.fixSeed(epoch)).wait();
  }
  const seed = (await election.elections(epoch)).seed;
  if (seed === ZeroHash) throw new SeedNotFixedError(epoch, tries);
  return seed;
}
