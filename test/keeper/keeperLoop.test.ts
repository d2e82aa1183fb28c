// The keeper in the services' loop (issue 24 item 5): a state it meets at every tick is logged
// once, when it changes: an election with no electable node says "nothing-to-elect" once, not once
// a tick, and again only after a submission changed the state in between.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import pino from "pino";
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
