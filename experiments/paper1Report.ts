// Writes paper 1 Fig. 2 results: counts as CSV and JSON, and a markdown report that sets each
// measured result beside the paper's claim and says whether it holds.
import fs from "node:fs";
import path from "node:path";
import type { Paper1Result } from "./paper1Fig2";
import { writeBarChart } from "./charts";

interface Claim {
  text: string;
  holds: boolean;
}

export function paper1Claims(byExperiment: Map<number, Paper1Result>): Claim[] {
  const claims: Claim[] = [];
  const one = byExperiment.get(1);
  if (one) {
    const c = one.counts;
    claims.push({
      text: "Experiment 1: nodes 8, 9, 10 are chosen most; nodes 1-4 each under 1 % of runs",
      holds: Math.min(c[7], c[8], c[9]) > Math.max(...c.slice(0, 7)) && c.slice(0, 4).every((n) => n / one.runs < 0.01),
    });
  }
  const two = byExperiment.get(2);
  if (one && two) {
    claims.push({
      text: "Experiment 2: nodes 5, 6, 7 each chosen more than in experiment 1",
      holds: [4, 5, 6].every((i) => two.counts[i] > one.counts[i]),
    });
  }
  const three = byExperiment.get(3);
  if (one && three) {
    claims.push({
      text: "Experiment 3: nodes 6, 8, 9 chosen more and node 10 less than in experiment 1",
      holds: [5, 7, 8].every((i) => three.counts[i] > one.counts[i]) && three.counts[9] < one.counts[9],
    });
  }
  return claims;
}

export async function writePaper1Results(folder: string, results: Paper1Result[], seconds: number): Promise<string> {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "paper1-fig2.json"), JSON.stringify({ seconds, results }, null, 2) + "\n");
  const csv = ["experiment,runs,seed,node,count", ...results.flatMap((r) => r.counts.map((n, i) => `${r.experiment},${r.runs},${r.seed},${i + 1},${n}`))];
  fs.writeFileSync(path.join(folder, "paper1-fig2.csv"), csv.join("\n") + "\n");
  const byExperiment = new Map(results.map((r) => [r.experiment, r]));
  const md = [
    "# Paper 1, Fig. 2: times each node is elected among 3 delegates",
    "",
    `Runs per experiment: ${results[0]?.runs}, seed ${results[0]?.seed}, on the contracts through the keeper code; ${seconds.toFixed(0)} s in all.`,
    "",
    `| node | ${results.map((r) => `experiment ${r.experiment}`).join(" | ")} |`,
    `|---:|${results.map(() => "---:").join("|")}|`,
    ...Array.from({ length: 10 }, (_, i) => `| ${i + 1} | ${results.map((r) => r.counts[i]).join(" | ")} |`),
    "",
    "![counts per node](paper1-fig2.svg)",
    "",
    "| the paper's claim | holds here |",
    "|---|---|",
    ...paper1Claims(byExperiment).map((c) => `| ${c.text} | ${c.holds ? "yes" : "**no**"} |`),
  ].join("\n");
  fs.writeFileSync(path.join(folder, "paper1-fig2.md"), md + "\n");
  await writeBarChart(
    path.join(folder, "paper1-fig2.svg"),
    `Paper 1 Fig. 2: times elected among 3 delegates in ${results[0]?.runs} runs`,
    "times elected",
    results.flatMap((r) => r.counts.map((value, i) => ({ node: i + 1, series: `experiment ${r.experiment}`, value }))),
  );
  return md;
}
