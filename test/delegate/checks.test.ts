// The delegate client's rules as pure functions (src/delegate/checks.ts): each refusal names its
// reason, field and status, and each accepts exactly what the ledger accepts at the bounds (a slot
// is open on [start, end), the owner compared as the chain compares addresses). No chain, no HTTP.
import { expect } from "chai";
import fc from "fast-check";
import { Wallet, ZeroAddress, ZeroHash } from "ethers";
import { z } from "zod";
import { Clock } from "../../src/chain/clock";
import {
  BAD_PRODUCER_SIGNATURE,
  REFUSAL_STATUS,
  Refused,
  atTrade,
  attesterRefusal,
  contentRefusal,
  duplicateOrderRefusal,
  equivocationRefusal,
  isRefusal,
  momentRefusal,
  refusalText,
  signatureRefusal,
  slotWindowOrRefusal,
  standingRefusal,
  tradeRefusal,
} from "../../src/delegate/checks";
import { failureAnswer } from "../../src/delegate/server";
import { PoolFull } from "../../src/delegate/pool";
import { DoubleSignRefused } from "../../src/delegate/signer";
import { TradeSchema } from "../../src/delegate/requests";
import { blockHeader, type SignedTrade, type TradeOrder } from "../../src/ledger/signing";

const [seller, buyer, other] = [Wallet.createRandom().address, Wallet.createRandom().address, Wallet.createRandom().address];
const order: TradeOrder = { seller, buyer, energy: 5n, price: 7n, nonce: 1n };
const ok = { admitted: true, jailed: false };

