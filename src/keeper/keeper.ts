// The keeper service (SPEC.md section 7): a loop against any JSON-RPC endpoint that, each tick,
// reads the chain's time and does what is due — opens the next election and fixes its seed in a
// later block, scores every node with the TypeScript mirror and submits the best keys, checks the submitted list (its own or another
// keeper's) and challenges it until it is right, finalizes it after the window, carries the
// previous set over when an epoch started without one, reports missed slots, and claims its
// rewards. It keeps no state of its own: everything is rebuilt from the chain, so a restart at
// any moment loses nothing. Every transaction is first tried as a call; one that would revert is
// never sent. It runs in the services' one loop (src/chain/serviceLoop.ts): RPC failures back off
// exponentially, and a state (nothing to elect) is logged once, when it changes.
import type { Logger } from "pino";
import { ZeroAddress, ZeroHash, type Signer } from "ethers";
import { SnapshotReader, type SnapshotScore } from "../chain/snapshotReader";
import { IndexedReader, type IndexOptions } from "../index/reader";
import { Clock } from "../chain/clock";
import { bestKeys } from "../election/engine";
import { planRepair, type Challenge } from "./watcher";
import { WouldRevert, chainTime, sendChecked, type Method } from "../chain/tx";
import { ServiceLoop, type LoopHealth } from "../chain/serviceLoop";
import type { Contracts } from "../deployment/addressBook";

export interface KeeperOptions {
  /** Milliseconds between ticks. */
  pollMs: number;
  /** Claim accrued rewards once they reach this many token units. */
  claimAbove: bigint;
  /** Submit lists (needs a keeper bond); when false the keeper only watches, challenges and reports. */
  submit: boolean;
  /**
   * Score from a local index of the contracts' events (src/index/), caught up each election, rather
   * than reading every node through the lens: what a population of 100,000 nodes needs.
   */
  index?: IndexOptions;
}

export const DEFAULT_KEEPER_OPTIONS: KeeperOptions = { pollMs: 1_000, claimAbove: 1n, submit: true };

export class Keeper {
  private readonly reader: SnapshotReader;
  private readonly indexed?: IndexedReader;
  private clock?: Clock;
  /** Scores per election epoch: fixed once its seed is (the snapshot already is). A cache only. */
  private readonly scored = new Map<bigint, Map<string, SnapshotScore>>();
  /** Slots whose missed-slot question is settled ("epoch:slot"). A cache only: calls decide. */
  private readonly slotsSettled = new Set<string>();
  private address = "";
  private readonly loop: ServiceLoop;
  /** Transactions sent, by action (for reports and tests). */
  readonly sent: Record<string, number> = {};

  constructor(
    private readonly c: Contracts,
    private readonly signer: Signer,
    private readonly log: Logger,
    private readonly options: KeeperOptions = DEFAULT_KEEPER_OPTIONS,
  ) {
    this.reader = SnapshotReader.of(c);
    if (options.index) this.indexed = new IndexedReader(c, options.index);
    this.loop = new ServiceLoop(() => this.tick(), log, { pollMs: options.pollMs });
  }

  /** Bond the keeper deposit if it is short (submission needs it); read the deployment's clock. */
  async start(): Promise<void> {
    this.address = await this.signer.getAddress();
    this.clock = await Clock.read(this.c.election);
    if (!this.options.submit) return;
    const [bond, min] = await Promise.all([this.c.vault.keeperBond(this.address), this.c.election.keeperMinBond()]);
    if (bond >= min) return;
    const short = min - bond;
    const vault = await this.c.vault.getAddress();
    const allowance = await this.c.token.allowance(this.address, vault);
    if (allowance < short) await this.send("approve", {}, this.c.token.connect(this.signer).approve, vault, short);
    await this.send("bondKeeper", { amount: short.toString() }, this.c.vault.connect(this.signer).bondKeeper, short);
  }

  /** Tick until `signal` aborts; the tick in progress finishes first. */
  async run(signal: AbortSignal): Promise<void> {
    await this.loop.run(signal);
    this.log.info({ event: "stopped", ...this.health() });
  }

  /** The loop's state and the transactions sent so far. */
  health(): LoopHealth & { sent: Record<string, number> } {
    return { ...this.loop.health(), sent: { ...this.sent } };
  }

