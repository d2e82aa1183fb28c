// Consensus time (paper 1 Fig. 3: 0.9–1.09 s per consensus for 10 nodes; paper 2 Figs. 5–6): the
// wall-clock time of one whole election round on the embedded Hardhat network for N nodes, and of
// the keeper's computation alone. A round is: every node votes (one transaction each, sent in waves
// of `VOTE_WAVE`, each wave mined in one block before the next is sent), the election opens, the
// keeper reads every node's snapshot through the lens and ranks the keys, submits, and finalizes.
// The challenge window is protocol waiting time, skipped with `evm_increaseTime` and not counted; so
// is setting up the nodes (`populate`).
import { writeReport } from "./report";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deploySystem } from "../src/deployment/deploySystem";
import { SnapshotReader } from "../src/chain/snapshotReader";
import { bestKeys } from "../src/election/engine";
import { mineAll, populate, type RpcProvider } from "./world/populate";
import { SeededRandom } from "../src/util/random";
import fs from "node:fs";
import path from "node:path";
import { writeBarChart } from "./charts";
import { sendTogether } from "./fastChain";
import { spread } from "./stats";
import { StateError } from "../src/util/errors";

export interface ConsensusTime {
  nodes: number;
  /** Seconds for each phase of the round, and the round in all. */
  votes: number;
  open: number;
  keeper: number;
  submit: number;
  finalize: number;
  round: number;
}

/**
 * Votes sent and mined together, at most: 1,000 votes of ~182k gas fill a fifth of the network's
 * block gas limit, and a block is what the embedded node executes in one request, holding every
 * transaction's opcode trace until it is mined. Sent all at once, 5,000 votes went into one block
 * and took 39-40 s; in waves of 1,000, 19-20 s. (A 10,000-vote block, 1.8 billion gas, is beyond
 * any public chain's limit too.)
 */
export const VOTE_WAVE = 1_000;

const seconds = (from: number) => (performance.now() - from) / 1000;

/** One election round with `nodes` registered nodes, K = 3 by top-K (paper 1); `wave` votes a block. */
export async function measureConsensusTime(nodes: number, seed: number, wave = VOTE_WAVE): Promise<ConsensusTime> {
  if (!Number.isInteger(nodes) || nodes < 4) throw new RangeError(`nodes must be an integer of at least 4, got ${nodes}`);
  if (!Number.isInteger(wave) || wave < 1) throw new RangeError(`wave must be a positive integer, got ${wave}`);
  await network.provider.send("hardhat_reset");
  const provider = ethers.provider as unknown as RpcProvider;
  const [admin, keeper] = await ethers.getSigners();
  const system = await deploySystem(admin);
  const { election, vault, token } = system;
  const wallets = await populate(system, admin, provider, { count: nodes, tag: `time-${nodes}` });
  await (await token.mint(keeper.address, system.options.keeperMinBond)).wait();
  await (await token.connect(keeper).approve(await vault.getAddress(), system.options.keeperMinBond)).wait();
  await (await vault.connect(keeper).bondKeeper(system.options.keeperMinBond)).wait();
  const rng = new SeededRandom(seed);
  const addresses = wallets.map((w) => w.address);
  const electionAddress = await election.getAddress();

  // Votes: each node gives its 10 votes to one random candidate; a wave at a time, each mined together.
  let t = performance.now();
  await provider.send("evm_setAutomine", [false]);
  try {
    for (let from = 0; from < wallets.length; from += wave) {
      const hashes = await Promise.all(
        wallets.slice(from, from + wave).map(
          async (w) =>
            provider.send("eth_sendTransaction", [
              {
                from: w.address,
                to: electionAddress,
                data: election.interface.encodeFunctionData("vote", [
                  [addresses[rng.below(addresses.length)]],
                  [system.options.votesPerNode],
                ]),
                nonce: `0x${(await provider.getTransactionCount(w.address, "pending")).toString(16)}`,
                gas: "0xf4240",
                maxFeePerGas: "0x1",
                maxPriorityFeePerGas: "0x0",
              },
            ]) as Promise<string>,
        ),
      );
      await mineAll(provider, hashes);
    }
  } finally {
    await provider.send("evm_setAutomine", [true]);
  }
  const votes = seconds(t);

  const epoch = (await election.currentEpoch()) + 2n;
  await time.increaseTo(await election.snapshotOf(epoch));
  t = performance.now();
  await (await election.openElection(epoch)).wait();
  await (await election.fixSeed(epoch)).wait(); // the next block: the one the opening committed to
  const open = seconds(t);
  t = performance.now();
  const list = bestKeys(await SnapshotReader.of(system).scoreAll(epoch, addresses), Number(await election.listLength())).map((s) => s.node);
  const keeperSeconds = seconds(t);
  t = performance.now();
  await (await election.connect(keeper).submit(epoch, list)).wait();
  const submit = seconds(t);
  await time.increase(system.options.challengePeriod);
  t = performance.now();
  await (await election.finalize(epoch)).wait();
  const finalize = seconds(t);
  const [members] = await election.delegatesOf(epoch);
  if (members.length !== list.length)
    throw new StateError("members", members.length, `consensus time: finalized ${members.length} members, submitted ${list.length}`);
  return { nodes, votes, open, keeper: keeperSeconds, submit, finalize, round: votes + open + keeperSeconds + submit + finalize };
}

