// The delegate client's rules for trades and attestations, as pure functions: each takes what was
// read from the request and the chain and returns a Refusal (a value naming the reason, the field
// at fault and the HTTP status) or null. No I/O and no throw here: src/delegate/trades.ts and
// src/delegate/attestation.ts gather the facts, in the order that keeps a flood cheap, and act on
// the answer. The rules are the ledger's own (BlockLedger.commitBlock and its evidence), so a block
// this node signs can be committed and one it refuses could be proven bad or is not yet valid.
import { ZeroAddress } from "ethers";
import { EpochOutOfRange, SlotOutOfRange, type Clock } from "../chain/clock";
import type { BlockHeader, TradeOrder } from "../ledger/signing";

/** Why a request is refused. */
export type RefusalReason =
  | "malformed" // a field fails the request schema
  | "slot-out-of-range" // slot ≥ S, or an epoch past the clock's last
  | "epoch-out-of-range"
  | "bad-signature" // not a signature the ledger accepts, or not by the party it should be
  | "self-trade"
  | "header-mismatch" // root, payload hash, count or energy differ from the trades
  | "duplicate-order" // one order twice in a block
  | "party-not-admitted"
  | "party-jailed"
  | "not-slot-owner" // the producer does not own the slot
  | "not-serving" // this node's attestation would not count in the epoch
  | "already-included" // the order is in a committed block
  | "slot-not-open" // the chain's time is outside the slot
  | "stale-parent" // the header does not extend the ledger's head
  | "double-signing" // the producer signed another header for the slot
  | "already-signed" // this node signed another header for the slot (its slashing protection)
  | "epoch-pruned" // the slot's epoch is past the evidence window
  | "party-share-exceeded" // the pool's cap per party
  | "pool-full";

export interface Refusal {
  readonly reason: RefusalReason;
  /** The request field at fault ("order.seller", "trades.3"), when there is one. */
  readonly field?: string;
  readonly message: string;
}

/** The HTTP status of each reason: 400 a bad request, 403 a sender or party without the standing, 409 a conflict with the chain's state or this node's record, 429 the pool's bounds. */
export const REFUSAL_STATUS: Readonly<Record<RefusalReason, number>> = {
  malformed: 400,
  "slot-out-of-range": 400,
  "epoch-out-of-range": 400,
  "bad-signature": 400,
  "self-trade": 400,
  "header-mismatch": 400,
  "duplicate-order": 400,
  "party-not-admitted": 403,
  "party-jailed": 403,
  "not-slot-owner": 403,
  "not-serving": 403,
  "already-included": 409,
  "slot-not-open": 409,
  "stale-parent": 409,
  "double-signing": 409,
  "already-signed": 409,
  "epoch-pruned": 409,
  "party-share-exceeded": 429,
  "pool-full": 429,
};

export const refusal = (reason: RefusalReason, message: string, field?: string): Refusal =>
  field === undefined ? { reason, message } : { reason, field, message };

/** The text an HTTP answer carries: `field "<field>": <message>`, or the message alone. */
export const refusalText = (r: Refusal) => (r.field === undefined ? r.message : `field "${r.field}": ${r.message}`);

/** A refusal thrown through the I/O around the checks, to end a request; the server answers with it. */
export class Refused extends Error {
  override readonly name = "Refused";
  constructor(readonly refusal: Refusal) {
    super(refusalText(refusal));
  }
  get status(): number {
    return REFUSAL_STATUS[this.refusal.reason];
  }
}

/** A refusal of the trade at index `i` of a block: the field names the trade, the message keeps what was wrong with it. */
export const atTrade = (r: Refusal, i: number): Refusal => refusal(r.reason, refusalText(r), `trades.${i}`);

// ------------------------------------------------------------------ trades

/** What a trade check needs to know about one party at the moment that counts. */
export interface Standing {
  admitted: boolean;
  jailed: boolean;
}

/** A trade's own validity, before any signature is recovered: not in a committed block, not a self-trade. */
export function tradeRefusal(order: TradeOrder, digest: string, included: boolean): Refusal | null {
  if (included) return refusal("already-included", `order ${digest} is already in a block`);
  if (order.seller.toLowerCase() === order.buyer.toLowerCase())
    return refusal("self-trade", "the seller cannot buy from itself", "order.buyer");
  return null;
}

/**
 * Both signatures by their parties under the ledger's rule: `signers` are the addresses
 * `recoverStrict` gave for the seller's and the buyer's signature (null: one the ledger refuses).
 */
