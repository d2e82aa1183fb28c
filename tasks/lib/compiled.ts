// Tasks work on a fresh clone: the contracts' TypeChain types (typechain-types/), which the address
// book and every module that attaches to a deployment import, exist only once the contracts are
// compiled. A task that needs them calls `ensureCompiled` before importing such a module; without
// it the first task of the by-hand flow failed with "Cannot find module '../../typechain-types'".
// It compiles only when the types are missing: the network launcher starts six task processes at
// once, and concurrent compiles of one project race on its cache. After changing a contract, run
// `npx hardhat compile` (npm test and npm run network do).
import fs from "node:fs";
import path from "node:path";
import { TASK_COMPILE } from "hardhat/builtin-tasks/task-names";
import { EnvironmentError } from "../../src/util/errors";

/** What `ensureCompiled` needs of the Hardhat runtime. */
export interface CompileRuntime {
  config: { paths: { root: string }; typechain: { outDir: string } };
  run(task: string, args?: Record<string, unknown>): Promise<unknown>;
}

/** Compile the contracts if their TypeChain types are missing; generate the types alone if only they are. */
export async function ensureCompiled(hre: CompileRuntime): Promise<void> {
  const index = path.resolve(hre.config.paths.root, hre.config.typechain.outDir, "index.ts");
  if (fs.existsSync(index)) return;
  // the compiler's lines go to stderr, so that a task's stdout (--json) stays its result alone
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  try {
    console.error(`${path.relative(process.cwd(), index) || index} is missing: compiling the contracts first`);
    await hre.run(TASK_COMPILE, { quiet: true });
    // artifacts already there (nothing to compile) but no types: generate them from the artifacts
    if (!fs.existsSync(index)) await hre.run("typechain");
  } finally {
    console.log = log;
  }
  if (!fs.existsSync(index))
    throw new EnvironmentError(index, `${index} is still missing after compiling: run \`npx hardhat compile\` and look at its errors`);
}