  /** One pass over everything that may be due now. */
  async tick(): Promise<void> {
    if (!this.clock) await this.start();
    const now = await chainTime(this.signer.provider!);
    const current = this.clock!.epochOf(now);
    await this.electNext(current + 1n, now);
    await this.carryOver(current, now);
    for (const epoch of current > 0n ? [current - 1n, current] : [current]) await this.reportMissedSlots(epoch, now);
    await this.claim();
  }

  private epochStart(epoch: bigint): bigint {
    return this.clock!.epochStart(epoch);
  }

  /** Open, submit, check and challenge, finalize the election of `epoch`, whichever is due. */
  private async electNext(epoch: bigint, now: bigint): Promise<void> {
    const e = this.c.election;
    const el = await e.elections(epoch);
    if (el.finalized || el.carriedOver) return;
    const [deadline, challengePeriod] = await Promise.all([e.submissionDeadline(epoch), e.challengePeriod()]);
    if (el.seedBlock === 0n) {
      if (now < deadline) await this.send("openElection", { epoch: Number(epoch) }, e.connect(this.signer).openElection, epoch);
      return;
    }
    if (el.seed === ZeroHash) {
      // the first call from the block after the opening on fixes it, from that block's prevrandao
      if (now < deadline) await this.send("fixSeed", { epoch: Number(epoch) }, e.connect(this.signer).fixSeed, epoch);
      return;
    }
    if (el.submission === ZeroAddress) {
      if (!this.options.submit || now > deadline) return;
      const scored = await this.scores(epoch);
      const list = bestKeys([...scored.values()], Number(await e.listLength())).map((s) => s.node);
      if (list.length === 0) {
        // asked again at every tick until a node is electable: said once
        if (this.loop.changed("submission", "nothing-to-elect")) this.log.info({ event: "nothing-to-elect", epoch: Number(epoch) });
        return;
      }
      if (await this.send("submit", { epoch: Number(epoch), list }, e.connect(this.signer).submit, epoch, list))
        this.loop.changed("submission", "submitted");
      return;
    }
    if (now < el.submittedAt + challengePeriod) {
      await this.challenge(epoch);
      return;
    }
    if (el.members > 0n && now < this.epochStart(epoch)) {
      await this.send("finalize", { epoch: Number(epoch) }, e.connect(this.signer).finalize, epoch);
    }
  }

  /**
   * Challenge the submitted list of `epoch` until it equals the best keys (each step pays): the
   * whole repair is planned from the list as it stands (at most 3L − 1 challenges), then sent in
   * order; a challenge another watcher made first turns the rest into would-be reverts, so the plan
   * is made again from the repaired list.
   */
  private async challenge(epoch: bigint): Promise<void> {
    const e = this.c.election.connect(this.signer);
    const [scored, maxLength] = await Promise.all([this.scores(epoch), this.c.election.listLength()]);
    for (let round = 0; round < 3; round++) {
      const [list, el] = await Promise.all([this.c.election.submittedList(epoch), this.c.election.elections(epoch)]);
      const plan = planRepair([...list], scored, Number(maxLength), Number(el.sortedPrefix));
      if (plan.length === 0) return;
      let all = true;
      for (const c of plan) {
        const detail = { epoch: Number(epoch), challenge: c };
        if (!(await this.trySend(`challenge-${c.kind}`, () => sendChallenge(e, epoch, c), detail))) {
          all = false;
          break;
        }
      }
      if (all) return;
    }
  }

  /** Record that `epoch` started without its own set (the previous one serves, jailed members replaced). */
  private async carryOver(epoch: bigint, now: bigint): Promise<void> {
    if (epoch === 0n || now < this.epochStart(epoch)) return;
    const el = await this.c.election.elections(epoch);
    if (el.finalized || el.carriedOver) return;
    const [, , k] = await this.c.election.delegatesOf(epoch);
    if (k === 0n) return; // no earlier set to carry
    await this.send("carryOver", { epoch: Number(epoch) }, this.c.election.connect(this.signer).carryOver, epoch);
  }

