// Catches the index up with the chain: `eth_getLogs` over the blocks it has not seen, for the
// three contracts whose events carry the score inputs, in ranges that adapt to the node's limits;
// each log applied at its block's timestamp (from the log where the node adds it, else from the
// block's header). The cursor remembers the last block applied and its hash: if that block is no
// longer on the chain (a reorganisation, or another chain at the same URL), the index is rebuilt.
import { StakeVault__factory } from "../../typechain-types";
import { StateError } from "../util/errors";
import { ScoreIndex } from "./scoreIndex";
import { ALL_TOPICS, TOPICS, decodeLog, type IndexSources, type RawLog } from "./logs";
import type { ScoringModel } from "../scoring/params";

/** Anything that sends raw JSON-RPC: an ethers JsonRpcProvider, Hardhat's provider. */
export interface RpcSender {
  send(method: string, params: unknown[]): Promise<unknown>;
}

export interface Cursor {
  block: number;
  hash: string;
  timestamp: number;
}

interface RawBlock {
  number: string;
  hash: string;
  timestamp: string;
}

export interface SyncOptions {
  /** Blocks per `eth_getLogs` at first; halved on a refusal or a full answer, doubled on a light one. */
  span?: number;
  /** Aim for about this many logs an answer (nodes cap answers at 10,000 logs or a size). */
  targetLogs?: number;
  /** Log ranges requested at once (a node serves them on its own threads while these are applied). */
  concurrency?: number;
}

export interface CatchUp {
  from: number;
  to: number;
  logs: number;
  requests: number;
  rebuilt: boolean;
}

export class IndexSync {
  index: ScoreIndex;
  cursor?: Cursor;
  private span: number;
  private readonly targetLogs: number;
  private readonly concurrency: number;

  constructor(
    private readonly rpc: RpcSender,
    readonly sources: IndexSources,
    readonly model: ScoringModel,
    /** The deployment's block: no log of the system is older. */
    readonly startBlock: number,
    options: SyncOptions = {},
    restored?: { index: ScoreIndex; cursor: Cursor },
  ) {
    this.index = restored?.index ?? new ScoreIndex(model, sources.election);
    this.cursor = restored?.cursor;
    this.span = options.span ?? 2_000;
    this.targetLogs = options.targetLogs ?? 5_000;
    this.concurrency = options.concurrency ?? 4;
  }

  private running?: Promise<CatchUp>;

  /**
   * Apply every log up to the latest block; returns what was read. One catch-up at a time: a call
   * while one runs gets that one (two would apply the same logs twice). A catch-up that fails
   * part-way leaves some ranges applied and the cursor where it was, so it drops the index, which
   * the next one rebuilds from the deployment: never a log applied twice or skipped.
   */
  catchUp(): Promise<CatchUp> {
    this.running ??= this.catchUpOnce().then(
      (r) => {
        this.running = undefined;
        return r;
      },
      (e: unknown) => {
        this.running = undefined;
        this.reset();
        throw e;
      },
    );
    return this.running;
  }

  /** Forget everything: the next catch-up rebuilds the index from the deployment. */
  reset(): void {
    this.index = new ScoreIndex(this.model, this.sources.election);
    this.cursor = undefined;
  }

  private async catchUpOnce(): Promise<CatchUp> {
    const head = (await this.rpc.send("eth_getBlockByNumber", ["latest", false])) as RawBlock;
    let rebuilt = false;
    if (this.cursor) {
      const still = (await this.rpc.send("eth_getBlockByNumber", [hex(this.cursor.block), false])) as RawBlock | null;
      if (!still || still.hash !== this.cursor.hash) {
        this.reset();
        rebuilt = true;
      }
    }
    const to = Number(head.number);
    const from = this.cursor ? this.cursor.block + 1 : this.startBlock;
    // a node behind the one the cursor came from (a load balancer's lagging backend): wait for it
    if (this.cursor && to <= this.cursor.block) return { from, to: this.cursor.block, logs: 0, requests: 0, rebuilt };
    if (!this.cursor) this.index.observer = await this.observerBefore(this.startBlock);
    const counts = { logs: 0, requests: 0 };
    // up to `concurrency` ranges in flight, applied strictly in order as they come back
    const inFlight: Promise<RawLog[]>[] = [];
    let next = from;
    const launch = () => {
      while (next <= to && inFlight.length < this.concurrency) {
        const end = Math.min(to, next + this.span - 1);
        inFlight.push(this.logsIn(next, end, counts));
        next = end + 1;
      }
    };
    launch();
    while (inFlight.length > 0) {
      const batch = await inFlight.shift()!;
      await this.apply(batch);
      counts.logs += batch.length;
      if (batch.length > 2 * this.targetLogs) this.span = Math.max(1, Math.floor(this.span / 2));
      else if (batch.length < this.targetLogs / 2) this.span = Math.min(1_000_000, this.span * 2);
      launch();
    }
    // the logs were read while the chain went on: if the head they were read up to was replaced
    // meanwhile, some may be of a dropped fork, so start again from the deployment next time (the
    // failure resets the index, in catchUp)
    const after = (await this.rpc.send("eth_getBlockByNumber", [hex(to), false])) as RawBlock | null;
    if (!after || after.hash !== head.hash) {
      throw new StateError(
        "block",
        to,
        `block ${to} was replaced while its logs were read (a reorganisation); the index is rebuilt next time`,
      );
    }
    this.cursor = { block: to, hash: head.hash, timestamp: Number(head.timestamp) };
    return { from, to, logs: counts.logs, requests: counts.requests, rebuilt };
  }

