// The long-running services: `npx hardhat keeper --network localhost --from 1` and
// `npx hardhat delegate --network localhost --from 2 --port 7001`. Both run in the one service loop
// (src/chain/serviceLoop.ts), log JSON lines (pino) to stdout, each state once when it changes, and
// stop cleanly on SIGINT or SIGTERM: the tick in progress finishes, then the process exits.
import { task, types } from "hardhat/config";
import { asTask } from "./lib/failure";
import { ensureCompiled } from "./lib/compiled";
import { oneOf, whole } from "../src/util/parse";

function stopSignal(): AbortSignal {
  const controller = new AbortController();
  for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => controller.abort());
  return controller.signal;
}

task("keeper", "Run a keeper: open, submit, check, challenge and finalize elections, report missed slots, claim rewards")
  .addOptionalParam(
    "from",
    "the keeper's account: index on a local node, env:NAME or file:PATH holding a private key",
    undefined,
    types.string,
  )
  .addOptionalParam("poll", "milliseconds between ticks", "1000", types.string)
  .addFlag("watchOnly", "never submit lists (no keeper bond): only check, challenge, finalize and report")
  .addOptionalParam(
    "indexFile",
    "cache the score index in this file, so a restart catches up from where it stopped (deleting it loses nothing)",
    undefined,
    types.string,
  )
  .addFlag("lens", "read every node's inputs through the lens each election instead of keeping an index of the contracts' events")
  .setAction(async (args: { from?: string; poll: string; watchOnly: boolean; indexFile?: string; lens: boolean }, hre) => {
    await asTask("keeper", () => ensureCompiled(hre));
    const { connect, need } = await import("./lib/context");
    const { Keeper } = await import("../src/keeper/keeper");
    const pino = (await import("pino")).default;
    const { keeper, signal } = await asTask("keeper", async () => {
      const pollMs = Number(whole("--poll", args.poll, 50n, 600_000n));
      const ctx = await connect(hre, args.from);
      const signer = need(ctx.signer);
      const log = pino({ base: { service: "keeper", account: await signer.getAddress() } });
      const { RawRpc } = await import("../src/chain/rpc");
      const index = args.lens ? undefined : { rpc: new RawRpc(ctx.url), startBlock: ctx.record.block, file: args.indexFile };
      const k = new Keeper(ctx.contracts, signer, log, { pollMs, claimAbove: 10n ** 18n, submit: !args.watchOnly, index });
      await k.start();
      log.info({ event: "started", network: hre.network.name, chainId: ctx.record.chainId });
      return { keeper: k, signal: stopSignal() };
    });
    await keeper.run(signal);
  });

task("delegate", "Run a delegate client: take trades over HTTP, produce and attest blocks")
  .addOptionalParam(
    "from",
    "the delegate node's account: index on a local node, env:NAME or file:PATH holding a private key",
    undefined,
    types.string,
  )
  .addOptionalParam("port", "HTTP port (the endpoint the node registered)", "7000", types.string)
  .addOptionalParam("host", "HTTP host to listen on", "127.0.0.1", types.string)
  .addOptionalParam("poll", "milliseconds between ticks", "500", types.string)
  .addOptionalParam(
    "misbehave",
    "demonstrations only: withhold or equivocate (its own slots; it attests, takes trades and unjails honestly)",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "dataDir",
    "folder of the slashing-protection record (what this key signed); keep it across restarts",
    ".energy-dpos/delegate",
    types.string,
  )
  .setAction(async (args: { from?: string; port: string; host: string; poll: string; misbehave?: string; dataDir: string }, hre) => {
    await asTask("delegate", () => ensureCompiled(hre));
    const { connect, need } = await import("./lib/context");
    const { DelegateClient } = await import("../src/delegate/client");
    const { MISBEHAVIOURS, MISBEHAVIOUR_NAMES } = await import("../src/delegate/misbehaviour");
    const pino = (await import("pino")).default;
    const { client, signal } = await asTask("delegate", async () => {
      const port = Number(whole("--port", args.port, 1n, 65_535n));
      const pollMs = Number(whole("--poll", args.poll, 50n, 600_000n));
      const misbehave = args.misbehave === undefined ? undefined : MISBEHAVIOURS[oneOf("--misbehave", args.misbehave, MISBEHAVIOUR_NAMES)];
      const ctx = await connect(hre, args.from);
      const signer = need(ctx.signer);
      const log = pino({ base: { service: "delegate", account: await signer.getAddress() } });
      const c = new DelegateClient(ctx.contracts, signer, log, {
        host: args.host,
        port,
        pollMs,
        maxTrades: 100,
        misbehave,
        dataDir: args.dataDir,
        fromBlock: ctx.record.block, // committed trades are read from the deployment on
      });
      await c.start();
      return { client: c, signal: stopSignal() };
    });
    await client.run(signal);
  });
