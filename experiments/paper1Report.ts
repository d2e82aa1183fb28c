// Writes paper 1 Fig. 2 results: counts as CSV and JSON, and a markdown report that sets each
// measured result beside the paper's claim and says whether it holds.
import { writeReport } from "./report";
import fs from "node:fs";
import path from "node:path";
import type { Paper1Result } from "./paper1Fig2";
import { writeBarChart } from "./charts";

interface Claim {
  text: string;
  holds: boolean;
}

/**
 * The paper's claims of Fig. 2, each whole and each part on its own, for the results of one reading
 * of V. Experiment 1's claim is "8, 9, 10 chosen most; 5, 6, 7 next; 1-4 almost never".
 */
export function paper1Claims(byExperiment: Map<number, Paper1Result>): Claim[] {
  const claims: Claim[] = [];
  const one = byExperiment.get(1);
  if (one) {
    const c = one.counts;
    claims.push({ text: "Experiment 1: nodes 8, 9, 10 are chosen most", holds: Math.min(c[7], c[8], c[9]) > Math.max(...c.slice(0, 7)) });
    claims.push({
      text: "Experiment 1: nodes 5, 6, 7 next (each above every one of nodes 1-4)",
      holds: Math.min(c[4], c[5], c[6]) > Math.max(...c.slice(0, 4)),
    });
    claims.push({
      text: "Experiment 1: nodes 1-4 almost never (each under 1 % of runs)",
      holds: c.slice(0, 4).every((n) => n / one.runs < 0.01),
    });
  }
  const two = byExperiment.get(2);
  if (one && two) {
    claims.push({
      text: "Experiment 2: nodes 5, 6, 7 each chosen more than in experiment 1",
      holds: [4, 5, 6].every((i) => two.counts[i] / two.runs > one.counts[i] / one.runs),
    });
  }
  const three = byExperiment.get(3);
  if (one && three) {
    claims.push({
      text: "Experiment 3: nodes 6, 8, 9 chosen more and node 10 less than in experiment 1",
      holds:
        [5, 7, 8].every((i) => three.counts[i] / three.runs > one.counts[i] / one.runs) &&
        three.counts[9] / three.runs < one.counts[9] / one.runs,
    });
  }
  return claims;
}

export async function writePaper1Results(folder: string, results: Paper1Result[], seconds: number): Promise<string> {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "paper1-fig2.json"), JSON.stringify({ seconds, results }, null, 2) + "\n");
  const csv = [
    "experiment,reading,runs,seed,node,count",
    ...results.flatMap((r) => r.counts.map((n, i) => `${r.experiment},${r.reading},${r.runs},${r.seed},${i + 1},${n}`)),
  ];
  fs.writeFileSync(path.join(folder, "paper1-fig2.csv"), csv.join("\n") + "\n");
  const readings = [...new Set(results.map((r) => r.reading))];
  const label = (r: Paper1Result) => `exp. ${r.experiment}, V ${r.reading === "share" ? "as share" : "as count"} (${r.runs} runs)`;
  const claimRows = readings.flatMap((reading) => {
    const byExperiment = new Map(results.filter((r) => r.reading === reading).map((r) => [r.experiment, r]));
    return paper1Claims(byExperiment).map(
      (c) =>
        `| ${c.text} | V ${reading === "share" ? "as share (the deployment)" : "as literal count"} | ${c.holds ? "yes" : "**no** (not reproduced)"} |`,
    );
  });
  const md = [
    "# Paper 1, Fig. 2: times each node is elected among 3 delegates",
    "",
    `Seed ${results[0]?.seed}, on the contracts through the keeper code; ${seconds.toFixed(0)} s in all.`,
    "",
    'V, "the number of votes the node receives" (eq. 1), is read two ways. **As share** (the deployment, voteScale 10):',
    "V = 10 · votes / all votes, so V stays in [0, 10] like the five credit attributes whatever the number of voters.",
    "**As literal count** (voteScale 100 with the 100 votes always cast): V = min(10, votes). The contract's voteScale (a",
    "uint64 of WAD units, at most ~18.4) cannot hold 100, so the chain elects under the share and each run's literal-count",
    "delegates are scored from the same snapshot by the keeper's TypeScript mirror of eq. (1) (held to the contract bit for bit",
    "by the differential test over voteScale's uint64 range; 100 WAD is off-chain only), ties broken by the same seed. Both readings",
    "count the same runs.",
    "",
    `| node | ${results.map(label).join(" | ")} |`,
    `|---:|${results.map(() => "---:").join("|")}|`,
    ...Array.from(
      { length: 10 },
      (_, i) => `| ${i + 1} | ${results.map((r) => `${r.counts[i]} (${((100 * r.counts[i]) / r.runs).toFixed(1)} %)`).join(" | ")} |`,
    ),
    "",
    "![counts per node](paper1-fig2.svg)",
    "",
    "| the paper's claim, each part | reading of V | holds here |",
    "|---|---|---|",
    ...claimRows,
  ].join("\n");
  writeReport(folder, "paper1-fig2", md);
  await writeBarChart(
    path.join(folder, "paper1-fig2.svg"),
    "Paper 1 Fig. 2: share of runs each node is elected among 3 delegates",
    "% of runs",
    results.flatMap((r) => r.counts.map((value, i) => ({ node: i + 1, series: label(r), value: (100 * value) / r.runs }))),
  );
  return md;
}
