// The worker pool of `npm run experiments`: jobs are handed one at a time, longest first, to worker
// processes (one a core, pinned to it when `taskset` exists), each a `hardhat experiments --worker`
// with its own in-process network, over an IPC channel, so the workers finish together. A worker
// left bloated by a large job is replaced before it takes another.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { EnvironmentError } from "../src/util/errors";

/**
 * The CPUs this process may run on (Linux's Cpus_allowed_list), when `taskset` can pin a worker to
 * one of them; otherwise none. A worker's JavaScript thread and the Hardhat network's threads hand
 * every request back and forth; kept on one core they spare the cross-core wake-ups (measured in
 * results/experiments/README.md).
 */
export function pinnableCpus(): number[] {
  try {
    const line = readFileSync("/proc/self/status", "utf8").match(/^Cpus_allowed_list:\s*(.+)$/m)?.[1] ?? "";
    const cpus = line.split(",").flatMap((part) => {
      const [a, b = a] = part.trim().split("-").map(Number);
      return Number.isInteger(a) && Number.isInteger(b) ? Array.from({ length: b - a + 1 }, (_, i) => a + i) : [];
    });
    return cpus.length > 0 && spawnSync("taskset", ["-V"]).status === 0 ? cpus : [];
  } catch {
    return []; // not Linux
  }
}

/**
 * A worker whose resident memory passed this after a job is replaced: the embedded network frees a
 * large state (the 10,000-node round peaks near 20 GB) but the process stays slow afterwards.
 */
export const WORKER_MEMORY_LIMIT = 2 * 2 ** 30;

type Message<R> = { ready?: boolean; progress?: number; result?: R; rss?: number };

/** Worker side: runs each job the parent sends until it sends none, reporting progress and results. */
export function serveJobs<J, R>(run: (job: J, progress: (done: number) => void) => Promise<R>): Promise<void> {
  if (!process.send) throw new EnvironmentError("IPC", "--worker is internal: it needs the IPC channel of `npm run experiments`");
  const send = process.send.bind(process);
  return new Promise<void>((resolve, reject) => {
    process.on("message", (message: { job?: J }) => {
      if (!message.job) return resolve();
      let reported = 0;
      run(message.job, (done) => {
        send({ progress: done - reported });
        reported = done;
      }).then((result) => send({ result, rss: process.memoryUsage().rss }), reject);
    });
    send({ ready: true });
  });
}

export interface PoolRun<R> {
  results: R[];
  /** Worker seconds and jobs by kind of job. */
  busy: Map<string, { jobs: number; seconds: number }>;
  replaced: number;
  pinned: boolean;
}

/**
 * Parent side: runs `queue` (taken from the front) on `workers` processes started with `command`,
 * calling `progress` with each worker's increments. `kindOf` names a result's kind of job for the
 * time summary.
 */
export async function runPool<J, R>(
  queue: J[],
  workers: number,
  command: string[],
  progress: (units: number) => void,
  kindOf: (result: R) => string,
): Promise<PoolRun<R>> {
  const cpus = pinnableCpus();
  const results: R[] = [];
  const busy = new Map<string, { jobs: number; seconds: number }>();
  let replaced = 0;
  const slot = async (w: number): Promise<void> => {
    while (queue.length > 0) {
      await new Promise<void>((resolve, reject) => {
        const argv = cpus.length > 0 ? ["taskset", "-c", String(cpus[w % cpus.length]), ...command] : command;
        const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "inherit", "ipc"] });
        let since = performance.now();
        const next = (retire: boolean) => {
          const job = retire ? undefined : queue.shift();
          since = performance.now();
          child.send({ job }); // no job: the worker exits
        };
        child.on("message", (m: Message<R>) => {
          if (m.progress) progress(m.progress);
          if (m.result) {
            results.push(m.result);
            const kind = kindOf(m.result);
            const b = busy.get(kind) ?? { jobs: 0, seconds: 0 };
            busy.set(kind, { jobs: b.jobs + 1, seconds: b.seconds + (performance.now() - since) / 1000 });
          }
          const retire = (m.rss ?? 0) > WORKER_MEMORY_LIMIT;
          if (retire) replaced += 1;
          if (m.ready || m.result) next(retire);
        });
        child.on("error", reject);
        child.on("exit", (code) =>
          code === 0 ? resolve() : reject(new EnvironmentError(`worker ${w}`, `experiment worker ${w} exited with ${code}`)),
        );
      });
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => slot(w)));
  return { results, busy, replaced, pinned: cpus.length > 0 };
}
