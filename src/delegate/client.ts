// The delegate client (SPEC.md section 7), put together from its parts:
// - src/delegate/server.ts: the HTTP server at the endpoint the node registered (/trades, /attest, /health);
// - src/delegate/checks.ts: the rules for trades and attestations, pure, each returning a refusal;
// - src/delegate/trades.ts and attestation.ts: the I/O around those rules for the two endpoints;
// - src/delegate/pool.ts: the bounded pool of trades waiting for a block;
// - src/delegate/production.ts: block production in owned slots, with the slot behaviour as an
//   injected strategy (honest by default, a cheat from src/delegate/misbehaviour.ts in demos and tests);
// - src/delegate/sync.ts: the committed trades, read from the chain's history;
// - src/delegate/unjail.ts: leaving jail once it is over and the deposit allows;
// - src/delegate/signer.ts: the persisted slashing-protection signer every header goes through;
// - src/chain/serviceLoop.ts: the run loop shared with the keeper (tick, backoff, abort, health).
import { getAddress, type Provider, type Signer } from "ethers";
import type { Logger } from "pino";
import type { Contracts } from "../deployment/addressBook";
import { chainTime } from "../chain/tx";
import { Clock } from "../chain/clock";
import { ServiceLoop, type LoopHealth } from "../chain/serviceLoop";
import { ledgerDomain, orderDigester } from "../ledger/signing";
import { Attester } from "./attestation";
import { ByEpoch, type DelegateContext, type DelegateStats, type SignedBlock } from "./context";
import { DEFAULT_POOL_LIMITS, TradePool, type PoolLimits } from "./pool";
import { HONEST, Producer, type SlotBehaviour } from "./production";
import { startServer } from "./server";
import { HeaderSigner } from "./signer";
import { CommittedTrades } from "./sync";
import { TradeIntake } from "./trades";
import { Unjailer } from "./unjail";
import { StateError } from "../util/errors";

export { AttestSchema, TradeSchema } from "./requests";

export interface DelegateOptions {
  host: string;
  port: number;
  pollMs: number;
  /** Most trades in one block. */
  maxTrades: number;
  /** What the node does in its own slots instead of producing honestly: demonstrations and tests only (src/delegate/misbehaviour.ts). */
  misbehave?: SlotBehaviour;
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

interface Parts {
  x: DelegateContext;
  attester: Attester;
  producer: Producer;
  unjailer: Unjailer;
  evidenceWindow: bigint;
  close(): Promise<void>;
}

export class DelegateClient {
  private parts?: Parts;
  private readonly pool: TradePool;
  private readonly loop: ServiceLoop;
  private prunedBefore = 0n;
  readonly stats: DelegateStats = {
    produced: 0,
    attested: 0,
    refused: 0,
    equivocationsReported: 0,
    tradesAccepted: 0,
    tradesEvicted: 0,
    attestationsDropped: 0,
    unjailed: 0,
  };

  constructor(
    private readonly c: Contracts,
    private readonly signer: Signer,
    private readonly log: Logger,
    private readonly options: DelegateOptions = DEFAULT_DELEGATE_OPTIONS,
  ) {
    this.pool = new TradePool(options.pool ?? DEFAULT_POOL_LIMITS);
    this.loop = new ServiceLoop(() => this.tick(), log, { pollMs: options.pollMs });
  }

  /** The slashing-protection signer (open after {@link start}). */
  get protection(): HeaderSigner {
    return this.started().x.protection;
  }

