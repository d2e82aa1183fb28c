// The delegate client in-process on the embedded network, over real HTTP: trades are checked field
// by field, the slot owner's block gathers attestations from the other clients and is committed,
// a committed order is refused afterwards, and a producer that signs two blocks for its slot is
// reported by the attester that sees both.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import pino from "pino";
import { ledgerFixture, type LedgerFixture } from "../ledger/helpers";
import { DelegateClient } from "../../src/delegate/client";
import { MISBEHAVIOURS, type MisbehaviourName } from "../../src/delegate/misbehaviour";
import { toJson } from "../../src/util/json";
import { signTrade, type TradeOrder } from "../../src/ledger/signing";
import { WAD } from "../../src/scoring/params";

const BASE_PORT = 7250;
const fixture = () => ledgerFixture();

describe("delegate client", () => {
  let clients: DelegateClient[] = [];
  afterEach(async () => {
    for (const c of clients) await c.stop();
    clients = [];
  });

  /** Clients for the 3 delegates and 2 standbys, each at its own registered endpoint. */
  async function start(f: LedgerFixture, cheat?: { node: string; how: MisbehaviourName }) {
    for (const [i, m] of f.members.entries()) {
      const port = BASE_PORT + i;
      await f.registry.connect(f.signerOf(m)).setEndpoint(`http://127.0.0.1:${port}`);
      const c = new DelegateClient(f.system, f.signerOf(m), pino({ level: "silent" }), {
        host: "127.0.0.1",
        port,
        pollMs: 0,
        maxTrades: 10,
        misbehave: cheat?.node === m ? MISBEHAVIOURS[cheat.how] : undefined,
      });
      await c.start();
      clients.push(c);
    }
  }

  const post = async (port: number, path: string, body: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { status: res.status, json: (await res.json()) as { error?: string; accepted?: boolean } };
  };

  it("refuses bad trades naming the field, commits a good one in an attested block, and refuses it afterwards", async () => {
    const f = await loadFixture(fixture);
    await start(f);
    const owner = await f.election.slotOwner(f.epoch, 0n);
    const port = BASE_PORT + f.members.indexOf(owner);
    const [seller, buyer] = [f.signerOf(f.members[3]), f.signerOf(f.members[4])];
    const order: TradeOrder = { seller: seller.address, buyer: buyer.address, energy: 2_000n, price: WAD, nonce: 1n };
    const good = {
      order,
      sellerSignature: await signTrade(seller, f.domain, order),
      buyerSignature: await signTrade(buyer, f.domain, order),
    };

    const malformed = await post(port, "/trades", toJson({ ...good, order: { ...order, energy: "abc" } }));
    expect(malformed.status).to.equal(400);
    expect(malformed.json.error).to.include('"order.energy"');
    const forged = await post(port, "/trades", toJson({ ...good, buyerSignature: await signTrade(f.outsider, f.domain, order) }));
    expect(forged.status).to.equal(400);
    expect(forged.json.error).to.include('"buyerSignature"');
    const outsiderOrder = { ...order, buyer: f.outsider.address };
    const outsider = await post(
      port,
      "/trades",
      toJson({
        order: outsiderOrder,
        sellerSignature: await signTrade(seller, f.domain, outsiderOrder),
        buyerSignature: await signTrade(f.outsider, f.domain, outsiderOrder),
      }),
    );
    expect(outsider.status).to.equal(403);
    expect(outsider.json.error).to.include("not admitted");
    expect((await post(port, "/trades", toJson(good))).json.accepted).to.equal(true);

    for (const c of clients) await c.tick();
    const [committed] = await f.ledger.queryFilter(f.ledger.filters.BlockCommitted(f.epoch, 0n));
    expect(committed.args.producer).to.equal(owner);
    expect(committed.args.attesters.length).to.be.greaterThanOrEqual(2);
    const call = f.ledger.interface.parseTransaction(await committed.getTransaction())!;
    expect(call.args[0].tradeCount).to.equal(1n);
    expect(call.args[0].energyTotal).to.equal(2_000n);

    for (const c of clients) await c.tick(); // every client reads the committed block's trades
    const again = await post(BASE_PORT + f.members.indexOf(owner === f.members[0] ? f.members[1] : f.members[0]), "/trades", toJson(good));
    expect(again.status).to.equal(409);
    expect(again.json.error).to.include("already in a block");
  });

  it("a producer that signs two blocks for its slot is reported by an attester, slashed and jailed; a standby produces the slot", async () => {
    const f = await loadFixture(fixture);
    const owner = await f.election.slotOwner(f.epoch, 0n);
    await start(f, { node: owner, how: "equivocate" });
    const bonded = await f.vault.bonded(owner);
    for (const c of clients) await c.tick();
    const [punished] = await f.ledger.queryFilter(f.ledger.filters.OffencePunished(owner));
    expect(punished.args.offence).to.equal(1n); // equivocation
    expect(f.members, "reported by one of the clients").to.include(punished.args.reporter);
    expect(await f.registry.isJailed(owner)).to.equal(true);
    expect(await f.vault.bonded(owner)).to.be.lessThan(bonded);
    // its later slots pass to the first standby; the slot that had begun stays the cheat's own
    // (a hand-over takes effect from the next slot, so nobody else answers for what it did in it)
    expect(await f.election.slotOwner(f.epoch, 0n)).to.equal(owner);
    const k = BigInt((await f.election.delegatesOf(f.epoch))[2]);
    expect(await f.election.slotOwner(f.epoch, k)).to.equal(f.members[3]);
    expect(
      await f.ledger.queryFilter(f.ledger.filters.BlockCommitted(f.epoch, 0n)),
      "nobody else committed the cheat's slot",
    ).to.deep.equal([]);
  });
});
