// The delegate client (SPEC.md section 7): an HTTP server at the endpoint the node registered, and
// a loop on the chain's clock.
// - POST /trades: a prosumer's trade order with both EIP-712 signatures; checked (signatures,
//   both parties admitted and not jailed, not seen before) and kept for the next block.
// - POST /attest: another delegate's block (header, its signature, the trades); checked against
//   the chain (the sender owns the slot now, the parent is the ledger's head, the root, count and
//   energy match the trades, every trade is valid and new) and signed. A second, different header
//   for a slot whose first header the same producer signed is double signing: the client reports
//   the equivocation with both signatures.
// - GET /health: who and where the client is.
// In each slot it owns, the client builds its block from the waiting trades, signs it, asks the
// other delegates of the epoch for attestations, and commits with more than half of them.
// `misbehave` exists for demonstrations and tests: "withhold" never commits its slots,
// "equivocate" signs two different blocks for each of its slots and asks for both.
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { ZeroAddress, ZeroHash, recoverAddress, type Signer, type TypedDataDomain } from "ethers";
import type { Logger } from "pino";
import type { Contracts } from "../cli/addressBook";
import { WouldRevert, chainTime, describeError, sendChecked } from "../cli/chain";
import { sleep } from "../util/sleep";
import {
  blockHeader,
  decodeTrades,
  encodeTrades,
  headerDigest,
  ledgerDomain,
  orderDigester,
  signHeader,
  type BlockHeader,
  type SignedTrade,
  type TradeOrder,
} from "../ledger/signing";

const uint = z.union([z.string().regex(/^\d+$/, "must be a whole number"), z.number().int().nonnegative()]).transform((v) => BigInt(v));
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of hex");
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte hex signature");

export const TradeSchema = z.object({
  order: z.object({ seller: address, buyer: address, energy: uint, price: uint, nonce: uint }),
  sellerSignature: signature,
  buyerSignature: signature,
});
const HeaderSchema = z.object({ epoch: uint, slot: uint, parentHash: bytes32, tradeRoot: bytes32, tradeCount: uint, energyTotal: uint });
export const AttestSchema = z.object({ header: HeaderSchema, producerSignature: signature, trades: z.array(TradeSchema).max(1_000) });

export type Misbehaviour = "withhold" | "equivocate";

export interface DelegateOptions {
  host: string;
  port: number;
  pollMs: number;
  /** Most trades in one block. */
  maxTrades: number;
  misbehave?: Misbehaviour;
}

export const DEFAULT_DELEGATE_OPTIONS: DelegateOptions = { host: "127.0.0.1", port: 7000, pollMs: 500, maxTrades: 100 };

