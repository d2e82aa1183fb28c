// The delegate client (SPEC.md section 7): an HTTP server at the endpoint the node registered, and
// a loop on the chain's clock.
// - POST /trades: a prosumer's trade order with both EIP-712 signatures; checked (bounds,
//   signatures by the ledger's rule, both parties admitted and not jailed, not in any block of the
//   chain's history) and kept in a bounded pool for the next block.
// - POST /attest: another delegate's block (header, its signature, the trades); checked against
//   the chain (the sender owns the slot now, this node serves the epoch, the parent is the
//   ledger's head, the root, count and energy match the trades, every trade is valid and new) and
//   signed through the persisted signer. A second, different header the same producer signed for
//   a slot is double signing: the client reports the equivocation with both signatures, once.
// - GET /health: who and where the client is.
// In each slot it owns, the client builds its block from the pool, signs it through the same
// signer, asks the other serving delegates for attestations, keeps those the ledger would count,
// and commits with more than half of them.
// `misbehave` exists for demonstrations and tests: "withhold" never commits its slots,
// "equivocate" signs two different blocks for each of its slots (past its own slashing
// protection, as a cheat would) and asks for both.
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { ZeroAddress, ZeroHash, getAddress, type Signer, type TypedDataDomain } from "ethers";
import type { Logger } from "pino";
import type { Contracts } from "../deployment/addressBook";
import { WouldRevert, chainTime, describeError, isTransient, sendChecked } from "../chain/tx";
import { Clock, EpochOutOfRange, SlotOutOfRange } from "../chain/clock";
import { sleep } from "../util/sleep";
import {
  blockHeader,
  decodeTrades,
  encodeTrades,
  headerDigest,
  ledgerDomain,
  orderDigester,
  recoverStrict,
  signHeader,
  tradeTree,
  type BlockHeader,
  type SignedTrade,
  type TradeOrder,
} from "../ledger/signing";
import { AttestSchema, TradeSchema } from "./requests";
import { DEFAULT_POOL_LIMITS, PartyShareExceeded, PoolFull, TradePool, type PoolLimits } from "./pool";
import { DoubleSignRefused, EpochPruned, HeaderSigner } from "./signer";
import { toJson } from "../util/json";

export { AttestSchema, TradeSchema } from "./requests";

export type Misbehaviour = "withhold" | "equivocate";

export interface DelegateOptions {
  host: string;
  port: number;
  pollMs: number;
  /** Most trades in one block. */
  maxTrades: number;
  misbehave?: Misbehaviour;
  /**
   * Folder of the slashing-protection record. Without it the record is in memory only and a
   * restarted client forgets what it signed: for tests and in-process demos, never a real node.
   */
  dataDir?: string;
  /** First chain block whose BlockCommitted events are read: the ledger's deployment block (default 0). */
  fromBlock?: number;
  /** Most blocks per eth_getLogs request (public endpoints refuse large ranges). */
  logPageBlocks?: number;
  pool?: PoolLimits;
  /** How long the producer waits for each attestation. */
  attestTimeoutMs?: number;
}

export const DEFAULT_DELEGATE_OPTIONS: DelegateOptions = { host: "127.0.0.1", port: 7000, pollMs: 500, maxTrades: 100 };

/** Most tries per owned slot: a transient RPC error or a missing attestation is retried, not the slot given up. */
const MAX_SLOT_ATTEMPTS = 5;
/** Parallel transaction reads while syncing committed blocks. */
const SYNC_CONCURRENCY = 32;

/** JSON with bigints as decimal strings (what the HTTP API sends and takes). */

/** A request the client refuses: its HTTP status, and the field at fault when there is one. */
export class Refusal extends Error {
  override readonly name = "Refusal";
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(field === undefined ? message : `field "${field}": ${message}`);
  }
}

/** The producer holds a signed header for its slot whose block (trades) it no longer has: it cannot produce another. */
export class SlotAlreadySigned extends Error {
  override readonly name = "SlotAlreadySigned";
  constructor(
    readonly epoch: bigint,
    readonly slot: bigint,
    readonly digest: string,
  ) {
    super(`slot ${slot} of epoch ${epoch}: this node already signed header ${digest} and does not hold its trades; it produces nothing else there`);
  }
}

