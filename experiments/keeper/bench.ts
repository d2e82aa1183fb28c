// `npm run bench:keeper -- --nodes 10000,100000`: how fast the keeper computes an election from its
// index (src/index/) on Anvil, cold and warm. One Anvil is started (its npm package's binary), the
// system deployed with the paper-1 options, and the population grown to each size in turn
// (experiments/keeper/grow.ts: nodes that are contracts, created, admitted and bonded 200 a transaction). At each size:
//   - cold: a keeper with no cache reads every log since the deployment and scores every node;
//   - an epoch of activity follows (votes of 2 % of the nodes, deposits of 1 %), time moves to the
//     next election's snapshot;
//   - warm: the same keeper catches up with the new logs only and scores every node again;
//   - warm from a file: a new keeper process state loaded from the cache the first one wrote;
//   - at sizes up to 10,000 the lens path (every node read through the lens) for comparison.
// Every score of a sample of nodes is checked against the contract's `scoreOf`, and all of them
// against the lens path where it ran. Writes results/keeper/bench.{json,md}.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { HDNodeWallet, type JsonRpcProvider } from "ethers";
import { HARDHAT_MNEMONIC, rpcProvider } from "../../src/chain/tx";
import { deploySystem, defaultSystemOptions, type System } from "../../src/deployment/deploySystem";
import { nodeCommand } from "../../src/network/nodes";
import { IndexedReader } from "../../src/index/reader";
import { SnapshotReader, type SnapshotScore } from "../../src/chain/snapshotReader";
import { allNodes } from "../../src/keeper/keeper";
import { bestKeys } from "../../src/election/engine";
import { parseList } from "../../src/util/parse";
import { WAD } from "../../src/scoring/params";
import { sleep } from "../../src/util/sleep";
import { EnvironmentError, StateError } from "../../src/util/errors";
import { RawRpc } from "../../src/chain/rpc";
import { benchPopulation, grow } from "./grow";
import type { BenchPopulation } from "../../typechain-types";
import { zeroBaseFee } from "../world/populate";
import { freePorts } from "../../test/ports";

const ROOT = path.join(__dirname, "..", "..");
const OUT = path.join(ROOT, "results", "keeper");
const LENS_UP_TO = 10_000;
const SAMPLE = 200;

const values = new Command("bench:keeper")
  .description("time the keeper's index on Anvil: a cold start and a warm election at each population size")
  .option("--nodes <list>", "population sizes, growing, comma-separated", "10000,100000")
  .parse()
  .opts<{ nodes: string }>();
const SIZES = parseList("--nodes", values.nodes, 100, 1_000_000);
for (let i = 1; i < SIZES.length; i++) {
  if (SIZES[i] <= SIZES[i - 1])
    throw new StateError("--nodes", values.nodes, "--nodes: sizes must grow (the population is grown to each in turn)");
}

const seconds = (from: number) => (performance.now() - from) / 1000;

