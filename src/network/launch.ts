// `npm run network`: the real components, each in its own process. Starts a `npx hardhat node` or
// an Anvil node (src/network/nodes.ts), deploys the system with the `local` preset and records its addresses, registers, admits and bonds
// producers (each with a delegate client at its registered endpoint) and consumers, casts votes,
// then starts the keeper and the delegate clients as `hardhat keeper` / `hardhat delegate`
// processes, and keeps prosumers trading through the delegates' HTTP endpoints. The chain's clock
// may run faster than the wall's (`speed`): the launcher moves it forward and mines a block every
// half second, so services that read the chain's time see epochs pass in seconds. Only that clock
// and the population use node-specific methods (evm_*); with `recordRpc`, the deployment, the
// services and the tasks reach the node through a proxy that notes every method they send.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { HDNodeWallet, type JsonRpcProvider } from "ethers";
import { HARDHAT_MNEMONIC, chainTime, rpcProvider, sendChecked } from "../chain/tx";
import { attach, recordDeployment, type Contracts } from "../deployment/addressBook";
import { deploySystem } from "../deployment/deploySystem";
import { presetOptions } from "../deployment/presets";
import { NodeClass, WAD } from "../scoring/params";
import { SeededRandom } from "../util/random";
import { ledgerDomain } from "../ledger/signing";
import type { MisbehaviourName } from "../delegate/misbehaviour";
import { sendToDelegates, signedTrade } from "../delegate/prosumer";
import { nodeCommand, type NodeKind } from "./nodes";
import { RpcRecorder } from "./rpcRecorder";
import { EnvironmentError } from "../util/errors";

const ROOT = path.join(__dirname, "..", "..");
const HARDHAT = path.join(ROOT, "node_modules", ".bin", "hardhat");
const TS_NODE = path.join(ROOT, "node_modules", ".bin", "ts-node");
const NODE_NAMES: Record<NodeKind, string> = { hardhat: "Hardhat", anvil: "Anvil" };

export interface NetworkOptions {
  /** Which node runs the chain. */
  node: NodeKind;
  /** JSON-RPC port of the node. */
  port: number;
  /** Send the deployment, the services and the tasks through an {@link RpcRecorder}. */
  recordRpc?: boolean;
  /** Producers, each with a delegate client (K = 3 and one standby come from the preset). */
  producers: number;
  consumers: number;
  /** First delegate-client port; producer i listens on basePort + i. */
  basePort: number;
  /** Chain seconds per wall second. */
  speed: number;
  /** How the first producer misbehaves, if at all. */
  misbehave?: MisbehaviourName;
  /** Where the address record and the services' logs go. */
  dir: string;
  /** Wall milliseconds between prosumer trades (0: none). */
  tradeEveryMs: number;
  /** Progress lines. */
  say: (line: string) => void;
  /** Port of the dashboard (`npm run dashboard`) started with the services; none when undefined. */
  dashboardPort?: number;
}

export const DEFAULT_NETWORK_OPTIONS: NetworkOptions = {
  node: "hardhat",
  port: 8545,
  producers: 4,
  consumers: 3,
  basePort: 7101,
  speed: 10,
  dir: path.join(ROOT, "results", "network"),
  tradeEveryMs: 1_000,
  say: (line) => console.log(line),
};

/** Account i of the node's mnemonic: 0 admin and meter oracle, 1 keeper, then producers, then consumers. */
export const account = (i: number, provider: JsonRpcProvider) =>
  HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).connect(provider);

export class Network {
  readonly processes = new Map<string, ChildProcess>();
  /** Where each process's run begins in its log. */
  private readonly logStart = new Map<string, number>();
  private clockPaused = false;
  private timers: NodeJS.Timeout[] = [];
  provider!: JsonRpcProvider;
  contracts!: Contracts;
  producers: string[] = [];
  consumers: string[] = [];
  readonly rpcUrl: string;
  /** The proxy noting every method the deployment, services and tasks send (with `recordRpc`). */
  recorder?: RpcRecorder;

  constructor(readonly options: NetworkOptions) {
    this.rpcUrl = `http://127.0.0.1:${options.port}`;
  }