/** Per-epoch maps, so everything about epochs past the evidence window is dropped at once. */
class ByEpoch<V> {
  private readonly epochs = new Map<bigint, Map<string, V>>();
  get(epoch: bigint, key: string): V | undefined {
    return this.epochs.get(epoch)?.get(key);
  }
  set(epoch: bigint, key: string, v: V): void {
    let m = this.epochs.get(epoch);
    if (!m) this.epochs.set(epoch, (m = new Map()));
    m.set(key, v);
  }
  delete(epoch: bigint, key: string): void {
    this.epochs.get(epoch)?.delete(key);
  }
  prune(before: bigint): void {
    for (const e of this.epochs.keys()) if (e < before) this.epochs.delete(e);
  }
  get size(): number {
    let n = 0;
    for (const m of this.epochs.values()) n += m.size;
    return n;
  }
}

interface Block {
  header: BlockHeader;
  digest: string;
  trades: SignedTrade[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export class DelegateClient {
  private domain!: TypedDataDomain;
  private orderDigest!: (t: TradeOrder) => string;
  private address = "";
  private server?: FastifyInstance;
  private clock!: Clock;
  private evidenceWindow = 0n;
  /** Every header this node signs goes through it (the cheat's second header excepted). */
  private headerSigner?: HeaderSigner;
  private readonly pool: TradePool;
  /** Order digests of every committed block since `fromBlock` (read from the chain): never again. Not pruned: a replay is provable forever. */
  private readonly included = new Set<string>();
  /** The first header each producer signed per slot (key "producer:slot"), for an equivocation report. */
  private readonly seen = new ByEpoch<{ digest: string; header: BlockHeader; signature: string }>();
  /** Equivocation reports sent or under way, per (signer, slot): one each, however many copies arrive. */
  private readonly reports = new ByEpoch<Promise<void>>();
  /** The blocks this node signed (produced or attested), per slot: a retry or a takeover re-uses its header. */
  private readonly blocks = new ByEpoch<Block>();
  /** Owned slots: tries so far, and whether they are settled (committed, withheld or given up). */
  private readonly slots = new ByEpoch<{ attempts: number; settled: boolean }>();
  private prunedBefore = 0n;
  /** The last chain block whose BlockCommitted events were read, and the sync under way. */
  private syncedTo = -1;
  private syncing?: Promise<void>;
  readonly stats = { produced: 0, attested: 0, refused: 0, equivocationsReported: 0, tradesAccepted: 0, tradesEvicted: 0, attestationsDropped: 0 };

  constructor(
    private readonly c: Contracts,
    private readonly signer: Signer,
    private readonly log: Logger,
    private readonly options: DelegateOptions = DEFAULT_DELEGATE_OPTIONS,
  ) {
    this.pool = new TradePool(options.pool ?? DEFAULT_POOL_LIMITS);
  }

  /** The slashing-protection signer (open after {@link start}). */
  get protection(): HeaderSigner {
    if (!this.headerSigner) throw new Error("the delegate client has not started");
    return this.headerSigner;
  }

  /** Start the HTTP server after loading the signing record and the chain's committed trades; resolves with its URL. */
  async start(): Promise<string> {
    this.address = getAddress(await this.signer.getAddress());
    const { chainId } = await this.signer.provider!.getNetwork();
    this.domain = ledgerDomain(chainId, await this.c.ledger.getAddress());
    this.orderDigest = orderDigester(this.domain);
    this.clock = await Clock.read(this.c.election);
    this.evidenceWindow = (await this.c.ledger.rewards()).evidenceWindow;
    this.headerSigner = await HeaderSigner.open(this.signer, this.domain, this.clock.genesis, this.options.dataDir);
    this.syncedTo = (this.options.fromBlock ?? 0) - 1;
    await this.syncCommitted(await this.signer.provider!.getBlockNumber());
    // fastify waits forever by default: a peer that opens connections and never finishes a
    // request would hold them (and their memory) until the process runs out
    const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024, connectionTimeout: 10_000, requestTimeout: 10_000, keepAliveTimeout: 5_000 });
    app.get("/health", async () => ({ address: this.address, misbehave: this.options.misbehave ?? null, pending: this.pool.size, signed: this.protection.size, ...this.stats }));
    app.post("/trades", async (req, reply) => this.answer(reply, () => this.acceptTrade(req.body)));
    app.post("/attest", async (req, reply) => this.answer(reply, () => this.attest(req.body)));
    await app.listen({ host: this.options.host, port: this.options.port });
    this.server = app;
    const url = `http://${this.options.host}:${this.options.port}`;
    this.log.info({ event: "listening", url, address: this.address, misbehave: this.options.misbehave ?? null, record: this.protection.file ?? "memory", included: this.included.size });
    return url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
    this.headerSigner?.close();
  }

