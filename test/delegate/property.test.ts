// A property test of the services (issue 20): random sequences of HTTP requests from honest and
// malicious senders go to five real delegate clients (three delegates, two standbys) on the real
// contracts: conflicting headers sent at once with copies, out-of-range numbers, malformed
// signatures, replays of committed trades, restarts of a client between requests, and the clock
// moving slot by slot. After every step it checks, from what the clients answered and what the
// chain holds, never by asking a client about itself:
//   1. no client's key signed two different headers for one (epoch, slot);
//   2. no honest node was punished (a node is dishonest once the test used its key to cheat);
//   3. every slot owned by an honest node as it began, once over, is committed.
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import pino from "pino";
import { ledgerFixture, type LedgerFixture } from "../ledger/helpers";
import { DelegateClient } from "../../src/delegate/client";
import {
  blockHeader,
  decodeTrades,
  headerDigest,
  orderDigester,
  recoverStrict,
  type BlockHeader,
  type SignedTrade,
} from "../../src/ledger/signing";
import { attestBody, highS, post, tempDir, trade, withV } from "./helpers";
import { depth } from "../depth";

const BASE_PORT = 7600;
const RUNS = depth("SERVICE_RUNS", 3, 20);
const STEPS = 12;

type Step =
  | { kind: "trade"; seller: number; buyer: number; energy: bigint; to: number }
  | { kind: "conflict"; copies: number; to: number; withTrade: boolean }
  | { kind: "malformed"; how: number; to: number }
  | { kind: "replay"; to: number }
  | { kind: "restart"; who: number }
  | { kind: "tick" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("trade" as const),
    seller: fc.nat({ max: 4 }),
    buyer: fc.nat({ max: 4 }),
    energy: fc.oneof(fc.bigInt({ min: 1n, max: 10_000n }), fc.constantFrom(0n, 2n ** 96n - 1n, 2n ** 96n, 2n ** 256n - 1n)),
    to: fc.nat({ max: 5 }),
  }),
  fc.record({
    kind: fc.constant("conflict" as const),
    copies: fc.integer({ min: 1, max: 3 }),
    to: fc.nat({ max: 5 }),
    withTrade: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("malformed" as const), how: fc.nat({ max: 4 }), to: fc.nat({ max: 5 }) }),
  fc.record({ kind: fc.constant("replay" as const), to: fc.nat({ max: 5 }) }),
  fc.record({ kind: fc.constant("restart" as const), who: fc.nat({ max: 4 }) }),
  fc.constant({ kind: "tick" as const }),
  fc.constant({ kind: "tick" as const }),
);

describe("delegate clients under random request sequences (fast-check)", function () {
  this.timeout(30 * 60 * 1000);

  it(`never double-sign, never punish an honest node, and commit every honest slot, over ${RUNS} sequences of ${STEPS} steps`, async () => {
    const f = await ledgerFixture();
    const base = await network.provider.send("evm_snapshot");
    let snapshot = base;
    let counts = { steps: 0, attested: 0, committed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: STEPS, maxLength: STEPS }), async (steps) => {
        await network.provider.send("evm_revert", [snapshot]);
        snapshot = await network.provider.send("evm_snapshot");
        const w = await World.start(f);
        try {
          for (const s of steps) {
            await w.run(s);
            await w.check();
            counts.steps++;
          }
          counts = { ...counts, attested: counts.attested + w.signed.size, committed: counts.committed + w.committedSlots };
        } finally {
          await w.stop();
        }
      }),
      { numRuns: RUNS, seed: 2020, endOnFailure: true },
    );
    expect(counts.steps).to.equal(RUNS * STEPS);
    expect(counts.committed, "the sequences produced blocks").to.be.greaterThan(0);
  });
});

