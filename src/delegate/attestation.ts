// `POST /attest`: another delegate's block (header, the producer's signature, the trades), signed
// through the persisted signer when every rule of src/delegate/checks.ts holds. This file gathers
// the facts in the order that keeps a bad request cheap (the request's own form first, then one
// parallel round of chain reads, then the trades' parties in parallel) and keeps the first header
// each producer signed for a slot: a second, different one is double signing, reported on-chain
// with both signatures, once per (producer, slot) however many copies arrive.
import { chainTime, describeError, isTransient, sendChecked, WouldRevert } from "../chain/tx";
import { blockHeader, headerDigest, recoverStrict, type BlockHeader, type TradeOrder } from "../ledger/signing";
import {
  BAD_PRODUCER_SIGNATURE,
  Refused,
  atTrade,
  attesterRefusal,
  contentRefusal,
  duplicateOrderRefusal,
  equivocationRefusal,
  isRefusal,
  momentRefusal,
  slotWindowOrRefusal,
} from "./checks";
import { ByEpoch, servingDelegates, type DelegateContext } from "./context";
import { AttestSchema } from "./requests";
import type { StandingMemo, TradeIntake } from "./trades";

export class Attester {
  /** The first header each producer signed per slot (key "producer:slot"), for an equivocation report. */
  private readonly seen = new ByEpoch<{ digest: string; header: BlockHeader; signature: string }>();
  /** Equivocation reports sent or under way, per (signer, slot): one each, however many copies arrive. */
  private readonly reports = new ByEpoch<Promise<void>>();

  constructor(
    private readonly x: DelegateContext,
    private readonly trades: TradeIntake,
  ) {}

  /** POST /attest: this node's signature of the header; throws a {@link Refused} (or the signer's refusal) otherwise. */
  async attest(body: unknown): Promise<{ signature: string }> {
    const x = this.x;
    const { header, producerSignature, trades } = AttestSchema.parse(body);
    const { epoch, slot } = header;
    const window = slotWindowOrRefusal(x.clock, epoch, slot);
    if (isRefusal(window)) throw new Refused(window);
    const digest = headerDigest(x.domain, header);
    const producer = recoverStrict(digest, producerSignature);
    if (producer === null) throw new Refused(BAD_PRODUCER_SIGNATURE);
    // the same request again: the same answer, nothing to read from the chain
    const prior = x.protection.signedAt(epoch, slot);
    if (prior && prior.digest === digest) return { signature: prior.signature };

    const latest = await x.provider.getBlockNumber();
    const [now, owner, serving, head] = await Promise.all([
      chainTime(x.provider),
      x.c.election.slotOwner(epoch, slot),
      servingDelegates(x.c, epoch),
      x.c.ledger.head({ blockTag: latest }),
      x.committed.syncTo(latest), // the head's trades are known committed before any trade is judged
    ]);
    const moment = momentRefusal({ epoch, slot, now, window, owner, producer });
    if (moment) throw new Refused(moment);

    // the producer's first header of the slot is kept (no await between the look-up and the
    // record, so concurrent copies see each other); any other is its equivocation
    const seenKey = `${producer}:${slot}`;
    const first = this.seen.get(epoch, seenKey);
    if (!first) this.seen.set(epoch, seenKey, { digest, header, signature: producerSignature });
    const twice = equivocationRefusal(producer, epoch, slot, first?.digest, digest);
    if (twice) {
      await this.reportEquivocation(producer, first!.header, first!.signature, header, producerSignature);
      throw new Refused(twice);
    }

    const standing = attesterRefusal({ me: x.me, serving, epoch, parentHash: header.parentHash, head });
    if (standing) throw new Refused(standing);
    // each order's EIP-712 digest once (the root and the checks both need it)
    const digestOf = new Map<TradeOrder, string>(trades.map((t) => [t.order, x.orderDigest(t.order)]));
    const content = contentRefusal(
      header,
      blockHeader(epoch, slot, head, trades, (o) => digestOf.get(o) ?? x.orderDigest(o)),
    );
    if (content) throw new Refused(content);
    const memo: StandingMemo = new Map();
    const digests = await Promise.all(
      trades.map((t, i) =>
        this.trades.check(t, window.start - 1n, memo, digestOf.get(t.order)).catch((e: unknown) => {
          throw e instanceof Refused ? new Refused(atTrade(e.refusal, i)) : e;
        }),
      ),
    );
    const twiceInBlock = duplicateOrderRefusal(digests);
    if (twiceInBlock) throw new Refused(twiceInBlock);
    const signature = await x.protection.sign(header); // refuses a second header for the slot, however it came
    if (!x.blocks.get(epoch, String(slot))) x.blocks.set(epoch, String(slot), { header, digest, trades });
    x.stats.attested++;
    x.log.info({ event: "attested", epoch: Number(epoch), slot: Number(slot), producer, trades: trades.length });
    return { signature };
  }

  /** Forget epochs before `before` (past the evidence window). */
  prune(before: bigint): void {
    this.seen.prune(before);
    this.reports.prune(before);
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
    const x = this.x;
    try {
      const r = await sendChecked("reportEquivocation", x.c.ledger.connect(x.signer).reportEquivocation, a, sigA, b, sigB);
      x.stats.equivocationsReported++;
      x.log.warn({ event: "reported-equivocation", epoch: Number(a.epoch), slot: Number(a.slot), tx: r.hash, gas: Number(r.gasUsed) });
    } catch (e) {
      if (isTransient(e)) this.reports.delete(a.epoch, key); // the RPC failed, not the evidence: the next copy tries again
      x.log.info({ event: "equivocation-not-reported", reason: e instanceof WouldRevert ? e.reason : describeError(e) });
    }
  }
}
