// Block production: in each slot this node owns, while it is open and uncommitted, build the block
// from the pool (or re-use the header already signed for the slot), sign it through the persisted
// signer, ask the other serving delegates for attestations, keep those the ledger will count, and
// commit with more than half. A failed try (a transient RPC error, a lagging attester, a commit
// that would revert) is tried again at the next tick with the same header while the slot lasts.
// What the node does with an owned slot is a strategy: honest production by default; the
// demonstrations and tests inject a cheat (src/delegate/misbehaviour.ts) through the same hooks.
import { ZeroHash } from "ethers";
import type { Logger } from "pino";
import { WouldRevert, describeError, sendChecked } from "../chain/tx";
import { blockHeader, encodeTrades, headerDigest, recoverStrict, signHeader, type BlockHeader, type SignedTrade } from "../ledger/signing";
import { toJson } from "../util/json";
import { Refused } from "./checks";
import { ByEpoch, same, servingDelegates, type DelegateContext, type SignedBlock } from "./context";
import { DoubleSignRefused } from "./signer";
import type { StandingMemo, TradeIntake } from "./trades";

/** Most tries per owned slot: a transient RPC error or a missing attestation is retried, not the slot given up. */
const MAX_SLOT_ATTEMPTS = 5;

/** The producer holds a signed header for its slot whose block (trades) it no longer has: it cannot produce another. */
export class SlotAlreadySigned extends Error {
  override readonly name = "SlotAlreadySigned";
  constructor(
    readonly epoch: bigint,
    readonly slot: bigint,
    readonly digest: string,
  ) {
    super(
      `slot ${slot} of epoch ${epoch}: this node already signed header ${digest} and does not hold its trades; it produces nothing else there`,
    );
  }
}

/** The header signed for the slot no longer extends the ledger's head (another block was committed since): it cannot be committed. */
export class HeadMoved extends Error {
  override readonly name = "HeadMoved";
  constructor(
    readonly parentHash: string,
    readonly head: string,
  ) {
    super(`field "header.parentHash": the signed header's parent ${parentHash} is no longer the head ${head}`);
  }
}

/** A block signed by this node, with its signature. */
export type ProducedBlock = SignedBlock & { signature: string };

/** What a {@link SlotBehaviour} may do in an owned slot. */
export interface OwnedSlot {
  readonly epoch: bigint;
  readonly slot: bigint;
  readonly log: Logger;
  /** The slot's block (the one already signed for the slot, or a new one from the pool), signed through the slashing protection. */
  signedBlock(): Promise<ProducedBlock>;
  /** Ask every other serving delegate to attest `block`; the signatures the ledger will count. */
  gather(block: { header: BlockHeader; signature: string; trades: SignedTrade[] }): Promise<string[]>;
  /** Commit `block` with the attesters' signatures beside the producer's. */
  commit(block: ProducedBlock, attestations: string[]): Promise<void>;
  /** Sign `header` past the slashing protection: what only a cheat does. */
  signUnprotected(header: BlockHeader): Promise<string>;
}

/** What this node does in a slot it owns. */
export interface SlotBehaviour {
  /** Shown at /health: "honest" or the cheat's name. */
  readonly name: string;
  /** Act in an owned, open, uncommitted slot; true once nothing more is to be done there. A throw is a failed try. */
  produce(slot: OwnedSlot): Promise<boolean>;
}

/** Sign, gather, commit. */
export const HONEST: SlotBehaviour = {
  name: "honest",
  async produce(s) {
    const block = await s.signedBlock();
    await s.commit(block, await s.gather(block));
    return true;
  },
};

export interface ProductionOptions {
  /** Most trades in one block. */
  maxTrades: number;
  /** How long the producer waits for each attestation (default 3 s). */
  attestTimeoutMs?: number;
  behaviour: SlotBehaviour;
}

export class Producer {
  /** Owned slots: tries so far, and whether they are settled (committed, withheld or given up). */
  private readonly slots = new ByEpoch<{ attempts: number; settled: boolean }>();

  constructor(
    private readonly x: DelegateContext,
    private readonly trades: TradeIntake,
    private readonly options: ProductionOptions,
  ) {}

  /** If this node owns the slot open at chain time `now` and it is uncommitted, act in it (retrying a failed try). */
  async tick(now: bigint): Promise<void> {
    const x = this.x;
    if (now < x.clock.genesis) return;
    const { epoch, slot } = x.clock.slotAt(now);
    const key = String(slot);
    const state = this.slots.get(epoch, key) ?? { attempts: 0, settled: false };
    if (state.settled) return;
    if (!same(await x.c.election.slotOwner(epoch, slot), x.me)) return;
    this.slots.set(epoch, key, state);
    if ((await x.c.ledger.committed(epoch, slot)) !== ZeroHash) {
      state.settled = true;
      return;
    }
    state.attempts++;
    try {
      state.settled = await this.options.behaviour.produce(this.owned(epoch, slot));
    } catch (e) {
      // a transient RPC error, a lagging attester or a block that would revert is tried again at
      // the next tick while the slot is open; a header this node may not sign is final
      state.settled = e instanceof DoubleSignRefused || e instanceof SlotAlreadySigned || state.attempts >= MAX_SLOT_ATTEMPTS;
      x.log.warn({
        event: "produce-failed",
        epoch: Number(epoch),
        slot: Number(slot),
        attempt: state.attempts,
        final: state.settled,
        reason: e instanceof WouldRevert ? e.reason : describeError(e),
      });
    }
  }

