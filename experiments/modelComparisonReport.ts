// The three-model comparison's results: per-run rows as CSV and JSON, a markdown table of how long
// the malicious delegate kept being elected under each model, and an SVG chart of election counts.
import { writeReport } from "./report";
import fs from "node:fs";
import path from "node:path";
import { COMPARISON_NODES, MODEL_NAMES, exclusion, type ComparisonRun } from "./modelComparison";
import { writeBarChart } from "./charts";
import { mean, sd } from "./stats";

const stat = (xs: number[]) => `${mean(xs).toFixed(1)} ± ${sd(xs).toFixed(1)}`;

/** Per model: the offender's mean elections after its first offence, slots lost, and runs still electing it in the last third. */
export function modelSummary(runs: ComparisonRun[]) {
  const models = [...new Set(runs.map((r) => r.model))];
  return models.map((model) => {
    const mine = runs.filter((r) => r.model === model);
    const lateStart = Math.ceil((mine[0].epochs * 2) / 3);
    return {
      model,
      name: MODEL_NAMES[model],
      electedAfter: mine.map((r) => exclusion(r).afterFirstOffence),
      slotsLost: mine.map((r) => r.slotsLost),
      lastElected: mine.map((r) => exclusion(r).lastElected ?? -1),
      stillElectedLate: mine.filter((r) => r.offenderElected.some((e) => e >= lateStart)).length,
      runs: mine.length,
    };
  });
}

export async function writeModelComparison(folder: string, runs: ComparisonRun[], seconds: number): Promise<string> {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "models-malicious.json"), JSON.stringify({ seconds, runs }, null, 2) + "\n");
  const csv = [
    "model,seed,epochs,offender_elected_epochs,slots_lost,offences," +
      Array.from({ length: COMPARISON_NODES }, (_, i) => `node${i + 1}`).join(","),
    ...runs.map((r) =>
      [MODEL_NAMES[r.model], r.seed, r.epochs, r.offenderElected.join(" "), r.slotsLost, r.offences, ...r.counts].join(","),
    ),
  ];
  fs.writeFileSync(path.join(folder, "models-malicious.csv"), csv.join("\n") + "\n");
  const summary = modelSummary(runs);
  const epochs = runs[0]?.epochs ?? 0;
  const md = [
    "# One malicious delegate under the three scoring models",
    "",
    `${summary[0]?.runs} seeds per model (from ${runs[0]?.seed}), ${epochs} epochs each, on the contracts through the keeper code; ${seconds.toFixed(0)} s in all.`,
    "6 producers, K = 3 by top-K, 3 slots an epoch; node 1 gets 4 of every other node's 10 votes, so it tops the first",
    "election under every model, then forges a trade in every block it produces and is proven, slashed, jailed and",
    "penalised each time (the ledger's invalid-block penalty). Votes never change. Mean ± standard deviation over the seeds.",
    "",
    "| model | elections of node 1 after its first offence | slots lost (forged blocks) | last epoch node 1 was elected | runs still electing it in the last third |",
    "|---|---:|---:|---:|---:|",
    ...summary.map(
      (s) => `| ${s.name} | ${stat(s.electedAfter)} | ${stat(s.slotsLost)} | ${stat(s.lastElected)} | ${s.stillElectedLate} of ${s.runs} |`,
    ),
    "",
    "![times each node was elected, per model](models-malicious.svg)",
    "",
    "The first election after an offence still names the offender (the snapshot precedes the proof); its slots in",
    "that epoch pass to the standby as soon as it is jailed, so each offence costs one slot. What tells the models",
    "apart is what happens when the jail ends: whether the score keeps the offender out.",
  ].join("\n");
  writeReport(folder, "models-malicious", md);
  await writeBarChart(
    path.join(folder, "models-malicious.svg"),
    `Times elected in ${epochs} epochs, node 1 malicious (mean over ${summary[0]?.runs} seeds)`,
    "times elected",
    summary.flatMap((s) => {
      const mine = runs.filter((r) => r.model === s.model);
      return Array.from({ length: COMPARISON_NODES }, (_, i) => {
        const xs = mine.map((r) => r.counts[i]);
        return { node: i + 1, series: s.name, value: mean(xs), sd: sd(xs) };
      });
    }),
  );
  return md;
}