  /** Produce in owned slots until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tick();
      } catch (e) {
        this.log.warn({ event: "tick-failed", error: describeError(e) });
      }
      await sleep(this.options.pollMs, signal);
    }
    await this.stop();
    this.log.info({ event: "stopped", ...this.stats });
  }

  /** If this client owns the slot open now and it is uncommitted, produce its block (retrying a failed try). */
  async tick(): Promise<void> {
    const latest = await this.signer.provider!.getBlockNumber();
    await this.syncCommitted(latest);
    const now = await chainTime(this.signer.provider!);
    await this.prune(now);
    if (now < this.clock.genesis) return;
    const { epoch, slot } = this.clock.slotAt(now);
    const key = String(slot);
    const state = this.slots.get(epoch, key) ?? { attempts: 0, settled: false };
    if (state.settled) return;
    const owner = await this.c.election.slotOwner(epoch, slot);
    if (!same(owner, this.address)) return;
    this.slots.set(epoch, key, state);
    if ((await this.c.ledger.committed(epoch, slot)) !== ZeroHash) {
      state.settled = true;
      return;
    }
    if (this.options.misbehave === "withhold") {
      state.settled = true;
      this.log.warn({ event: "withholding", epoch: Number(epoch), slot: Number(slot) });
      return;
    }
    state.attempts++;
    try {
      state.settled = await this.produce(epoch, slot);
    } catch (e) {
      // a transient RPC error, a lagging attester or a block that would revert is tried again at
      // the next tick while the slot is open; a header this node may not sign is final
      state.settled = e instanceof DoubleSignRefused || e instanceof SlotAlreadySigned || state.attempts >= MAX_SLOT_ATTEMPTS;
      this.log.warn({ event: "produce-failed", epoch: Number(epoch), slot: Number(slot), attempt: state.attempts, final: state.settled, reason: e instanceof WouldRevert ? e.reason : describeError(e) });
    }
  }

  /** Build (or re-use), sign, gather and commit the block of an owned slot; true once it is committed. */
  private async produce(epoch: bigint, slot: bigint): Promise<boolean> {
    const key = String(slot);
    const latest = await this.signer.provider!.getBlockNumber();
    const [head] = await Promise.all([this.c.ledger.head({ blockTag: latest }), this.syncCommitted(latest)]);
    let block = this.blocks.get(epoch, key);
    const prior = this.protection.signedAt(epoch, slot);
    if (prior && block?.digest !== prior.digest) throw new SlotAlreadySigned(epoch, slot, prior.digest);
    if (block && block.header.parentHash !== head) {
      throw new Refusal(409, `the signed header's parent ${block.header.parentHash} is no longer the head ${head}`, "header.parentHash");
    }
    if (!block) {
      const trades = await this.selectTrades(this.clock.slotWindow(epoch, slot).start);
      const header = blockHeader(epoch, slot, head, trades, this.orderDigest);
      block = { header, digest: headerDigest(this.domain, header), trades };
    }
    const { header, trades } = block;
    const mine = await this.protection.sign(header);
    this.blocks.set(epoch, key, block);
    const serving = (await this.servingDelegates(epoch)).filter((a) => !same(a, this.address));
    const endpoints = await Promise.all(serving.map(async (a) => ({ delegate: a, url: await this.c.registry.endpointOf(a) })));
    if (this.options.misbehave === "equivocate") {
      // a second block for the same slot, with the first's trades dropped: asked of everyone too
      const forged = { ...header, energyTotal: header.energyTotal + 1n };
      await this.collect(endpoints, header, mine, trades);
      await this.collect(endpoints, forged, await signHeader(this.signer, this.domain, forged), []);
      this.log.warn({ event: "equivocated", epoch: Number(epoch), slot: Number(slot) });
      return true;
    }
    const attestations = await this.collect(endpoints, header, mine, trades);
    const r = await sendChecked("commitBlock", this.c.ledger.connect(this.signer).commitBlock, header, [mine, ...attestations], encodeTrades(trades));
    for (const t of trades) this.markIncluded(this.orderDigest(t.order));
    this.stats.produced++;
    this.log.info({ event: "committed", epoch: Number(epoch), slot: Number(slot), trades: trades.length, attestations: attestations.length, gas: Number(r.gasUsed), tx: r.hash });
    return true;
  }