  /** Forget epochs before `before` (past the evidence window). */
  prune(before: bigint): void {
    this.slots.prune(before);
  }

  /** The hooks of one try in slot (`epoch`, `slot`); the serving delegates' endpoints are read once per try. */
  private owned(epoch: bigint, slot: bigint): OwnedSlot {
    const x = this.x;
    let endpoints: Promise<{ delegate: string; url: string }[]> | undefined;
    const peers = () =>
      (endpoints ??= servingDelegates(x.c, epoch).then((serving) =>
        Promise.all(
          serving.filter((a) => !same(a, x.me)).map(async (delegate) => ({ delegate, url: await x.c.registry.endpointOf(delegate) })),
        ),
      ));
    return {
      epoch,
      slot,
      log: x.log,
      signedBlock: () => this.signedBlock(epoch, slot),
      gather: async (b) => this.collect(await peers(), b.header, b.signature, b.trades),
      commit: (b, attestations) => this.commit(b, attestations),
      signUnprotected: (header) => signHeader(x.signer, x.domain, header),
    };
  }

  /** The block of an owned slot, built (or re-used) and signed through the slashing protection. */
  private async signedBlock(epoch: bigint, slot: bigint): Promise<ProducedBlock> {
    const x = this.x;
    const key = String(slot);
    const latest = await x.provider.getBlockNumber();
    const [head] = await Promise.all([x.c.ledger.head({ blockTag: latest }), x.committed.syncTo(latest)]);
    let block = x.blocks.get(epoch, key);
    const prior = x.protection.signedAt(epoch, slot);
    if (prior && block?.digest !== prior.digest) throw new SlotAlreadySigned(epoch, slot, prior.digest);
    if (block && block.header.parentHash !== head) throw new HeadMoved(block.header.parentHash, head);
    if (!block) {
      const trades = await this.selectTrades(x.clock.slotWindow(epoch, slot).start);
      const header = blockHeader(epoch, slot, head, trades, x.orderDigest);
      block = { header, digest: headerDigest(x.domain, header), trades };
    }
    const signature = await x.protection.sign(block.header);
    x.blocks.set(epoch, key, block);
    return { ...block, signature };
  }

  private async commit(block: ProducedBlock, attestations: string[]): Promise<void> {
    const x = this.x;
    const { header, trades } = block;
    const r = await sendChecked(
      "commitBlock",
      x.c.ledger.connect(x.signer).commitBlock,
      header,
      [block.signature, ...attestations],
      encodeTrades(trades),
    );
    for (const t of trades) x.committed.add(x.orderDigest(t.order));
    x.stats.produced++;
    x.log.info({
      event: "committed",
      epoch: Number(header.epoch),
      slot: Number(header.slot),
      trades: trades.length,
      attestations: attestations.length,
      gas: Number(r.gasUsed),
      tx: r.hash,
    });
  }

  /**
   * Up to `maxTrades` pool trades valid for a block of the slot starting at `start`, round-robin by
   * seller, checked a block's worth at a time in parallel; refused ones leave the pool.
   */
  private async selectTrades(start: bigint): Promise<SignedTrade[]> {
    const x = this.x;
    const out: SignedTrade[] = [];
    const memo: StandingMemo = new Map();
    const candidates = x.pool.candidates();
    for (let i = 0; i < candidates.length && out.length < this.options.maxTrades;) {
      const batch = candidates.slice(i, i + this.options.maxTrades - out.length);
      i += batch.length;
      const checked = await Promise.allSettled(batch.map(([, t]) => this.trades.check(t, start - 1n, memo)));
      for (const [j, r] of checked.entries()) {
        const [digest, t] = batch[j];
        if (r.status === "fulfilled") out.push(t);
        else if (r.reason instanceof Refused) {
          x.pool.delete(digest);
          x.log.info({ event: "trade-dropped", digest, reason: r.reason.message });
        } else throw r.reason; // the RPC failed: keep the trade, try the slot again
      }
    }
    return out;
  }

  /**
   * Ask every endpoint to attest `header`; the signatures the ledger will count: each recovered by
   * its rule and from the delegate asked. One malformed answer must not revert the commit.
   */
  private async collect(
    endpoints: { delegate: string; url: string }[],
    header: BlockHeader,
    producerSignature: string,
    trades: SignedTrade[],
  ): Promise<string[]> {
    const x = this.x;
    const body = toJson({ header, producerSignature, trades });
    const digest = headerDigest(x.domain, header);
    const answers = await Promise.all(
      endpoints.map(async ({ delegate, url }) => {
        if (!/^https?:\/\//.test(url)) return null; // a registered endpoint is anyone's string
        try {
          const res = await fetch(`${url}/attest`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
            signal: AbortSignal.timeout(this.options.attestTimeoutMs ?? 3_000),
          });
          const json = (await res.json()) as { signature?: unknown; error?: string };
          if (!res.ok || typeof json.signature !== "string") {
            x.log.info({ event: "attestation-refused", url, error: json.error ?? res.status });
            return null;
          }
          const signer = recoverStrict(digest, json.signature);
          if (signer === null || !same(signer, delegate)) {
            x.stats.attestationsDropped++;
            x.log.warn({
              event: "attestation-dropped",
              url,
              delegate,
              signer,
              reason: signer === null ? "not a signature the ledger accepts" : "not signed by the delegate asked",
            });
            return null;
          }
          return json.signature;
        } catch (e) {
          x.log.info({ event: "attestation-unreachable", url, error: describeError(e) });
          return null;
        }
      }),
    );
    return answers.filter((s): s is string => s !== null);
  }
}
