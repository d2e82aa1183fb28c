// The keeper in the services' loop (issue 24 item 5): a state it meets at every tick is logged
// once, when it changes: an election with no electable node says "nothing-to-elect" once, not once
// a tick, and again only after a submission changed the state in between. And the keeper scoring
// from its index of events submits what the contract's reference election elects.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import pino from "pino";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers } from "hardhat";
import { admitNode, deployed } from "../fixtures";
import { Keeper } from "../../src/keeper/keeper";
import { WAD } from "../../src/scoring/params";

describe("keeper: each state logged once", () => {
  it("says nothing-to-elect once over many ticks, then submits once a node is electable", async () => {
    const f = await loadFixture(deployed);
    const lines: { event: string; epoch?: number }[] = [];
    const log = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const keeper = new Keeper(f.system, f.keeper, log, { pollMs: 0, claimAbove: WAD, submit: true });
    await keeper.start();
    const next = (await f.election.currentEpoch()) + 1n;
    for (let i = 0; i < 12; i++) await keeper.tick(); // opens, fixes the seed, then finds no node ten times
    expect(keeper.sent).to.include({ openElection: 1, fixSeed: 1 });
    expect(lines.filter((l) => l.event === "nothing-to-elect").map((l) => l.epoch)).to.deep.equal([Number(next)]);

    // a node admitted now is in the snapshot of the election after next
    await admitNode(f.system, f.admin, f.others[0]);
    await time.increaseTo(await f.election.epochStart(next));
    for (let i = 0; i < 6 && !keeper.sent.submit; i++) await keeper.tick();
    expect(keeper.sent.submit, "submitted the election after next").to.equal(1);
    expect(await f.election.submitterOf(next + 1n)).to.equal(f.keeper.address);
    expect(keeper.health().sent).to.deep.equal(keeper.sent);
    expect(
      lines.filter((l) => l.event === "nothing-to-elect"),
      "no more lines while the state held",
    ).to.have.length(1);
  });
});

describe("keeper: scoring from its index", () => {
  it("submits the reference list from the index, a watcher keeper reading the lens finds nothing to challenge, and a restart reads its cache", async () => {
    const f = await loadFixture(deployed);
    const startBlock = await ethers.provider.getBlockNumber();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "keeper-index-")), "index.json");
    for (const [i, n] of f.others.slice(0, 6).entries()) await admitNode(f.system, f.admin, n, { deposit: BigInt(100 + 150 * i) * WAD });
    for (const [i, n] of f.others.slice(0, 6).entries()) await f.election.connect(n).vote([f.others[(i + 1) % 6].address], [BigInt(1 + i)]);
    const quiet = pino({ level: "silent" });
    const options = { pollMs: 0, claimAbove: WAD, submit: true, index: { rpc: ethers.provider, startBlock, file } };
    const keeper = new Keeper(f.system, f.keeper, quiet, options);
    const next = (await f.election.currentEpoch()) + 1n;
    const snapshot = await f.election.snapshotOf(next);
    if (BigInt(await time.latest()) < snapshot) await time.increaseTo(snapshot);
    for (let i = 0; i < 6 && !keeper.sent.submit; i++) await keeper.tick();
    expect(await f.election.submittedList(next)).to.deep.equal([...(await f.election.referenceList(next))]);
    const watcher = new Keeper(f.system, f.outsider, quiet, { pollMs: 0, claimAbove: WAD, submit: false });
    await watcher.tick();
    expect(Object.keys(watcher.sent).filter((a) => a.startsWith("challenge"))).to.deep.equal([]);
    // a new keeper process, the same file: it starts warm (no cache complaint) and scores the same
    const lines: { event: string; cacheIgnored?: string; logs?: number }[] = [];
    const log = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const restarted = new Keeper(f.system, f.keeper, log, options);
    await restarted.tick();
    const scored = lines.find((l) => l.event === "scored");
    expect(scored, "scored after the restart").to.not.equal(undefined);
    expect(scored!.cacheIgnored).to.equal(undefined);
    expect(scored!.logs, "only the logs since the cache was written").to.be.lessThan(10);
  });
});