  /** The delegates whose attestations the ledger counts in `epoch`: the K, and the standbys that took slots over. */
  private async servingDelegates(epoch: bigint): Promise<string[]> {
    const [[list, , k], used] = await Promise.all([this.c.election.delegatesOf(epoch), this.c.election.standbysUsed(epoch)]);
    return [...new Set(list.slice(0, Number(k + used)).map((a) => getAddress(a)))];
  }

  /**
   * Ask every endpoint to attest `header`; the signatures the ledger will count: each recovered by
   * its rule and from the delegate asked. One malformed answer must not revert the commit.
   */
  private async collect(endpoints: { delegate: string; url: string }[], header: BlockHeader, producerSignature: string, trades: SignedTrade[]): Promise<string[]> {
    const body = toJson({ header, producerSignature, trades });
    const digest = headerDigest(this.domain, header);
    const answers = await Promise.all(
      endpoints.map(async ({ delegate, url }) => {
        if (!/^https?:\/\//.test(url)) return null; // a registered endpoint is anyone's string
        try {
          const res = await fetch(`${url}/attest`, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(this.options.attestTimeoutMs ?? 3_000) });
          const json = (await res.json()) as { signature?: unknown; error?: string };
          if (!res.ok || typeof json.signature !== "string") {
            this.log.info({ event: "attestation-refused", url, error: json.error ?? res.status });
            return null;
          }
          const signer = recoverStrict(digest, json.signature);
          if (signer === null || !same(signer, delegate)) {
            this.stats.attestationsDropped++;
            this.log.warn({ event: "attestation-dropped", url, delegate, signer, reason: signer === null ? "not a signature the ledger accepts" : "not signed by the delegate asked" });
            return null;
          }
          return json.signature;
        } catch (e) {
          this.log.info({ event: "attestation-unreachable", url, error: describeError(e) });
          return null;
        }
      }),
    );
    return answers.filter((s): s is string => s !== null);
  }

  private async answer(reply: { code(n: number): unknown }, run: () => Promise<object>) {
    try {
      return await run();
    } catch (e) {
      this.stats.refused++;
      const [status, message] =
        e instanceof z.ZodError
          ? [400, `field "${e.issues[0].path.join(".")}": ${e.issues[0].message}`]
          : e instanceof Refusal
            ? [e.status, e.message]
            : e instanceof DoubleSignRefused || e instanceof EpochPruned
              ? [409, e.message]
              : e instanceof PartyShareExceeded || e instanceof PoolFull
                ? [429, e.message]
                : [500, describeError(e)];
      reply.code(status);
      return { error: message };
    }
  }

  /** POST /trades. */
  private async acceptTrade(body: unknown): Promise<object> {
    const t = TradeSchema.parse(body);
    const digest = this.orderDigest(t.order);
    if (!this.pool.has(digest)) this.pool.admissible(t); // before any chain read: a flood is refused for free
    // a trade committed since the last sync is refused, even one still waiting in the pool
    // (found by test/delegate/property.test.ts: a pooled copy was answered "accepted" after its block)
    await this.syncCommitted();
    if (this.pool.has(digest)) return { accepted: true, digest, duplicate: true };
    await this.checkTrade(t);
    const evicted = this.pool.add(digest, t); // checks the bounds again, with no await since the check
    if (evicted) {
      this.stats.tradesEvicted++;
      this.log.info({ event: "trade-evicted", digest: evicted, for: digest });
    }
    this.stats.tradesAccepted++;
    return { accepted: true, digest };
  }

