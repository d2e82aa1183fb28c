// Each experiment job starts from an empty Hardhat network: `hardhat_reset`, then its set-up.
// (Reverting to a snapshot of a shared set-up instead was measured slower: the worker's memory grew.)
import { network } from "hardhat";

export async function freshNetwork<T>(build: () => Promise<T>): Promise<T> {
  await network.provider.send("hardhat_reset");
  return build();
}
