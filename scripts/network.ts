// `npm run network [-- --node anvil --speed 10 --epochs 6 --misbehave withhold]`: a JSON-RPC node
// (`hardhat node` or Anvil), the keeper and one delegate client per producer, each in its own process (see src/network/launch.ts);
// prints each epoch's election, blocks and punishments as they happen; Ctrl-C stops everything.
import { Command, InvalidArgumentError } from "commander";
import path from "node:path";
import { DEFAULT_NETWORK_OPTIONS, Network } from "../src/network/launch";
import { summarizeEpoch } from "../src/network/observe";
import { describeError } from "../src/chain/tx";
import { Clock } from "../src/chain/clock";
import { NODE_KINDS, type NodeKind } from "../src/network/nodes";

const int = (name: string, min: number, max: number) => (raw: string) => {
  const v = Number(raw);
  if (!/^\d+$/.test(raw) || v < min || v > max)
    throw new InvalidArgumentError(`${name} must be a whole number in [${min}, ${max}], got "${raw}"`);
  return v;
};

const program = new Command()
  .name("npm run network --")
  .description("Run a local energy-DPoS network: a node (Hardhat's or Anvil), the keeper and delegate clients, each in its own process")
  .option("--node <kind>", `the JSON-RPC node: ${NODE_KINDS.join(" or ")}`, DEFAULT_NETWORK_OPTIONS.node)
  .option("--port <n>", "JSON-RPC port of the node", int("--port", 1, 65_535), DEFAULT_NETWORK_OPTIONS.port)
  .option(
    "--producers <n>",
    "producers, each with a delegate client (at least 3)",
    int("--producers", 3, 16),
    DEFAULT_NETWORK_OPTIONS.producers,
  )
  .option("--consumers <n>", "consumers", int("--consumers", 1, 16), DEFAULT_NETWORK_OPTIONS.consumers)
  .option("--speed <n>", "chain seconds per wall second (1: real time)", int("--speed", 1, 60), DEFAULT_NETWORK_OPTIONS.speed)
  .option("--epochs <n>", "stop when this epoch is over (0: run until Ctrl-C)", int("--epochs", 0, 10_000), 6)
  .option("--misbehave <how>", "how the first producer misbehaves: withhold, equivocate or none", "withhold")
  .option("--dir <path>", "address record and service logs", DEFAULT_NETWORK_OPTIONS.dir)
  .option("--dashboard-port <n>", "port of the dashboard started with the network", int("--dashboard-port", 1, 65_535), 8090)
  .option("--no-dashboard", "start no dashboard")
  .parse();

async function main() {
  const o = program.opts<{
    node: string;
    port: number;
    producers: number;
    consumers: number;
    speed: number;
    epochs: number;
    misbehave: string;
    dir: string;
    dashboard: boolean;
    dashboardPort: number;
  }>();
  if (!(NODE_KINDS as readonly string[]).includes(o.node)) program.error(`--node must be ${NODE_KINDS.join(" or ")}, got "${o.node}"`);
  if (!["withhold", "equivocate", "none"].includes(o.misbehave))
    program.error(`--misbehave must be withhold, equivocate or none, got "${o.misbehave}"`);
  const network = new Network({
    ...DEFAULT_NETWORK_OPTIONS,
    node: o.node as NodeKind,
    port: o.port,
    producers: o.producers,
    consumers: o.consumers,
    speed: o.speed,
    misbehave: o.misbehave === "none" ? undefined : (o.misbehave as "withhold" | "equivocate"),
    dir: path.resolve(o.dir),
    dashboardPort: o.dashboard ? o.dashboardPort : undefined,
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("Stopping the services and the node...");
    await network.stop();
    process.exit(code);
  };
  process.once("SIGINT", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));
  try {
    await network.start();
    const c = network.contracts;
    const clock = await Clock.read(c.election);
    console.log(
      `Producers (delegate clients): ${network.producers.join(", ")}${o.misbehave !== "none" ? ` — the first will ${o.misbehave}` : ""}`,
    );
    if (network.dashboardUrl) console.log(`Dashboard: ${network.dashboardUrl} (log in ${path.join(o.dir, "dashboard.log")})`);
    console.log(
      `Epochs of ${clock.epochDuration} s chain time at ${o.speed}x: one every ${(Number(clock.epochDuration) / o.speed).toFixed(0)} s. Ctrl-C stops.`,
    );
    let reported = 0n;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_000));
      const now = await network.now();
      const epoch = clock.epochOf(now);
      while (reported < epoch) {
        console.log(await summarizeEpoch(c, reported, network.producers));
        reported++;
      }
      if (o.epochs > 0 && epoch > BigInt(o.epochs)) break;
    }
    console.log(`Epoch ${o.epochs} is over; logs in ${o.dir}.`);
    await stop(0);
  } catch (e) {
    console.error(describeError(e));
    await stop(1);
  }
}

void main();