  /**
   * A valid, new trade's order digest; a refusal naming what is wrong otherwise. Parties are judged
   * now, or at the end of second `at` when given (the second before a block's slot began: what the
   * ledger judges a committed block's parties by); `memo` shares one read per party across a block.
   */
  private async checkTrade(t: SignedTrade, at?: bigint, memo = new Map<string, Promise<string | null>>(), digest = this.orderDigest(t.order)): Promise<string> {
    if (this.included.has(digest)) throw new Refusal(409, `order ${digest} is already in a block`);
    if (same(t.order.seller, t.order.buyer)) throw new Refusal(400, "the seller cannot buy from itself", "order.buyer");
    // a recovery costs ~3 ms of CPU here: the pool's trades were verified when they came in, and
    // prosumers send every trade to every delegate, so a block's trades are mostly known already
    const pooled = this.pool.get(digest);
    const known = pooled !== undefined && pooled.sellerSignature === t.sellerSignature && pooled.buyerSignature === t.buyerSignature;
    for (const [party, sig] of [["seller", t.sellerSignature], ["buyer", t.buyerSignature]] as const) {
      if (!known && recoverStrict(digest, sig) !== getAddress(t.order[party])) {
        throw new Refusal(400, `not a signature by the ${party} ${t.order[party]} that the ledger accepts`, `${party}Signature`);
      }
    }
    const standing = (who: string) => {
      const k = who.toLowerCase();
      let p = memo.get(k);
      if (!p) {
        p = (
          at === undefined
            ? Promise.all([this.c.registry.isAdmitted(who), this.c.registry.isJailed(who)])
            : this.c.registry.creditRecordAt(who, at).then((r) => [r.admitted, r.jailed] as const)
        ).then(([admitted, jailed]) => (!admitted ? "not admitted" : jailed ? "jailed" : null));
        memo.set(k, p);
      }
      return p;
    };
    const [seller, buyer] = await Promise.all([standing(t.order.seller), standing(t.order.buyer)]);
    if (seller) throw new Refusal(403, `${t.order.seller} is ${seller}`, "order.seller");
    if (buyer) throw new Refusal(403, `${t.order.buyer} is ${buyer}`, "order.buyer");
    return digest;
  }

  /**
   * Up to `maxTrades` pool trades valid for a block of the slot starting at `start`, round-robin by
   * seller, checked a block's worth at a time in parallel; refused ones leave the pool.
   */
  private async selectTrades(start: bigint): Promise<SignedTrade[]> {
    const out: SignedTrade[] = [];
    const memo = new Map<string, Promise<string | null>>();
    const candidates = this.pool.candidates();
    for (let i = 0; i < candidates.length && out.length < this.options.maxTrades; ) {
      const batch = candidates.slice(i, i + this.options.maxTrades - out.length);
      i += batch.length;
      const checked = await Promise.allSettled(batch.map(([, t]) => this.checkTrade(t, start - 1n, memo)));
      for (const [j, r] of checked.entries()) {
        const [digest, t] = batch[j];
        if (r.status === "fulfilled") out.push(t);
        else if (r.reason instanceof Refusal) {
          this.pool.delete(digest);
          this.log.info({ event: "trade-dropped", digest, reason: r.reason.message });
        } else throw r.reason; // the RPC failed: keep the trade, try the slot again
      }
    }
    return out;
  }