  /** Node, deployment, population, services, clock and traders. */
  async start(): Promise<void> {
    const o = this.options;
    fs.mkdirSync(o.dir, { recursive: true });
    o.say(`Starting a ${NODE_NAMES[o.node]} JSON-RPC node on ${this.rpcUrl}...`);
    const node = nodeCommand(o.node, o.port);
    this.spawn("node", node.command, node.args);
    this.provider = rpcProvider(this.rpcUrl, 31337n);
    await this.waitForNode();
    if (o.recordRpc) this.recorder = await RpcRecorder.start(this.rpcUrl);
    o.say("Deploying the system (local preset: 4-minute epochs, 4 slots, K = 3, 1 standby)...");
    const deployer = rpcProvider(this.serviceUrl("deploy"), 31337n);
    const firstBlock = await deployer.getBlockNumber(); // readers of the logs start before the first creation
    const system = await deploySystem(account(0, deployer), presetOptions("local"));
    await recordDeployment(system, 31337n, "localhost", firstBlock, this.addressDir());
    deployer.destroy();
    this.contracts = (await attach(this.provider, this.addressDir())).contracts;
    await this.populate();
    o.say("Starting the keeper and the delegate clients (logs in " + o.dir + ")...");
    this.service("keeper", ["keeper", "--from", "1", "--poll", "250", "--index-file", path.join(o.dir, "keeper-index.json")]);
    for (let i = 0; i < o.producers; i++) {
      const extra = i === 0 && o.misbehave ? ["--misbehave", o.misbehave] : [];
      // each client keeps its slashing-protection record beside its log, for this run alone
      const dataDir = path.join(o.dir, `delegate-${i + 1}-signed`);
      this.service(`delegate-${i + 1}`, [
        "delegate",
        "--from",
        String(2 + i),
        "--port",
        String(o.basePort + i),
        "--poll",
        "200",
        "--data-dir",
        dataDir,
        ...extra,
      ]);
    }
    // the fast clock starts once every service is up: a slow start (a loaded machine) loses no epoch
    await this.waitForLog("keeper", '"event":"started"');
    for (let i = 0; i < o.producers; i++) await this.waitForLog(`delegate-${i + 1}`, '"event":"listening"');
    if (o.dashboardPort !== undefined) {
      this.spawn("dashboard", TS_NODE, [
        "--transpile-only",
        path.join(ROOT, "scripts", "dashboard.ts"),
        "--rpc",
        this.rpcUrl,
        "--addresses",
        this.addressDir(),
        "--port",
        String(o.dashboardPort),
      ]);
    }
    this.startClock();
    if (o.tradeEveryMs > 0) this.startTrading();
  }

  /** Where the dashboard started with the network serves, if one was. */
  get dashboardUrl(): string | undefined {
    return this.options.dashboardPort === undefined ? undefined : `http://127.0.0.1:${this.options.dashboardPort}`;
  }

  addressDir(): string {
    return path.join(this.options.dir, "addresses");
  }

  /** The JSON-RPC URL a deployment, service or task named `name` uses: the node's, or its own path on the recorder. */
  serviceUrl(name: string): string {
    return this.recorder ? this.recorder.url(name) : this.rpcUrl;
  }

  /** Start a `hardhat <args>` service process on this network, logging to <dir>/<name>.log. */
  service(name: string, args: string[]): ChildProcess {
    return this.spawn(name, HARDHAT, [...args, "--network", "localhost"], this.serviceUrl(name));
  }

