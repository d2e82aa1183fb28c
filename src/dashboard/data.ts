// The dashboard's data layer: one connection to the chain, polled. It finds the recorded deployment
// of the chain it reaches, keeps the event index current, tells the page when anything changed, and
// builds every view from the chain (and the services' /health) alone. An RPC that is down, a chain
// without a recorded deployment, or a node restarted under it (same chain id, contracts gone) are
// states it reports and recovers from, never crashes on. Reads are cached per head block, and for
// good where the chain cannot change them any more (past snapshots, slots that have begun).
import fs from "node:fs";
import { ZeroAddress, ZeroHash, getAddress, isAddress, type JsonRpcProvider } from "ethers";
import type { DashboardStatus } from "./api";
import { ADDRESS_DIR, attach, readDeployment, recordFile, type Contracts, type DeploymentRecord } from "../deployment/addressBook";
import { rpcProvider, describeError, isTransient } from "../chain/tx";
import { Clock } from "../chain/clock";
import { sleep } from "../util/sleep";
import { InputError, StateError } from "../util/errors";
import { toScoringParams, type NodeSnapshot } from "../chain/snapshotReader";
import { ScoringModel, type ScoringParams } from "../scoring/params";
import { EventIndex } from "./indexer";
import { modelName, readPoints, scoreTerms, type ScoreBreakdown } from "./terms";
import {
  electionTable,
  energyPerEpoch,
  energyTable,
  historyTable,
  jailedFromEvents,
  membersOf,
  membersTable,
  offencesTable,
  rewardsTable,
  slotsTable,
  type Health,
  type HistoryPoint,
  type Member,
  type NodeListEntry,
  type SlotInput,
} from "./shape";
import type { Table } from "./table";

export interface DashboardOptions {
  /** JSON-RPC endpoint of the chain. */
  rpcUrl: string;
  /** Folder of the address records (deploy/addresses by default). */
  addressDir: string;
  pollMs: number;
  /** Most blocks per eth_getLogs request. */
  logPageBlocks: number;
  healthTimeoutMs: number;
  /** Epochs of a node's history chart, at most. */
  historyEpochs: number;
}

export const DEFAULT_DASHBOARD_OPTIONS: DashboardOptions = {
  rpcUrl: "http://127.0.0.1:8545",
  addressDir: ADDRESS_DIR,
  pollMs: 1_000,
  logPageBlocks: 2_000,
  healthTimeoutMs: 1_000,
  historyEpochs: 60,
};

/** A request for something the chain does not have (an unknown node): 404. */
export class NotFound extends InputError {
  override name = "NotFound";
}

/** A bad request parameter (an epoch with no list, a malformed address): 400. */
export class BadRequest extends InputError {
  override name = "BadRequest";
}

/** No view can be built now: no deployment, or the RPC is down and nothing was read yet: 503. */
export class Unavailable extends StateError {
  override name = "Unavailable";
  constructor(message: string) {
    super("dashboard data", undefined, message);
  }
}

/** Nodes per lens call (SnapshotLens.MAX_PAGE is 500; the keeper uses 250 too). */
const LENS_PAGE = 250;
/** Addresses per nodesPage call. */
const ADDRESS_PAGE = 1_000;
/** Log pages read per poll: a long history is read over several polls, the page showing progress. */
const INDEX_PAGES_PER_POLL = 25;
/** How long a view waits on a delegate client's /health before showing its last answer. */
const HEALTH_WAIT_MS = 300;
/** Health answers larger than this are not read. */
const MAX_HEALTH_BYTES = 64 * 1024;

/** A bounded map that forgets its oldest entries. */
class Lru<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (this.has(key)) this.delete(key);
    super.set(key, value);
    if (this.size > this.max) this.delete(this.keys().next().value as K);
    return this;
  }
}

/** Everything about one attached deployment; dropped whole when the chain under it changes. */
interface Attached {
  record: DeploymentRecord;
  recordMtime: number;
  c: Contracts;
  addresses: { election: string; ledger: string; vault: string; registry: string; lens: string };
  clock: Clock;
  model: ScoringModel;
  rule: number;
  k: number;
  standbys: number;
  challengePeriod: number;
  index: EventIndex;
  /** Hash of the index's last block: a different hash there means the chain was replaced. */
  indexHash?: string;
  forever: Lru<string, Promise<unknown>>;
  nodeIndex?: NodeIndex;
}

interface NodeIndex {
  epoch: bigint;
  total: number;
  done: number;
  entries: NodeListEntry[];
  ready: boolean;
  failed?: string;
  failedAt?: number;
}