/** Paper 1 Fig. 3: "50 runs of the consensus program", 0.9 s at the fastest, 1.09 s at the slowest. */
export const FIG3_ROUNDS = 50;

/**
 * Fig. 3's 50 consensus runs: one deployment of `nodes` nodes, then `rounds` whole election rounds
 * one after another (every node votes anew, a wave a block; open and fix the seed; the keeper reads
 * and ranks; submit; finalize), each timed as {@link measureConsensusTime} times one. Seconds a round.
 */
export async function measureRounds(nodes: number, rounds: number, seed: number): Promise<number[]> {
  if (!Number.isInteger(nodes) || nodes < 4) throw new RangeError(`nodes must be an integer of at least 4, got ${nodes}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  await network.provider.send("hardhat_reset");
  const provider = ethers.provider as unknown as RpcProvider;
  const [admin, keeper] = await ethers.getSigners();
  const system = await deploySystem(admin);
  const { election, vault, token } = system;
  const wallets = await populate(system, admin, provider, { count: nodes, tag: `rounds-${nodes}` });
  await (await token.mint(keeper.address, system.options.keeperMinBond)).wait();
  await (await token.connect(keeper).approve(await vault.getAddress(), system.options.keeperMinBond)).wait();
  await (await vault.connect(keeper).bondKeeper(system.options.keeperMinBond)).wait();
  const rng = new SeededRandom(seed);
  const addresses = wallets.map((w) => w.address);
  const reader = SnapshotReader.of(system);
  const length = Number(await election.listLength());
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    const ballots = wallets.map((w) => ({
      from: w,
      tx: election.vote.populateTransaction([addresses[rng.below(addresses.length)]], [system.options.votesPerNode]),
    }));
    await sendTogether(ballots);
    let spent = seconds(t);
    const epoch = (await election.currentEpoch()) + 2n;
    await time.increaseTo(await election.snapshotOf(epoch));
    t = performance.now();
    await (await election.openElection(epoch)).wait();
    await (await election.fixSeed(epoch)).wait();
    const list = bestKeys(await reader.scoreAll(epoch, addresses), length).map((s) => s.node);
    await (await election.connect(keeper).submit(epoch, list)).wait();
    spent += seconds(t);
    await time.increase(system.options.challengePeriod);
    t = performance.now();
    await (await election.finalize(epoch)).wait();
    times.push(spent + seconds(t));
  }
  return times;
}

/** Writes consensus-time.{json,csv,md,svg} and returns the markdown. */
export async function writeConsensusTimes(folder: string, rows: ConsensusTime[], seconds: number, fig3: number[] = []): Promise<string> {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "consensus-time.json"), JSON.stringify({ seconds, rows, fig3 }, null, 2) + "\n");
  const keys = ["nodes", "votes", "open", "keeper", "submit", "finalize", "round"] as const;
  fs.writeFileSync(
    path.join(folder, "consensus-time.csv"),
    [keys.join(","), ...rows.map((r) => keys.map((k) => r[k]).join(","))].join("\n") + "\n",
  );
  const s = (x: number) => x.toFixed(3);
  const ten = rows.find((r) => r.nodes === 10);
  const md = [
    "# Consensus time: one election round on the embedded Hardhat network",
    "",
    `Measured in ${seconds.toFixed(0)} s on this machine (2 cores). A round: every node votes (one transaction each, ${VOTE_WAVE.toLocaleString("en-US")} to a block),`,
    "the election opens, the keeper reads every node's snapshot and ranks the keys (K = 3 by top-K, 2 standbys), submits,",
    "and finalizes once the challenge window has passed (the window itself is protocol waiting time, not counted).",
    "",
    "| N | votes (s) | open (s) | keeper computation (s) | submit (s) | finalize (s) | round (s) |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.nodes.toLocaleString("en-US")} | ${s(r.votes)} | ${s(r.open)} | ${s(r.keeper)} | ${s(r.submit)} | ${s(r.finalize)} | ${s(r.round)} |`,
    ),
    "",
    "![round time by phase](consensus-time.svg)",
    "",
    "| the paper's figure | measured |",
    "|---|---|",
    `| paper 1 Fig. 3: 0.9–1.09 s per consensus for 10 nodes | ${ten ? `${s(ten.round)} s per round for 10 nodes (keeper computation ${s(ten.keeper)} s)` : "not measured"} |`,
    ...(fig3.length > 0
      ? [
          (() => {
            const f = spread(fig3);
            return `| paper 1 Fig. 3: ${FIG3_ROUNDS} consensus runs for 10 nodes, shortest 0.9 s, longest 1.09 s | ${fig3.length} rounds on one deployment: min ${s(f.min)} s, median ${s(f.median)} s, max ${s(f.max)} s |`;
          })(),
        ]
      : []),
    "",
    "Paper 1's times come from its own test chain, ours from an in-process EVM, so the comparison is of orders of",
    "magnitude. What matters here is the growth with N: submission and finalization stay constant, the keeper's",
    "computation grows linearly (paged lens reads), and the votes are N transactions.",
  ].join("\n");
  writeReport(folder, "consensus-time", md);
  await writeBarChart(
    path.join(folder, "consensus-time.svg"),
    "Seconds per election round, by phase",
    "seconds",
    rows.flatMap((r) =>
      (["votes", "keeper", "submit", "finalize"] as const).map((phase) => ({ node: r.nodes, series: phase, value: r[phase] })),
    ),
    "registered nodes N",
  );
  return md;
}
