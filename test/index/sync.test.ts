// The index's catch-up against what real nodes do: refuse large log ranges, drop the blocks the
// index has read (a reorganisation), and answer without timestamps in their logs.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { deployed, admitNode } from "../fixtures";
import { ScoringModel, WAD } from "../../src/scoring/params";
import { IndexSync, type RpcSender } from "../../src/index/sync";
import { decodeLog, TOPICS } from "../../src/index/logs";

async function setUp() {
  const f = await deployed({ model: ScoringModel.Credit });
  const startBlock = await ethers.provider.getBlockNumber();
  const sources = {
    registry: (await f.system.registry.getAddress()).toLowerCase(),
    vault: (await f.system.vault.getAddress()).toLowerCase(),
    election: (await f.system.election.getAddress()).toLowerCase(),
  };
  return { f, startBlock, sources };
}

/** A node that refuses any `eth_getLogs` over more than `maxSpan` blocks, as hosted RPCs do. */
function limited(maxSpan: number): RpcSender & { spans: number[] } {
  const spans: number[] = [];
  return {
    spans,
    async send(method: string, params: unknown[]) {
      if (method === "eth_getLogs") {
        const { fromBlock, toBlock } = params[0] as { fromBlock: string; toBlock: string };
        const span = Number(toBlock) - Number(fromBlock) + 1;
        spans.push(span);
        if (span > maxSpan) throw new Error(`query exceeds max block range ${maxSpan}`);
      }
      return ethers.provider.send(method, params);
    },
  };
}