export class DashboardData {
  readonly status: DashboardStatus;
  private provider?: JsonRpcProvider;
  private chainId?: bigint;
  private sys?: Attached;
  private head?: { number: number; time: number; hash: string };
  private perBlock = new Lru<string, Promise<unknown>>(500);
  private readonly health = new Lru<string, { at: number; value: Promise<Health> }>(200);
  private readonly listeners = new Set<(s: DashboardStatus) => void>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private polling?: Promise<void>;
  private rateSamples: { wall: number; chain: number }[] = [];
  /** Resolves after the first poll, whatever its outcome. */
  readonly firstPoll: Promise<void>;
  private resolveFirst!: () => void;

  constructor(readonly options: DashboardOptions) {
    this.status = {
      version: 0,
      serverTime: Date.now(),
      rpc: { url: options.rpcUrl, state: "connecting" },
      deployment: { state: "unknown" },
    };
    this.firstPoll = new Promise((r) => (this.resolveFirst = r));
  }

  /** Poll every `pollMs` until stopped. */
  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      this.polling = this.poll();
      await this.polling;
      if (!this.stopped)
        this.timer = setTimeout(loop, this.status.rpc.state === "down" ? Math.min(5_000, this.options.pollMs * 2) : this.options.pollMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
    this.provider?.destroy();
  }