  private spawn(name: string, command: string, args: string[], rpcUrl = this.rpcUrl): ChildProcess {
    const file = path.join(this.options.dir, `${name}.log`);
    this.logStart.set(name, fs.existsSync(file) ? fs.statSync(file).size : 0); // logs are appended across runs
    const log = fs.openSync(file, "a");
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, LOCALHOST_RPC_URL: rpcUrl, ENERGY_DPOS_ADDRESSES: this.addressDir(), TS_NODE_TRANSPILE_ONLY: "true" },
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    this.processes.set(name, child);
    return child;
  }

  /** Stop a process (SIGTERM, or SIGKILL to simulate a crash) and wait for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    const child = this.processes.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill(signal);
    this.processes.delete(name);
    return exited;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const services = [...this.processes.keys()].filter((n) => n !== "node");
    await Promise.all(services.map((n) => this.kill(n)));
    await this.kill("node");
    await this.recorder?.stop();
    this.provider?.destroy();
  }

  /** The chain's time now. */
  async now(): Promise<bigint> {
    return chainTime(this.provider);
  }

  /** Wait until service `name` logs `line` (its start); fails when it exits first or after 5 minutes. */
  async waitForLog(name: string, line: string): Promise<void> {
    const file = path.join(this.options.dir, `${name}.log`);
    for (const until = Date.now() + 300_000; Date.now() < until;) {
      const child = this.processes.get(name);
      if (!child || child.exitCode !== null)
        throw new EnvironmentError(name, `${name} exited (code ${child?.exitCode}) before it started; see ${file}`);
      if (
        fs
          .readFileSync(file)
          .subarray(this.logStart.get(name) ?? 0)
          .toString("utf8")
          .includes(line)
      )
        return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new EnvironmentError(name, `${name} did not start within 5 minutes; see ${file}`);
  }

  private async waitForNode(): Promise<void> {
    const node = this.processes.get("node")!;
    for (let i = 0; i < 240; i++) {
      if (node.exitCode !== null) {
        throw new EnvironmentError(
          "node",
          `the ${NODE_NAMES[this.options.node]} node exited (code ${node.exitCode}); see ${path.join(this.options.dir, "node.log")}`,
        );
      }
      try {
        await this.provider.getBlockNumber();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new EnvironmentError("node", `no JSON-RPC answer on ${this.rpcUrl} after 60 s`);
  }

  /** Producers 2..2+P-1 (falling capacity, the first the largest) and consumers after them. */
  private async populate(): Promise<void> {
    const o = this.options;
    const c = this.contracts;
    const admin = account(0, this.provider);
    const vault = await c.vault.getAddress();
    const wallets = Array.from({ length: o.producers + o.consumers }, (_, i) => account(2 + i, this.provider));
    this.producers = wallets.slice(0, o.producers).map((w) => w.address);
    this.consumers = wallets.slice(o.producers).map((w) => w.address);
    o.say(`Registering, admitting and bonding ${o.producers} producers and ${o.consumers} consumers; votes...`);
    const keeper = account(1, this.provider);
    // through sendChecked, as the services send: an exact estimate can fall short when the block that
    // mines a vote has a later timestamp than the one it was estimated in (a new checkpoint instead of
    // an update), which Anvil's same-second blocks showed
    for (const w of [keeper, ...wallets]) await sendChecked("mint", c.token.connect(admin).mint, w.address, 10_000n * WAD);
    for (const [i, w] of wallets.entries()) {
      const producer = i < o.producers;
      await sendChecked("approve", c.token.connect(w).approve, vault, 2n ** 255n);
      const endpoint = producer ? `http://127.0.0.1:${o.basePort + i}` : "";
      await sendChecked(
        "register",
        c.registry.connect(w).register,
        producer ? NodeClass.Wind : NodeClass.Consumer,
        producer ? BigInt(90_000 - i * 10_000) : 0n,
        endpoint,
      );
      await sendChecked("admit", c.registry.connect(admin).admit, w.address);
      if (producer) await sendChecked("deposit", c.vault.connect(w).deposit, BigInt(500 + 100 * (o.producers - i)) * WAD);
    }
    // every node votes: most for the first producer, the rest spread
    for (const [i, w] of wallets.entries()) {
      const candidates = [this.producers[0], this.producers[1 + (i % (o.producers - 1))]];
      await sendChecked("vote", c.election.connect(w).vote, candidates, [6n, 4n]);
    }
  }

  /** Let the chain's time run at the wall's pace only (blocks still come), e.g. while a test restarts a service. */
  pauseClock(): void {
    this.clockPaused = true;
  }

  resumeClock(): void {
    this.clockPaused = false;
  }

  /** Move the chain's clock `speed` times as fast as the wall's, one block every half second. */
  private startClock(): void {
    const extra = Math.max(0, Math.round((this.options.speed - 1) / 2));
    this.every(500, async () => {
      if (this.clockPaused) return;
      if (extra > 0) await this.provider.send("evm_increaseTime", [extra]);
      await this.provider.send("evm_mine", []);
    });
  }

  /** A producer sells to a consumer every `tradeEveryMs`, sending the signed order to every delegate. */
  private startTrading(): void {
    const rng = new SeededRandom(7);
    let nonce = 0n;
    this.every(this.options.tradeEveryMs, async () => {
      const seller = account(2 + rng.below(this.options.producers), this.provider);
      const buyer = account(2 + this.options.producers + rng.below(this.options.consumers), this.provider);
      const domain = ledgerDomain(31337n, await this.contracts.ledger.getAddress());
      const order = { seller: seller.address, buyer: buyer.address, energy: BigInt(1_000 + rng.below(9_000)), price: WAD, nonce: nonce++ };
      await sendToDelegates(this.contracts, await signedTrade(domain, order, seller, buyer), 2_000);
    });
  }

  /** Run `task` every `ms`, never two at once; its errors (no delegates yet, the node stopping) are ignored. */
  private every(ms: number, task: () => Promise<void>): void {
    let busy = false;
    this.timers.push(
      setInterval(() => {
        if (busy) return;
        busy = true;
        task()
          .catch(() => undefined)
          .finally(() => (busy = false));
      }, ms),
    );
  }
}
