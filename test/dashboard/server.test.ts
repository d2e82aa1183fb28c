// The dashboard's server and data layer against a real JSON-RPC endpoint (the in-process network
// served over HTTP as `hardhat node` serves it): an elected epoch, a committed block with trades, a
// missed slot punished. Each view must say what the chain says (scores equal the contract's
// scoreOf, gas equals the receipts'), every download is the whole table, bad input is a 400 naming
// the field, an unknown node a 404, and a chain without a deployment or an RPC that is down or goes
// down are states the status reports and recovers from.
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import fs from "node:fs";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { commit, ledgerFixture, type LedgerFixture } from "../ledger/helpers";
import { recordDeployment } from "../../src/deployment/addressBook";
import { startDashboard, type Dashboard } from "../../src/dashboard/start";
import { DEFAULT_DASHBOARD_OPTIONS, DashboardData } from "../../src/dashboard/data";
import type { DashboardStatus } from "../../src/dashboard/api";
import { sleep } from "../../src/util/sleep";

interface RpcServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

const rpcServer = (port: number): Promise<RpcServer> =>
  hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port, provider: hre.network.provider });

/** A TCP relay in front of the RPC: stopping it cuts every connection at once, as a node that died would. */
function relay(target: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      sockets.add(a);
      a.pipe(b);
      a.on("error", () => b.destroy());
      a.on("close", () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  return {
    listen: (port: number) =>
      new Promise<number>((resolve) => server.listen(port, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port))),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 8_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe("dashboard server and data layer", function () {
  this.timeout(120_000);
  let f: LedgerFixture;
  let rpc: RpcServer;
  let rpcPort: number;
  let front: ReturnType<typeof relay>;
  let frontPort: number;
  let dash: Dashboard;
  let missedOwner: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "energy-dpos-dashboard-"));
  const get = async (route: string) => {
    const r = await fetch(`${dash.url}${route}`);
    return {
      status: r.status,
      type: r.headers.get("content-type") ?? "",
      disposition: r.headers.get("content-disposition") ?? "",
      text: await r.text(),
    };
  };
  const json = async (route: string) => JSON.parse((await get(route)).text);

  before(async () => {
    const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
    f = await ledgerFixture();
    const { tx } = await commit(f, 0n, { tradeCount: 3n, energyTotal: 4_500n });
    await (await tx).wait();
    await time.increaseTo((await f.election.slotWindow(f.epoch, 1n))[1]);
    missedOwner = await f.election.slotOwner(f.epoch, 1n);
    await (await f.ledger.connect(f.outsider).reportMissedSlot(f.epoch, 1n)).wait();
    const { chainId } = await ethers.provider.getNetwork();
    await recordDeployment(f.system, chainId, "hardhat", fromBlock, dir);
    rpc = await rpcServer(0);
    rpcPort = (await rpc.listen()).port;
    front = relay(rpcPort);
    frontPort = await front.listen(0);
    dash = await startDashboard({
      rpcUrl: `http://127.0.0.1:${frontPort}`,
      addressDir: dir,
      port: 0,
      pollMs: 50,
      assetsDir: path.join(dir, "assets"),
    });
    await until(
      "the first indexed poll",
      () => dash.data.status.index?.block === dash.data.status.chain?.block && dash.data.status.chain !== undefined,
    );
  });

  after(async () => {
    await dash?.stop();
    await front?.stop();
    await rpc?.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves the page and its bundle from this project only", async () => {
    const page = await get("/");
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<script src="/assets/app.js">');
    expect((await get("/assets/app.js")).text.length).to.be.greaterThan(10_000);
    const headers = await fetch(`${dash.url}/`).then((r) => r.headers.get("content-security-policy"));
    expect(headers).to.include("default-src 'self'").and.include("connect-src 'self'");
  });

  it("reports the chain's clock, the deployment and the model", async () => {
    const s: DashboardStatus = await json("/api/status");
    expect(s.rpc.state).to.equal("up");
    expect(s.deployment).to.deep.include({ state: "ok", chainId: "31337", network: "hardhat" });
    expect(s.system).to.deep.include({ model: "credit", rule: "top-k", delegates: 3, slotsPerEpoch: 6, nodes: 6 });
    expect(BigInt(s.now!.epoch)).to.equal(f.epoch);
    expect(s.now!.slot).to.equal(
      Number((BigInt(s.chain!.time) - (await f.election.epochStart(f.epoch))) / (await f.election.slotDuration())),
    );
  });

  it("shows the serving delegates with the contract's scores and the terms that sum to them", async () => {
    const v = await json(`/api/delegates?epoch=${f.epoch}`);
    expect(v.state).to.equal("finalized");
    expect(v.table.rows.map((r: { node: string }) => r.node)).to.deep.equal(f.members);
    for (const row of v.table.rows) {
      const [eligible, score] = await f.election.scoreOf(f.epoch, row.node);
      expect(row.eligible).to.equal(eligible);
      expect(ethers.parseUnits(row.score, 18), `score of ${row.node}`).to.equal(score);
      // paper 1 eq. (1): G = μ·C_cre + ξ·V with μ = ξ = 0.5
      const g = (ethers.parseUnits(row.credit, 18) + ethers.parseUnits(row.V, 18)) / 2n;
      expect(g).to.be.closeTo(score, 1n);
    }
    expect(v.table.rows.slice(0, 3).every((r: { role: string }) => r.role === "delegate")).to.equal(true);
  });

  it("shows the election's steps with the gas of their receipts", async () => {
    const v = await json(`/api/election?epoch=${f.epoch}`);
    expect(v.phase).to.equal("finalized");
    // the jailed delegate's slots passed to a standby: a step of the epoch, paid by the report
    expect(v.table.rows.map((r: { step: string }) => r.step)).to.deep.equal([
      "opened",
      "seed fixed",
      "list submitted",
      "finalized",
      "slots handed over",
    ]);
    let gas = 0n;
    for (const tx of new Set<string>(v.table.rows.slice(0, 4).map((r: { tx: string }) => r.tx)))
      gas += (await ethers.provider.getTransactionReceipt(tx))!.gasUsed;
    expect(BigInt(v.gas)).to.equal(gas);
  });

  it("shows the slot timeline: the committed block's trades and energy, the missed slot and its punishment", async () => {
    const v = await json("/api/slots?epochs=1&limit=100");
    const slot = (s: number) => v.rows.find((r: { slot: string }) => r.slot === String(s));
    expect(slot(0)).to.deep.include({
      status: "committed",
      owner: f.members[0],
      trades: "3",
      energy: "4500",
      attesters: 2,
      punished: false,
    });
    expect(slot(1)).to.deep.include({ status: "missed", owner: missedOwner, punished: true });
    expect(slot(5).status).to.be.oneOf(["upcoming", "open"]);
  });

  it("lists the offence with its evidence, slash, jail and reporter; the offender's page shows it too", async () => {
    const [event] = await f.ledger.queryFilter(f.ledger.filters.OffencePunished());
    const v = await json("/api/offences");
    expect(v.total).to.equal(1);
    expect(v.rows[0]).to.deep.include({
      offence: "missed slot",
      offender: missedOwner,
      reporter: f.outsider.address,
      epoch: String(f.epoch),
      slot: "1",
      slashed: ethers.formatUnits(event.args.slashed, 18),
    });
    expect(v.rows[0].evidence).to.equal(`no block in slot 1 of epoch ${f.epoch}`);
    expect(v.rows[0].jailedUntil).to.not.equal(null);
    const node = await json(`/api/nodes/${missedOwner}`);
    expect(node.jailed).to.equal(true);
    expect(node.offences.rows.map((r: { offence: string }) => r.offence)).to.deep.equal(["missed slot"]);
    expect(node.history.rows.find((r: { epoch: string }) => r.epoch === String(f.epoch))).to.deep.include({
      role: "delegate",
      eligible: true,
    });
    // jailed after the next election's snapshot: still eligible there (finalization hands its slots on)
    expect(node.history.rows.at(-1)).to.deep.include({ epoch: String(f.epoch + 1n), eligible: true });
  });

  it("downloads every table whole, as CSV and as JSON", async () => {
    const csv = await get("/api/offences?format=csv");
    expect(csv.type).to.match(/^text\/csv/);
    expect(csv.disposition).to.equal('attachment; filename="offences.csv"');
    const lines = csv.text.trimEnd().split("\r\n");
    expect(lines[0]).to.equal(
      "time,epoch,slot,offence,offender,evidence,slashed,reporterShare,jailedUntil,creditPenalty,handedOver,reporter,tx",
    );
    expect(lines).to.have.length(2);
    expect(lines[1]).to.include(missedOwner);
    const slots = JSON.parse((await get("/api/slots?epochs=2&format=json")).text);
    expect(slots.rows).to.have.length(12); // two epochs of 6 slots, not one page
    const rewards = await json("/api/rewards");
    expect(BigInt(rewards.pool)).to.equal(await f.vault.pool());
    expect(rewards.table.rows.map((r: { account: string }) => r.account)).to.include(f.members[0]);
  });

  it("pages the node list, and sorts it once every node is read", async () => {
    const page = await json("/api/nodes?offset=2&limit=2");
    expect([page.total, page.rows.map((r: { index: number }) => r.index)]).to.deep.equal([6, [2, 3]]);
    await until("the node index", async () => (await json("/api/nodes")).index.ready);
    const sorted = await json("/api/nodes?sort=score&order=desc&limit=6");
    const scores = sorted.rows.map((r: { score: string }) => ethers.parseUnits(r.score, 18));
    expect(scores).to.deep.equal([...scores].sort((a: bigint, b: bigint) => (a > b ? -1 : a < b ? 1 : 0)));
    expect((await get("/api/nodes?format=csv")).text.trimEnd().split("\r\n")).to.have.length(7);
  });

  it("refuses bad input with the field and value, and unknown nodes with a 404", async () => {
    const cases: [string, number, string][] = [
      ["/api/nodes?limit=0", 400, "limit"],
      ["/api/nodes?sort=password", 400, "sort"],
      ["/api/slots?epochs=51", 400, "epochs"],
      ["/api/delegates?epoch=abc", 400, "epoch"],
      [`/api/delegates?epoch=${f.epoch + 5n}`, 400, "epoch"],
      ["/api/offences?format=xml", 400, "format"],
      ["/api/nodes/0x12", 400, "address"],
      ["/api/nodes/0x0000000000000000000000000000000000000001", 404, "address"],
    ];
    for (const [route, status, field] of cases) {
      const r = await get(route);
      expect(r.status, route).to.equal(status);
      const body = JSON.parse(r.text);
      expect(body.error.field, route).to.equal(field);
      expect(body.error.message, route).to.be.a("string").and.not.include("at ");
    }
    expect(JSON.parse((await get("/api/nodes/0x0000000000000000000000000000000000000001")).text).error.message).to.include(
      "is not a registered node",
    );
    expect((await get("/api/nope")).status).to.equal(404);
  });

  it("streams the status as Server-Sent Events", async () => {
    const controller = new AbortController();
    const r = await fetch(`${dash.url}/api/events`, { signal: controller.signal });
    expect(r.headers.get("content-type")).to.match(/^text\/event-stream/);
    const reader = r.body!.getReader();
    let text = "";
    while (!text.includes("\n\ndata") && !/event: status\nid: \d+\ndata: .*\n\n/.test(text))
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const data = JSON.parse(/data: (.*)\n\n/.exec(text)![1]);
    expect(data.deployment.state).to.equal("ok");
  });

  it("says when no deployment is recorded for the chain, and picks one up when it is", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "energy-dpos-dashboard-none-"));
    const data = new DashboardData({ ...DEFAULT_DASHBOARD_OPTIONS, rpcUrl: `http://127.0.0.1:${rpcPort}`, addressDir: empty, pollMs: 50 });
    try {
      await data.poll();
      expect(data.status.deployment.state).to.equal("missing");
      expect(data.status.deployment.message).to.include("No deployment is recorded for chain 31337").and.include(empty);
      await data.offences().then(
        () => expect.fail("a view without a deployment"),
        (e: Error) => expect(e.name).to.equal("Unavailable"),
      );
      fs.copyFileSync(path.join(dir, "31337.json"), path.join(empty, "31337.json"));
      await data.poll();
      expect(data.status.deployment.state).to.equal("ok");
    } finally {
      await data.stop();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it("marks the data stale while the RPC is down and reconnects when it is back", async () => {
    const before = dash.data.status.chain!.block;
    await front.stop();
    await until("the RPC seen down", () => dash.data.status.rpc.state === "down");
    const s = dash.data.status;
    expect(s.rpc.error).to.be.a("string");
    expect(s.chain!.block, "the last block read is kept").to.be.greaterThanOrEqual(before);
    // views already read stay available; the page shows them under the stale banner
    expect((await get("/api/offences")).status).to.equal(200);
    front = relay(rpcPort);
    await front.listen(frontPort);
    await until("the RPC seen up again", () => dash.data.status.rpc.state === "up", 15_000);
    expect(dash.data.status.deployment.state).to.equal("ok");
  });

  it("reports an RPC that never answered without crashing", async () => {
    const data = new DashboardData({ ...DEFAULT_DASHBOARD_OPTIONS, rpcUrl: "http://127.0.0.1:1", addressDir: dir });
    await data.poll();
    expect(data.status.rpc.state).to.equal("down");
    expect(data.status.rpc.error).to.include("127.0.0.1:1");
    await data.members(1n).then(
      () => expect.fail("a view without a chain"),
      (e: Error) => expect(e.message).to.include("does not answer"),
    );
    await data.stop();
  });
});
