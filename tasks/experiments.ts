// `npx hardhat experiments` (npm run experiments): reproduces paper 1 Fig. 2 on the contracts and
// writes counts (CSV, JSON) and a markdown report that sets each result beside the paper's claim.
// Modules are loaded inside the action so the config loads before TypeChain has generated types.
import { task, types } from "hardhat/config";

task("experiments", "Reproduce paper 1 Fig. 2 on the deployed contracts")
  .addOptionalParam("experiment", "which experiment: 1, 2, 3 or all", "all", types.string)
  .addOptionalParam("runs", "runs per experiment (the paper: 1000)", 1000, types.int)
  .addOptionalParam("seed", "seed of the random votes (same seed, same counts)", 1, types.int)
  .addOptionalParam("out", "folder for the results", "results/experiments", types.string)
  .setAction(async (args: { experiment: string; runs: number; seed: number; out: string }, hre) => {
    const chosen = args.experiment === "all" ? [1, 2, 3] : [Number(args.experiment)];
    if (chosen.some((e) => ![1, 2, 3].includes(e))) {
      throw new Error(`--experiment must be 1, 2, 3 or all, got "${args.experiment}"`);
    }
    if (!Number.isInteger(args.runs) || args.runs < 1 || args.runs > 100_000) {
      throw new Error(`--runs must be an integer in [1, 100000], got ${args.runs}`);
    }
    if (!Number.isInteger(args.seed) || args.seed < 0 || args.seed > 0xffffffff) {
      throw new Error(`--seed must be an integer in [0, 2^32 - 1], got ${args.seed}`);
    }
    if (hre.network.name !== "hardhat") throw new Error(`experiments run on the embedded hardhat network, not "${hre.network.name}"`);
    await hre.run("compile", { quiet: true });
    const { runPaper1Experiment } = await import("../src/experiments/paper1Fig2");
    const { writePaper1Results } = await import("../src/experiments/paper1Report");
    const { SingleBar, Presets } = await import("cli-progress");
    const started = performance.now();
    const results = [];
    for (const e of chosen as (1 | 2 | 3)[]) {
      const bar = new SingleBar({ format: `paper 1 experiment ${e} [{bar}] {value}/{total} runs | {eta_formatted} left` }, Presets.shades_classic);
      bar.start(args.runs, 0);
      results.push(await runPaper1Experiment(e, args.runs, args.seed, (done) => bar.update(done)));
      bar.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const report = writePaper1Results(args.out, results, seconds);
    console.log(report);
  });