  /** Called with the status after every change; returns the unsubscribe function. */
  subscribe(listener: (s: DashboardStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The status without what changes on every poll: a different key means the views may differ. */
  private contentKey(): string {
    const s = this.status;
    return JSON.stringify({ ...s, serverTime: 0, version: 0, chain: s.chain && { ...s.chain, seenAt: 0, rate: 0 } });
  }

  /** One round: reach the RPC, find the deployment, index new events, note the clock. */
  async poll(): Promise<void> {
    const before = this.contentKey();
    try {
      await this.pollOnce();
    } catch (e) {
      if (isTransient(e) || !this.provider) this.rpcDown(e);
      else this.status.error = describeError(e).slice(0, 300);
    }
    // the version moves only when the views may have changed; the status goes out every poll,
    // so the page's countdown stays in step and a silent stream means a lost server
    if (this.contentKey() !== before) this.status.version += 1;
    this.status.serverTime = Date.now();
    for (const l of this.listeners) {
      try {
        l(this.status);
      } catch {
        this.listeners.delete(l); // a page gone mid-write must not stop the loop
      }
    }
    this.resolveFirst();
  }

  private rpcDown(e: unknown): void {
    const wasDown = this.status.rpc.state === "down";
    this.status.rpc = {
      url: this.options.rpcUrl,
      state: "down",
      error: describeError(e).slice(0, 200),
      downSince: wasDown ? this.status.rpc.downSince : Date.now(),
    };
    // the chain may come back another one (a restarted node): ask its id again then
    this.provider?.destroy();
    this.provider = undefined;
  }

  private async pollOnce(): Promise<void> {
    this.status.error = undefined;
    if (!this.provider) {
      const chainId = await rawChainId(this.options.rpcUrl, 3_000);
      if (this.chainId !== undefined && chainId !== this.chainId) this.detach();
      this.chainId = chainId;
      this.provider = rpcProvider(this.options.rpcUrl, chainId);
    }
    const provider = this.provider;
    const head = (await provider.send("eth_getBlockByNumber", ["latest", false])) as { number: string; timestamp: string; hash: string };
    const block = { number: Number(head.number), time: Number(head.timestamp), hash: head.hash };
    this.status.rpc = { url: this.options.rpcUrl, state: "up" };
    if (this.head?.hash !== block.hash) this.perBlock = new Lru(500);
    this.head = block;
    this.noteRate(block.time);
    this.status.chain = { chainId: this.chainId!.toString(), block: block.number, time: block.time, seenAt: Date.now(), rate: this.rate() };
    if (this.sys && !(await this.sameChain(this.sys))) this.detach();
    if (!this.sys) this.sys = await this.attachDeployment(provider);
    const sys = this.sys;
    if (!sys) return;
    await sys.index.advance(block.number, INDEX_PAGES_PER_POLL);
    if (sys.index.block === block.number) sys.indexHash = block.hash;
    const t = BigInt(block.time);
    const { epoch, slot } = sys.clock.slotAt(t);
    const slotWindow = sys.clock.slotWindow(epoch, slot);
    this.status.now = {
      epoch: Number(epoch),
      slot: Number(slot),
      slotStart: Number(slotWindow.start),
      slotEnd: Number(slotWindow.end),
      epochStart: Number(sys.clock.epochStart(epoch)),
      epochEnd: Number(sys.clock.epochStart(epoch) + sys.clock.epochDuration),
    };
    this.status.system!.nodes = Number(await this.atHead("nodeCount", () => sys.c.registry.nodeCount()));
    this.status.index = { block: sys.index.block };
  }

  /** Whether the attached deployment still stands: same record file, and the index's last block unchanged. */
  private async sameChain(sys: Attached): Promise<boolean> {
    const file = recordFile(BigInt(sys.record.chainId), this.options.addressDir);
    const mtime = fs.existsSync(file) ? fs.statSync(file).mtimeMs : -1;
    if (mtime !== sys.recordMtime) return false;
    if (sys.indexHash === undefined || sys.index.block < 0) return true;
    const b = (await this.provider!.send("eth_getBlockByNumber", [`0x${sys.index.block.toString(16)}`, false])) as { hash: string } | null;
    return b?.hash === sys.indexHash;
  }

  private detach(): void {
    this.sys = undefined;
    this.perBlock = new Lru(500);
    this.status.system = undefined;
    this.status.now = undefined;
    this.status.index = undefined;
    this.status.deployment = { state: "unknown" };
  }

  private async attachDeployment(provider: JsonRpcProvider): Promise<Attached | undefined> {
    const chainId = this.chainId!;
    const file = recordFile(chainId, this.options.addressDir);
    if (!fs.existsSync(file)) {
      this.status.deployment = {
        state: "missing",
        chainId: chainId.toString(),
        file,
        message: `No deployment is recorded for chain ${chainId} (${file} does not exist). Deploy with \`npx hardhat deploy-system --network <name>\`, or start \`npm run network\`; this page picks it up by itself.`,
      };
      return undefined;
    }
    const recordMtime = fs.statSync(file).mtimeMs;
    let record: DeploymentRecord;
    try {
      record = readDeployment(chainId, this.options.addressDir);
    } catch (e) {
      this.status.deployment = { state: "invalid", chainId: chainId.toString(), file, message: (e as Error).message };
      return undefined;
    }
    let c: Contracts;
    try {
      c = (await attach(provider, this.options.addressDir)).contracts;
    } catch (e) {
      if (isTransient(e)) throw e;
      this.status.deployment = { state: "no-code", chainId: chainId.toString(), file, message: (e as Error).message };
      return undefined;
    }
    const [clock, model, rule, k, standbys, challengePeriod] = await Promise.all([
      Clock.read(c.election),
      c.registry.scoringModel(),
      c.election.rule(),
      c.election.delegateCount(),
      c.election.standbyCount(),
      c.election.challengePeriod(),
    ]);
    const a = record.contracts;
    const addresses = { election: a.election, ledger: a.ledger, vault: a.vault, registry: a.registry, lens: a.lens };
    this.status.deployment = {
      state: "ok",
      chainId: record.chainId,
      network: record.network,
      deployedAt: record.deployedAt,
      file,
      contracts: { ...a },
    };
    this.status.system = {
      model: modelName(Number(model) as ScoringModel),
      rule: Number(rule) === 0 ? "top-k" : "weighted",
      delegates: Number(k),
      standbys: Number(standbys),
      genesis: Number(clock.genesis),
      epochDuration: Number(clock.epochDuration),
      slotsPerEpoch: Number(clock.slotsPerEpoch),
      slotDuration: Number(clock.slotDuration),
      challengePeriod: Number(challengePeriod),
      nodes: 0,
    };
    return {
      record,
      recordMtime,
      c,
      addresses,
      clock,
      model: Number(model) as ScoringModel,
      rule: Number(rule),
      k: Number(k),
      standbys: Number(standbys),
      challengePeriod: Number(challengePeriod),
      index: new EventIndex(c, addresses, provider, record.block, this.options.logPageBlocks),
      forever: new Lru(50_000),
    };
  }

  private noteRate(chainTime: number): void {
    const wall = Date.now();
    this.rateSamples.push({ wall, chain: chainTime });
    while (this.rateSamples.length > 2 && wall - this.rateSamples[0].wall > 20_000) this.rateSamples.shift();
  }

  /** Chain seconds per wall second over the last 20 s (1 until there is a span to measure). */
  private rate(): number {
    const first = this.rateSamples[0];
    const last = this.rateSamples[this.rateSamples.length - 1];
    if (!first || last.wall - first.wall < 3_000 || last.chain <= first.chain) return 1;
    return Math.round(((last.chain - first.chain) / ((last.wall - first.wall) / 1000)) * 10) / 10;
  }

  // ------------------------------------------------------------------------ caching

  private atHead<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.perBlock.get(key) as Promise<T> | undefined;
    if (!p) {
      p = read();
      this.perBlock.set(key, p);
      p.catch(() => this.perBlock.delete(key));
    }
    return p;
  }

  /** For reads whose answer can no longer change (past snapshots, begun slots). */
  private forever<T>(sys: Attached, key: string, read: () => Promise<T>): Promise<T> {
    let p = sys.forever.get(key) as Promise<T> | undefined;
    if (!p) {
      p = read();
      sys.forever.set(key, p);
      p.catch(() => sys.forever.delete(key));
    }
    return p;
  }

  /** The attached deployment and the head, or why there is none. */
  async ready(): Promise<{ sys: Attached; now: bigint; epoch: bigint }> {
    await this.firstPoll;
    const sys = this.sys;
    if (!sys || !this.head) {
      const d = this.status.deployment;
      if (this.status.rpc.state !== "up")
        throw new Unavailable(
          `the chain's RPC at ${this.options.rpcUrl} does not answer${this.status.rpc.error ? ` (${this.status.rpc.error})` : ""}`,
        );
      throw new Unavailable(d.message ?? "the deployment is not attached yet");
    }
    const now = BigInt(this.head.time);
    return { sys, now, epoch: sys.clock.epochOf(now) };
  }

  // ------------------------------------------------------------------------ chain reads

  private paramsAt(sys: Attached, snapshot: bigint): Promise<ScoringParams> {
    return this.forever(sys, `params:${snapshot}`, async () => toScoringParams(await sys.c.registry.scoringParamsAt(snapshot - 1n)));
  }

  /** The lens's views of `nodes` at the snapshot of `epoch`'s election (in the past: cached for good). */
  private async viewsAt(
    sys: Attached,
    epoch: bigint,
    nodes: string[],
  ): Promise<{ views: NodeSnapshot[]; params: ScoringParams; snapshot: bigint }> {
    const snapshot = sys.clock.snapshotOf(epoch);
    const params = await this.paramsAt(sys, snapshot);
    const { t, windowStart } = readPoints(sys.model, params, sys.clock, snapshot);
    const views: NodeSnapshot[] = new Array(nodes.length);
    const missing: number[] = [];
    for (const [i, n] of nodes.entries()) {
      const hit = sys.forever.get(`view:${epoch}:${n.toLowerCase()}`) as NodeSnapshot | undefined;
      if (hit) views[i] = hit;
      else missing.push(i);
    }
    for (let from = 0; from < missing.length; from += LENS_PAGE) {
      const page = missing.slice(from, from + LENS_PAGE);
      const read = (await sys.c.lens.read(
        sys.addresses.election,
        page.map((i) => nodes[i]),
        t,
        windowStart,
      )) as unknown as NodeSnapshot[];
      page.forEach((i, j) => {
        views[i] = plainView(read[j]);
        sys.forever.set(`view:${epoch}:${nodes[i].toLowerCase()}`, views[i] as unknown as Promise<unknown>);
      });
    }
    return { views, params, snapshot };
  }

  private async breakdowns(sys: Attached, epoch: bigint, nodes: string[]): Promise<ScoreBreakdown[]> {
    if (nodes.length === 0) return [];
    const { views, params, snapshot } = await this.viewsAt(sys, epoch, nodes);
    return views.map((v) => scoreTerms(sys.model, params, sys.clock, snapshot, v));
  }

  /** The set serving `epoch` (≤ the current one: fixed for good once the epoch has begun). */
  private delegatesOf(sys: Attached, epoch: bigint, current: bigint) {
    const read = async () => {
      const [list, source, k] = await sys.c.election.delegatesOf(epoch);
      return { list: [...list], source, k: Number(k) };
    };
    return epoch <= current ? this.forever(sys, `delegates:${epoch}`, read) : this.atHead(`delegates:${epoch}`, read);
  }

  private jailedNow(sys: Attached): Set<string> {
    return jailedFromEvents(sys.index.jailings, sys.index.unjailings);
  }

  // ------------------------------------------------------------------------ views

  /** The delegates and standbys of `epoch`: the finalized list, or the one submitted and open to challenges. */
  async members(epochArg: bigint) {
    const { sys, epoch: current } = await this.ready();
    if (epochArg < 1n || epochArg > current + 1n) {
      throw new BadRequest("epoch", epochArg.toString(), `${epochArg} has no list to show: epochs 1 to ${current + 1n} (the next) do`);
    }
    const epoch = epochArg;
    let list: string[] = [];
    let k = 0;
    let state: "finalized" | "carried over" | "submitted" | "not submitted" | "none" = "none";
    let source: bigint | undefined;
    const el = await this.atHead(`election:${epoch}`, () => sys.c.election.elections(epoch));
    const served = await this.delegatesOf(sys, epoch, current);
    if (el.finalized || (epoch <= current && served.list.length > 0)) {
      [list, k, source] = [served.list, served.k, served.source];
      state = served.source === epoch ? "finalized" : "carried over";
    } else if (el.submission !== ZeroAddress) {
      list = [...(await this.atHead(`submitted:${epoch}`, () => sys.c.election.submittedList(epoch)))];
      k = Math.min(sys.k, list.length);
      state = "submitted";
    } else state = epoch > current ? "not submitted" : "none";
    const servingStandbys = new Set(
      sys.index.elections
        .filter((e) => e.kind === "handed-over" && e.epoch === epoch)
        .map((e) => (e.kind === "handed-over" ? e.to.toLowerCase() : "")),
    );
    const members = membersOf(list, k, servingStandbys);
    const jailed = this.jailedNow(sys);
    const [breakdowns, health] = await Promise.all([
      this.breakdowns(sys, epoch, list),
      epoch >= current ? Promise.all(list.map((n) => this.healthOf(sys, n))) : Promise.resolve(undefined),
    ]);
    members.forEach((m: Member, i) => {
      m.breakdown = breakdowns[i];
      m.jailedNow = jailed.has(m.node.toLowerCase());
      m.health = health?.[i];
    });
    const submission = sys.index.elections.find((e) => e.kind === "submitted" && e.epoch === epoch);
    const challengeEnd = el.submittedAt > 0n ? Number(el.submittedAt) + sys.challengePeriod : undefined;
    return {
      epoch: epoch.toString(),
      state,
      source: source?.toString(),
      submitter: submission?.kind === "submitted" ? submission.submitter : undefined,
      challengeEnd,
      snapshot: Number(sys.clock.snapshotOf(epoch)),
      table: membersTable(`delegates-${epoch}`, modelName(sys.model), members),
    };
  }

  /** An election's steps with their gas. */
  async election(epochArg: bigint) {
    const { sys, epoch: current } = await this.ready();
    if (epochArg < 1n || epochArg > current + 1n)
      throw new BadRequest("epoch", epochArg.toString(), `${epochArg} has no election yet: epochs 1 to ${current + 1n} do`);
    const { state, table } = electionTable(epochArg, sys.index.elections);
    const el = await this.atHead(`election:${epochArg}`, () => sys.c.election.elections(epochArg));
    return {
      epoch: epochArg.toString(),
      phase: state.phase,
      opener: state.opener,
      submitter: state.submitter,
      challenges: state.challenges,
      gas: state.gas.toString(),
      seed: el.seed === ZeroHash ? undefined : el.seed,
      deadline: Number(await this.atHead(`deadline:${epochArg}`, () => sys.c.election.submissionDeadline(epochArg))),
      challengeEnd: el.submittedAt > 0n ? Number(el.submittedAt) + sys.challengePeriod : undefined,
      table,
    };
  }

  /** The slot timeline of the last `count` epochs up to the current one. */
  async slots(count: number): Promise<Table> {
    const { sys, now, epoch: current } = await this.ready();
    const first = current - BigInt(count) + 1n > 0n ? current - BigInt(count) + 1n : 0n;
    const committed = new Map(sys.index.blocks.map((b) => [`${b.epoch}:${b.slot}`, b]));
    const punished = new Map(
      sys.index.offences.filter((o) => o.evidence?.kind === "missed slot").map((o) => [`${o.evidence!.epoch}:${o.evidence!.slot}`, o]),
    );
    const inputs: SlotInput[] = [];
    const perEpoch = await Promise.all(
      Array.from({ length: Number(current - first + 1n) }, async (_, i) => {
        const epoch = first + BigInt(i);
        const served = await this.delegatesOf(sys, epoch, current);
        const slots = await Promise.all(
          Array.from({ length: Number(sys.clock.slotsPerEpoch) }, async (_, s) => {
            const slot = BigInt(s);
            const w = sys.clock.slotWindow(epoch, slot);
            const read = () => sys.c.election.slotOwner(epoch, slot);
            // the owner of a slot never changes once it has begun (hand-overs take effect later)
            const owner =
              served.k === 0
                ? ZeroAddress
                : await (w.start <= now ? this.forever(sys, `owner:${epoch}:${s}`, read) : this.atHead(`owner:${epoch}:${s}`, read));
            return {
              epoch,
              slot,
              start: w.start,
              end: w.end,
              owner,
              scheduled: served.k === 0 ? ZeroAddress : served.list[s % served.k],
              block: committed.get(`${epoch}:${s}`),
              punished: punished.get(`${epoch}:${s}`),
            };
          }),
        );
        return slots;
      }),
    );
    for (const slots of perEpoch.reverse()) inputs.push(...slots);
    return slotsTable(now, inputs);
  }

  async offences(): Promise<Table> {
    const { sys } = await this.ready();
    return offencesTable(sys.index.offences);
  }

  /** The reward pool, and each account's rewards. */
  async rewards() {
    const { sys } = await this.ready();
    const accounts = [...new Map(sys.index.rewards.map((r) => [r.account.toLowerCase(), r.account])).values()];
    const [pool, pools, totalRewards, claimable] = await Promise.all([
      this.atHead("pool", () => sys.c.vault.pool()),
      this.atHead("rewardPools", () => sys.c.vault.rewardPools()),
      this.atHead("totalRewards", () => sys.c.vault.totalRewards()),
      this.atHead("claimable", async () => {
        const out = new Map<string, bigint>();
        const amounts: bigint[] = [];
        for (let i = 0; i < accounts.length; i += 50)
          amounts.push(...(await Promise.all(accounts.slice(i, i + 50).map((a) => sys.c.vault.rewards(a)))));
        accounts.forEach((a, i) => out.set(a.toLowerCase(), amounts[i]));
        return out;
      }),
    ]);
    const roles = new Map<string, string>();
    for (const e of sys.index.elections) if (e.kind === "submitted") roles.set(e.submitter.toLowerCase(), "keeper");
    for (const b of sys.index.blocks) roles.set(b.producer.toLowerCase(), "delegate");
    for (const o of sys.index.offences) if (!roles.has(o.reporter.toLowerCase())) roles.set(o.reporter.toLowerCase(), "reporter");
    return {
      pool: pool.toString(),
      pools: { producers: pools.producers.toString(), attesters: pools.attesters.toString(), keepers: pools.keepers.toString() },
      totalRewards: totalRewards.toString(),
      fees: sys.index.pool.fees.toString(),
      funded: sys.index.pool.funded.toString(),
      slashedToPool: sys.index.pool.slashedToPool.toString(),
      table: rewardsTable(sys.index.rewards, claimable, roles),
    };
  }

  /** The reward pool and the rewards accrued but not claimed. */
  async pool() {
    const { sys } = await this.ready();
    const [pool, totalRewards] = await Promise.all([
      this.atHead("pool", () => sys.c.vault.pool()),
      this.atHead("totalRewards", () => sys.c.vault.totalRewards()),
    ]);
    return { pool: pool.toString(), totalRewards: totalRewards.toString() };
  }

  async energy(): Promise<Table> {
    const { sys, epoch } = await this.ready();
    const first = sys.index.blocks.length > 0 ? sys.index.blocks.reduce((m, b) => (b.epoch < m ? b.epoch : m), epoch) : epoch;
    return energyTable(energyPerEpoch(sys.index.blocks, first, epoch));
  }

  /**
   * A page of the node list in admission order, with each node's score for the next election,
   * read from the chain now (pages of at most 500: one lens call or two).
   */
  async nodesPage(offset: number, limit: number): Promise<{ total: number; rows: NodeListEntry[]; epoch: bigint }> {
    const { sys, epoch } = await this.ready();
    const total = Number(await this.atHead("nodeCount", () => sys.c.registry.nodeCount()));
    const nodes = [...(await this.atHead(`nodesPage:${offset}:${limit}`, () => sys.c.registry.nodesPage(BigInt(offset), BigInt(limit))))];
    return { total, rows: await this.entries(sys, epoch + 1n, nodes, offset), epoch: epoch + 1n };
  }

  private async entries(sys: Attached, epoch: bigint, nodes: string[], offset: number): Promise<NodeListEntry[]> {
    const { views, params, snapshot } = await this.viewsAt(sys, epoch, nodes);
    const jailed = this.jailedNow(sys);
    return views.map((v, i) => ({
      index: offset + i,
      node: nodes[i],
      nodeClass: Number(v.node.nodeClass),
      status: Number((v.node as unknown as { status: bigint }).status ?? 0n),
      capacity: v.node.capacity,
      deposit: v.deposit,
      votes: v.votes,
      breakdown: scoreTerms(sys.model, params, sys.clock, snapshot, v),
      jailedNow: jailed.has(nodes[i].toLowerCase()),
    }));
  }

  /**
   * Every node with its score for the next election, built in the background one lens page at a
   * time (the foreground's reads go first); rebuilt when the epoch moves on. Sorting and filtering
   * the whole list, and its download, use it once it is ready.
   */
  nodeIndex(): { ready: boolean; done: number; total: number; epoch?: bigint; entries?: NodeListEntry[]; failed?: string } {
    const sys = this.sys;
    if (!sys || !this.head) return { ready: false, done: 0, total: 0 };
    const epoch = sys.clock.epochOf(BigInt(this.head.time)) + 1n;
    const idx = sys.nodeIndex;
    const retry = idx?.failed !== undefined && Date.now() - (idx.failedAt ?? 0) > 5_000;
    if (!idx || (idx.epoch !== epoch && (idx.ready || idx.failed !== undefined)) || retry) {
      const fresh: NodeIndex = { epoch, total: 0, done: 0, entries: [], ready: false };
      sys.nodeIndex = fresh;
      this.buildNodeIndex(sys, fresh).catch((e) => {
        fresh.failed = describeError(e).slice(0, 200);
        fresh.failedAt = Date.now();
      });
    }
    const n = sys.nodeIndex!;
    return { ready: n.ready, done: n.done, total: n.total, epoch: n.epoch, entries: n.ready ? n.entries : undefined, failed: n.failed };
  }

  private async buildNodeIndex(sys: Attached, idx: NodeIndex): Promise<void> {
    const total = Number(await sys.c.registry.nodeCount());
    idx.total = total;
    const nodes: string[] = [];
    for (let i = 0; i < total; i += ADDRESS_PAGE) nodes.push(...(await sys.c.registry.nodesPage(BigInt(i), BigInt(ADDRESS_PAGE))));
    for (let i = 0; i < nodes.length; i += LENS_PAGE) {
      const head = this.head;
      // a newer epoch or another chain makes this index useless: stop and let the next request start over
      if (this.sys !== sys || !head || sys.clock.epochOf(BigInt(head.time)) + 1n !== idx.epoch)
        throw new StateError("epoch", idx.epoch - 1n, `epoch ${idx.epoch - 1n} ended while indexing`);
      idx.entries.push(...(await this.entries(sys, idx.epoch, nodes.slice(i, i + LENS_PAGE), i)));
      idx.done = idx.entries.length;
    }
    idx.ready = true;
  }

  /** One node: registration, deposit, votes, rewards, offences, and its score history over the epochs. */
  async node(raw: string) {
    const shown = raw.slice(0, 60);
    if (!isAddress(raw)) throw new BadRequest("address", shown, `"${shown}" is not an address (0x and 40 hex digits)`);
    const node = getAddress(raw);
    const { sys, now, epoch: current } = await this.ready();
    const info = await this.atHead(`nodeOf:${node}`, () => sys.c.registry.nodeOf(node));
    if (Number(info.status) === 0) {
      throw new NotFound(
        "address",
        node,
        `${node} is not a registered node of this deployment (chain ${sys.record.chainId}, registry ${sys.addresses.registry})`,
      );
    }
    const [bonded, unbonding, votes, allocation, credit, trust, endpoint, claimable] = await Promise.all([
      sys.c.vault.bonded(node),
      sys.c.vault.unbonding(node),
      sys.c.election.votesAt(node, now),
      sys.c.election.allocationOf(node),
      sys.c.registry.creditRecordAt(node, now),
      sys.c.registry.trustRecordAt(node, now),
      sys.c.registry.endpointOf(node),
      sys.c.vault.rewards(node),
    ]);
    const admitted = Number(info.admittedAt);
    const firstEpoch = admitted > 0 ? sys.clock.epochOf(BigInt(admitted)) + 1n : current + 1n;
    const from =
      current + 1n - BigInt(this.options.historyEpochs) + 1n > firstEpoch
        ? current + 1n - BigInt(this.options.historyEpochs) + 1n
        : firstEpoch;
    const epochs: bigint[] = [];
    for (let e = from < 1n ? 1n : from; e <= current + 1n; e++) epochs.push(e);
    const points: HistoryPoint[] = await Promise.all(
      epochs.map(async (e) => {
        const [[breakdown], served] = await Promise.all([
          this.breakdowns(sys, e, [node]),
          e <= current ? this.delegatesOf(sys, e, current) : Promise.resolve(undefined),
        ]);
        const at = served?.list.findIndex((m) => m.toLowerCase() === node.toLowerCase()) ?? -1;
        return { epoch: e, breakdown, role: at < 0 ? undefined : at < served!.k ? "delegate" : "standby" } as HistoryPoint;
      }),
    );
    const lower = node.toLowerCase();
    const offences = offencesTable(sys.index.offences.filter((o) => o.offender.toLowerCase() === lower));
    const accrued = sys.index.rewards
      .filter((r) => r.account.toLowerCase() === lower && r.kind === "accrued")
      .reduce((s, r) => s + r.amount, 0n);
    const produced = sys.index.blocks.filter((b) => b.producer.toLowerCase() === lower).length;
    return {
      node,
      nodeClass: Number(info.nodeClass),
      status: Number(info.status),
      capacity: info.capacity.toString(),
      tradingCycle: Number(info.tradingCycle),
      registeredAt: Number(info.registeredAt),
      admittedAt: admitted,
      endpoint,
      deposit: bonded.toString(),
      unbonding: unbonding.amount.toString(),
      unbondingReleaseAt: Number(unbonding.releaseAt),
      votesReceived: votes.votes.toString(),
      totalVotes: votes.total.toString(),
      lastVote: Number(votes.lastVote),
      votesCast: allocation.map((a) => ({ candidate: a.candidate, votes: Number(a.votes) })),
      jailed: credit.jailed,
      jailedUntil: Number(credit.jailedUntil),
      quality: credit.quality.toString(),
      offencePenalty: credit.offencePenalty.toString(),
      clean: credit.clean,
      trust: trust.trust.toString(),
      claimable: claimable.toString(),
      accrued: accrued.toString(),
      blocksProduced: produced,
      model: modelName(sys.model),
      health: endpoint ? await this.healthOf(sys, node) : undefined,
      history: historyTable(node, modelName(sys.model), points),
      offences,
    };
  }

  // ------------------------------------------------------------------------ services

  /**
   * A delegate client's /health at its registered endpoint, cached 3 s. Endpoints are written on
   * the chain by the nodes themselves: only http(s), a short timeout, a bounded answer, and only
   * known fields of it are passed on.
   */
  private async healthOf(sys: Attached, node: string): Promise<Health> {
    const endpoint = await this.atHead(`endpoint:${node}`, () => sys.c.registry.endpointOf(node));
    if (!endpoint) return { state: "no endpoint", endpoint: "" };
    const hit = this.health.get(endpoint);
    if (hit && Date.now() - hit.at < 3_000) return hit.value;
    const value = fetchHealth(endpoint, this.options.healthTimeoutMs);
    this.health.set(endpoint, { at: Date.now(), value });
    // a view never waits long on a client that does not answer: the last answer, or "no answer
    // yet", and the next refresh shows what this request finds
    const waiting: Health = { state: "offline", endpoint, error: "no answer yet" };
    const previous = hit ? await hit.value : waiting;
    return Promise.race([value, sleep(HEALTH_WAIT_MS).then(() => previous)]);
  }
}

export async function fetchHealth(endpoint: string, timeoutMs: number): Promise<Health> {
  let url: URL;
  try {
    url = new URL("/health", endpoint);
  } catch {
    return { state: "offline", endpoint, error: "not a URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { state: "offline", endpoint, error: `${url.protocol} is not http(s)` };
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    if (!r.ok) return { state: "offline", endpoint, error: `HTTP ${r.status}` };
    const text = await readCapped(r, MAX_HEALTH_BYTES);
    const body = JSON.parse(text) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
    return {
      state: "online",
      endpoint,
      pending: num(body.pending),
      signed: num(body.signed),
      misbehave: typeof body.misbehave === "string" ? body.misbehave.slice(0, 40) : null,
    };
  } catch (e) {
    const name = (e as Error).name;
    return {
      state: "offline",
      endpoint,
      error: name === "TimeoutError" ? "no answer" : name === "SyntaxError" ? "not JSON" : "unreachable",
    };
  }
}

async function readCapped(r: Response, max: number): Promise<string> {
  const reader = r.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw new SyntaxError("too large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The chain id by one raw request, so that a down endpoint never starts ethers' detection retries. */
export async function rawChainId(url: string, timeoutMs: number): Promise<bigint> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((e: Error) => {
    throw Object.assign(new Error(`${url}: ${e.name === "TimeoutError" ? "timeout" : ((e.cause as Error)?.message ?? e.message)}`), {
      code: "NETWORK_ERROR",
    });
  });
  const body = (await r.json().catch(() => ({}))) as { result?: string };
  if (!r.ok || typeof body.result !== "string")
    throw Object.assign(new Error(`${url}: not a JSON-RPC endpoint (HTTP ${r.status})`), { code: "SERVER_ERROR" });
  return BigInt(body.result);
}

/** The lens's Result as plain bigints and booleans (cached views outlive their provider). */
function plainView(r: NodeSnapshot): NodeSnapshot {
  const n = r.node as unknown as { nodeClass: bigint; status: bigint; tradingCycle: bigint; admittedAt: bigint; capacity: bigint };
  return {
    node: {
      nodeClass: n.nodeClass,
      tradingCycle: n.tradingCycle,
      admittedAt: n.admittedAt,
      capacity: n.capacity,
      status: n.status,
    } as NodeSnapshot["node"],
    credit: {
      quality: r.credit.quality,
      offencePenalty: r.credit.offencePenalty,
      clean: r.credit.clean,
      admitted: r.credit.admitted,
      jailed: r.credit.jailed,
    },
    trust: {
      trust: r.trust.trust,
      correct: r.trust.correct,
      offences: r.trust.offences,
      participated: r.trust.participated,
      lastParticipation: r.trust.lastParticipation,
    },
    trustAtWindowStart: {
      correct: r.trustAtWindowStart.correct,
      offences: r.trustAtWindowStart.offences,
      participated: r.trustAtWindowStart.participated,
    },
    votes: r.votes,
    totalVotes: r.totalVotes,
    weightedVotes: r.weightedVotes,
    lastVote: r.lastVote,
    deposit: r.deposit,
  };
}