export function signatureRefusal(order: TradeOrder, signers: { seller: string | null; buyer: string | null }): Refusal | null {
  for (const party of ["seller", "buyer"] as const) {
    const by = signers[party];
    if (by === null || by.toLowerCase() !== order[party].toLowerCase()) {
      return refusal("bad-signature", `not a signature by the ${party} ${order[party]} that the ledger accepts`, `${party}Signature`);
    }
  }
  return null;
}

/** Both parties admitted and not jailed (the ledger proves a block invalid otherwise). */
export function standingRefusal(order: TradeOrder, seller: Standing, buyer: Standing): Refusal | null {
  for (const [party, s] of [
    ["seller", seller],
    ["buyer", buyer],
  ] as const) {
    if (!s.admitted) return refusal("party-not-admitted", `${order[party]} is not admitted`, `order.${party}`);
    if (s.jailed) return refusal("party-jailed", `${order[party]} is jailed`, `order.${party}`);
  }
  return null;
}

/** One order twice in a block: its second copy would be a replay the ledger punishes. */
export function duplicateOrderRefusal(digests: readonly string[]): Refusal | null {
  return new Set(digests).size === digests.length ? null : refusal("duplicate-order", "an order appears twice", "trades");
}

// ------------------------------------------------------------------ attestations

/** The slot's window on the clock, or why the slot or epoch does not exist. */
export function slotWindowOrRefusal(
  clock: Pick<Clock, "slotWindow">,
  epoch: bigint,
  slot: bigint,
): { start: bigint; end: bigint } | Refusal {
  try {
    return clock.slotWindow(epoch, slot);
  } catch (e) {
    if (e instanceof SlotOutOfRange) return refusal("slot-out-of-range", e.message, "header.slot");
    if (e instanceof EpochOutOfRange) return refusal("epoch-out-of-range", e.message, "header.epoch");
    throw e; // a bug, not a request's fault
  }
}

export const isRefusal = (x: object): x is Refusal => "reason" in x;

/** The producer's signature on the header is not one the ledger accepts (`recoverStrict` gave null). */
export const BAD_PRODUCER_SIGNATURE: Refusal = refusal(
  "bad-signature",
  "not a signature the ledger accepts (65 bytes, v 27 or 28, low s)",
  "producerSignature",
);

/**
 * Only inside the slot, and only for its owner: before the slot begins its owner may still change
 * (a hand-over), and a signature given to the old owner would bind this node against the new
 * owner's block; after it ends the ledger takes no commit.
 */
export function momentRefusal(m: {
  epoch: bigint;
  slot: bigint;
  now: bigint;
  window: { start: bigint; end: bigint };
  owner: string;
  producer: string;
}): Refusal | null {
  if (m.now < m.window.start || m.now >= m.window.end)
    return refusal("slot-not-open", `slot ${m.slot} of epoch ${m.epoch} is not open (chain time ${m.now})`, "header.slot");
  if (m.owner === ZeroAddress || m.owner.toLowerCase() !== m.producer.toLowerCase()) {
    return refusal("not-slot-owner", `signer ${m.producer} does not own slot ${m.slot} of epoch ${m.epoch}`, "producerSignature");
  }
  return null;
}

/** A header other than the first this producer signed for the slot is double signing (the caller reports it). */
export function equivocationRefusal(
  producer: string,
  epoch: bigint,
  slot: bigint,
  firstDigest: string | undefined,
  digest: string,
): Refusal | null {
  if (firstDigest === undefined || firstDigest === digest) return null;
  return refusal(
    "double-signing",
    `double signing: ${producer} already signed another header for slot ${slot} of epoch ${epoch}`,
    "header",
  );
}

/**
 * This node attests only while it serves the epoch (a standby only once it has taken slots over:
 * before that, signing a header of a slot it may take over would only tie its hands as that slot's
 * producer), and only a header on the ledger's head.
 */
export function attesterRefusal(a: {
  me: string;
  serving: readonly string[];
  epoch: bigint;
  parentHash: string;
  head: string;
}): Refusal | null {
  if (!a.serving.some((s) => s.toLowerCase() === a.me.toLowerCase()))
    return refusal("not-serving", `${a.me} does not serve epoch ${a.epoch}`, "header.epoch");
  if (a.parentHash !== a.head) return refusal("stale-parent", `${a.parentHash} is not the ledger's head ${a.head}`, "header.parentHash");
  return null;
}

/** The header's root, payload hash (which binds it to the calldata the commit must publish), count and energy against those of its trades. */
export function contentRefusal(header: BlockHeader, expected: BlockHeader): Refusal | null {
  for (const field of ["tradeRoot", "payloadHash", "tradeCount", "energyTotal"] as const) {
    if (expected[field] !== header[field])
      return refusal("header-mismatch", `${header[field]} does not match the trades (${expected[field]})`, `header.${field}`);
  }
  return null;
}
