// Property (issue 24): the keeper's index, built from logs alone, reads what the lens reads and
// scores what the contract's `scoreAt` scores, bit for bit. Random sequences of everything that
// moves a score input — admissions, deposits, withdrawals, slashes, votes, exits and dropped
// votes, quality, clean records, offences, participation, unjails, several transactions in one
// block — under each model; after every step the index is caught up and compared, at a random
// past snapshot, with the lens's view of every node and with `scoreOf` of every admitted node.
// A cold rebuild and a cache round trip must then equal the index that was caught up step by step.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import fc from "fast-check";
import type { Result } from "ethers";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployed } from "../fixtures";
import { depth } from "../depth";
import { NodeClass, ScoringModel, WAD } from "../../src/scoring/params";
import { ElectionRule } from "../../src/scoring/electionKey";
import { SnapshotReader } from "../../src/chain/snapshotReader";
import { IndexedReader } from "../../src/index/reader";
import { IndexSync } from "../../src/index/sync";
import { windowStart } from "../../src/scoring/scoreInputs";
import { loadIndex, saveIndex } from "../../src/index/store";
import type { System } from "../../src/deployment/deploySystem";

const SEQUENCES = depth("INDEX_SEQUENCES", 2, 25);
const STEPS = depth("INDEX_STEPS", 20, 40);
const NODES = 7;
const EPOCH = 600n;

type Action =
  | { op: "join"; i: number; nodeClass: number; capacity: number; deposit: bigint }
  | { op: "deposit" | "withdraw" | "slash"; i: number; amount: bigint }
  | { op: "vote"; i: number; picks: number[]; amounts: number[] }
  | { op: "exit" | "unjail" | "drop"; i: number }
  | { op: "quality"; i: number; hasPlan: boolean; planned: number; metered: number }
  | { op: "clean"; i: number; clean: boolean }
  | { op: "offence"; i: number; penalty: number; jailFor: number }
  | { op: "participate"; i: number; correct: boolean }
  | { op: "time"; seconds: number };

const node = fc.integer({ min: 0, max: NODES - 1 });
const single: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("join" as const),
      i: node,
      nodeClass: fc.integer({ min: 0, max: 3 }),
      capacity: fc.integer({ min: 1, max: 200_000 }),
      deposit: fc.constantFrom(0n, 100n * WAD, 700n * WAD),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constantFrom("deposit" as const, "withdraw" as const, "slash" as const),
      i: node,
      amount: fc.constantFrom(1n, 100n * WAD, 250n * WAD, 2_000n * WAD),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("vote" as const),
      i: node,
      picks: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
      amounts: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom("exit" as const, "unjail" as const, "drop" as const), i: node }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("quality" as const),
      i: node,
      hasPlan: fc.boolean(),
      planned: fc.integer({ min: 0, max: 1_000 }),
      metered: fc.integer({ min: 0, max: 1_500 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("clean" as const), i: node, clean: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("offence" as const),
      i: node,
      penalty: fc.integer({ min: 0, max: 12 }),
      jailFor: fc.constantFrom(0, 60, 7_200),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("participate" as const), i: node, correct: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("time" as const), seconds: fc.constantFrom(1, 100, 600, 700, 3_000) }) },
);
/** One step: an action on its own, or two or three mined in one block (one timestamp). */
const step = fc.oneof(
  { weight: 4, arbitrary: single.map((a) => [a]) },
  { weight: 1, arbitrary: fc.array(single, { minLength: 2, maxLength: 3 }) },
);

async function send(s: System, admin: HardhatEthersSigner, nodes: HardhatEthersSigner[], a: Action, gasLimit?: bigint): Promise<void> {
  const o = gasLimit ? { gasLimit } : {};
  if (a.op === "time") {
    await network.provider.send("evm_increaseTime", [a.seconds]);
    return;
  }
  const n = nodes[a.i];
  const r = s.registry.connect(n);
  const run = async (): Promise<unknown> => {
    switch (a.op) {
      case "join":
        await r.register(a.nodeClass, a.nodeClass === NodeClass.Consumer ? 0 : a.capacity, "", o);
        await s.registry.connect(admin).admit(n.address, o);
        return a.deposit === 0n ? undefined : s.vault.connect(n).deposit(a.deposit, o);
      case "deposit":
        return s.vault.connect(n).deposit(a.amount, o);
      case "withdraw":
        return s.vault.connect(n).requestWithdrawal(a.amount, o);
      case "slash":
        return s.vault.connect(admin).slash(n.address, a.amount, admin.address, WAD / 10n, o);
      case "vote": {
        const picks = [...new Set(a.picks)].map((p) => nodes[p].address);
        return s.election.connect(n).vote(picks, a.amounts.slice(0, picks.length), o);
      }
      case "exit":
        return r.exit(o);
      case "drop":
        return s.election.connect(admin).dropVotes(n.address, o);
      case "unjail":
        return r.unjail(o);
      case "quality":
        return s.registry.connect(admin).recordQuality(n.address, a.hasPlan, a.planned, a.metered, o);
      case "clean":
        return s.registry.connect(admin).setCleanRecord(n.address, a.clean, o);
      case "offence":
        return s.registry.connect(admin).recordOffence(n.address, a.penalty, a.jailFor, o);
      case "participate":
        return a.correct
          ? s.registry.connect(admin).recordCorrectAction(n.address, o)
          : s.registry.connect(admin).recordParticipation(n.address, o);
    }
  };
  // a refused action changes nothing and emits nothing: the index must agree with that too
  await run().catch((e) => {
    if (process.env.INDEX_DEBUG) console.log(a.op, (e as Error).stack?.slice(0, 600));
  });
}