  /** Report every slot of `epoch` that ended uncommitted while a delegate owned it. */
  private async reportMissedSlots(epoch: bigint, now: bigint): Promise<void> {
    const clock = this.clock!;
    for (let slot = 0n; slot < clock.slotsPerEpoch && clock.slotWindow(epoch, slot).end <= now; slot++) {
      const key = `${epoch}:${slot}`;
      if (this.slotsSettled.has(key)) continue;
      const [committed, owner] = await Promise.all([this.c.ledger.committed(epoch, slot), this.c.election.slotOwner(epoch, slot)]);
      if (committed === ZeroHash && owner !== ZeroAddress) {
        const l = this.c.ledger.connect(this.signer);
        await this.trySend("reportMissedSlot", () => sendChecked("reportMissedSlot", l.reportMissedSlot, epoch, slot), {
          epoch: Number(epoch),
          slot: Number(slot),
          owner,
        });
      }
      this.slotsSettled.add(key);
    }
  }

  private async claim(): Promise<void> {
    const rewards = await this.c.vault.rewards(this.address);
    if (rewards < this.options.claimAbove || rewards === 0n) return;
    await this.send("claim", { amount: rewards.toString() }, this.c.vault.connect(this.signer).claim);
  }

  /** Every registered node's score and key for the election of `epoch`, read once per epoch. */
  private async scores(epoch: bigint): Promise<Map<string, SnapshotScore>> {
    const cached = this.scored.get(epoch);
    if (cached) return cached;
    const started = performance.now();
    let scored: SnapshotScore[];
    let detail = {};
    if (this.indexed) {
      const r = await this.indexed.scoreAll(epoch);
      this.indexed.flush().catch((e: Error) => this.log.warn({ event: "index-cache-not-written", error: e.message }));
      scored = r.scores;
      detail = { logs: r.catchUp.logs, blocks: r.catchUp.to - r.catchUp.from + 1, ...(r.cache ? { cacheIgnored: r.cache } : {}) };
    } else {
      scored = await this.reader.scoreAll(epoch, await allNodes(this.c));
    }
    const map = new Map(scored.map((s) => [s.node.toLowerCase(), s]));
    this.scored.set(epoch, map);
    for (const old of this.scored.keys()) if (old + 2n < epoch) this.scored.delete(old);
    const ms = Math.round(performance.now() - started);
    this.log.info({ event: "scored", epoch: Number(epoch), nodes: scored.length, ms, ...detail });
    return map;
  }

  /** Send `method(...args)` after a call; a would-be revert is logged (with `detail`), not sent. */
  private async send<A extends unknown[]>(action: string, detail: object, method: Method<A>, ...args: A) {
    return this.trySend(action, () => sendChecked(action, method, ...args), detail);
  }

  private async trySend(action: string, run: () => Promise<{ hash: string; gasUsed: bigint }>, detail: object): Promise<boolean> {
    try {
      const r = await run();
      this.sent[action] = (this.sent[action] ?? 0) + 1;
      this.log.info({ event: action, ...detail, tx: r.hash, gas: Number(r.gasUsed) });
      return true;
    } catch (e) {
      if (!(e instanceof WouldRevert)) throw e;
      this.log.debug({ event: "skipped", action, ...detail, reason: e.reason });
      return false;
    }
  }
}

/** Every registered node, paged (the registry never returns all in one call). */
export async function allNodes(c: Pick<Contracts, "registry">, page = 500): Promise<string[]> {
  const count = Number(await c.registry.nodeCount());
  const pages = [];
  for (let start = 0; start < count; start += page) pages.push(c.registry.nodesPage(start, page));
  return (await Promise.all(pages)).flatMap((p) => [...p]);
}

function sendChallenge(e: Contracts["election"], epoch: bigint, c: Challenge) {
  if (c.kind === "ineligible") return sendChecked("challengeIneligible", e.challengeIneligible, epoch, BigInt(c.index));
  if (c.kind === "duplicate") return sendChecked("challengeDuplicate", e.challengeDuplicate, epoch, BigInt(c.i), BigInt(c.j));
  if (c.kind === "order") return sendChecked("challengeOrder", e.challengeOrder, epoch, BigInt(c.from), BigInt(c.to));
  return sendChecked("challengeExcluded", e.challengeExcluded, epoch, c.node, BigInt(c.position));
}
