// Property (issue 6): for random node populations and random wrong submissions, after the
// challenges an honest watcher makes, the finalized set equals the reference election's set.
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { populatedElection, sendChallenge } from "./helpers";
import { bestKeys } from "../../src/election/engine";
import { applyChallenge, nextChallenge } from "../../src/keeper/watcher";
import { ElectionRule } from "../../src/scoring/electionKey";
import { ScoringModel } from "../../src/scoring/params";
import { depth } from "../depth";

type Mutation = { op: number; a: number; b: number };

function corrupt(right: string[], all: string[], mutations: Mutation[], maxLength: number): string[] {
  let list = [...right];
  for (const { op, a, b } of mutations) {
    const i = list.length ? a % list.length : 0;
    const j = list.length ? b % list.length : 0;
    if (op === 0 && list.length > 1)
      list.splice(i, 1); // drop one
    else if (op === 1 && list.length)
      list[i] = list[j]; // duplicate
    else if (op === 2 && list.length)
      [list[i], list[j]] = [list[j], list[i]]; // misorder
    else if (op === 3)
      list[i] = all[b % all.length]; // anyone, maybe ineligible or excluded
    else if (op === 4) list = list.reverse();
  }
  return list.slice(0, maxLength);
}

describe("property: honest watcher repairs any wrong submission into the reference set", () => {
  it("holds for random populations, models, rules and corruptions", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          count: fc.integer({ min: 3, max: 14 }),
          seed: fc.integer({ min: 0, max: 1_000_000 }),
          model: fc.constantFrom(ScoringModel.Credit, ScoringModel.DynamicTrust, ScoringModel.Classic),
          rule: fc.constantFrom(ElectionRule.TopK, ElectionRule.WeightedRandom),
          mutations: fc.array(fc.record({ op: fc.integer({ min: 0, max: 4 }), a: fc.nat(), b: fc.nat() }), {
            minLength: 1,
            maxLength: 6,
          }),
        }),
        async ({ count, seed, model, rule, mutations }) => {
          const f = await populatedElection(count, seed, { model, rule });
          const right = bestKeys(f.scored, f.maxLength).map((s) => s.node);
          let list = corrupt(right, f.addresses, mutations, f.maxLength);
          if (list.length === 0) list = [f.addresses[0]];
          await f.election.connect(f.keeper).submit(f.epoch, list);
          for (let step = 0; step < 60; step++) {
            const c = nextChallenge(list, f.byNode, f.maxLength);
            if (c === null) break;
            await sendChallenge(f.election, f.outsider, f.epoch, c);
            list = applyChallenge(list, c, f.maxLength);
            expect([...(await f.election.submittedList(f.epoch))], "stored list after a challenge").to.deep.equal(list);
          }
          await time.increase(await f.election.challengePeriod());
          if (right.length === 0) {
            // nobody electable: the emptied list is refused, the previous set carries over
            await expect(f.election.finalize(f.epoch)).to.be.revertedWithCustomError(f.election, "NothingToElect");
            return;
          }
          await f.election.finalize(f.epoch);
          const [members] = await f.election.delegatesOf(f.epoch);
          expect([...members]).to.deep.equal([...(await f.election.referenceList(f.epoch))]);
          expect([...members]).to.deep.equal(right);
        },
      ),
      { numRuns: depth("WATCHER_RUNS", 10, 40), seed: 4242 },
    );
  });
});