async function perform(s: System, admin: HardhatEthersSigner, nodes: HardhatEthersSigner[], actions: Action[]): Promise<void> {
  if (actions.length === 1) return send(s, admin, nodes, actions[0]);
  await network.provider.send("evm_setAutomine", [false]);
  try {
    for (const a of actions) await send(s, admin, nodes, a, 1_500_000n);
    await network.provider.send("evm_mine", []);
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
}

/** The named fields of a decoded struct (the lens's `Node` also holds what no score reads). */
const pick3 = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

/** One deployment under test, its index, and the comparisons made after every step. */
async function world(model: ScoringModel, dir: string, name: string) {
  const f = await deployed({ model, rule: ElectionRule.TopK, epochDuration: EPOCH, slotsPerEpoch: 4n, challengePeriod: 60n });
  const s = f.system;
  await s.registry.connect(f.admin).grantRole(await s.registry.RECORDER_ROLE(), f.admin.address);
  await s.vault.connect(f.admin).grantRole(await s.vault.OPERATOR_ROLE(), f.admin.address);
  const nodes = f.others.slice(0, NODES);
  const startBlock = await ethers.provider.getBlockNumber();
  const rpc = ethers.provider;
  const reader = new IndexedReader(s, { rpc, startBlock, file: path.join(dir, `${name}.json`) });
  const lens = SnapshotReader.of(s);
  const all = nodes.map((n) => n.address.toLowerCase());
  const electionAddress = await s.election.getAddress();
  let scored = 0;

  /** Compare at epoch `pick`'s snapshot (mod the passed ones; the latest unless pick % 3 is 0) and at the latest second. */
  async function check(label: string, pick = 1): Promise<void> {
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const current = await s.election.epochOf(now);
    const epochs: bigint[] = [];
    for (let e = 1n; e <= current + 1n; e++) if ((await s.election.snapshotOf(e)) <= now) epochs.push(e);
    if (epochs.length === 0) return;
    const epoch = pick % 3 === 0 ? epochs[pick % epochs.length] : epochs[epochs.length - 1];
    const { scores } = await reader.scoreAll(epoch);
    const e = await lens.electionAt(epoch);
    // every node, admitted or not: the index's view is the lens's, field by field, at the snapshot
    // and at the latest second (what moved since the snapshot shows there)
    const latest = { t: now - 1n, windowStart: model === ScoringModel.DynamicTrust ? windowStart(now, e.params.trust.window, EPOCH) : 0n };
    for (const at of [e, latest]) {
      if (at.t < BigInt(reader.current!.horizon)) continue;
      const views = await s.lens.read(electionAddress, all, at.t, at.windowStart);
      for (let i = 0; i < all.length; i++) {
        const mine = reader.current!.viewAt(all[i], e.clock, Number(at.t), Number(at.windowStart));
        const theirs = (views[i] as unknown as Result).toObject(true);
        expect(mine, `${label}, at ${at.t}, node ${i}`).to.deep.equal({
          ...theirs,
          node: pick3(theirs.node, ["nodeClass", "tradingCycle", "admittedAt", "capacity"]),
          trustAtWindowStart: pick3(theirs.trustAtWindowStart, ["correct", "offences", "participated"]),
        });
      }
    }
    // every admitted node: the score is scoreAt's, to the bit
    for (const sc of scores) {
      const [eligible, score, key] = await s.election.scoreOf(epoch, sc.node);
      expect([sc.eligible, sc.score, sc.key], `${label}, epoch ${epoch}, ${sc.node}`).to.deep.equal([eligible, score, key]);
      if (score > 0n) scored++;
    }
  }

  /** A cold rebuild from the logs alone equals the index caught up step by step, and so does its cache read back. */
  async function rebuildEquals(): Promise<void> {
    const incremental = reader.current!;
    const sources = {
      registry: (await s.registry.getAddress()).toLowerCase(),
      vault: (await s.vault.getAddress()).toLowerCase(),
      election: electionAddress.toLowerCase(),
    };
    const cold = new IndexSync(rpc, sources, model, startBlock);
    await cold.catchUp();
    cold.index.prune(incremental.horizon);
    const key = { chainId: "31337", sources, model, startBlock };
    const [a, b] = [path.join(dir, `${name}-a.json`), path.join(dir, `${name}-b.json`)];
    saveIndex(a, key, incremental, cold.cursor!);
    saveIndex(b, key, cold.index, cold.cursor!);
    expect(fs.readFileSync(b, "utf8")).to.equal(fs.readFileSync(a, "utf8"));
    const back = loadIndex(a, key);
    if (!("index" in back)) throw new Error(`the cache was refused: ${back.unusable}`);
    saveIndex(b, key, back.index, back.cursor);
    expect(fs.readFileSync(b, "utf8")).to.equal(fs.readFileSync(a, "utf8"));
    // another deployment's or chain's cache is ignored, not used
    expect(loadIndex(a, { ...key, chainId: "1" })).to.deep.equal({ unusable: "made for another chain or deployment" });
    expect(loadIndex(a, { ...key, startBlock: startBlock + 1 })).to.deep.equal({ unusable: "made for another chain or deployment" });
  }

  return {
    run: (actions: Action[]) => perform(s, f.admin, nodes, actions),
    check,
    rebuildEquals,
    scored: () => scored,
  };
}

const join = (i: number, nodeClass: number, deposit = 300n * WAD): Action => ({
  op: "join",
  i,
  nodeClass,
  capacity: 10_000 * (i + 1),
  deposit,
});

/**
 * Every transition the index mirrors, on purpose: a classic vote reweighed by its voter's deposit,
 * an empty ballot, a consumer's vote, a slash beyond the bond, a withdrawal then a slash reaching into unbonding, a
 * clean record whose ΔC+ applies one epoch and lapses, an offence and an unjail, participation
 * across a window, three transactions in one block, an exit and its dropped votes.
 */
const SCENARIO: Action[][] = [
  [join(0, NodeClass.MultiHouseholdCommunityPV)],
  [join(1, 0)],
  [join(2, 1)],
  [join(3, NodeClass.Consumer, 200n * WAD)],
  [{ op: "vote", i: 0, picks: [1, 2], amounts: [2, 3, 0] }],
  [{ op: "deposit", i: 0, amount: 100n * WAD }],
  [{ op: "vote", i: 1, picks: [0], amounts: [4, 0, 0] }],
  [{ op: "vote", i: 1, picks: [], amounts: [] }],
  [{ op: "vote", i: 3, picks: [0], amounts: [5, 0, 0] }],
  [{ op: "slash", i: 2, amount: 2_000n * WAD }],
  [{ op: "withdraw", i: 1, amount: 100n * WAD }],
  [{ op: "slash", i: 1, amount: 250n * WAD }],
  [{ op: "clean", i: 0, clean: true }],
  [{ op: "time", seconds: 600 }],
  [{ op: "quality", i: 0, hasPlan: true, planned: 1_000, metered: 900 }],
  [{ op: "time", seconds: 600 }],
  [{ op: "offence", i: 1, penalty: 3, jailFor: 60 }],
  [{ op: "time", seconds: 100 }],
  [{ op: "unjail", i: 1 }],
  [{ op: "participate", i: 0, correct: true }],
  [{ op: "participate", i: 0, correct: false }],
  [{ op: "time", seconds: 3_000 }],
  [
    { op: "deposit", i: 0, amount: 50n * WAD },
    { op: "vote", i: 0, picks: [2], amounts: [1, 0, 0] },
    { op: "withdraw", i: 0, amount: 20n * WAD },
  ],
  [{ op: "exit", i: 2 }],
  [{ op: "drop", i: 2 }],
  [{ op: "time", seconds: 700 }],
];

describe("the keeper's index equals the lens and scoreAt at every snapshot", function () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "index-"));
  for (const model of [ScoringModel.Credit, ScoringModel.DynamicTrust, ScoringModel.Classic]) {
    it(`${ScoringModel[model]}: every mirrored transition on purpose, every node compared after each step`, async () => {
      const w = await world(model, dir, `scenario-${model}`);
      for (let k = 0; k < SCENARIO.length; k++) {
        await w.run(SCENARIO[k]);
        await w.check(`scenario step ${k}`);
      }
      expect(w.scored(), "some node scored above zero").to.be.greaterThan(0);
      await w.rebuildEquals();
    });

    it(`${ScoringModel[model]}: ${SEQUENCES} random sequences of ${STEPS} steps, compared after each; a rebuild and a cache round trip equal it`, async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: STEPS, maxLength: STEPS }),
          fc.array(fc.nat(), { minLength: STEPS, maxLength: STEPS }),
          async (steps, picks) => {
            const w = await world(model, dir, `random-${model}-${run++}`);
            // four producers join first, so that votes, slashes and records mostly land
            for (let i = 0; i < 4; i++) await w.run([join(i, i % 3)]);
            for (let k = 0; k < steps.length; k++) {
              await w.run(steps[k]);
              await w.check(`step ${k}`, picks[k]);
            }
            await w.rebuildEquals();
          },
        ),
        { numRuns: SEQUENCES, seed: 2424 + model },
      );
    });
  }
});
