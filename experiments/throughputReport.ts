// Paper 2 Figs. 5–6 results: per-epoch rows of every run as CSV and JSON, line charts of throughput
// and of the consensus round over the epochs with ± one standard deviation over the seeds, and a
// markdown report that sets each result beside the paper's claim.
import fs from "node:fs";
import path from "node:path";
import { MODEL_NAMES } from "./modelComparison";
import { THROUGHPUT_DELEGATES, THROUGHPUT_PRODUCERS, TRADES_PER_SLOT, type EpochRow, type ThroughputRun } from "./throughput";
import { lineChartSvg, type Point } from "./charts";
import { mean, sd } from "./stats";
import { writeReport } from "./report";
import { ScoringModel } from "../src/scoring/params";

/** The paper's names for the models it compares (DPoS, DT-DPoS); paper 1's credit model beside them. */
const PAPER_NAME: Record<ScoringModel, string> = {
  [ScoringModel.Classic]: "DPoS (classic)",
  [ScoringModel.DynamicTrust]: "DT-DPoS (dynamic trust)",
  [ScoringModel.Credit]: "credit (paper 1)",
};

/** How close "basically equal" (基本相等) and "close" (比较接近) must be to hold here: within 25 %. */
export const CLOSE = 0.25;

type Metric = Exclude<keyof EpochRow, "epoch">;

/** Mean and sd over the seeds of `metric` in epoch `e` of `model`'s runs. */
function at(runs: ThroughputRun[], model: ScoringModel, e: number, metric: Metric) {
  const xs = runs.filter((r) => r.model === model).map((r) => r.rows[e][metric]);
  return { mean: mean(xs), sd: sd(xs) };
}

/** Per run, the mean of `metric` over its epochs (what a seed measured). */
function perRun(runs: ThroughputRun[], model: ScoringModel, metric: Metric, from = 0): number[] {
  return runs.filter((r) => r.model === model).map((r) => mean(r.rows.slice(from).map((x) => x[metric])));
}

const fmt = (xs: number[], digits = 1) => `${mean(xs).toFixed(digits)} ± ${sd(xs).toFixed(digits)}`;

export interface ThroughputClaim {
  text: string;
  measured: string;
  holds: boolean | "out of reach";
}

export function throughputClaims(runs: ThroughputRun[]): ThroughputClaim[] {
  const has = (m: ScoringModel) => runs.some((r) => r.model === m);
  const claims: ThroughputClaim[] = [];
  const [dpos, dt] = [ScoringModel.Classic, ScoringModel.DynamicTrust];
  if (has(dpos) && has(dt)) {
    const [tClassic, tTrust] = [mean(perRun(runs, dpos, "roundMs")), mean(perRun(runs, dt, "roundMs"))];
    const [gClassic, gTrust] = [mean(perRun(runs, dpos, "roundGas")), mean(perRun(runs, dt, "roundGas"))];
    claims.push({
      text: `Fig. 5: DPoS and DT-DPoS take basically the same time per consensus (here: DT-DPoS's mean round within ${CLOSE * 100} % of DPoS's, wall clock)`,
      measured: `${tTrust.toFixed(0)} ms against ${tClassic.toFixed(0)} ms a round (${(tTrust / tClassic).toFixed(2)}×); gas ${gTrust.toFixed(0)} against ${gClassic.toFixed(0)} (${(gTrust / gClassic).toFixed(2)}×)`,
      holds: Math.abs(tTrust / tClassic - 1) <= CLOSE,
    });
    const [pClassic, pTrust] = [perRun(runs, dpos, "tradesPerHour"), perRun(runs, dt, "tradesPerHour")];
    claims.push({
      text: `Fig. 6: DT-DPoS's throughput is close to DPoS's (within ${CLOSE * 100} %) and better`,
      measured: `valid trades per hour ${fmt(pTrust)} against ${fmt(pClassic)} (${(mean(pTrust) / mean(pClassic)).toFixed(2)}×)`,
      holds: Math.abs(mean(pTrust) / mean(pClassic) - 1) <= CLOSE && mean(pTrust) > mean(pClassic),
    });
    const epochs = runs[0].rows.length;
    const first = at(runs, dt, 0, "tradesPerHour");
    const last = at(runs, dt, epochs - 1, "tradesPerHour");
    claims.push({
      text: "Fig. 6: DT-DPoS's throughput rises over time as malicious nodes are removed (last epoch above the first)",
      measured: `epoch 1: ${first.mean.toFixed(1)} ± ${first.sd.toFixed(1)}, epoch ${epochs}: ${last.mean.toFixed(1)} ± ${last.sd.toFixed(1)} trades per hour`,
      holds: last.mean > first.mean,
    });
  }
  claims.push({
    text: "Figs. 5–6: PoW takes longest and has the lowest throughput; PoS",
    measured: "not run: PoW and PoS cannot run on these contracts (no mining, no stake lottery here); no curve is drawn for them",
    holds: "out of reach",
  });
  return claims;
}