async function startAnvil(): Promise<{ anvil: ChildProcess; provider: JsonRpcProvider; rpc: RawRpc }> {
  const port = await freePorts(1);
  const { command, args } = nodeCommand("anvil", port);
  // without pruning, Anvil keeps every block's state in memory: past 22 GB on the way to 100,000 nodes
  const anvil = spawn(command, [...args, "--prune-history", "64"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const provider = rpcProvider(url, 31337n);
  const rpc = new RawRpc(url);
  for (let i = 0; ; i++) {
    if (
      await provider.getBlockNumber().then(
        () => true,
        () => false,
      )
    )
      return { anvil, provider, rpc };
    if (i > 100) throw new EnvironmentError("anvil", `Anvil on port ${port} did not answer within 20 s`);
    await sleep(200);
  }
}

/**
 * An epoch's activity: votes of `voters` nodes (each for 1-3 others) and new deposits of
 * `depositors`, 200 a transaction (Anvil spent over a second a block once it held 100,000 nodes).
 */
async function activity(population: BenchPopulation, size: number, voters: number, depositors: number, round: number) {
  let sent = 0;
  for (let k = 0; k < voters; k += 200) {
    await (await population.voteRound(k, Math.min(voters, k + 200), round, { gasLimit: 200n * 400_000n })).wait();
    sent++;
  }
  const which = Array.from({ length: depositors }, (_, k) => BigInt((k * 104_729 + round) % size));
  for (let k = 0; k < which.length; k += 200) {
    await (await population.deposit(which.slice(k, k + 200), WAD, { gasLimit: 200n * 200_000n })).wait();
    sent++;
  }
  return sent;
}

/** Move the chain's clock past the snapshot of `epoch`, and mine a block there. */
async function passSnapshot(system: System, provider: JsonRpcProvider, epoch: bigint) {
  const snapshot = await system.election.snapshotOf(epoch);
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  if (now <= snapshot) await provider.send("evm_setNextBlockTimestamp", [Number(snapshot + 1n)]);
  await zeroBaseFee(provider);
  await provider.send("evm_mine", []);
}

/** `scores` agree with `scoreOf` on a sample (and with `reference`, every node, when given). */
async function verify(system: System, epoch: bigint, scores: SnapshotScore[], reference?: SnapshotScore[]) {
  if (reference) {
    if (reference.length !== scores.length)
      throw new StateError("scores", scores.length, `the index scored ${scores.length} nodes, the lens ${reference.length}`);
    for (let i = 0; i < scores.length; i++) {
      const [a, b] = [scores[i], reference[i]];
      if (a.node.toLowerCase() !== b.node.toLowerCase() || a.score !== b.score || a.key !== b.key || a.eligible !== b.eligible) {
        throw new StateError("score", a.node, `node ${i}: the index and the lens disagree`);
      }
    }
  }
  for (let k = 0; k < Math.min(SAMPLE, scores.length); k++) {
    const s = scores[(k * 7919) % scores.length];
    const [eligible, score, key] = await system.election.scoreOf(epoch, s.node);
    if (eligible !== s.eligible || score !== s.score || key !== s.key)
      throw new StateError("score", s.node, `${s.node}: the index disagrees with scoreOf`);
  }
}

interface Row {
  nodes: number;
  logs: number;
  coldSeconds: number;
  coldNodesPerSecond: number;
  warmSeconds: number;
  warmLogs: number;
  fileWarmSeconds: number;
  cacheMB: number;
  lensSeconds?: number;
  populateSeconds: number;
}

async function main() {
  const started = performance.now();
  const { anvil, provider, rpc } = await startAnvil();
  const rows: Row[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keeper-bench-"));
  try {
    const admin = HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, "m/44'/60'/0'/0/0").connect(provider);
    const options = defaultSystemOptions();
    const system = await deploySystem(admin, options);
    const startBlock = await provider.getBlockNumber();
    const bench = await benchPopulation(system, admin);
    console.log(`Anvil, paper-1 options (credit model, top-K); sizes ${SIZES.join(", ")}`);
    let population = 0;
    let epoch = 1n;
    for (const size of SIZES) {
      let t = performance.now();
      console.log(`populating ${population} -> ${size} nodes...`);
      await grow(bench, size - population);
      population = size;
      const populateSeconds = seconds(t);
      epoch = (await system.election.epochOf(BigInt((await provider.getBlock("latest"))!.timestamp))) + 1n;
      await passSnapshot(system, provider, epoch);

      const file = path.join(dir, `index-${size}.json`);
      const keeper = new IndexedReader(system, { rpc, startBlock, file });
      t = performance.now();
      const cold = await keeper.scoreAll(epoch);
      const coldSeconds = seconds(t);
      if (cold.scores.length !== size)
        throw new StateError("nodes", cold.scores.length, `the index holds ${cold.scores.length} nodes, not ${size}`);
      let lensSeconds: number | undefined;
      let reference: SnapshotScore[] | undefined;
      if (size <= LENS_UP_TO) {
        t = performance.now();
        reference = await SnapshotReader.of(system).scoreAll(epoch, await allNodes(system));
        lensSeconds = seconds(t);
      }
      await verify(system, epoch, cold.scores, reference);
      console.log(
        `  cold: ${cold.catchUp.logs} logs, ${coldSeconds.toFixed(2)} s (${Math.round(size / coldSeconds)} nodes/s)` +
          (lensSeconds ? `; lens path ${lensSeconds.toFixed(2)} s` : ""),
      );

      const sent = await activity(bench, population, Math.ceil(size / 50), Math.ceil(size / 100), Number(epoch));
      epoch += 1n;
      await passSnapshot(system, provider, epoch);
      t = performance.now();
      const warm = await keeper.scoreAll(epoch);
      const warmSeconds = seconds(t);
      await keeper.flush();
      bestKeys(warm.scores, Number(await system.election.listLength()));
      t = performance.now();
      const fromFile = await new IndexedReader(system, { rpc, startBlock, file }).scoreAll(epoch);
      const fileWarmSeconds = seconds(t);
      if (fromFile.cache) throw new StateError("cache", file, `the cache was not used: ${fromFile.cache}`);
      await verify(system, epoch, warm.scores, fromFile.scores);
      const cacheMB = fs.statSync(file).size / 1e6;
      console.log(
        `  warm after ${Math.ceil(size / 50)} votes and ${Math.ceil(size / 100)} deposits (${sent} transactions): ${warm.catchUp.logs} logs, ${warmSeconds.toFixed(2)} s; from the cache file (${cacheMB.toFixed(0)} MB) ${fileWarmSeconds.toFixed(2)} s`,
      );
      rows.push({
        nodes: size,
        logs: cold.catchUp.logs,
        coldSeconds,
        coldNodesPerSecond: Math.round(size / coldSeconds),
        warmSeconds,
        warmLogs: warm.catchUp.logs,
        fileWarmSeconds,
        cacheMB,
        lensSeconds,
        populateSeconds,
      });
    }
  } finally {
    anvil.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(
    path.join(OUT, "bench.json"),
    JSON.stringify({ machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model}`, load: os.loadavg()[0], rows }, null, 2) + "\n",
  );
  const md = [
    "# Keeper index benchmark (`npm run bench:keeper`)",
    "",
    `Anvil on ${os.cpus().length} cores; paper-1 options (credit model, top-K). Written by experiments/keeper/bench.ts in ${seconds(started).toFixed(0)} s.`,
    "",
    "| nodes | logs | cold start | cold nodes/s | warm election (logs read) | warm from the cache file | cache | lens path |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.nodes.toLocaleString("en")} | ${r.logs.toLocaleString("en")} | ${r.coldSeconds.toFixed(2)} s | ${r.coldNodesPerSecond.toLocaleString("en")} | ${r.warmSeconds.toFixed(2)} s (${r.warmLogs.toLocaleString("en")}) | ${r.fileWarmSeconds.toFixed(2)} s | ${r.cacheMB.toFixed(0)} MB | ${r.lensSeconds === undefined ? "not run" : r.lensSeconds.toFixed(2) + " s"} |`,
    ),
    "",
  ].join("\n");
  fs.writeFileSync(path.join(OUT, "bench.md"), md);
  console.log(md);
}

main().catch((e) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(1);
});
