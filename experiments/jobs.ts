// The experiments cut into independent jobs (a chunk of paper 1 runs, one paper 2 seed, one model
// seed, one consensus-time size), so `npm run experiments` can share them among worker processes,
// one a core: every job starts from a fresh Hardhat network and its own seed, so the results do not
// depend on how the jobs were shared. Costs are measured seconds a unit on this machine, used only
// to hand out the longest jobs first.
import { runPaper1Experiment, type Paper1Experiment, type Paper1Readings, type Paper1Result } from "./paper1Fig2";
import { runPaper2, type Paper2Run, type Paper2Variant } from "./paper2Fig4";
import { runModelComparison, type ComparisonRun } from "./modelComparison";
import { FIG3_ROUNDS, measureConsensusTime, measureRounds, type ConsensusTime } from "./consensusTime";
import { runThroughput, type ThroughputRun } from "./throughput";
import { runCreditDynamics, type CreditDynamicsRun } from "./creditDynamics";
import { ScoringModel } from "../src/scoring/params";

export type Job =
  | { kind: "paper1"; experiment: Paper1Experiment; firstRun: number; runs: number; seed: number }
  | { kind: "paper2"; variant: Paper2Variant; seed: number; blocks: number }
  | { kind: "models"; model: ScoringModel; seed: number; epochs: number }
  | { kind: "time"; nodes: number; seed: number }
  | { kind: "rounds"; nodes: number; rounds: number; seed: number }
  | { kind: "credit"; seed: number; stages: number }
  | { kind: "throughput"; model: ScoringModel; seed: number; epochs: number; maliciousShare: number };

export type JobResult =
  | { kind: "paper1"; job: Job; result: Paper1Readings }
  | { kind: "paper2"; job: Job; result: Paper2Run }
  | { kind: "models"; job: Job; result: ComparisonRun }
  | { kind: "time"; job: Job; result: ConsensusTime }
  | { kind: "rounds"; job: Job; result: number[] }
  | { kind: "credit"; job: Job; result: CreditDynamicsRun }
  | { kind: "throughput"; job: Job; result: ThroughputRun };

export interface Plan {
  paper1: Paper1Experiment[];
  runs: number;
  paper2: Paper2Variant[];
  seeds: number;
  blocks: number;
  models: boolean;
  epochs: number;
  timeNodes: number[];
  seed: number;
  /** Paper 1 credit dynamics: seeds (0: not run) and stages per run. */
  credit?: { seeds: number; stages: number };
  /** Paper 2 Figs. 5–6: seeds per model (0: not run), elected epochs per run, malicious share. */
  throughput?: { seeds: number; epochs: number; maliciousShare: number };
}

/** Paper 1 runs per job: small enough to balance two workers, large enough to amortise a deployment. */
const PAPER1_CHUNK = 250;

export function planJobs(p: Plan): Job[] {
  const jobs: Job[] = [];
  for (const experiment of p.paper1) {
    // each run counts under both readings of V (the literal count scored by the mirror, issue 23 item 5)
    for (let first = 0; first < p.runs; first += PAPER1_CHUNK) {
      jobs.push({ kind: "paper1", experiment, firstRun: first, runs: Math.min(PAPER1_CHUNK, p.runs - first), seed: p.seed });
    }
  }
  for (const variant of p.paper2)
    for (let s = 0; s < p.seeds; s++) jobs.push({ kind: "paper2", variant, seed: p.seed + s, blocks: p.blocks });
  if (p.models) {
    for (const model of [ScoringModel.Classic, ScoringModel.Credit, ScoringModel.DynamicTrust]) {
      for (let s = 0; s < p.seeds; s++) jobs.push({ kind: "models", model, seed: p.seed + s, epochs: p.epochs });
    }
  }
  for (const nodes of p.timeNodes) jobs.push({ kind: "time", nodes, seed: p.seed });
  if (p.timeNodes.length > 0) jobs.push({ kind: "rounds", nodes: 10, rounds: FIG3_ROUNDS, seed: p.seed });
  if (p.credit) for (let s = 0; s < p.credit.seeds; s++) jobs.push({ kind: "credit", seed: p.seed + s, stages: p.credit.stages });
  const t = p.throughput;
  if (t && t.seeds > 0) {
    for (const model of [ScoringModel.Classic, ScoringModel.DynamicTrust, ScoringModel.Credit]) {
      for (let s = 0; s < t.seeds; s++)
        jobs.push({ kind: "throughput", model, seed: p.seed + s, epochs: t.epochs, maliciousShare: t.maliciousShare });
    }
  }
  return jobs;
}

