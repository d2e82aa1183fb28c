// How a task fails: one line naming the task and what went wrong (a contract error by its name and
// arguments), exit code 1, no stack trace. Imports no TypeChain types, so tasks load it at once.
import { HardhatPluginError } from "hardhat/plugins";
import { describeError } from "../../src/chain/tx";

export async function asTask<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw new HardhatPluginError("energy-dpos", `${name}: ${describeError(e)}`);
  }
}
