// Paper 1's credit loss and gain (eqs. 4-5) run from their own rules over several trading cycles and
// delegate terms, on the contracts through the keeper code; no attribute is written in by hand.
//
// The 10 nodes of Table 2 (experiment 1's F, D, P; their loss and gain start at 0), credit model,
// K = 3 by top-K, one-week epochs ("stages") of 3 slots. Every delegate produces every block of its
// term (so the ledger records a clean term, and ΔC+ counts in the next stage's election only).
// Nodes 5-10 cast 10 random votes twice a stage; nodes 1-4 vote once, in the first stage, and never
// again, so their time loss of eq. (4) grows once their trading cycle (90 days) has passed.
//
// ΔC− has two readings. The code's: t is "the interval between two votes" (eq. 4's own definition),
// counted from the node's last ballot. The prose's: credit falls when a node "has long not been a
// delegate". The second is computed beside the first from the same snapshots with the TypeScript
// mirror (src/scoring/creditScore.ts): the same F, P, D and votes, t counted from the end of the
// node's last term (or its admission), ΔC+ for a term in the stage before; its elections feed its
// own next losses and gains, so it is a whole counterfactual sequence, not a re-ranking.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deploySystem } from "../src/deployment/deploySystem";
import { SnapshotReader } from "../src/chain/snapshotReader";
import { bestKeys } from "../src/election/engine";
import { ElectionRule, electionKey } from "../src/scoring/electionKey";
import { creditLoss, creditScore } from "../src/scoring/creditScore";
import { EMPTY_PAYLOAD_HASH, ledgerDomain, type BlockHeader } from "../src/ledger/signing";
import { SeededRandom } from "../src/util/random";
import { TABLE_2 } from "./papers/paper1";
import { randomBallots, setUpPaper1Nodes } from "./papers/paper1Setup";
import { electWithKeeper, prepareKeeper } from "./paper2Fig4";
import { freshNetwork } from "./world/freshNetwork";
import { HeaderSigners, sendNow, sendTogether } from "./fastChain";

export const STAGE_SECONDS = 7n * 86_400n;
/** Nodes (0-based) that vote once, in the first stage only. */
export const PASSIVE_VOTERS = [0, 1, 2, 3];

export interface CreditDynamicsRun {
  seed: number;
  stages: number;
  /** Per stage, the 3 delegates (node numbers 1-10) under each reading of ΔC−. */
  byVote: number[][];
  byTerm: number[][];
  /** Per stage and node, ΔC− and ΔC+ (in units of 1) the contract applied (reading "since the last vote"). */
  loss: number[][];
  gain: number[][];
}

