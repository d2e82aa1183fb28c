// One signature rule (issue 19, items 3 and 4): the client accepts exactly the signatures the ledger
// accepts. The ledger itself is the judge here: `reportEquivocation` succeeds (as a call) only if
// it recovers the delegate from the second signature, so each encoding of a delegate's signature
// must pass `recoverStrict` exactly when that call succeeds. Then the client's three edges: trade
// signatures, the producer's signature in /attest, and the attestations returned to the producer.
import { expect } from "chai";
import http from "node:http";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { recoverAddress } from "ethers";
import { header, ledgerFixture, type LedgerFixture } from "../ledger/helpers";
import { headerDigest, recoverStrict, signHeader } from "../../src/ledger/signing";
import { attestBody, highS, post, startClients, trade, withV, type Clients } from "./helpers";

const BASE_PORT = 7310;
const fixture = () => ledgerFixture();

describe("delegate client: one signature rule, the ledger's", () => {
  let clients: Clients | undefined;
  let fake: http.Server | undefined;
  afterEach(async () => {
    await clients?.stop();
    clients = undefined;
    await new Promise((r) => (fake ? fake.close(r) : r(undefined)));
    fake = undefined;
  });

  it("recoverStrict accepts an encoding exactly when the ledger does: v 27/28 low s only, 65 bytes", async () => {
    const f = await loadFixture(fixture);
    const m = f.signerOf(f.members[0]);
    const a = header(f, 0n);
    const b = header(f, 0n, { energyTotal: 1n });
    const sigA = await signHeader(m, f.domain, a);
    const sigB = await signHeader(m, f.domain, b);
    const digestB = headerDigest(f.domain, b);
    const v = Number.parseInt(sigB.slice(130), 16);
    // the expected signer: the delegate, someone else (a well-formed signature of another key), or none
    const cases: [string, string, "delegate" | "other" | null][] = [
      ["as signed (v 27 or 28)", sigB, "delegate"],
      ["v 0 or 1", withV(sigB, v - 27), null],
      ["the other of 0 and 1", withV(sigB, 28 - v), null],
      ["the other of 27 and 28", withV(sigB, 55 - v), "other"],
      ["v 29", withV(sigB, 29), null],
      ["v 35 + parity (EIP-155 style)", withV(sigB, 35 + v - 27), null],
      ["v 37 + parity", withV(sigB, 37 + v - 27), null],
      ["high s (the malleable twin)", highS(sigB), null],
      ["64 bytes (ERC-2098 compact)", sigB.slice(0, 130), null],
      ["66 bytes", sigB + "00", null],
      ["r = 0", "0x" + "00".repeat(32) + sigB.slice(66), null],
    ];
    for (const [name, sig, expected] of cases) {
      const acceptedByLedger = expected === "delegate";
      const ledger = await f.ledger
        .connect(f.outsider)
        .reportEquivocation.staticCall(a, sigA, b, sig)
        .then(
          () => true,
          () => false,
        );
      expect(ledger, `${name}: the ledger`).to.equal(acceptedByLedger);
      const recovered = recoverStrict(digestB, sig);
      expect(recovered === f.members[0], `${name}: recoverStrict gives the delegate`).to.equal(acceptedByLedger);
      expect(recovered === null, `${name}: recoverStrict refuses the encoding`).to.equal(expected === null);
    }
    // what made the client lax: ethers recovers the delegate from encodings the ledger refuses
    expect(recoverAddress(digestB, withV(sigB, v - 27))).to.equal(f.members[0]);
  });

  it("refuses trades whose signatures the ledger would refuse, and a producer signature with v 0", async () => {
    const f = await loadFixture(fixture);
    clients = await startClients(f, BASE_PORT);
    const port = clients.portOf(f.members[1]);
    const t = await trade(f, f.signerOf(f.members[3]), f.signerOf(f.members[4]), 1n);
    for (const bad of [withV(t.buyerSignature, Number.parseInt(t.buyerSignature.slice(130), 16) - 27), highS(t.buyerSignature)]) {
      const r = await post(port, "/trades", { ...t, buyerSignature: bad });
      expect(r.status).to.equal(400);
      expect(r.json.error).to.include('"buyerSignature"');
    }
    expect((await post(port, "/trades", t)).json.accepted).to.equal(true);

    const owner = await f.election.slotOwner(f.epoch, 0n);
    const body = await attestBody(f, f.signerOf(owner), header(f, 0n));
    const v0 = await post(port, "/attest", {
      ...body,
      producerSignature: withV(body.producerSignature, Number.parseInt(body.producerSignature.slice(130), 16) - 27),
    });
    expect(v0.status).to.equal(400);
    expect(v0.json.error).to.include('"producerSignature"');
    expect(clients.byAddress.get(f.members[1])!.protection.size, "nothing signed").to.equal(0);
  });

  it("drops an attestation with v 0 (a real signature, re-encoded) instead of reverting the commit with it", async () => {
    const f = await loadFixture(fixture);
    const owner = await f.election.slotOwner(f.epoch, 0n);
    const liar = f.members.slice(0, 3).find((m) => m !== owner)!;
    clients = await startClients(f, BASE_PORT, { skip: [liar] });
    fake = await lyingAttester(f, liar, clients.portOf(liar));
    for (const c of clients.all) await c.tick();
    const [committed] = await f.ledger.queryFilter(f.ledger.filters.BlockCommitted(f.epoch, 0n));
    expect(committed, "the slot was committed").to.not.equal(undefined);
    expect(committed.args.producer).to.equal(owner);
    expect(committed.args.attesters).to.not.include(liar);
    expect(clients.byAddress.get(owner)!.stats.attestationsDropped).to.equal(1);
  });
});

/** An endpoint for `node` that answers /attest with its real signature, v rewritten to 0 or 1. */
async function lyingAttester(f: LedgerFixture, node: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const { header: h } = JSON.parse(body) as { header: Record<string, string> };
      const parsed = {
        epoch: BigInt(h.epoch),
        slot: BigInt(h.slot),
        parentHash: h.parentHash,
        tradeRoot: h.tradeRoot,
        payloadHash: h.payloadHash,
        tradeCount: BigInt(h.tradeCount),
        energyTotal: BigInt(h.energyTotal),
      };
      const sig = await signHeader(f.signerOf(node), f.domain, parsed);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ signature: withV(sig, Number.parseInt(sig.slice(130), 16) - 27) }));
    });
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return server;
}
