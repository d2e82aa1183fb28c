// The one run loop of the long-running services (the keeper and the delegate client): a tick on a
// poll interval, exponential backoff while the RPC endpoint fails, a clean stop on an AbortSignal,
// a health report, and logging each state once, when it changes, instead of at every tick (a
// service that polls every 250 ms would otherwise repeat the same line four times a second).
import type { Logger } from "pino";
import { describeError, isTransient } from "./tx";
import { sleep as wallSleep } from "../util/sleep";

export interface ServiceLoopOptions {
  /** Milliseconds between ticks. */
  pollMs: number;
  /** Longest wait after failed ticks (default 30 s). */
  maxBackoffMs?: number;
  /** Waits between ticks (default: {@link wallSleep}); tests pass their own to see the waits asked for. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * - `starting`: no tick has finished yet;
 * - `running`: the last tick succeeded;
 * - `backing-off`: the last tick failed on the RPC endpoint (transient), the next waits longer;
 * - `failing`: the last tick failed otherwise, the next comes at the poll interval;
 * - `stopped`: the signal aborted and the loop has returned.
 */
export type LoopState = "starting" | "running" | "backing-off" | "failing" | "stopped";

/** What `/health` and the keeper's `stopped` line report about the loop. */
export interface LoopHealth {
  state: LoopState;
  /** Ticks that succeeded. */
  ticks: number;
  /** Failed ticks in a row (0 once one succeeds). */
  failures: number;
  /** The last failure, while failing. */
  lastError: string | null;
  /** Wall-clock time of the last successful tick (ISO 8601), for monitoring only: decisions use the chain's time. */
  lastTickAt: string | null;
  /** The wait before the next tick. */
  nextTickInMs: number;
}

/** Smallest base of the backoff: a service polling every 0 ms (tests, the demo) still waits after a failure. */
const MIN_BACKOFF_BASE_MS = 250;

/**
 * The wait after `failures` (≥ 1) failed ticks in a row that failed on the RPC endpoint: the poll
 * interval (at least 250 ms) doubled per failure after the first, at most `maxMs`.
 */
export function backoffMs(failures: number, pollMs: number, maxMs = 30_000): number {
  const base = Math.max(pollMs, MIN_BACKOFF_BASE_MS);
  // 2^20 × 250 ms is already three days: no larger exponent can matter, and 2 ** 1100 is Infinity
  return Math.min(maxMs, base * 2 ** Math.min(Math.max(failures - 1, 0), 20));
}

export class ServiceLoop {
  private state: LoopState = "starting";
  private ticks = 0;
  private failures = 0;
  private lastError: string | null = null;
  private lastTickAt: string | null = null;
  private nextTickInMs = 0;
  /** The last state reported under each key (see {@link changed}). */
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly tick: (signal: AbortSignal) => Promise<void>,
    private readonly log: Logger,
    private readonly options: ServiceLoopOptions,
  ) {}

  /** Tick until `signal` aborts; the tick in progress finishes first. */
  async run(signal: AbortSignal): Promise<void> {
    const sleep = this.options.sleep ?? wallSleep;
    while (!signal.aborted) {
      const wait = await this.step(signal);
      if (signal.aborted) break;
      await sleep(wait, signal);
    }
    this.state = "stopped";
    this.nextTickInMs = 0;
  }

  /** One tick with the loop's bookkeeping; the milliseconds to wait before the next. */
  async step(signal: AbortSignal): Promise<number> {
    try {
      await this.tick(signal);
      if (this.failures > 0) this.log.info({ event: "tick-recovered", after: this.failures });
      this.failures = 0;
      this.lastError = null;
      this.ticks++;
      this.lastTickAt = new Date().toISOString();
      this.state = "running";
      this.nextTickInMs = this.options.pollMs;
    } catch (e) {
      this.failures++;
      const transient = isTransient(e);
      const error = describeError(e);
      this.state = transient ? "backing-off" : "failing";
      // a contract error or a bug is not the endpoint's fault: waiting longer would not cure it,
      // and the next tick may find the chain moved on
      this.nextTickInMs = transient ? backoffMs(this.failures, this.options.pollMs, this.options.maxBackoffMs) : this.options.pollMs;
      // the same failure again is the same state: logged when it starts or changes, counted in health
      if (this.failures === 1 || error !== this.lastError) {
        this.log.warn({ event: "tick-failed", transient, error, failures: this.failures, retryInMs: this.nextTickInMs });
      }
      this.lastError = error;
    }
    return this.nextTickInMs;
  }

  health(): LoopHealth {
    return {
      state: this.state,
      ticks: this.ticks,
      failures: this.failures,
      lastError: this.lastError,
      lastTickAt: this.lastTickAt,
      nextTickInMs: this.nextTickInMs,
    };
  }

  /**
   * True when `state` differs from the last state reported under `key` (and records it): the caller
   * logs it then, and stays silent while nothing changes. `key` names one thing whose state is
   * followed, e.g. "submission" or "jail".
   */
  changed(key: string, state: string): boolean {
    if (this.reported.get(key) === state) return false;
    this.reported.set(key, state);
    return true;
  }
}
