// Beyond the papers: one malicious-delegate scenario under the three scoring models (classic DPoS,
// paper 1 credit, paper 2 dynamic trust), on the contracts through the keeper code. Both papers
// claim their model removes a misbehaving delegate; neither measures it against a baseline.
//
// Scenario (the same for every model; only the score differs):
// - 6 producers of one class and capacity, equal deposits; K = 3 delegates by top-K, 1 standby,
//   3 slots an epoch (one a delegate).
// - Node 1 is popular: every other node gives it 4 of its 10 votes and splits the rest at random
//   among the others (the seed), so node 1 tops the first election under every model.
// - Node 1 forges a trade in every block it produces; the keeper proves it (Merkle proof), so it
//   is slashed, jailed (the ledger's invalid-block penalty) and loses credit and trust. It unjails
//   as soon as its jail ends. Votes never change: the model alone must keep it out.
// - Each epoch's election is held at its snapshot (start of the previous epoch) by the keeper code.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ElectionRule } from "../src/scoring/electionKey";
import { ScoringModel } from "../src/scoring/params";
import { EMPTY_PAYLOAD_HASH, forgedBlock, ledgerDomain, type BlockHeader } from "../src/ledger/signing";
import { SeededRandom } from "../src/util/random";
import { SnapshotReader } from "../src/chain/snapshotReader";
import { JailBook, deployTrustSystem, electWithKeeper, prepareKeeper, registerNodes } from "./paper2Fig4";
import { freshNetwork } from "./world/freshNetwork";
import { HeaderSigners, sendNow } from "./fastChain";

export const COMPARISON_NODES = 6;
export const COMPARISON_DELEGATES = 3;
export const MODEL_NAMES: Record<ScoringModel, string> = {
  [ScoringModel.Classic]: "classic DPoS",
  [ScoringModel.Credit]: "credit (paper 1)",
  [ScoringModel.DynamicTrust]: "dynamic trust (paper 2)",
};

export interface ComparisonRun {
  model: ScoringModel;
  seed: number;
  epochs: number;
  /** Epoch indices (0-based) in which node 1 was among the K delegates. */
  offenderElected: number[];
  /** Slots node 1 produced: each block carried a forged trade, so each is a slot lost to honest trading. */
  slotsLost: number;
  /** Proven offences of node 1. */
  offences: number;
  /** Times each node was among the K delegates. */
  counts: number[];
}

/** One run of `epochs` epochs under `model` on a fresh Hardhat network. */
export async function runModelComparison(
  model: ScoringModel,
  seed: number,
  epochs = 30,
  onEpoch: (done: number) => void = () => undefined,
): Promise<ComparisonRun> {
  if (!Object.values(ScoringModel).includes(model)) throw new RangeError(`unknown scoring model ${model}`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${epochs}`);
  const signers = await ethers.getSigners();
  const [admin, keeper] = signers;
  const nodes = signers.slice(2, 2 + COMPARISON_NODES);
  const rng = new SeededRandom(seed);
  const { system, addresses } = await freshNetwork(async () => {
    const system = await deployTrustSystem(admin, COMPARISON_DELEGATES, {
      model,
      rule: ElectionRule.TopK,
      standbyCount: 1n,
      slotsPerEpoch: BigInt(COMPARISON_DELEGATES),
    });
    return { system, addresses: await registerNodes(system, admin, nodes, 7300) };
  });
  const { election, ledger } = system;
  const offender = addresses[0];
  for (const [i, node] of nodes.entries()) {
    const tally = new Map<string, bigint>();
    const others = addresses.filter((_, j) => j !== i && j !== 0);
    if (i !== 0) tally.set(offender, 4n);
    const spare = Number(system.options.votesPerNode) - (i !== 0 ? 4 : 0);
    const pool = i === 0 ? addresses.slice(1) : others;
    for (let v = 0; v < spare; v++) {
      const c = pool[rng.below(pool.length)];
      tally.set(c, (tally.get(c) ?? 0n) + 1n);
    }
    await sendNow(node, election.vote.populateTransaction([...tally.keys()], [...tally.values()]));
  }
  await prepareKeeper(system, keeper);
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await ledger.getAddress());
  const signerOf = new Map(addresses.map((a, i) => [a, nodes[i]]));
  const jail = new JailBook(system, signerOf);
  const reader = SnapshotReader.of(system);
  const headerSigners = new HeaderSigners(signers.length);
  const run: ComparisonRun = {
    model,
    seed,
    epochs,
    offenderElected: [],
    slotsLost: 0,
    offences: 0,
    counts: new Array(COMPARISON_NODES).fill(0),
  };

  let epoch = (await election.currentEpoch()) + 2n;
  await time.increaseTo(await election.snapshotOf(epoch));
  await electWithKeeper(system, keeper, epoch, addresses, seed, reader);
  for (let e = 0; e < epochs; e++, epoch++) {
    await time.increaseTo(await election.epochStart(epoch));
    await jail.release();
    await electWithKeeper(system, keeper, epoch + 1n, addresses, seed, reader);
    const [list, , k] = await election.delegatesOf(epoch);
    const delegates = list.slice(0, Number(k));
    for (const d of delegates) run.counts[addresses.indexOf(d)] += 1;
    if (delegates.includes(offender)) run.offenderElected.push(e);
    for (let s = 0n; s < BigInt(COMPARISON_DELEGATES); s++) {
      const owner = await election.slotOwner(epoch, s);
      if (owner === ethers.ZeroAddress) continue;
      const [start] = await election.slotWindow(epoch, s);
      if (BigInt(await time.latest()) < start) await time.increaseTo(start);
      let h: BlockHeader = {
        epoch,
        slot: s,
        parentHash: await ledger.head(),
        tradeRoot: ethers.ZeroHash,
        payloadHash: EMPTY_PAYLOAD_HASH,
        tradeCount: 0n,
        energyTotal: 0n,
      };
      const forged = owner === offender ? await forgedBlock(domain, nodes[0], addresses[1], admin, epoch * 10n + s) : undefined;
      if (forged) h = { ...h, tradeRoot: forged.root, tradeCount: 1n, energyTotal: 100n };
      const attesters = [...list].filter((m) => m !== owner && !jail.isJailed(m));
      await sendNow(
        signerOf.get(owner)!,
        ledger.commitBlock.populateTransaction(h, headerSigners.sign(domain, h, [owner, ...attesters]), "0x"),
      );
      if (forged) {
        const t = forged.trade;
        await sendNow(keeper, ledger.reportInvalidTrade.populateTransaction(h, t.order, t.sellerSignature, t.buyerSignature, forged.proof));
        run.slotsLost += 1;
        run.offences += 1;
        await jail.punished(offender);
      }
    }
    onEpoch(e + 1);
  }
  return run;
}

/** After its first offence: epochs it was still elected, and the last epoch it was elected (relative). */
export function exclusion(run: ComparisonRun) {
  const first = run.offenderElected[0];
  if (first === undefined) return { afterFirstOffence: 0, lastElected: undefined as number | undefined };
  const after = run.offenderElected.filter((e) => e > first);
  return { afterFirstOffence: after.length, lastElected: run.offenderElected.at(-1)! };
}