  /** POST /attest. */
  private async attest(body: unknown): Promise<object> {
    const { header, producerSignature, trades } = AttestSchema.parse(body);
    const { epoch, slot } = header;
    let window: { start: bigint; end: bigint };
    try {
      window = this.clock.slotWindow(epoch, slot);
    } catch (e) {
      if (e instanceof SlotOutOfRange) throw new Refusal(400, e.message, "header.slot");
      if (e instanceof EpochOutOfRange) throw new Refusal(400, e.message, "header.epoch");
      throw e;
    }
    const digest = headerDigest(this.domain, header);
    const producer = recoverStrict(digest, producerSignature);
    if (producer === null) throw new Refusal(400, "not a signature the ledger accepts (65 bytes, v 27 or 28, low s)", "producerSignature");
    // the same request again: the same answer, nothing to read from the chain
    const prior = this.protection.signedAt(epoch, slot);
    if (prior && prior.digest === digest) return { signature: prior.signature };

    const latest = await this.signer.provider!.getBlockNumber();
    const [now, owner, serving, head] = await Promise.all([
      chainTime(this.signer.provider!),
      this.c.election.slotOwner(epoch, slot),
      this.servingDelegates(epoch),
      this.c.ledger.head({ blockTag: latest }),
      this.syncCommitted(latest), // the head's trades are in `included` before any trade is judged
    ]);
    // only inside the slot: before it begins its owner may still change (a hand-over), and a
    // signature given to the old owner would bind this node against the new one's block
    if (now < window.start || now >= window.end) throw new Refusal(409, `slot ${slot} of epoch ${epoch} is not open (chain time ${now})`, "header.slot");
    if (owner === ZeroAddress || !same(owner, producer)) throw new Refusal(403, `signer ${producer} does not own slot ${slot} of epoch ${epoch}`, "producerSignature");

    // the producer's first header of the slot is kept (no await between the look-up and the
    // record, so concurrent copies see each other); any other is its equivocation
    const seenKey = `${producer}:${slot}`;
    const first = this.seen.get(epoch, seenKey);
    if (!first) this.seen.set(epoch, seenKey, { digest, header, signature: producerSignature });
    else if (first.digest !== digest) {
      await this.reportEquivocation(producer, first.header, first.signature, header, producerSignature);
      throw new Refusal(409, `double signing: ${producer} already signed another header for slot ${slot} of epoch ${epoch}`, "header");
    }

    // a standby's attestation counts only once it serves; before that, signing a header of a slot
    // it may take over would only tie its hands as that slot's producer
    if (!serving.some((a) => same(a, this.address))) throw new Refusal(403, `${this.address} does not serve epoch ${epoch}`, "header.epoch");
    if (header.parentHash !== head) throw new Refusal(409, `${header.parentHash} is not the ledger's head ${head}`, "header.parentHash");
    // each order's EIP-712 digest once (the root and the checks both need it)
    const digestOf = new Map<TradeOrder, string>(trades.map((t) => [t.order, this.orderDigest(t.order)]));
    const expected = blockHeader(epoch, slot, head, trades, (o) => digestOf.get(o) ?? this.orderDigest(o));
    // the payload hash binds the header to the trades the commit must publish (the ledger checks it)
    for (const field of ["tradeRoot", "payloadHash", "tradeCount", "energyTotal"] as const) {
      if (expected[field] !== header[field]) throw new Refusal(400, `${header[field]} does not match the trades (${expected[field]})`, `header.${field}`);
    }
    const memo = new Map<string, Promise<string | null>>();
    const digests = await Promise.all(
      trades.map((t, i) =>
        this.checkTrade(t, window.start - 1n, memo, digestOf.get(t.order)).catch((e: unknown) => {
          throw e instanceof Refusal ? new Refusal(e.status, e.message, `trades.${i}`) : e;
        }),
      ),
    );
    if (new Set(digests).size !== digests.length) throw new Refusal(400, "an order appears twice", "trades");
    const answer = await this.protection.sign(header); // refuses a second header for the slot, however it came
    if (!this.blocks.get(epoch, String(slot))) this.blocks.set(epoch, String(slot), { header, digest, trades });
    this.stats.attested++;
    this.log.info({ event: "attested", epoch: Number(epoch), slot: Number(slot), producer, trades: trades.length });
    return { signature: answer };
  }