/** JSON with bigints as decimal strings (what the HTTP API sends and takes). */
export const toJson = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class DelegateClient {
  private domain!: TypedDataDomain;
  private orderDigest!: (t: TradeOrder) => string;
  private address = "";
  private server?: FastifyInstance;
  private clock!: { genesis: bigint; epochDuration: bigint; slotDuration: bigint };
  /** Valid trades waiting for a block, by order digest. */
  private readonly pending = new Map<string, SignedTrade>();
  /** Order digests of committed blocks (read from the chain): never again. */
  private readonly included = new Set<string>();
  /** The first header signed by a producer per slot ("epoch:slot"), and what this client answered. */
  private readonly seen = new Map<string, { digest: string; header: BlockHeader; producerSignature: string; answer: string }>();
  private readonly attempted = new Set<string>();
  /** The last block whose BlockCommitted events were read. */
  private syncedTo = -1;
  readonly stats = { produced: 0, attested: 0, refused: 0, equivocationsReported: 0, tradesAccepted: 0 };

  constructor(
    private readonly c: Contracts,
    private readonly signer: Signer,
    private readonly log: Logger,
    private readonly options: DelegateOptions = DEFAULT_DELEGATE_OPTIONS,
  ) {}

  /** Start the HTTP server; resolves with its URL. */
  async start(): Promise<string> {
    this.address = await this.signer.getAddress();
    const { chainId } = await this.signer.provider!.getNetwork();
    this.domain = ledgerDomain(chainId, await this.c.ledger.getAddress());
    this.orderDigest = orderDigester(this.domain);
    const [genesis, epochDuration, slotDuration] = await Promise.all([
      this.c.election.genesis(),
      this.c.election.epochDuration(),
      this.c.election.slotDuration(),
    ]);
    this.clock = { genesis, epochDuration, slotDuration };
    this.syncedTo = (await this.signer.provider!.getBlockNumber()) - 1;
    const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
    app.get("/health", async () => ({ address: this.address, misbehave: this.options.misbehave ?? null, pending: this.pending.size, ...this.stats }));
    app.post("/trades", async (req, reply) => this.answer(reply, () => this.acceptTrade(req.body)));
    app.post("/attest", async (req, reply) => this.answer(reply, () => this.attest(req.body)));
    await app.listen({ host: this.options.host, port: this.options.port });
    this.server = app;
    const url = `http://${this.options.host}:${this.options.port}`;
    this.log.info({ event: "listening", url, address: this.address, misbehave: this.options.misbehave ?? null });
    return url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
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

  /** If this client owns the slot open now and it is uncommitted, produce its block. */
  async tick(): Promise<void> {
    await this.syncCommitted();
    const now = await chainTime(this.signer.provider!);
    const { genesis, epochDuration, slotDuration } = this.clock;
    if (now < genesis) return;
    const epoch = (now - genesis) / epochDuration;
    const slot = (now - genesis - epoch * epochDuration) / slotDuration;
    const key = `${epoch}:${slot}`;
    if (this.attempted.has(key)) return;
    const owner = await this.c.election.slotOwner(epoch, slot);
    if (owner.toLowerCase() !== this.address.toLowerCase()) return;
    this.attempted.add(key);
    if ((await this.c.ledger.committed(epoch, slot)) !== ZeroHash) return;
    if (this.options.misbehave === "withhold") {
      this.log.warn({ event: "withholding", epoch: Number(epoch), slot: Number(slot) });
      return;
    }
    await this.produce(epoch, slot);
  }

  private async produce(epoch: bigint, slot: bigint): Promise<void> {
    const [start] = await this.c.election.slotWindow(epoch, slot);
    const trades = await this.validPending(start);
    const header = blockHeader(epoch, slot, await this.c.ledger.head(), trades, this.orderDigest);
    const mine = await signHeader(this.signer, this.domain, header);
    const [list] = await this.c.election.delegatesOf(epoch);
    const others = [...new Set(list.map((a) => a.toLowerCase()))].filter((a) => a !== this.address.toLowerCase());
    const endpoints = await Promise.all(others.map((a) => this.c.registry.endpointOf(a)));
    if (this.options.misbehave === "equivocate") {
      // a second block for the same slot, with the first's trades dropped: asked of everyone too
      const forged = { ...header, energyTotal: header.energyTotal + 1n };
      await this.collect(endpoints, header, mine, trades);
      await this.collect(endpoints, forged, await signHeader(this.signer, this.domain, forged), []);
      this.log.warn({ event: "equivocated", epoch: Number(epoch), slot: Number(slot) });
      return;
    }
    const attestations = await this.collect(endpoints, header, mine, trades);
    const signatures = [mine, ...attestations];
    try {
      const r = await sendChecked("commitBlock", this.c.ledger.connect(this.signer).commitBlock, header, signatures, encodeTrades(trades));
      for (const t of trades) this.markIncluded(this.orderDigest(t.order));
      this.stats.produced++;
      this.log.info({ event: "committed", epoch: Number(epoch), slot: Number(slot), trades: trades.length, attestations: attestations.length, gas: Number(r.gasUsed), tx: r.hash });
    } catch (e) {
      this.log.warn({ event: "commit-failed", epoch: Number(epoch), slot: Number(slot), attestations: attestations.length, reason: e instanceof WouldRevert ? e.reason : describeError(e) });
    }
  }

  /** Ask every endpoint to attest `header`; the signatures of those that did. */
  private async collect(endpoints: string[], header: BlockHeader, producerSignature: string, trades: SignedTrade[]): Promise<string[]> {
    const body = toJson({ header, producerSignature, trades });
    const answers = await Promise.all(
      endpoints.map(async (url) => {
        try {
          const res = await fetch(`${url}/attest`, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(3_000) });
          const json = (await res.json()) as { signature?: string; error?: string };
          if (!res.ok || !json.signature) {
            this.log.info({ event: "attestation-refused", url, error: json.error ?? res.status });
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
      if (e instanceof z.ZodError) {
        reply.code(400);
        const issue = e.issues[0];
        return { error: `field "${issue.path.join(".")}": ${issue.message}` };
      }
      if (e instanceof Refusal) {
        reply.code(e.status);
        return { error: e.message };
      }
      reply.code(500);
      return { error: describeError(e) };
    }
  }

  /** POST /trades. */
  private async acceptTrade(body: unknown): Promise<object> {
    const t = TradeSchema.parse(body);
    const digest = await this.checkTrade(t);
    if (this.pending.has(digest)) return { accepted: true, digest, duplicate: true };
    this.pending.set(digest, t);
    this.stats.tradesAccepted++;
    return { accepted: true, digest };
  }

  /**
   * A valid, new trade's order digest; a refusal naming what is wrong otherwise. Parties are judged
   * now, or at the end of second `at` when given (the second before a block's slot began: what the
   * ledger judges a committed block's parties by).
   */
  private async checkTrade(t: SignedTrade, at?: bigint): Promise<string> {
    const digest = this.orderDigest(t.order);
    if (this.included.has(digest)) throw new Refusal(409, `order ${digest} is already in a block`);
    if (t.order.seller.toLowerCase() === t.order.buyer.toLowerCase()) throw new Refusal(400, `field "order.buyer": the seller cannot buy from itself`);
    for (const [party, sig] of [["seller", t.sellerSignature], ["buyer", t.buyerSignature]] as const) {
      const who = t.order[party];
      if (recoverAddress(digest, sig).toLowerCase() !== who.toLowerCase()) throw new Refusal(400, `field "${party}Signature": not signed by the ${party} ${who}`);
      const [admitted, jailed] =
        at === undefined
          ? await Promise.all([this.c.registry.isAdmitted(who), this.c.registry.isJailed(who)])
          : await this.c.registry.creditRecordAt(who, at).then((r) => [r.admitted, r.jailed]);
      if (!admitted || jailed) throw new Refusal(403, `field "order.${party}": ${who} is ${admitted ? "jailed" : "not admitted"}`);
    }
    return digest;
  }

  /** The waiting trades still valid for a block of the slot starting at `start`; the rest leave the pool. */
  private async validPending(start: bigint): Promise<SignedTrade[]> {
    const out: SignedTrade[] = [];
    for (const [digest, t] of this.pending) {
      if (out.length >= this.options.maxTrades) break;
      try {
        await this.checkTrade(t, start - 1n);
        out.push(t);
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        this.pending.delete(digest);
        this.log.info({ event: "trade-dropped", digest, reason: e.message });
      }
    }
    return out;
  }

  /** POST /attest. */
  private async attest(body: unknown): Promise<object> {
    const { header, producerSignature, trades } = AttestSchema.parse(body);
    const digest = headerDigest(this.domain, header);
    const producer = recoverAddress(digest, producerSignature);
    const owner = await this.c.election.slotOwner(header.epoch, header.slot);
    if (owner === ZeroAddress || owner.toLowerCase() !== producer.toLowerCase()) {
      throw new Refusal(403, `field "producerSignature": signer ${producer} does not own slot ${header.slot} of epoch ${header.epoch}`);
    }
    const key = `${header.epoch}:${header.slot}`;
    const first = this.seen.get(key);
    if (first && first.digest === digest) return { signature: first.answer };
    if (first) {
      await this.reportEquivocation(first.header, first.producerSignature, header, producerSignature);
      throw new Refusal(409, `double signing: ${producer} already signed another header for slot ${header.slot} of epoch ${header.epoch}`);
    }
    const now = await chainTime(this.signer.provider!);
    const [start, end] = await this.c.election.slotWindow(header.epoch, header.slot);
    if (now < start - this.clock.slotDuration || now >= end) throw new Refusal(409, `slot ${header.slot} of epoch ${header.epoch} is not open (chain time ${now})`);
    const head = await this.c.ledger.head();
    if (header.parentHash !== head) throw new Refusal(409, `field "header.parentHash": ${header.parentHash} is not the ledger's head ${head}`);
    const expected = blockHeader(header.epoch, header.slot, head, trades, this.orderDigest);
    for (const field of ["tradeRoot", "tradeCount", "energyTotal"] as const) {
      if (expected[field] !== header[field]) throw new Refusal(400, `field "header.${field}": ${header[field]} does not match the trades (${expected[field]})`);
    }
    const digests = [];
    for (const [i, t] of trades.entries()) {
      try {
        digests.push(await this.checkTrade(t, start - 1n));
      } catch (e) {
        throw e instanceof Refusal ? new Refusal(e.status, `trade ${i}: ${e.message}`) : e;
      }
    }
    if (new Set(digests).size !== digests.length) throw new Refusal(400, "field \"trades\": an order appears twice");
    const answer = await signHeader(this.signer, this.domain, header);
    this.seen.set(key, { digest, header, producerSignature, answer });
    this.stats.attested++;
    this.log.info({ event: "attested", epoch: Number(header.epoch), slot: Number(header.slot), producer, trades: trades.length });
    return { signature: answer };
  }

  /**
   * Read the trades of blocks committed since the last call from their transactions' calldata,
   * so no order is proposed or attested twice (a replay is an invalid block, SPEC.md section 5).
   * Starts at the block the client started at: trades older than that are the ledger's to judge.
   */
  private async syncCommitted(): Promise<void> {
    const latest = await this.signer.provider!.getBlockNumber();
    if (latest <= this.syncedTo) return;
    const logs = await this.c.ledger.queryFilter(this.c.ledger.filters.BlockCommitted(), this.syncedTo + 1, latest);
    for (const log of logs) {
      const tx = await this.signer.provider!.getTransaction(log.transactionHash);
      const call = tx && this.c.ledger.interface.parseTransaction(tx);
      if (!call || call.name !== "commitBlock") continue;
      for (const t of decodeTrades(call.args[2])) this.markIncluded(this.orderDigest(t.order));
    }
    this.syncedTo = latest;
  }

  private markIncluded(digest: string) {
    this.included.add(digest);
    this.pending.delete(digest);
  }

  private async reportEquivocation(a: BlockHeader, sigA: string, b: BlockHeader, sigB: string) {
    try {
      const r = await sendChecked("reportEquivocation", this.c.ledger.connect(this.signer).reportEquivocation, a, sigA, b, sigB);
      this.stats.equivocationsReported++;
      this.log.warn({ event: "reported-equivocation", epoch: Number(a.epoch), slot: Number(a.slot), tx: r.hash, gas: Number(r.gasUsed) });
    } catch (e) {
      this.log.info({ event: "equivocation-not-reported", reason: e instanceof WouldRevert ? e.reason : describeError(e) });
    }
  }
}
