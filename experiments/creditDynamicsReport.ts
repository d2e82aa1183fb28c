// Paper 1 credit dynamics results: per-stage delegates under both readings of ΔC− as JSON and CSV, and
// a markdown report of each node's share of elections, first and second half, mean ± sd over seeds.
import { writeReport } from "./report";
import fs from "node:fs";
import path from "node:path";
import type { CreditDynamicsRun } from "./creditDynamics";
import { writeBarChart } from "./charts";
import { mean, sd } from "./stats";

/** Times node `n` (1-10) was elected in stages [from, to) of `sets`. */
const elected = (sets: number[][], n: number, from: number, to: number) => sets.slice(from, to).filter((s) => s.includes(n)).length;

export async function writeCreditDynamics(folder: string, runs: CreditDynamicsRun[], seconds: number): Promise<string> {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "paper1-credit-dynamics.json"), JSON.stringify({ seconds, runs }, null, 2) + "\n");
  const csv = [
    "seed,stage,reading,delegates",
    ...runs.flatMap((r) =>
      r.byVote.flatMap((set, s) => [
        `${r.seed},${s + 1},since-vote,${set.join(" ")}`,
        `${r.seed},${s + 1},since-term,${r.byTerm[s].join(" ")}`,
      ]),
    ),
  ];
  fs.writeFileSync(path.join(folder, "paper1-credit-dynamics.csv"), csv.join("\n") + "\n");
  const stages = runs[0]?.stages ?? 0;
  const half = Math.floor(stages / 2);
  const cell = (pick: (r: CreditDynamicsRun) => number[][], n: number, from: number, to: number) => {
    const xs = runs.map((r) => elected(pick(r), n, from, to));
    return `${mean(xs).toFixed(1)} ± ${sd(xs).toFixed(1)}`;
  };
  const avg = (pick: (r: CreditDynamicsRun) => number[][], n: number) => mean(runs.map((r) => mean(pick(r).map((stage) => stage[n]))));
  const md = [
    "# Paper 1: credit loss and gain from their rules, over several cycles and terms",
    "",
    `${runs.length} seeds (from ${runs[0]?.seed}), ${stages} one-week stages each, on the contracts through the keeper code; ${seconds.toFixed(0)} s in all.`,
    "The 10 nodes of Table 2 (experiment 1), K = 3 by top-K; every delegate produces every block of its term. Nodes 5-10 vote",
    "twice a stage; nodes 1-4 vote once, in the first stage. Nothing is written in by hand: ΔC+ comes from the ledger's clean",
    "terms (it counts in the next stage's election only, the one whose snapshot follows the term), ΔC− from eq. (4).",
    "",
    'ΔC− has two readings. **Since the last vote** (the code): eq. (4) defines t as "the interval between two votes" (某节点两次投票的',
    "间隔时间), and only a ballot is an act the chain sees at every node, delegate or not. **Since the last term** (the prose: credit",
    'falls when a node "has long not been a delegate", 长时间都没有成为代理节点) is computed beside it from the same snapshots with',
    "the TypeScript mirror, its own elections feeding its own losses and gains (t from the end of the node's last term, or from",
    "the first election for a node never elected).",
    "",
    `| node | elected, stages 1-${half}, since vote | stages ${half + 1}-${stages}, since vote | mean ΔC− | mean ΔC+ | stages 1-${half}, since term | stages ${half + 1}-${stages}, since term |`,
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...Array.from({ length: 10 }, (_, i) => {
      const n = i + 1;
      return `| ${n} | ${cell((r) => r.byVote, n, 0, half)} | ${cell((r) => r.byVote, n, half, stages)} | ${avg((r) => r.loss, i).toFixed(2)} | ${avg((r) => r.gain, i).toFixed(2)} | ${cell((r) => r.byTerm, n, 0, half)} | ${cell((r) => r.byTerm, n, half, stages)} |`;
    }),
    "",
    "![elections per node under both readings](paper1-credit-dynamics.svg)",
  ].join("\n");
  writeReport(folder, "paper1-credit-dynamics", md);
  await writeBarChart(
    path.join(folder, "paper1-credit-dynamics.svg"),
    `Times elected in ${stages} stages (mean ± sd over ${runs.length} seeds)`,
    "times elected",
    (["since vote", "since term"] as const).flatMap((reading) =>
      Array.from({ length: 10 }, (_, i) => {
        const xs = runs.map((r) => elected(reading === "since vote" ? r.byVote : r.byTerm, i + 1, 0, stages));
        return { node: i + 1, series: `ΔC− ${reading}${reading === "since vote" ? " (the code)" : ""}`, value: mean(xs), sd: sd(xs) };
      }),
    ),
  );
  return md;
}
