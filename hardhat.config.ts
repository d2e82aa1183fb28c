// Hardhat configuration: compiles with the `solc` npm package (no compiler download, ever),
// TypeChain into typechain-types/, gas reporter on demand, and the three network kinds.
import { subtask, vars, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import os from "node:os";
import path from "node:path";
import "./tasks/experiments";
import "./tasks/deploy";
import "./tasks/roles";
import "./tasks/services";

// The Hardhat network (EDR) allocates with mimalloc, which hands freed memory back to the OS 10 ms
// after it is freed. EDR records every executed opcode of every call and transaction into fresh
// buffers, so with that default each request faults its pages in again and the kernel zeroes them:
// on this 2-core VM that was over half the time of an EVM-bound loop. Keeping freed memory for a
// second made paper 2 runs 2.5x faster, the tests and the demo faster too; memory is still returned
// after a second idle. Set before the network's native module loads (and inherited by the workers
// `npm test` and `npm run experiments` start); an explicit setting in the environment wins.
process.env.MIMALLOC_PURGE_DELAY ??= "1000";

const SOLC_VERSION = "0.8.30";

// Our machines and CI reach only the npm registry, so the compiler is the pinned `solc`
// package's soljson.js; asking for any other version is a configuration error.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  if (args.solcVersion !== SOLC_VERSION) {
    throw new Error(`only solc ${SOLC_VERSION} is available offline, config asked for ${args.solcVersion}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version().replace(/\.Emscripten\.clang$/, ""),
  };
});

// test/nodes/ starts its own nodes and runs for minutes: `npm run test:nodes` names its files, and a
// run that names none (`npm test`, coverage) leaves them out. The longest files go first, so that
// the parallel workers do not end waiting on one that started last: the end-to-end network test
// alone takes ~2.5 minutes of mostly waiting on the chain's clock, and started after the rest in
// alphabetical order.
const LONGEST_FIRST = [
  "/test/services/network.test.ts",
  "/test/invariants/systemProperty.1.test.ts",
  "/test/invariants/systemProperty.2.test.ts",
];
subtask(TASK_TEST_GET_TEST_FILES, async (args: { testFiles: string[] }, _hre, runSuper) => {
  const files = (await runSuper(args)) as string[];
  const named = (f: string) => f.split(path.sep).join("/");
  const chosen = args.testFiles.length > 0 ? files : files.filter((f) => !named(f).includes("/test/nodes/"));
  const rank = (f: string) => {
    const i = LONGEST_FIRST.findIndex((end) => named(f).endsWith(end));
    return i < 0 ? LONGEST_FIRST.length : i;
  };
  return [...chosen].sort((a, b) => rank(a) - rank(b));
});

const testnetUrl = process.env.TESTNET_RPC_URL ?? (vars.has("TESTNET_RPC_URL") ? vars.get("TESTNET_RPC_URL") : "");
const testnetKey = process.env.TESTNET_PRIVATE_KEY ?? (vars.has("TESTNET_PRIVATE_KEY") ? vars.get("TESTNET_PRIVATE_KEY") : "");

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 50 },
      evmVersion: "cancun",
      viaIR: false,
    },
  },
  networks: {
    hardhat: {
      // Contracts target cancun; later forks cap a transaction at 2^24 gas, which would stop the
      // O(N) reference election the gas audit measures at large N. Public chains still cap it.
      hardfork: "cancun",
      blockGasLimit: 1_000_000_000,
    },
    localhost: { url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
    testnet: {
      url: testnetUrl || "http://127.0.0.1:0",
      accounts: testnetKey ? [testnetKey] : [],
    },
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  // `npx hardhat ignition verify <deployment-id>` (README: a testnet deployment)
  etherscan: { apiKey: process.env.ETHERSCAN_API_KEY ?? (vars.has("ETHERSCAN_API_KEY") ? vars.get("ETHERSCAN_API_KEY") : "") },
  // `npm run gas:reporter`: gas of every call across the test suite, written to the report folder.
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    offline: true,
    outputFile: process.env.REPORT_GAS_FILE ?? "results/gas/gas-reporter.txt",
    noColors: true,
    forceTerminalOutput: false,
  },
  // `npm test` runs the test files in parallel workers, each with its own network: one more than
  // the cores, because the end-to-end network test mostly waits on the chain's clock.
  mocha: { timeout: 600_000, jobs: Number(process.env.TEST_JOBS ?? os.availableParallelism() + 1) },
};

export default config;
