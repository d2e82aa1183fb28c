// The delegate client's trade intake: `POST /trades` (a prosumer's order with both EIP-712
// signatures, checked and kept in the bounded pool for the next block), and the one trade check
// that the intake, the attestation of another delegate's block and this node's own block
// production all use. The rules are the pure ones of src/delegate/checks.ts; this file reads the
// facts they need, cheapest first, so that a flood is refused before it costs a chain read.
import { recoverStrict, type SignedTrade } from "../ledger/signing";
import { Refused, signatureRefusal, standingRefusal, tradeRefusal, type Standing } from "./checks";
import type { DelegateContext } from "./context";
import { TradeSchema } from "./requests";

/** One standing read per party and moment, shared by the trades of a block. */
export type StandingMemo = Map<string, Promise<Standing>>;

export class TradeIntake {
  constructor(private readonly x: DelegateContext) {}

  /** POST /trades: the trade's digest once it is pooled; throws a {@link Refused} (or the pool's bound errors) otherwise. */
  async accept(body: unknown): Promise<{ accepted: true; digest: string; duplicate?: true }> {
    const t = TradeSchema.parse(body);
    const { pool } = this.x;
    const digest = this.x.orderDigest(t.order);
    if (!pool.has(digest)) pool.admissible(t); // before any chain read: a flood is refused for free
    // a trade committed since the last sync is refused, even one still waiting in the pool
    // (found by test/delegate/property.test.ts: a pooled copy was answered "accepted" after its block)
    await this.x.committed.syncTo();
    if (pool.has(digest)) return { accepted: true, digest, duplicate: true };
    await this.check(t);
    const evicted = pool.add(digest, t); // checks the bounds again, with no await since the check
    if (evicted) {
      this.x.stats.tradesEvicted++;
      this.x.log.info({ event: "trade-evicted", digest: evicted, for: digest });
    }
    this.x.stats.tradesAccepted++;
    return { accepted: true, digest };
  }

  /**
   * A valid, new trade's order digest; throws a {@link Refused} naming what is wrong otherwise.
   * Parties are judged now, or at the end of second `at` when given (the second before a block's
   * slot began: what the ledger judges a committed block's parties by); `memo` shares one read per
   * party across a block.
   */
  async check(t: SignedTrade, at?: bigint, memo: StandingMemo = new Map(), digest = this.x.orderDigest(t.order)): Promise<string> {
    const own = tradeRefusal(t.order, digest, this.x.committed.has(digest));
    if (own) throw new Refused(own);
    // a recovery costs ~3 ms of CPU: the pool's trades were verified when they came in, and
    // prosumers send every trade to every delegate, so a block's trades are mostly known already
    const pooled = this.x.pool.get(digest);
    if (pooled === undefined || pooled.sellerSignature !== t.sellerSignature || pooled.buyerSignature !== t.buyerSignature) {
      const signed = signatureRefusal(t.order, {
        seller: recoverStrict(digest, t.sellerSignature),
        buyer: recoverStrict(digest, t.buyerSignature),
      });
      if (signed) throw new Refused(signed);
    }
    const [seller, buyer] = await Promise.all([this.standing(t.order.seller, at, memo), this.standing(t.order.buyer, at, memo)]);
    const parties = standingRefusal(t.order, seller, buyer);
    if (parties) throw new Refused(parties);
    return digest;
  }

  private standing(who: string, at: bigint | undefined, memo: StandingMemo): Promise<Standing> {
    const key = who.toLowerCase();
    let p = memo.get(key);
    if (!p) {
      const { registry } = this.x.c;
      p =
        at === undefined
          ? Promise.all([registry.isAdmitted(who), registry.isJailed(who)]).then(([admitted, jailed]) => ({ admitted, jailed }))
          : registry.creditRecordAt(who, at).then((r) => ({ admitted: r.admitted, jailed: r.jailed }));
      memo.set(key, p);
    }
    return p;
  }
}
