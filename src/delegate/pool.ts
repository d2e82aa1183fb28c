// The delegate client's pool of trades waiting for a block: bounded in size, with a cap on each
// party's share, evicting the largest holder's oldest trade when full, and handing trades to blocks
// round-robin by seller. Without the bounds two colluding nodes could fill memory and every block
// with orders to each other, first come first served, and keep honest trades waiting.
import type { SignedTrade } from "../ledger/signing";

export interface PoolLimits {
  /** Most trades waiting at once. */
  size: number;
  /** Most waiting trades one party (as seller or buyer) may be in. */
  perParty: number;
}

/** 10,000 trades (about 5 MB of orders and signatures); 100 each: a block of the default 100 trades per party at most. */
export const DEFAULT_POOL_LIMITS: PoolLimits = { size: 10_000, perParty: 100 };

/** A party already holds its cap of waiting trades. */
export class PartyShareExceeded extends Error {
  override readonly name = "PartyShareExceeded";
  constructor(
    readonly field: "order.seller" | "order.buyer",
    readonly party: string,
    readonly cap: number,
  ) {
    super(`field "${field}": ${party} already has ${cap} trades waiting, the most one party may have`);
  }
}

/** The pool is full and no party holds more of it than the newcomer's parties. */
export class PoolFull extends Error {
  override readonly name = "PoolFull";
  constructor(readonly size: number) {
    super(`the trade pool is full (${size} trades) and shared evenly; try again after the next block`);
  }
}

const partiesOf = (t: SignedTrade) => [t.order.seller.toLowerCase(), t.order.buyer.toLowerCase()] as const;

export class TradePool {
  /** By order digest, oldest first (a Map keeps insertion order). */
  private readonly trades = new Map<string, SignedTrade>();
  /** Each party's waiting trades, oldest first. */
  private readonly byParty = new Map<string, Set<string>>();

  constructor(readonly limits: PoolLimits = DEFAULT_POOL_LIMITS) {}

  get size(): number {
    return this.trades.size;
  }

  has(digest: string): boolean {
    return this.trades.has(digest);
  }

  get(digest: string): SignedTrade | undefined {
    return this.trades.get(digest);
  }

  /** How many waiting trades `party` is in. */
  shareOf(party: string): number {
    return this.byParty.get(party.toLowerCase())?.size ?? 0;
  }

  /**
   * Throws {@link PartyShareExceeded} or {@link PoolFull} if `t` could not join now; cheap, so it
   * runs before a trade's signatures and parties are checked. {@link add} checks again.
   */
  admissible(t: SignedTrade): void {
    this.victimFor(t);
  }

  /** Add `t` (checked again here, in the same synchronous step as the insertion); the digest evicted for it, if any. */
  add(digest: string, t: SignedTrade): string | undefined {
    if (this.trades.has(digest)) return undefined;
    const victim = this.victimFor(t);
    if (victim !== undefined) this.delete(victim);
    this.trades.set(digest, t);
    for (const p of partiesOf(t)) {
      let set = this.byParty.get(p);
      if (!set) this.byParty.set(p, (set = new Set()));
      set.add(digest);
    }
    return victim;
  }

  delete(digest: string): void {
    const t = this.trades.get(digest);
    if (!t) return;
    this.trades.delete(digest);
    for (const p of partiesOf(t)) {
      const set = this.byParty.get(p)!;
      set.delete(digest);
      if (set.size === 0) this.byParty.delete(p);
    }
  }

  /**
   * Every waiting trade, in the order a block should take them: one per seller in turn, each
   * seller's oldest first, so a block of n trades serves n sellers before any seller's second.
   */
  candidates(): [string, SignedTrade][] {
    const bySeller = new Map<string, [string, SignedTrade][]>();
    for (const entry of this.trades) {
      const seller = entry[1].order.seller.toLowerCase();
      let queue = bySeller.get(seller);
      if (!queue) bySeller.set(seller, (queue = []));
      queue.push(entry);
    }
    const queues = [...bySeller.values()];
    const out: [string, SignedTrade][] = [];
    for (let round = 0; out.length < this.trades.size; round++) {
      for (const q of queues) if (round < q.length) out.push(q[round]);
    }
    return out;
  }

  /** The digest to evict so `t` fits (undefined if it fits as it is); throws if it may not join. */
  private victimFor(t: SignedTrade): string | undefined {
    const [seller, buyer] = partiesOf(t);
    for (const [field, p] of [
      ["order.seller", seller],
      ["order.buyer", buyer],
    ] as const) {
      if (this.shareOf(p) >= this.limits.perParty) throw new PartyShareExceeded(field, p, this.limits.perParty);
    }
    if (this.trades.size < this.limits.size) return undefined;
    // full: the largest holder gives up its oldest trade, if it holds more than the newcomer's
    // parties would after joining (otherwise the pool is already shared fairly)
    let largest: Set<string> | undefined;
    for (const set of this.byParty.values()) if (!largest || set.size > largest.size) largest = set;
    const newcomer = Math.max(this.shareOf(seller), this.shareOf(buyer)) + 1;
    if (!largest || largest.size <= newcomer) throw new PoolFull(this.limits.size);
    return largest.values().next().value;
  }
}