  /**
   * Bring `included` up to chain block `target` (the latest by default): the trades of every
   * block committed since `fromBlock`, read from their transactions' calldata in ranges of
   * `logPageBlocks`. One sync runs at a time; callers wait for one that reaches their target.
   */
  private async syncCommitted(target?: number): Promise<void> {
    const to = target ?? (await this.signer.provider!.getBlockNumber());
    while (this.syncedTo < to) {
      if (!this.syncing) {
        this.syncing = this.syncRange(to).finally(() => {
          this.syncing = undefined;
        });
      }
      await this.syncing;
    }
  }

  private async syncRange(to: number): Promise<void> {
    const page = this.options.logPageBlocks ?? 2_000;
    const provider = this.signer.provider!;
    while (this.syncedTo < to) {
      const from = this.syncedTo + 1;
      const end = Math.min(to, from + page - 1);
      const logs = await this.c.ledger.queryFilter(this.c.ledger.filters.BlockCommitted(), from, end);
      for (let i = 0; i < logs.length; i += SYNC_CONCURRENCY) {
        const txs = await Promise.all(logs.slice(i, i + SYNC_CONCURRENCY).map((l) => provider.getTransaction(l.transactionHash)));
        for (const [j, tx] of txs.entries()) this.readCommit(tx, logs[i + j].transactionHash);
      }
      this.syncedTo = end;
    }
  }

  /** Mark the trades of one commitBlock transaction included; a payload that does not match its root is logged. */
  private readCommit(tx: { data: string; value: bigint } | null, hash: string): void {
    const call = tx && this.c.ledger.interface.parseTransaction(tx);
    if (!call || call.name !== "commitBlock") {
      // committed through a contract wallet: the payload is not in this transaction's calldata
      this.log.warn({ event: "commit-unreadable", tx: hash });
      return;
    }
    try {
      const trades = decodeTrades(call.args[2]);
      const root = trades.length === 0 ? ZeroHash : tradeTree(trades, this.orderDigest).root;
      if (root !== call.args[0].tradeRoot) this.log.warn({ event: "commit-payload-mismatch", tx: hash, root, header: call.args[0].tradeRoot });
      for (const t of trades) this.markIncluded(this.orderDigest(t.order));
    } catch (e) {
      this.log.warn({ event: "commit-unreadable", tx: hash, error: describeError(e) });
    }
  }

  private markIncluded(digest: string) {
    this.included.add(digest);
    this.pool.delete(digest);
  }

  /** Drop what concerns epochs past the ledger's evidence window, from memory and from the signing record. */
  private async prune(now: bigint): Promise<void> {
    const cutoff = now - this.evidenceWindow - 1n;
    // epochs before the one holding `cutoff` ended before it, and one more for margin
    const before = cutoff < this.clock.genesis ? 0n : this.clock.epochOf(cutoff) - 1n;
    if (before <= this.prunedBefore) return;
    this.prunedBefore = before;
    for (const m of [this.seen, this.reports, this.blocks, this.slots]) m.prune(before);
    await this.protection.prune(before);
  }

  /** Report `signer`'s two headers for one slot, once per (signer, epoch, slot). */
  private reportEquivocation(signer: string, a: BlockHeader, sigA: string, b: BlockHeader, sigB: string): Promise<void> {
    const key = `${signer}:${a.slot}`;
    let report = this.reports.get(a.epoch, key);
    if (!report) {
      report = this.sendEquivocation(key, a, sigA, b, sigB);
      this.reports.set(a.epoch, key, report);
    }
    return report;
  }

  private async sendEquivocation(key: string, a: BlockHeader, sigA: string, b: BlockHeader, sigB: string): Promise<void> {
    try {
      const r = await sendChecked("reportEquivocation", this.c.ledger.connect(this.signer).reportEquivocation, a, sigA, b, sigB);
      this.stats.equivocationsReported++;
      this.log.warn({ event: "reported-equivocation", epoch: Number(a.epoch), slot: Number(a.slot), tx: r.hash, gas: Number(r.gasUsed) });
    } catch (e) {
      if (isTransient(e)) this.reports.delete(a.epoch, key); // the RPC failed, not the evidence: the next copy tries again
      this.log.info({ event: "equivocation-not-reported", reason: e instanceof WouldRevert ? e.reason : describeError(e) });
    }
  }
}