/** Five clients on the fixture's list, and what the test saw them sign. */
class World {
  /** Every header signature a client's key gave, by "signer:epoch:slot": the digests. */
  readonly signed = new Map<string, Set<string>>();
  /** Nodes whose keys the test used to cheat with. */
  readonly dishonest = new Set<string>();
  committedSlots = 0;
  private readonly clients = new Map<string, DelegateClient>();
  private readonly dirs = new Map<string, string>();
  private nonce = 1n;
  private constructor(private readonly f: LedgerFixture) {}

  static async start(f: LedgerFixture): Promise<World> {
    const w = new World(f);
    for (const [i, m] of f.members.entries()) {
      await f.registry.connect(f.signerOf(m)).setEndpoint(`http://127.0.0.1:${BASE_PORT + i}`);
      w.dirs.set(m, tempDir("property-signer"));
      await w.launch(m);
    }
    return w;
  }

  private async launch(m: string) {
    const c = new DelegateClient(this.f.system, this.f.signerOf(m), pino({ level: "silent" }), {
      host: "127.0.0.1",
      port: BASE_PORT + this.f.members.indexOf(m),
      pollMs: 0,
      maxTrades: 10,
      dataDir: this.dirs.get(m)!,
    });
    await c.start();
    this.clients.set(m, c);
  }

  async stop() {
    await Promise.all([...this.clients.values()].map((c) => c.stop()));
  }

  private port(i: number) {
    return BASE_PORT + (i % this.f.members.length);
  }

  private note(signer: string, h: BlockHeader, digest: string) {
    const key = `${signer.toLowerCase()}:${h.epoch}:${h.slot}`;
    const set = this.signed.get(key) ?? new Set<string>();
    set.add(digest);
    this.signed.set(key, set);
  }

  /** Record a signature returned for `h`, after checking whose key made it. */
  private saw(h: BlockHeader, signature: string | undefined) {
    if (!signature) return;
    const digest = headerDigest(this.f.domain, h);
    const signer = recoverStrict(digest, signature);
    expect(signer, "a client answered with a signature the ledger refuses").to.not.equal(null);
    this.note(signer!, h, digest);
  }

  private async current() {
    const [epoch, slot] = await this.f.election.slotAt(BigInt(await time.latest()));
    return { epoch, slot };
  }