export async function writeThroughput(folder: string, runs: ThroughputRun[], seconds: number): Promise<string> {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "throughput.json"), JSON.stringify({ seconds, runs }, null, 2) + "\n");
  const keys: (keyof EpochRow)[] = [
    "epoch",
    "validTrades",
    "tradesPerHour",
    "tradesPerMillionGas",
    "gas",
    "slotsLost",
    "slotsLostToMalicious",
    "maliciousDelegates",
    "roundMs",
    "roundGas",
  ];
  fs.writeFileSync(
    path.join(folder, "throughput.csv"),
    [
      ["model", "seed", "malicious", ...keys].join(","),
      ...runs.flatMap((r) => r.rows.map((row) => [MODEL_NAMES[r.model], r.seed, r.malicious, ...keys.map((k) => row[k])].join(","))),
    ].join("\n") + "\n",
  );
  const models = [ScoringModel.Classic, ScoringModel.DynamicTrust, ScoringModel.Credit].filter((m) => runs.some((r) => r.model === m));
  const seeds = runs.filter((r) => r.model === models[0]).length;
  const epochs = runs[0]?.rows.length ?? 0;
  const line = (metric: Metric): Point[] =>
    models.flatMap((m) =>
      Array.from({ length: epochs }, (_, e) => ({
        x: e + 1,
        series: PAPER_NAME[m],
        value: at(runs, m, e, metric).mean,
        sd: at(runs, m, e, metric).sd,
      })),
    );
  const charts: [string, string, Metric][] = [
    ["throughput-per-hour.svg", "valid trades per hour of chain time", "tradesPerHour"],
    ["throughput-per-gas.svg", "valid trades per million gas", "tradesPerMillionGas"],
    ["throughput-round-time.svg", "keeper wall-clock ms per consensus round", "roundMs"],
    ["throughput-round-gas.svg", "gas per consensus round", "roundGas"],
  ];
  for (const [file, y, metric] of charts) {
    fs.writeFileSync(path.join(folder, file), await lineChartSvg(`${y} (mean ± sd over ${seeds} seeds)`, "epoch", y, line(metric)));
  }
  const table = (metric: Metric, digits: number) => [
    `| model | ${Array.from({ length: epochs }, (_, e) => `epoch ${e + 1}`).join(" | ")} | all epochs |`,
    `|---|${Array.from({ length: epochs + 1 }, () => "---:").join("|")}|`,
    ...models.map(
      (m) =>
        `| ${PAPER_NAME[m]} | ${Array.from({ length: epochs }, (_, e) => {
          const v = at(runs, m, e, metric);
          return `${v.mean.toFixed(digits)} ± ${v.sd.toFixed(digits)}`;
        }).join(" | ")} | ${fmt(perRun(runs, m, metric), digits)} |`,
    ),
  ];
  const share = runs[0]?.maliciousShare ?? 0;
  // whether the models differed at all in what reached the chain, seed by seed
  const tradesOf = (m: ScoringModel, seed: number) =>
    JSON.stringify(runs.find((r) => r.model === m && r.seed === seed)?.rows.map((row) => row.validTrades));
  const seedList = [...new Set(runs.map((r) => r.seed))];
  const same = seedList.filter((seed) => models.every((m) => tradesOf(m, seed) === tradesOf(models[0], seed))).length;
  const why =
    same === seedList.length
      ? [
          `**The models did not differ in throughput:** every one of the ${same} seeds committed the same number of valid trades in every epoch under all ${models.length} models.`,
          "Each malicious delegate misses its first slot, is reported, jailed for one epoch and ineligible while jailed (a standby takes its",
          "slots), so the jail removes it under every model before any score can; the score would only tell the models apart once jails end",
          "(see models-malicious.md). What the models change here is gas: under dynamic trust the ledger writes every attester's correct",
          "action into its trust record on each block (NodeRegistry._participate), which the other models skip.",
        ]
      : [`The models committed the same number of valid trades in every epoch in ${same} of ${seedList.length} seeds.`];
  const md = [
    "# Paper 2 Figs. 5–6: consensus time and throughput of DPoS, DT-DPoS and the credit model",
    "",
    `${seeds} seeds per model (from ${runs[0]?.seed}), ${epochs} elected epochs each, on the contracts through the keeper and the delegate clients (HTTP on the loopback); ${seconds.toFixed(0)} s in all.`,
    `${THROUGHPUT_PRODUCERS} producers, K = ${THROUGHPUT_DELEGATES} by top-K and 2 standbys, ${THROUGHPUT_DELEGATES} one-minute slots an epoch; ${Math.round(share * THROUGHPUT_PRODUCERS)} malicious`,
    `(${(share * 100).toFixed(0)} %), half withholding, half forging (honest clients refuse the forged block, so the slot goes unfilled);`,
    "every producer gives 3 of its 10 votes to a malicious producer, so the first set is mostly malicious; votes never change.",
    `The traders send ${TRADES_PER_SLOT} signed trade a slot to every current delegate, a block's capacity, so the chain runs at capacity and each lost slot`,
    "loses a block of trades. Every unfilled slot is reported by the keeper (slash, credit and trust penalty, one epoch of jail). Mean ± sd over the seeds.",
    "",
    ...why,
    "",
    "**Valid trades per hour of chain time**",
    "",
    ...table("tradesPerHour", 1),
    "",
    "![trades per hour](throughput-per-hour.svg)",
    "",
    "**Valid trades per million gas** (all gas of the epoch: blocks, election, reports, unjails)",
    "",
    ...table("tradesPerMillionGas", 2),
    "",
    "![trades per million gas](throughput-per-gas.svg)",
    "",
    "**Slots lost to malicious delegates** (of 7)",
    "",
    ...table("slotsLostToMalicious", 2),
    "",
    "**Consensus round** (the next epoch's election as the keeper runs it: open, seed, score and submit, check, finalize): wall-clock ms, then gas",
    "",
    ...table("roundMs", 0),
    "",
    ...table("roundGas", 0),
    "",
    "![round time](throughput-round-time.svg) ![round gas](throughput-round-gas.svg)",
    "",
    "| the paper's claim | measured | holds here |",
    "|---|---|---|",
    ...throughputClaims(runs).map(
      (c) => `| ${c.text} | ${c.measured} | ${c.holds === "out of reach" ? "out of reach" : c.holds ? "yes" : "**no**"} |`,
    ),
    "",
    `Missed slots reported by the keeper: ${runs.reduce((n, r) => n + r.reported, 0)} over all runs; forged blocks refused by honest clients: ${runs.reduce((n, r) => n + r.forgedRefusals, 0)} attestation requests;`,
    `offences punished whose offender was honest: **${runs.reduce((n, r) => n + r.honestPunished, 0)}**.`,
    "",
    "The paper measures on its own Python simulation; the round times here are of the keeper code against an in-process EVM",
    "on a shared 2-core machine, so only the comparison between the models means anything.",
  ].join("\n");
  writeReport(folder, "throughput", md);
  return md;
}
