// How the dashboard shapes chain data: slot states and take-overs, an election's phase and gas,
// offences with their evidence, rewards per account, energy per epoch, who is jailed now.
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import {
  electionTable,
  energyPerEpoch,
  evidenceText,
  jailedFromEvents,
  membersOf,
  offencesTable,
  rewardsTable,
  slotStatus,
  slotsTable,
  termCells,
  type BlockEvent,
  type ElectionEvent,
  type OffenceEvent,
} from "../../src/dashboard/shape";

const A = "0x00000000000000000000000000000000000000aA";
const B = "0x00000000000000000000000000000000000000bB";
const C = "0x00000000000000000000000000000000000000cC";
const meta = (block: number, logIndex = 0, tx = `0xt${block}`) => ({ block, logIndex, tx });

describe("dashboard data shaping", () => {
  it("gives each slot its state at the chain's time", () => {
    expect(slotStatus(50n, 60n, 120n, A, false)).to.equal("upcoming");
    expect(slotStatus(60n, 60n, 120n, A, false)).to.equal("open");
    expect(slotStatus(119n, 60n, 120n, A, false)).to.equal("open");
    expect(slotStatus(120n, 60n, 120n, A, false)).to.equal("missed");
    expect(slotStatus(120n, 60n, 120n, A, true)).to.equal("committed");
    expect(slotStatus(500n, 60n, 120n, ZeroAddress, false)).to.equal("unscheduled");
  });

  it("marks slots a standby took over, with the block's trades and energy", () => {
    const block: BlockEvent = {
      ...meta(9),
      epoch: 2n,
      slot: 0n,
      producer: C,
      headerHash: "0xh",
      attesters: [C, A],
      tradeCount: 3n,
      energy: 4_500n,
    };
    const t = slotsTable(300n, [
      { epoch: 2n, slot: 0n, start: 0n, end: 60n, owner: C, scheduled: A, block },
      { epoch: 2n, slot: 1n, start: 60n, end: 120n, owner: B, scheduled: B },
      { epoch: 2n, slot: 2n, start: 400n, end: 460n, owner: B, scheduled: B },
    ]);
    expect(t.rows.map((r) => [r.status, r.owner, r.takenOver, r.trades, r.energy, r.attesters])).to.deep.equal([
      ["committed", C, true, "3", "4500", 2],
      ["missed", B, false, null, null, null],
      ["upcoming", B, false, null, null, null],
    ]);
  });

  it("follows an election's phases and sums the gas of each transaction once", () => {
    const events: ElectionEvent[] = [
      { ...meta(1), kind: "opened", epoch: 3n, seedBlock: 2n, snapshot: 100n, from: A, gasUsed: 48_000n },
      { ...meta(2), kind: "seed", epoch: 3n, seed: "0xseed", from: A, gasUsed: 47_000n },
      { ...meta(3), kind: "submitted", epoch: 3n, submitter: A, list: [B, C], from: A, gasUsed: 120_000n },
      {
        ...meta(4),
        kind: "challenged",
        epoch: 3n,
        challenge: 2,
        challenger: C,
        paid: 10n ** 19n,
        repaired: [C, B],
        from: C,
        gasUsed: 60_000n,
      },
      { ...meta(5), kind: "opened", epoch: 4n, seedBlock: 6n, snapshot: 200n, from: A, gasUsed: 1n },
      { ...meta(6, 0, "0xfin"), kind: "finalized", epoch: 3n, submitter: A, reward: 0n, from: B, gasUsed: 100_000n },
      { ...meta(6, 1, "0xfin"), kind: "handed-over", epoch: 3n, index: 0n, from: C, to: B, fromSlot: 2n, gasUsed: 100_000n },
    ];
    const { state, table } = electionTable(3n, events);
    expect(state).to.deep.include({ phase: "finalized", opener: A, submitter: A, challenges: 1, gas: 375_000n });
    expect(table.rows.map((r) => r.step)).to.deep.equal([
      "opened",
      "seed fixed",
      "list submitted",
      "challenge (order)",
      "finalized",
      "slots handed over",
    ]);
    expect(String(table.rows[3].detail)).to.include("10.0 tokens");
    expect(electionTable(9n, events).state.phase).to.equal("not opened");
  });

  it("lists offences newest first with their evidence, slash and jail", () => {
    const o = (block: number, over: Partial<OffenceEvent> = {}): OffenceEvent => ({
      ...meta(block),
      offender: A,
      offence: 0,
      evidenceKey: "0xkey",
      reporter: B,
      slashed: 9n * 10n ** 18n,
      handedOver: true,
      reporterShare: 18n * 10n ** 17n,
      jailedUntil: 86_400n,
      creditPenalty: 10n ** 18n,
      time: 3_600,
      evidence: { kind: "missed slot", epoch: 3n, slot: 1n },
      ...over,
    });
    const t = offencesTable([
      o(5),
      o(8, { offence: 1, evidence: { kind: "equivocation", epoch: 4n, slot: 0n, headers: ["h1", "h2"] } }),
      o(6, { evidence: undefined }),
    ]);
    expect(t.rows.map((r) => [r.offence, r.epoch, r.slot])).to.deep.equal([
      ["equivocation", "4", "0"],
      ["missed slot", null, null],
      ["missed slot", "3", "1"],
    ]);
    expect(t.rows[2]).to.deep.include({
      slashed: "9.0",
      reporterShare: "1.8",
      jailedUntil: "1970-01-02T00:00:00.000Z",
      reporter: B,
      time: "1970-01-01T01:00:00.000Z",
    });
    expect(t.rows[1].evidence).to.equal("evidence key 0xkey");
    expect(evidenceText(o(1, { evidence: { kind: "invalid trade", epoch: 2n, slot: 3n, seller: A, buyer: B, energy: 70n } }))).to.include(
      "70 Wh",
    );
  });

  it("sums rewards per account beside what is claimable now", () => {
    const t = rewardsTable(
      [
        { ...meta(1), account: A, kind: "accrued", amount: 5n * 10n ** 18n, role: "attester" },
        { ...meta(2), account: A.toLowerCase(), kind: "accrued", amount: 10n ** 18n, role: "producer" },
        { ...meta(3), account: A, kind: "claimed", amount: 2n * 10n ** 18n },
        { ...meta(4), account: B, kind: "accrued", amount: 7n * 10n ** 18n },
      ],
      new Map([[A.toLowerCase(), 4n * 10n ** 18n]]),
      new Map([[B.toLowerCase(), "keeper"]]),
    );
    expect(t.rows.map((r) => [r.account, r.role, r.accrued, r.accruals, r.claimed, r.claimable])).to.deep.equal([
      [B, "keeper", "7.0", 1, "0.0", null],
      [A, "producer, attester", "6.0", 2, "2.0", "4.0"],
    ]);
  });

  it("adds up energy and trades per epoch, empty epochs included", () => {
    const b = (epoch: bigint, trades: bigint, energy: bigint): BlockEvent => ({
      ...meta(1),
      epoch,
      slot: 0n,
      producer: A,
      headerHash: "0x",
      attesters: [],
      tradeCount: trades,
      energy,
    });
    expect(energyPerEpoch([b(2n, 3n, 30n), b(2n, 1n, 5n), b(4n, 2n, 9n), b(9n, 1n, 1n)], 2n, 4n)).to.deep.equal([
      { epoch: 2n, blocks: 2, trades: 4n, energy: 35n },
      { epoch: 3n, blocks: 0, trades: 0n, energy: 0n },
      { epoch: 4n, blocks: 1, trades: 2n, energy: 9n },
    ]);
  });

  it("knows who is jailed now: an offence after the latest unjailing", () => {
    const jailed = jailedFromEvents(
      [
        { node: A, block: 5, logIndex: 0 },
        { node: B, block: 5, logIndex: 1 },
        { node: C, block: 9, logIndex: 0 },
      ],
      [
        { node: A, block: 7, logIndex: 0 },
        { node: C, block: 8, logIndex: 0 },
      ],
    );
    expect([...jailed]).to.have.members([B.toLowerCase(), C.toLowerCase()]);
  });

  it("splits a list into delegates and standbys and shows each model's terms", () => {
    expect(membersOf([A, B, C], 2, new Set([C.toLowerCase()])).map((m) => [m.role, m.serving])).to.deep.equal([
      ["delegate", false],
      ["delegate", false],
      ["standby", true],
    ]);
    const w = 10n ** 18n;
    expect(termCells({ model: "credit", F: 8n * w, P: 9n * w, D: 0n, gain: w, loss: 2n * w, V: 6n * w, credit: 5n * w })).to.deep.equal({
      F: "8.0",
      P: "9.0",
      D: "0.0",
      gain: "1.0",
      loss: "2.0",
      V: "6.0",
      credit: "5.0",
    });
    expect(termCells({ model: "classic", votes: 12n * w })).to.deep.equal({ votes: "12.0" });
  });
});