  async run(s: Step) {
    const f = this.f;
    if (s.kind === "trade") {
      const [seller, buyer] = [f.nodes[s.seller], f.nodes[s.buyer]];
      const t = await trade(f, seller, buyer, this.nonce++, s.energy);
      const targets = s.to === 5 ? f.members.map((_, i) => i) : [s.to];
      await Promise.all(targets.map((i) => post(this.port(i), "/trades", t)));
    } else if (s.kind === "conflict") {
      // the slot's owner cheats: two headers for its slot, each sent several times at once
      const { epoch, slot } = await this.current();
      const owner = await f.election.slotOwner(epoch, slot);
      this.dishonest.add(owner.toLowerCase());
      const producer = f.signerOf(owner);
      const head = await f.ledger.head();
      const extra: SignedTrade[] = s.withTrade ? [await trade(f, f.nodes[0], f.nodes[1], this.nonce++)] : [];
      const digest = orderDigester(f.domain);
      const a = await attestBody(f, producer, blockHeader(epoch, slot, head, [], digest), []);
      const b = await attestBody(f, producer, blockHeader(epoch, slot, head, extra, digest), extra);
      const targets = s.to === 5 ? f.members.map((_, i) => i) : [s.to];
      const bodies = targets.flatMap((i) => Array.from({ length: s.copies }, () => [[i, a] as const, [i, b] as const]).flat());
      const answers = await Promise.all(bodies.map(async ([i, body]) => ({ body, r: await post(this.port(i), "/attest", body) })));
      for (const { body, r } of answers) this.saw(body.header, r.json.signature);
      this.note(owner, a.header, headerDigest(f.domain, a.header));
      this.note(owner, b.header, headerDigest(f.domain, b.header));
    } else if (s.kind === "malformed") {
      // an outsider's requests at the bounds: slots at and past S, epochs past the last, bad signatures
      const { epoch, slot } = await this.current();
      const owner = f.signerOf(await f.election.slotOwner(epoch, slot));
      const S = await f.election.slotsPerEpoch();
      const h = blockHeader(epoch, [slot, S, S + 1n, 2n ** 256n - 1n, slot][s.how], await f.ledger.head(), [], orderDigester(f.domain));
      const body = await attestBody(f, owner as Signer, h, []);
      if (s.how === 4) body.producerSignature = [withV(body.producerSignature, 0), highS(body.producerSignature)][Number(this.nonce % 2n)];
      const r = await post(this.port(s.to), "/attest", body);
      if (s.how === 0) {
        // a well-formed request from the owner: an answer is fine, and is recorded like any other
        this.dishonest.add((await owner.getAddress()).toLowerCase());
        this.note(await owner.getAddress(), h, headerDigest(f.domain, h));
        this.saw(h, r.json.signature);
      } else expect(r.status, `malformed request ${s.how} answered`).to.be.oneOf([400, 403, 409]);
    } else if (s.kind === "replay") {
      // every trade already in a block, sent again
      for (const log of await f.ledger.queryFilter(f.ledger.filters.BlockCommitted())) {
        const call = f.ledger.interface.parseTransaction(await log.getTransaction())!;
        for (const t of decodeTrades(call.args[2])) {
          const r = await post(this.port(s.to), "/trades", t);
          expect(r.status, "a committed trade accepted again").to.not.equal(200);
        }
      }
    } else if (s.kind === "restart") {
      const m = f.members[s.who];
      await this.clients.get(m)!.stop();
      await this.launch(m);
    } else {
      await this.tick();
    }
  }

  /** Move to the next slot's start, let every client act, and check the slot that ended. */
  private async tick() {
    const f = this.f;
    for (const c of this.clients.values()) await c.tick();
    const { epoch, slot } = await this.current();
    const owner = await f.election.slotOwner(epoch, slot);
    const honest = owner !== ethers.ZeroAddress && !this.dishonest.has(owner.toLowerCase());
    const [, end] = await f.election.slotWindow(epoch, slot);
    await time.increaseTo(end);
    const committed = (await f.ledger.committed(epoch, slot)) !== ethers.ZeroHash;
    if (honest && !(await f.registry.creditRecordAt(owner, end - 1n)).jailed)
      expect(committed, `honest ${owner} did not commit slot ${slot} of epoch ${epoch}`).to.equal(true);
    if (committed) this.committedSlots++;
  }

  async check() {
    const f = this.f;
    // 1: what the chain shows each key signed (every commit's attestations) joins what it answered
    for (const log of await f.ledger.queryFilter(f.ledger.filters.BlockCommitted())) {
      const call = f.ledger.interface.parseTransaction(await log.getTransaction())!;
      const h = call.args[0] as BlockHeader;
      const header: BlockHeader = {
        epoch: h.epoch,
        slot: h.slot,
        parentHash: h.parentHash,
        tradeRoot: h.tradeRoot,
        payloadHash: h.payloadHash,
        tradeCount: h.tradeCount,
        energyTotal: h.energyTotal,
      };
      for (const sig of call.args[1] as string[]) this.saw(header, sig);
    }
    for (const [key, digests] of this.signed) {
      const signer = key.split(":")[0];
      if (this.dishonest.has(signer)) continue;
      expect(digests.size, `${key} signed ${digests.size} different headers`).to.be.at.most(1);
    }
    // 2: no honest node punished
    for (const log of await f.ledger.queryFilter(f.ledger.filters.OffencePunished())) {
      expect(
        this.dishonest.has(log.args.offender.toLowerCase()),
        `honest ${log.args.offender} punished for offence ${log.args.offence}`,
      ).to.equal(true);
    }
  }
}