  /** The logs of blocks [from, to]; a range the node refuses (too many results or blocks) is split in two. */
  private async logsIn(from: number, to: number, counts: { requests: number }): Promise<RawLog[]> {
    try {
      counts.requests++;
      return (await this.rpc.send("eth_getLogs", [
        {
          fromBlock: hex(from),
          toBlock: hex(to),
          address: [this.sources.registry, this.sources.vault, this.sources.election],
          topics: [ALL_TOPICS],
        },
      ])) as RawLog[];
    } catch (e) {
      if (from === to) throw e;
      const mid = Math.floor((from + to) / 2);
      this.span = Math.max(1, mid - from + 1);
      const first = await this.logsIn(from, mid, counts);
      return first.concat(await this.logsIn(mid + 1, to, counts));
    }
  }

  /**
   * The vault's deposit observer at the end of the block before `block`: what it was when the
   * first log the index reads was written; later changes come as logs. Read from the
   * node's state at that block; a node that keeps no such history answers for the latest block,
   * which is exact unless the observer changed since (a `DepositObserverSet` log says when).
   */
  private async observerBefore(block: number): Promise<string> {
    const call = { to: this.sources.vault, data: VAULT.encodeFunctionData("depositObserver") };
    let out: string;
    try {
      out = (await this.rpc.send("eth_call", [call, block === 0 ? "earliest" : hex(block - 1)])) as string;
    } catch {
      // no state that old: if the observer was set from `block` on, it was none before
      const set = (await this.rpc.send("eth_getLogs", [
        { fromBlock: hex(block), toBlock: "latest", address: this.sources.vault, topics: [TOPICS.vault.observer] },
      ])) as RawLog[];
      if (set.length > 0) return ZERO;
      out = (await this.rpc.send("eth_call", [call, "latest"])) as string;
    }
    return out === "0x" ? ZERO : "0x" + out.slice(-40).toLowerCase();
  }

  private async apply(batch: RawLog[]): Promise<void> {
    const times = await this.timestamps(batch);
    for (const log of batch) {
      if (log.removed) throw new StateError("log", log.blockHash, "a removed log: the chain reorganised while it was read");
      const e = decodeLog(log, this.sources);
      if (e) this.index.apply(e, times.get(Number(log.blockNumber))!);
    }
  }

  /** Each block's timestamp: from the logs where the node gives it, else from the headers (in parallel). */
  private async timestamps(batch: RawLog[]): Promise<Map<number, number>> {
    const times = new Map<number, number>();
    const missing = new Set<number>();
    for (const log of batch) {
      const n = Number(log.blockNumber);
      if (times.has(n)) continue;
      if (typeof log.blockTimestamp === "string" && /^0x[0-9a-f]+$/i.test(log.blockTimestamp)) times.set(n, Number(log.blockTimestamp));
      else missing.add(n);
    }
    const blocks = await Promise.all([...missing].map((n) => this.rpc.send("eth_getBlockByNumber", [hex(n), false]) as Promise<RawBlock>));
    for (const b of blocks) times.set(Number(b.number), Number(b.timestamp));
    return times;
  }
}

const hex = (n: number): string => "0x" + n.toString(16);
const ZERO = "0x0000000000000000000000000000000000000000";
const VAULT = StakeVault__factory.createInterface();