describe("index catch-up", () => {
  it("halves its range on a refusal until the node answers, and reads every log all the same", async () => {
    const { f, startBlock, sources } = await setUp();
    for (const n of f.others.slice(0, 4)) await admitNode(f.system, f.admin, n);
    const rpc = limited(3);
    const sync = new IndexSync(rpc, sources, ScoringModel.Credit, startBlock, { span: 64 });
    const r = await sync.catchUp();
    const free = new IndexSync(ethers.provider, sources, ScoringModel.Credit, startBlock);
    const all = await free.catchUp();
    expect(
      rpc.spans.some((s) => s > 3),
      "it tried a range the node refuses",
    ).to.equal(true);
    expect(r.logs).to.equal(all.logs);
    expect(r.logs).to.equal(4 * 2); // admitted and deposited, per node
    expect([...sync.index.admitted]).to.deep.equal([...free.index.admitted]);
    expect(sync.index.admitted).to.have.length(4);
  });

  it("rebuilds from the deployment when the block it stopped at is gone (a reorganisation)", async () => {
    const { f, startBlock, sources } = await setUp();
    const [a, b] = f.others;
    await admitNode(f.system, f.admin, a);
    const fork = await network.provider.send("evm_snapshot", []);
    await admitNode(f.system, f.admin, b);
    const sync = new IndexSync(ethers.provider, sources, ScoringModel.Credit, startBlock);
    expect((await sync.catchUp()).rebuilt).to.equal(false);
    expect(sync.index.admitted).to.deep.equal([a.address.toLowerCase(), b.address.toLowerCase()]);
    // b's admission is dropped; another chain of the same height follows
    await network.provider.send("evm_revert", [fork]);
    await f.system.vault.connect(a).deposit(WAD);
    for (let i = 0; i < 3; i++) await network.provider.send("evm_mine", []);
    const again = await sync.catchUp();
    expect(again.rebuilt).to.equal(true);
    expect(sync.index.admitted).to.deep.equal([a.address.toLowerCase()]);
    const now = (await ethers.provider.getBlock("latest"))!.timestamp;
    expect(sync.index.nodes.get(a.address.toLowerCase())!.bonded.at(now)).to.equal(await f.system.vault.bonded(a.address));
  });

  it("throws and starts again from the deployment when the head it read up to is replaced while its logs were read", async () => {
    const { f, startBlock, sources } = await setUp();
    await admitNode(f.system, f.admin, f.others[0]);
    let logsRead = false;
    const racing: RpcSender = {
      async send(method, params) {
        const out = await ethers.provider.send(method, params);
        if (method === "eth_getLogs") logsRead = true;
        // after the logs, the head block answers with another hash: another fork won meanwhile
        if (method === "eth_getBlockByNumber" && logsRead && params[0] !== "latest") return { ...out, hash: "0x" + "ab".repeat(32) };
        return out;
      },
    };
    const sync = new IndexSync(racing, sources, ScoringModel.Credit, startBlock);
    await expect(sync.catchUp()).to.be.rejectedWith(/was replaced while its logs were read/);
    expect(sync.cursor).to.equal(undefined);
    expect(sync.index.admitted).to.deep.equal([]);
  });

  it("runs one catch-up at a time, keeps its cursor behind a lagging node, and drops a half-applied index", async () => {
    const { f, startBlock, sources } = await setUp();
    await admitNode(f.system, f.admin, f.others[0]);
    let lag = false;
    let failLogs = false;
    const flaky: RpcSender = {
      async send(method, params) {
        if (method === "eth_getLogs" && failLogs) throw new Error("HTTP 503");
        if (method === "eth_getBlockByNumber" && params[0] === "latest" && lag) return ethers.provider.send(method, ["0x1", false]);
        return ethers.provider.send(method, params);
      },
    };
    const sync = new IndexSync(flaky, sources, ScoringModel.Credit, startBlock);
    // two callers at once: one catch-up, the node admitted once
    const [a, b] = await Promise.all([sync.catchUp(), sync.catchUp()]);
    expect(a).to.equal(b);
    expect(sync.index.admitted).to.deep.equal([f.others[0].address.toLowerCase()]);
    const cursor = sync.cursor!;
    // a node whose head is behind the cursor: nothing read, the cursor stays
    lag = true;
    expect((await sync.catchUp()).logs).to.equal(0);
    expect(sync.cursor).to.deep.equal(cursor);
    lag = false;
    // a failure part-way: the index is dropped, and the next catch-up rebuilds it whole
    await admitNode(f.system, f.admin, f.others[1]);
    failLogs = true;
    await expect(sync.catchUp()).to.be.rejectedWith(/HTTP 503/);
    expect(sync.cursor).to.equal(undefined);
    failLogs = false;
    expect((await sync.catchUp()).from).to.equal(startBlock);
    expect(sync.index.admitted).to.deep.equal([f.others[0].address.toLowerCase(), f.others[1].address.toLowerCase()]);
  });

  it("reads timestamps from headers when logs carry none, and refuses a log it must read but cannot decode", async () => {
    const { f, startBlock, sources } = await setUp();
    await admitNode(f.system, f.admin, f.others[0]);
    let headers = 0;
    const stripped: RpcSender = {
      async send(method, params) {
        const out = await ethers.provider.send(method, params);
        if (method === "eth_getBlockByNumber") headers++;
        if (method === "eth_getLogs") return (out as { blockTimestamp?: string }[]).map(({ blockTimestamp: _, ...log }) => log);
        return out;
      },
    };
    const sync = new IndexSync(stripped, sources, ScoringModel.Credit, startBlock);
    await sync.catchUp();
    const node = sync.index.nodes.get(f.others[0].address.toLowerCase())!;
    expect(node.admittedAt).to.equal((await f.system.registry.nodeOf(f.others[0].address)).admittedAt);
    expect(headers).to.be.greaterThan(1);
    // a Voted log whose arrays run past its data is refused, never skipped
    const voted = {
      address: sources.election,
      topics: [TOPICS.election.voted, "0x" + "00".repeat(32)],
      data: "0x" + "40".padStart(64, "0") + "80".padStart(64, "0") + "ff".padStart(64, "0"),
      blockNumber: "0x1",
      blockHash: "0x",
      logIndex: "0x0",
    };
    expect(() => decodeLog(voted, sources)).to.throw(/runs past the log's data/);
    // another contract's log with the same topic is not the index's
    expect(decodeLog({ ...voted, address: sources.registry }, sources)).to.equal(undefined);
  });
});
