// The services' one run loop (src/chain/serviceLoop.ts), with its waits recorded instead of slept:
// exponential backoff on RPC failures only, the poll interval otherwise, a stop on abort that lets
// the tick in progress finish, health, and each state logged once, when it changes.
import { expect } from "chai";
import pino from "pino";
import { ServiceLoop, backoffMs } from "../../src/chain/serviceLoop";

/** An error as ethers reports an unreachable endpoint. */
const unreachable = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
/** A contract error: retrying sooner or later changes nothing. */
const reverted = (name: string) => Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION", revert: { name, args: [] } });

function logged() {
  const lines: { event: string; [k: string]: unknown }[] = [];
  return { lines, log: pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) }) };
}

/** A loop over `outcomes` (an Error throws, anything else succeeds), aborted when they run out; the waits it asked for. */
async function runOver(outcomes: unknown[], pollMs = 1_000) {
  const { lines, log } = logged();
  const controller = new AbortController();
  const waits: number[] = [];
  const states: string[] = [];
  let i = 0;
  const loop: ServiceLoop = new ServiceLoop(
    async () => {
      const o = outcomes[i++];
      if (i === outcomes.length) controller.abort(); // the last tick runs to its end, then the loop stops
      if (o instanceof Error) throw o;
    },
    log,
    {
      pollMs,
      sleep: async (ms) => {
        waits.push(ms);
        states.push(loop.health().state);
      },
    },
  );
  await loop.run(controller.signal);
  return { loop, waits, states, lines, ticks: i };
}

describe("service loop", () => {
  it("backs off exponentially from the poll interval (at least 250 ms) up to the cap, never past it", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, 1_000))).to.deep.equal([1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    expect([1, 2, 3].map((n) => backoffMs(n, 0))).to.deep.equal([250, 500, 1_000]);
    expect(backoffMs(10_000, 1_000), "no overflow to Infinity or NaN").to.equal(30_000);
    expect(backoffMs(3, 1_000, 3_000)).to.equal(3_000);
  });

  it("waits longer after each RPC failure, logs the failure once and the recovery once, and is healthy again", async () => {
    const { loop, waits, states, lines, ticks } = await runOver([unreachable(), unreachable(), unreachable(), "ok", "ok"]);
    expect(ticks).to.equal(5);
    expect(waits, "backoff, then the poll interval; no wait after the last tick").to.deep.equal([1_000, 2_000, 4_000, 1_000]);
    expect(states).to.deep.equal(["backing-off", "backing-off", "backing-off", "running"]);
    const failed = lines.filter((l) => l.event === "tick-failed");
    expect(failed, "the same failure three times is one state").to.have.length(1);
    expect(failed[0]).to.include({ transient: true, failures: 1, retryInMs: 1_000 });
    expect(lines.filter((l) => l.event === "tick-recovered").map((l) => l.after)).to.deep.equal([3]);
    expect(loop.health()).to.include({ state: "stopped", ticks: 2, failures: 0, lastError: null });
    expect(loop.health().lastTickAt).to.be.a("string");
  });

  it("retries a contract error at the poll interval (waiting would not cure it), logging each different error", async () => {
    const { waits, states, lines, loop } = await runOver([reverted("A"), reverted("A"), reverted("B"), reverted("B")], 500);
    expect(waits).to.deep.equal([500, 500, 500]);
    expect(states).to.deep.equal(["failing", "failing", "failing"]);
    expect(lines.filter((l) => l.event === "tick-failed").map((l) => l.error)).to.deep.equal(["A()", "B()"]);
    expect(loop.health()).to.include({ failures: 4, lastError: "B()" });
  });

  it("stops on abort: the tick in progress finishes, no other starts, and a sleep in progress ends at once", async () => {
    const { log } = logged();
    const controller = new AbortController();
    let started = 0;
    let finished = 0;
    const loop = new ServiceLoop(
      async () => {
        started++;
        controller.abort();
        await new Promise((r) => setImmediate(r));
        finished++;
      },
      log,
      { pollMs: 60_000 },
    );
    await loop.run(controller.signal);
    expect([started, finished]).to.deep.equal([1, 1]);
    expect(loop.health().state).to.equal("stopped");

    // aborted while sleeping out a minute-long poll: the real sleep returns at once
    const second = new AbortController();
    const idle = new ServiceLoop(async () => undefined, log, { pollMs: 60_000 });
    const running = idle.run(second.signal);
    await new Promise((r) => setImmediate(r));
    expect(idle.health()).to.include({ state: "running", nextTickInMs: 60_000 });
    second.abort();
    await running;
    expect(idle.health()).to.include({ state: "stopped", ticks: 1 });
  });

  it("reports a state as changed the first time and after each change, never twice in a row", () => {
    const loop = new ServiceLoop(async () => undefined, logged().log, { pollMs: 0 });
    const seen = ["empty", "empty", "empty", "submitted", "empty", "empty"].map((s) => loop.changed("submission", s));
    expect(seen).to.deep.equal([true, false, false, true, true, false]);
    expect(loop.changed("jail", "empty"), "keys are followed apart").to.equal(true);
  });
});