  /** Start the HTTP server after loading the signing record and the chain's committed trades; resolves with its URL. */
  async start(): Promise<string> {
    const provider = this.signer.provider as Provider;
    const me = getAddress(await this.signer.getAddress());
    const { chainId } = await provider.getNetwork();
    const domain = ledgerDomain(chainId, await this.c.ledger.getAddress());
    const orderDigest = orderDigester(domain);
    const clock = await Clock.read(this.c.election);
    const evidenceWindow = (await this.c.ledger.rewards()).evidenceWindow;
    const protection = await HeaderSigner.open(this.signer, domain, clock.genesis, this.options.dataDir);
    const committed = new CommittedTrades(this.c.ledger, provider, orderDigest, this.log, {
      fromBlock: this.options.fromBlock,
      pageBlocks: this.options.logPageBlocks,
      onIncluded: (d) => this.pool.delete(d),
    });
    const x: DelegateContext = {
      c: this.c,
      signer: this.signer,
      provider,
      log: this.log,
      me,
      domain,
      orderDigest,
      clock,
      protection,
      pool: this.pool,
      committed,
      blocks: new ByEpoch<SignedBlock>(),
      stats: this.stats,
    };
    try {
      await committed.syncTo(await provider.getBlockNumber());
      const trades = new TradeIntake(x);
      const attester = new Attester(x, trades);
      const behaviour = this.options.misbehave ?? HONEST;
      const producer = new Producer(x, trades, {
        maxTrades: this.options.maxTrades,
        attestTimeoutMs: this.options.attestTimeoutMs,
        behaviour,
      });
      const unjailer = new Unjailer(x, (key, state) => this.loop.changed(key, state));
      const server = await startServer(
        {
          health: () => this.health(),
          trade: (body) => trades.accept(body),
          attest: (body) => attester.attest(body),
          refused: () => void this.stats.refused++,
        },
        { host: this.options.host, port: this.options.port },
      );
      this.parts = { x, attester, producer, unjailer, evidenceWindow, close: server.close };
      this.log.info({
        event: "listening",
        url: server.url,
        address: me,
        misbehave: this.options.misbehave?.name ?? null,
        record: protection.file ?? "memory",
        included: committed.size,
      });
      return server.url;
    } catch (e) {
      protection.close(); // a client that failed to start holds no lock on its record
      throw e;
    }
  }

  async stop(): Promise<void> {
    const parts = this.parts;
    this.parts = undefined;
    if (!parts) return;
    await parts.close();
    parts.x.protection.close();
  }

  /** Tick until `signal` aborts (the tick in progress finishes), then stop. */
  async run(signal: AbortSignal): Promise<void> {
    await this.loop.run(signal);
    const stats = { ...this.stats };
    await this.stop();
    this.log.info({ event: "stopped", ...stats, loop: this.loop.health() });
  }

  /** What GET /health answers: who and where the client is, its counters and its loop's state. */
  health(): { address: string; misbehave: string | null; pending: number; signed: number; loop: LoopHealth } & DelegateStats {
    const parts = this.parts;
    return {
      address: parts?.x.me ?? "",
      misbehave: this.options.misbehave?.name ?? null,
      pending: this.pool.size,
      signed: parts?.x.protection.size ?? 0,
      ...this.stats,
      loop: this.loop.health(),
    };
  }

  /** One pass: read the chain's new commits, forget what is past the evidence window, unjail when due, act in an owned slot. */
  async tick(): Promise<void> {
    const { x, producer, unjailer } = this.started();
    await x.committed.syncTo(await x.provider.getBlockNumber());
    const now = await chainTime(x.provider);
    await this.prune(now);
    await unjailer.tick(now);
    await producer.tick(now);
  }

  private started(): Parts {
    if (!this.parts) throw new StateError("client", "stopped", "the delegate client has not started");
    return this.parts;
  }

  /** Drop what concerns epochs past the ledger's evidence window, from memory and from the signing record. */
  private async prune(now: bigint): Promise<void> {
    const { x, attester, producer, evidenceWindow } = this.started();
    const cutoff = now - evidenceWindow - 1n;
    // epochs before the one holding `cutoff` ended before it, and one more for margin
    const before = cutoff < x.clock.genesis ? 0n : x.clock.epochOf(cutoff) - 1n;
    if (before <= this.prunedBefore) return;
    this.prunedBefore = before;
    x.blocks.prune(before);
    attester.prune(before);
    producer.prune(before);
    await x.protection.prune(before);
  }
}