/** Progress units of a job (runs, blocks, epochs, or one per consensus-time size). */
export function unitsOf(job: Job): number {
  if (job.kind === "paper1") return job.runs;
  if (job.kind === "paper2") return job.blocks;
  if (job.kind === "models" || job.kind === "throughput") return job.epochs;
  if (job.kind === "rounds") return job.rounds;
  if (job.kind === "credit") return job.stages;
  return 1;
}

/** Estimated seconds of a job on this machine (ordering only). */
export function costOf(job: Job): number {
  if (job.kind === "paper1") return 1 + 0.12 * job.runs;
  if (job.kind === "paper2") return 1 + 0.07 * job.blocks;
  if (job.kind === "models") return 1 + 0.09 * job.epochs;
  if (job.kind === "throughput") return 4 + 5 * job.epochs;
  if (job.kind === "rounds") return 1 + 0.1 * job.rounds;
  if (job.kind === "credit") return 1 + 0.3 * job.stages;
  return 2 + 0.02 * job.nodes;
}

/** The jobs longest first: workers that take them in this order finish within one short job of each other. */
export function longestFirst(jobs: Job[]): Job[] {
  return [...jobs].sort((a, b) => costOf(b) - costOf(a));
}

/** Runs one job; `onUnit` is told of each unit done. */
export async function runJob(job: Job, onUnit: (done: number) => void): Promise<JobResult> {
  if (job.kind === "paper1") {
    return {
      kind: job.kind,
      job,
      result: await runPaper1Experiment(job.experiment, job.runs, job.seed, onUnit, job.firstRun),
    };
  }
  if (job.kind === "paper2") return { kind: job.kind, job, result: await runPaper2(job.variant, job.seed, job.blocks, onUnit) };
  if (job.kind === "models") return { kind: job.kind, job, result: await runModelComparison(job.model, job.seed, job.epochs, onUnit) };
  if (job.kind === "throughput") {
    return {
      kind: job.kind,
      job,
      result: await runThroughput(job.model, job.seed, { epochs: job.epochs, maliciousShare: job.maliciousShare }, onUnit),
    };
  }
  if (job.kind === "credit") return { kind: job.kind, job, result: await runCreditDynamics(job.seed, job.stages, onUnit) };
  if (job.kind === "rounds") {
    const result = await measureRounds(job.nodes, job.rounds, job.seed);
    onUnit(job.rounds);
    return { kind: job.kind, job, result };
  }
  const result = await measureConsensusTime(job.nodes, job.seed);
  onUnit(1);
  return { kind: job.kind, job, result };
}

/** Paper 1 results per experiment and reading of V, the chunks' counts added up. */
export function mergePaper1(results: JobResult[], runs: number, seed: number): Paper1Result[] {
  const merged = new Map<string, Paper1Result>();
  for (const r of results) {
    if (r.kind !== "paper1") continue;
    for (const part of [r.result.share, r.result.count]) {
      const key = `${part.reading}:${part.experiment}`;
      const m = merged.get(key) ?? { ...part, runs, seed, counts: new Array<number>(part.counts.length).fill(0) };
      part.counts.forEach((n, i) => (m.counts[i] += n));
      merged.set(key, m);
    }
  }
  return [...merged.values()].sort((a, b) => a.reading.localeCompare(b.reading) * -1 || a.experiment - b.experiment);
}