describe("delegate client: the rules as pure functions", () => {
  it("a trade: refused once committed, as a self-trade whatever the case, and for each party's wrong or unusable signature", () => {
    expect(tradeRefusal(order, "0xd1", true)).to.deep.equal({ reason: "already-included", message: "order 0xd1 is already in a block" });
    expect(tradeRefusal({ ...order, buyer: seller.toLowerCase() }, "0xd1", false)).to.include({
      reason: "self-trade",
      field: "order.buyer",
    });
    expect(tradeRefusal(order, "0xd1", false)).to.equal(null);
    expect(signatureRefusal(order, { seller: null, buyer })).to.include({ reason: "bad-signature", field: "sellerSignature" });
    expect(signatureRefusal(order, { seller, buyer: other })).to.include({ reason: "bad-signature", field: "buyerSignature" });
    expect(
      signatureRefusal(order, { seller: seller.toLowerCase(), buyer: buyer.toUpperCase().replace("0X", "0x") }),
      "addresses compare without case",
    ).to.equal(null);
  });

  it("a trade's parties: the seller first, not admitted before jailed", () => {
    const out = { admitted: false, jailed: true };
    expect(standingRefusal(order, out, out)).to.deep.equal({
      reason: "party-not-admitted",
      field: "order.seller",
      message: `${seller} is not admitted`,
    });
    expect(standingRefusal(order, { admitted: true, jailed: true }, out)).to.include({ reason: "party-jailed", field: "order.seller" });
    expect(standingRefusal(order, ok, { admitted: true, jailed: true })).to.include({ reason: "party-jailed", field: "order.buyer" });
    expect(standingRefusal(order, ok, ok)).to.equal(null);
    expect(duplicateOrderRefusal(["0xa", "0xb", "0xa"])).to.include({ reason: "duplicate-order", field: "trades" });
    expect(duplicateOrderRefusal(["0xa", "0xb"])).to.equal(null);
    const inBlock = atTrade(standingRefusal(order, ok, { admitted: true, jailed: true })!, 3);
    expect(refusalText(inBlock), "the trade's index, then what was wrong with it").to.equal(
      `field "trades.3": field "order.buyer": ${buyer} is jailed`,
    );
  });

  it("a header's slot: only slots 0 to S − 1 of epochs the clock has", () => {
    const clock = new Clock({ genesis: 1_000n, epochDuration: 600n, slotsPerEpoch: 6n });
    expect(slotWindowOrRefusal(clock, 2n, 5n)).to.deep.equal({ start: 2_700n, end: 2_800n });
    for (const slot of [6n, 7n, 2n ** 256n - 1n]) {
      const r = slotWindowOrRefusal(clock, 2n, slot);
      expect(isRefusal(r) && r.reason, `slot ${slot}`).to.equal("slot-out-of-range");
      expect(isRefusal(r) && r.field).to.equal("header.slot");
    }
    const late = slotWindowOrRefusal(clock, clock.maxEpoch + 1n, 0n);
    expect(isRefusal(late) && late.field).to.equal("header.epoch");
    expect(BAD_PRODUCER_SIGNATURE).to.include({ reason: "bad-signature", field: "producerSignature" });
  });

  it("the moment: accepted exactly while the slot is open, [start, end), and only from its owner", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 48n }),
        fc.bigInt({ min: 1n, max: 10_000n }),
        fc.bigInt({ min: -3n, max: 3n }),
        fc.boolean(),
        (start, length, edge, atEnd) => {
          const now = (atEnd ? start + length : start) + edge;
          const r = momentRefusal({
            epoch: 1n,
            slot: 0n,
            now,
            window: { start, end: start + length },
            owner: seller,
            producer: seller.toLowerCase(),
          });
          expect(r === null, `now ${now} in [${start}, ${start + length})`).to.equal(now >= start && now < start + length);
          if (r) expect(r).to.include({ reason: "slot-not-open", field: "header.slot" });
        },
      ),
      { seed: 24, numRuns: 300 },
    );
    const open = { epoch: 1n, slot: 2n, now: 5n, window: { start: 5n, end: 6n } };
    expect(momentRefusal({ ...open, owner: ZeroAddress, producer: ZeroAddress }), "nobody owns it").to.include({
      reason: "not-slot-owner",
      field: "producerSignature",
    });
    expect(momentRefusal({ ...open, owner: other, producer: seller })).to.include({ reason: "not-slot-owner" });
  });

  it("the producer's second, different header for a slot is double signing; the same one again is not", () => {
    expect(equivocationRefusal(seller, 1n, 2n, undefined, "0xa")).to.equal(null);
    expect(equivocationRefusal(seller, 1n, 2n, "0xa", "0xa")).to.equal(null);
    expect(equivocationRefusal(seller, 1n, 2n, "0xa", "0xb")).to.include({ reason: "double-signing", field: "header" });
  });

  it("the attester: only while it serves the epoch, only on the ledger's head", () => {
    const head = "0x" + "11".repeat(32);
    const a = { me: seller, serving: [buyer, seller.toLowerCase()], epoch: 4n, parentHash: head, head };
    expect(attesterRefusal(a)).to.equal(null);
    expect(attesterRefusal({ ...a, serving: [buyer] })).to.include({ reason: "not-serving", field: "header.epoch" });
    expect(attesterRefusal({ ...a, parentHash: ZeroHash })).to.include({ reason: "stale-parent", field: "header.parentHash" });
  });

  it("the header's content: each of root, payload hash, count and energy must be the trades' own", () => {
    const trades: SignedTrade[] = [{ order, sellerSignature: "0x" + "aa".repeat(65), buyerSignature: "0x" + "bb".repeat(65) }];
    const digest = () => "0x" + "cd".repeat(32);
    const expected = blockHeader(1n, 0n, ZeroHash, trades, digest);
    expect(contentRefusal(expected, expected)).to.equal(null);
    const changes = { tradeRoot: ZeroHash, payloadHash: ZeroHash, tradeCount: 2n, energyTotal: 6n };
    for (const [field, v] of Object.entries(changes)) {
      expect(contentRefusal({ ...expected, [field]: v }, expected), field).to.include({
        reason: "header-mismatch",
        field: `header.${field}`,
      });
    }
  });

  it("answers each failure with its status and the field at fault; a failure that is not the request's is a 500", () => {
    expect(Object.values(REFUSAL_STATUS).every((s) => [400, 403, 409, 429].includes(s))).to.equal(true);
    const zod = TradeSchema.safeParse({ order: { ...order, energy: "abc" } });
    expect(zod.success).to.equal(false);
    expect(failureAnswer((zod as { error: z.ZodError }).error)).to.deep.include({ status: 400 });
    expect(failureAnswer((zod as { error: z.ZodError }).error).error).to.include('field "order.energy"');
    expect(failureAnswer(new Refused(standingRefusal(order, ok, { admitted: false, jailed: false })!))).to.deep.equal({
      status: 403,
      error: `field "order.buyer": ${buyer} is not admitted`,
    });
    expect(failureAnswer(new DoubleSignRefused(1n, 2n, "0xa", "0xb")).status).to.equal(409);
    expect(failureAnswer(new PoolFull(10)).status).to.equal(429);
    expect(failureAnswer(new Error("disk on fire"))).to.deep.equal({ status: 500, error: "disk on fire" });
  });
});
