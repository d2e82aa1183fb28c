// A jailed delegate client comes back by itself (issue 24 item 4): it unjails once its jail is over
// and its deposit is at least the minimum, never earlier, and never sends an unjail that would
// revert: every JSON-RPC request the client makes is recorded, and no call, estimate or
// transaction of unjail() appears before the moment the contract would take it.
import { expect } from "chai";
import { network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { BrowserProvider, type Eip1193Provider, type JsonRpcSigner } from "ethers";
import pino from "pino";
import { ledgerFixture, type LedgerFixture } from "../ledger/helpers";
import { DelegateClient } from "../../src/delegate/client";
import { unjailDecision } from "../../src/delegate/unjail";
import { connectAll, tempDir } from "./helpers";

const PORT = 7290;
const fixture = () => ledgerFixture();

/** Every request passed on to the in-process network, with the chain time it was made at. */
class Recorder implements Eip1193Provider {
  readonly requests: { method: string; params: unknown[]; at: bigint }[] = [];
  constructor(private readonly inner: Eip1193Provider) {}
  async request(args: { method: string; params?: unknown[] | object }) {
    const params = Array.isArray(args.params) ? args.params : [];
    this.requests.push({ method: args.method, params, at: BigInt(await time.latest()) });
    return this.inner.request(args);
  }
}

describe("delegate client: unjails itself", () => {
  let client: DelegateClient | undefined;
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  /** The owner of slot 0, left to miss it and reported (1 % slashed, jailed a day), with a client whose every RPC request is recorded. */
  async function jailedClient(f: LedgerFixture) {
    const owner = await f.election.slotOwner(f.epoch, 0n);
    await time.increaseTo(await f.slotStart(1n));
    await f.ledger.connect(f.outsider).reportMissedSlot(f.epoch, 0n);
    const record = await f.registry.creditRecordAt(owner, BigInt(await time.latest()));
    expect(record.jailed, "jailed for the missed slot").to.equal(true);
    const rpc = new Recorder(network.provider as unknown as Eip1193Provider);
    // no cache: ethers answers a request repeated within 250 ms from memory by default, and the ticks here come faster
    const signer: JsonRpcSigner = await new BrowserProvider(rpc, undefined, { cacheTimeout: -1 }).getSigner(owner);
    const lines: { event: string }[] = [];
    const log = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    client = new DelegateClient(connectAll(f, signer), signer, log, {
      host: "127.0.0.1",
      port: PORT,
      pollMs: 0,
      maxTrades: 10,
      dataDir: tempDir("unjail"),
    });
    await client.start();
    const unjailData = f.registry.interface.encodeFunctionData("unjail");
    /** Requests that would call, estimate or send unjail(). */
    const unjailRequests = () =>
      rpc.requests.filter(
        (r) =>
          ["eth_call", "eth_estimateGas", "eth_sendTransaction"].includes(r.method) &&
          (r.params[0] as { data?: string })?.data === unjailData,
      );
    return { owner, jailedUntil: record.jailedUntil, client, lines, unjailRequests, rpc };
  }

  it("does not try while jailed, unjails at the first tick its jail is over, with one transaction that succeeds", async () => {
    const f = await loadFixture(fixture);
    const { owner, jailedUntil, client, lines, unjailRequests } = await jailedClient(f);
    for (let i = 0; i < 3; i++) await client.tick();
    await time.increaseTo(jailedUntil - 1n); // the last second of the jail
    await client.tick();
    expect(unjailRequests(), "nothing asked of unjail() while jailed").to.deep.equal([]);
    expect(await f.registry.isJailed(owner)).to.equal(true);

    await time.increaseTo(jailedUntil);
    await client.tick();
    await client.tick(); // and nothing more once free
    expect(await f.registry.isJailed(owner), "unjailed").to.equal(false);
    const sent = unjailRequests().filter((r) => r.method === "eth_sendTransaction");
    expect(sent, "one unjail sent").to.have.length(1);
    expect(
      unjailRequests().every((r) => r.at >= jailedUntil),
      "nothing tried before the jail's end",
    ).to.equal(true);
    const [event, ...more] = await f.registry.queryFilter(f.registry.filters.NodeUnjailed(owner));
    expect(more).to.have.length(0);
    expect((await event.getTransactionReceipt()).status, "the transaction succeeded").to.equal(1);
    expect(client.stats.unjailed).to.equal(1);
    expect(
      lines.filter((l) => l.event === "jailed"),
      "the jail logged once, not at every tick",
    ).to.have.length(1);
    expect(lines.filter((l) => l.event === "unjailed")).to.have.length(1);
  });

  it("waits for its deposit: with less than the minimum bonded it sends nothing, once topped up it unjails", async () => {
    const f = await loadFixture(fixture);
    const { owner, jailedUntil, client, lines, unjailRequests } = await jailedClient(f);
    const node = f.signerOf(owner);
    await f.vault.connect(node).requestWithdrawal(await f.vault.bonded(owner)); // all of it: 0 bonded
    await time.increaseTo(jailedUntil + 10n);
    for (let i = 0; i < 3; i++) await client.tick();
    expect(unjailRequests(), "nothing asked of unjail() below the minimum").to.deep.equal([]);
    expect(await f.registry.isJailed(owner)).to.equal(true);
    expect(
      lines.filter((l) => l.event === "unjail-blocked"),
      "said once",
    ).to.have.length(1);

    await f.vault.connect(node).deposit(await f.registry.minDeposit());
    await client.tick();
    expect(await f.registry.isJailed(owner)).to.equal(false);
    expect(unjailRequests().filter((r) => r.method === "eth_sendTransaction")).to.have.length(1);
  });

  it("decides by NodeRegistry.unjail's checks, in its order, at the bounds", () => {
    const base = { jailed: true, jailedUntil: 100n, now: 100n, deposit: 10n, minimum: 10n };
    expect(unjailDecision(base)).to.deep.equal({ due: true });
    expect(unjailDecision({ ...base, now: 99n })).to.deep.equal({ due: false, reason: "jail-not-over", jailedUntil: 100n });
    expect(unjailDecision({ ...base, deposit: 9n })).to.deep.equal({
      due: false,
      reason: "deposit-below-minimum",
      deposit: 9n,
      minimum: 10n,
    });
    expect(unjailDecision({ ...base, now: 99n, deposit: 0n }), "the jail before the deposit, as the contract checks").to.include({
      reason: "jail-not-over",
    });
    expect(unjailDecision({ ...base, jailed: false, now: 0n, deposit: 0n })).to.deep.equal({ due: false, reason: "not-jailed" });
  });
});