/** One run of `stages` stages on a fresh Hardhat network. */
export async function runCreditDynamics(
  seed: number,
  stages: number,
  onStage: (done: number) => void = () => undefined,
): Promise<CreditDynamicsRun> {
  if (!Number.isInteger(stages) || stages < 1) throw new RangeError(`stages must be a positive integer, got ${stages}`);
  const signers = await ethers.getSigners();
  const [admin, keeper] = signers;
  const nodes = signers.slice(2, 12);
  const addresses = nodes.map((n) => n.address);
  const rng = new SeededRandom(seed);
  const system = await freshNetwork(async () => {
    const system = await deploySystem(admin, { epochDuration: STAGE_SECONDS, slotsPerEpoch: 3n, standbyCount: 1n });
    await setUpPaper1Nodes(
      system,
      admin,
      nodes,
      TABLE_2.map((r) => ({ ...r, loss: 0n, gain: 0n })),
    );
    await prepareKeeper(system, keeper);
    return system;
  });
  const { election, ledger, registry } = system;
  const reader = SnapshotReader.of(system);
  const headerSigners = new HeaderSigners(signers.length);
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await ledger.getAddress());
  const params = system.options.params;
  const k = Number(system.options.delegateCount);
  const length = k + Number(system.options.standbyCount);
  const wad = Number(10n ** 18n);
  const run: CreditDynamicsRun = { seed, stages, byVote: [], byTerm: [], loss: [], gain: [] };
  /** Reading "since the last term": the stage of each node's last term (undefined: never). */
  const lastTerm = new Map<string, bigint>();
  /** The counterfactual's delegates of each stage: ΔC+ for a term two stages back (its snapshot follows that term). */
  const terms: Set<string>[] = [];

  const vote = async (voters: number[]) => {
    const ballots = randomBallots(voters.length, Number(system.options.votesPerNode), addresses, rng);
    await sendTogether(
      voters.map((i, j) => ({ from: nodes[i], tx: election.vote.populateTransaction(ballots[j].candidates, ballots[j].amounts) })),
    );
  };
  await vote(addresses.map((_, i) => i));
  let epoch = (await election.currentEpoch()) + 2n;
  const start = await election.snapshotOf(epoch);
  await time.increaseTo(start);
  await electWithKeeper(system, keeper, epoch, addresses, seed, reader);
  for (let s = 0; s < stages; s++, epoch++) {
    await time.increaseTo(await election.epochStart(epoch));
    const [list] = await election.delegatesOf(epoch);
    run.byVote.push(list.slice(0, k).map((a) => addresses.indexOf(a) + 1));
    // reading "since the last term": this stage's election, computed beside the contract's
    const snapshot = await election.snapshotOf(epoch);
    const onChain = await reader.scoreAll(epoch, addresses);
    const seedOf = (await election.elections(epoch)).seed;
    const loss = new Array<number>(addresses.length).fill(0);
    const gain = new Array<number>(addresses.length).fill(0);
    const counterfactual = await Promise.all(
      addresses.map(async (a, i) => {
        const [node, credit, votes] = await Promise.all([
          registry.nodeOf(a),
          registry.creditRecordAt(a, snapshot - 1n),
          election.votesAt(a, snapshot - 1n),
        ]);
        const sinceVote = snapshot - (votes.lastVote > node.admittedAt ? votes.lastVote : node.admittedAt);
        loss[i] = Number(creditLoss(sinceVote, node.tradingCycle, params.credit.lossRate)) / wad;
        gain[i] = credit.clean ? Number(params.credit.gainValue) / wad : 0;
        const term = lastTerm.get(a);
        // t from the end of the last term; a node never elected counts from the first election's
        // snapshot (the set-up's half year before it would otherwise weigh on it); a node serving
        // now has not "long not been a delegate": t = 0
        const since = term === undefined ? start : await election.epochStart(term + 1n);
        const score = creditScore(params.credit, {
          frequencyValue: params.frequencyValue[Number(node.nodeClass)],
          capacity: node.capacity,
          quality: credit.quality,
          cleanRecord: s >= 2 && terms[s - 2].has(a),
          offencePenalty: credit.offencePenalty,
          elapsedSinceVote: snapshot > since ? snapshot - since : 0n,
          tradingCycle: node.tradingCycle,
          votes: votes.votes,
          totalVotes: votes.total,
        });
        // a plain object with its own tie: spreading onChain[i] would drop its lazy `tie` getter, and
        // equal keys would then fall in heap order instead of the seed's tie-break
        return {
          node: a,
          eligible: onChain[i].eligible,
          score,
          key: electionKey(ElectionRule.TopK, score, seedOf, a),
          tie: onChain[i].tie,
        };
      }),
    );
    const byTerm = bestKeys(counterfactual, length)
      .slice(0, k)
      .map((x) => x.node);
    run.byTerm.push(byTerm.map((a) => addresses.indexOf(a) + 1));
    run.loss.push(loss);
    run.gain.push(gain);
    // the counterfactual's terms: this stage's delegates serve it and, all honest, produce every block
    for (const a of byTerm) lastTerm.set(a, epoch);
    terms.push(new Set(byTerm));
    // the stage: active voters vote at its start and again after two slots (so no gap between
    // their ballots reaches the 7-day cycle), the keeper elects the next stage, every slot is produced
    const active = addresses.map((_, i) => i).filter((i) => !PASSIVE_VOTERS.includes(i));
    await vote(active);
    await electWithKeeper(system, keeper, epoch + 1n, addresses, seed, reader);
    for (let slot = 0n; slot < 3n; slot++) {
      if (slot === 2n) await vote(active);
      const owner = await election.slotOwner(epoch, slot);
      const [start] = await election.slotWindow(epoch, slot);
      if (BigInt(await time.latest()) < start) await time.increaseTo(start);
      const h: BlockHeader = {
        epoch,
        slot,
        parentHash: await ledger.head(),
        tradeRoot: ethers.ZeroHash,
        payloadHash: EMPTY_PAYLOAD_HASH,
        tradeCount: 0n,
        energyTotal: 0n,
      };
      await sendNow(
        { address: owner },
        ledger.commitBlock.populateTransaction(
          h,
          headerSigners.sign(domain, h, [owner, ...list.slice(0, k).filter((m) => m !== owner)]),
          "0x",
        ),
      );
    }
    onStage(s + 1);
  }
  return run;
}
