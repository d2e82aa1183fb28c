// Stateful property test of the whole system (SPEC.md section 9), shared by the two halves in
// systemProperty.*.test.ts (mocha runs test files on both cores): fast-check draws sequences of
// 50 steps of every action, by honest and malicious actors, and after every step the
// invariants are checked against a model of what may move:
//   1. the vault holds exactly bonded + unbonding + keeper bonds + pool + unclaimed rewards;
//   2. a finalized delegate set is exactly the reference election's (the K best keys);
//   3. no offence is punished twice, and no jailed node owns a slot still to come;
//   4. a node's stake moves only by its own deposit or withdrawal, or by a slash in the same
//      transaction as a proven offence of that node; a keeper's bond only by a proven wrong list.
// Steps that are not allowed at that moment revert, and the invariants show they changed nothing.
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionReceipt, ContractTransactionResponse, Signer } from "ethers";
import { admitNode, deployed } from "../fixtures";
import { sendChallenge } from "../election/helpers";
import { InvariantProbe__factory, type InvariantProbe } from "../../typechain-types";
import { NodeClass, WAD } from "../../src/scoring/params";
import { EMPTY_PAYLOAD_HASH, forgedBlock, ledgerDomain, signHeader, type BlockHeader } from "../../src/ledger/signing";
import { SnapshotReader } from "../../src/chain/snapshotReader";
import { nextChallenge } from "../../src/keeper/watcher";
import type { Keyed } from "../../src/election/engine";
import { openElection } from "../../src/election/open";
import { depth } from "../depth";

/** Sequences in all, shared by the two test files. */
const SEQUENCES = depth("PROPERTY_SEQUENCES", 24, 1000);
const STEPS = 50;
const NODES = 6;

interface Step {
  kind: number;
  a: number;
  b: number;
}

async function world() {
  const f = await deployed({ slotsPerEpoch: 6n });
  const nodes = f.others.slice(0, NODES);
  for (const [i, n] of nodes.entries())
    await admitNode(f.system, f.admin, n, { capacity: BigInt(90_000 - i * 10_000) });
  const consumer = f.others[NODES];
  await admitNode(f.system, f.admin, consumer, { nodeClass: NodeClass.Consumer });
  const intruder = f.others[NODES + 1]; // registered, never admitted
  await f.registry.connect(intruder).register(NodeClass.Wind, 10_000n, "");
  await f.vault.connect(f.keeper).bondKeeper(5n * f.system.options.keeperMinBond);
  await f.vault.connect(f.outsider).fundPool(10_000n * WAD);
  const epoch = (await f.election.currentEpoch()) + 2n;
  await time.increaseTo(await f.election.snapshotOf(epoch));
  await openElection(f.election, epoch);
  await f.election.electReference(epoch);
  await time.increaseTo(await f.election.epochStart(epoch));
  const probe = await new InvariantProbe__factory(f.admin).deploy();
  const addresses = nodes.map((n) => n.address);
  const signerOf = new Map<string, Signer>(nodes.map((n) => [n.address, n]));
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await f.ledger.getAddress());
  return { ...f, nodes, addresses, consumer, intruder, probe, signerOf, domain };
}
type World = Awaited<ReturnType<typeof world>>;

/** What the invariants compare against: stakes and the keeper's bond as the allowed moves leave them. */
interface Model {
  stakes: Map<string, bigint>;
  keeperStake: bigint;
  evidence: Set<string>;
  lastEvidence?: () => Promise<ContractTransactionResponse>;
  nonce: bigint;
}

async function readState(w: World) {
  return (w.probe as InvariantProbe).read(
    await w.vault.getAddress(),
    await w.registry.getAddress(),
    await w.election.getAddress(),
    w.addresses,
    [w.keeper.address],
  );
}

/** Sends `tx`; a revert is an allowed outcome (the invariants check it changed nothing). */
async function attempt(tx: () => Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt | null> {
  try {
    return await (await tx()).wait();
  } catch {
    return null;
  }
}

/** Folds a receipt's deposit moves and punishments into the model, checking each slash is proven. */
function account(w: World, m: Model, receipt: ContractTransactionReceipt | null) {
  if (!receipt) return;
  const punished = new Set<string>();
  const slashed: [string, bigint][] = [];
  for (const log of receipt.logs) {
    const ledgerLog = w.ledger.interface.parseLog(log);
    if (ledgerLog?.name === "OffencePunished") {
      const key = ledgerLog.args.evidence as string;
      expect(m.evidence.has(key), `evidence ${key} punished twice`).to.equal(false);
      m.evidence.add(key);
      punished.add(ledgerLog.args.offender);
    }
    const vaultLog = w.vault.interface.parseLog(log);
    if (vaultLog?.name === "Slashed") slashed.push([vaultLog.args.node, vaultLog.args.amount]);
  }
  for (const [node, amount] of slashed) {
    expect(punished.has(node), `${node} slashed without a proven offence`).to.equal(true);
    m.stakes.set(node, m.stakes.get(node)! - amount);
  }
}

async function checkInvariants(w: World, m: Model) {
  const s = await readState(w);
  expect(s.vaultBalance, "conservation").to.equal(s.accounted);
  for (const [i, node] of w.addresses.entries())
    expect(s.stakes[i], `stake of node ${i + 1}`).to.equal(m.stakes.get(node));
  expect(s.keeperBonds[0], "keeper bond").to.equal(m.keeperStake);
  const jailed = new Set(w.addresses.filter((_, i) => s.jailed[i]));
  for (const owner of s.owners) expect(jailed.has(owner), `jailed ${owner} scheduled`).to.equal(false);
}

async function currentSlot(w: World) {
  const epoch = await w.election.currentEpoch();
  const slot =
    (BigInt(await time.latest()) + 1n - (await w.election.epochStart(epoch))) / (await w.election.slotDuration());
  return { epoch, slot };
}

/** A header with no trades for (`epoch`, `slot`) on the ledger's head. */
async function emptyHeader(w: World, epoch: bigint, slot: bigint): Promise<BlockHeader> {
  return { epoch, slot, parentHash: await w.ledger.head(), tradeRoot: ethers.ZeroHash, payloadHash: EMPTY_PAYLOAD_HASH, tradeCount: 0n, energyTotal: 0n };
}

/** Signatures of every member of `epoch`'s list over `h`, the producer's first. */
async function attest(w: World, epoch: bigint, producer: string, h: BlockHeader) {
  const [list] = await w.election.delegatesOf(epoch);
  const signers = [producer, ...list.filter((a) => a !== producer)];
  return Promise.all(signers.map((a) => signHeader(w.signerOf.get(a)!, w.domain, h)));
}

/** The honest watcher's next challenge against `target`'s list, if it is wrong; null when right. */
async function challengeOnce(w: World, m: Model, target: bigint) {
  const list = [...(await w.election.submittedList(target))];
  const everyone = [...w.addresses, w.consumer.address, w.intruder.address];
  const scored = await new SnapshotReader(w.registry, w.vault, w.election).scoreAll(target, everyone);
  const byNode = new Map<string, Keyed>(scored.map((s) => [s.node.toLowerCase(), s]));
  const c = nextChallenge(list, byNode, Number(await w.election.listLength()));
  if (c === null) return null;
  const receipt = await attempt(() => sendChallenge(w.election, w.outsider, target, c));
  expect(receipt, `the watcher's ${c.kind} challenge against a wrong list`).to.not.equal(null);
  const reward = await w.election.challengeReward();
  m.keeperStake -= reward < m.keeperStake ? reward : m.keeperStake;
  return receipt;
}

/** The honest watcher is online (SECURITY.md's one assumption): before time moves on, it repairs an open list. */
async function watch(w: World, m: Model) {
  const target = (await w.election.currentEpoch()) + 1n;
  const el = await w.election.elections(target);
  if (el.submission === ethers.ZeroAddress || el.finalized) return;
  if (BigInt(await time.latest()) + 1n >= el.submittedAt + (await w.election.challengePeriod())) return;
  for (let i = 0; i < 60 && (await challengeOnce(w, m, target)) !== null; i++);
}

async function electionStep(w: World, m: Model, step: Step) {
  const target = (await w.election.currentEpoch()) + 1n;
  const el = await w.election.elections(target);
  const now = BigInt(await time.latest()) + 1n;
  if (el.seedBlock === 0n) return attempt(() => w.election.connect(w.keeper).openElection(target));
  if (el.seed === ethers.ZeroHash) return attempt(() => w.election.connect(w.keeper).fixSeed(target));
  if (el.submission === ethers.ZeroAddress) {
    const right = [...(await w.election.referenceList(target))];
    // a malicious keeper corrupts the list, at whatever moment the sequence chose
    const wrong = [...right];
    const how = step.b % 5;
    if (how === 1 && wrong.length > 1) [wrong[0], wrong[1]] = [wrong[1], wrong[0]];
    else if (how === 2) wrong[wrong.length - 1] = step.a % 2 ? w.consumer.address : w.intruder.address;
    else if (how === 3 && wrong.length > 1) wrong[wrong.length - 1] = wrong[0];
    else if (how === 4 && wrong.length > 1) wrong.pop();
    return attempt(() => w.election.connect(w.keeper).submit(target, wrong.length > 0 ? wrong : right));
  }
  if (el.finalized) return null;
  if (now < el.submittedAt + (await w.election.challengePeriod())) return challengeOnce(w, m, target);
  const receipt = await attempt(() => w.election.finalize(target));
  if (receipt) {
    const [members] = await w.election.delegatesOf(target);
    expect([...members], "finalized set vs reference election").to.deep.equal([
      ...(await w.election.referenceList(target)),
    ]);
  }
  return receipt;
}

/** A malicious or unauthorised move that must revert. */
async function adversaryStep(w: World, m: Model, step: Step) {
  const { epoch, slot } = await currentSlot(w);
  const h = await emptyHeader(w, epoch, slot);
  const moves: (() => Promise<unknown>)[] = [
    () => w.election.connect(w.intruder).vote([w.addresses[0]], [1n]),
    async () => w.ledger.connect(w.intruder).commitBlock(h, [await signHeader(w.intruder, w.domain, h)], "0x"),
    () => w.vault.connect(w.intruder).slash(w.addresses[step.b % NODES], WAD, w.intruder.address, WAD),
    () => w.registry.connect(w.intruder).recordOffence(w.addresses[step.b % NODES], 0n, 86_400n),
    () => w.election.connect(w.intruder).onJailed(w.addresses[step.b % NODES]),
    () => w.vault.connect(w.intruder).accrueReward(w.intruder.address, WAD),
    () => w.election.connect(w.consumer).vote([w.consumer.address], [1n]),
    async () => {
      const other = { ...h, tradeCount: 1n };
      return w.ledger
        .connect(w.intruder)
        .reportEquivocation(
          h,
          await signHeader(w.intruder, w.domain, h),
          other,
          await signHeader(w.intruder, w.domain, other),
        );
    },
    async () => (m.lastEvidence ? m.lastEvidence() : w.election.connect(w.intruder).finalize(0n)),
  ];
  const move = moves[step.a % moves.length];
  let reverted = false;
  try {
    await ((await move()) as ContractTransactionResponse).wait();
  } catch {
    reverted = true;
  }
  expect(reverted, `adversary move ${step.a % moves.length} went through`).to.equal(true);
}

async function runStep(w: World, m: Model, step: Step) {
  const node = w.nodes[step.a % NODES];
  const kind = step.kind;
  if (kind <= 2) {
    const amount = BigInt(1 + (step.b % 50)) * WAD;
    const receipt = await attempt(() => w.vault.connect(node).deposit(amount));
    if (receipt) m.stakes.set(node.address, m.stakes.get(node.address)! + amount);
  } else if (kind === 3) {
    await attempt(() => w.vault.connect(node).requestWithdrawal(BigInt(1 + (step.b % 300)) * WAD));
  } else if (kind === 4) {
    const [unbonding] = await w.vault.unbonding(node.address);
    const receipt = await attempt(() => w.vault.connect(node).withdraw());
    if (receipt) m.stakes.set(node.address, m.stakes.get(node.address)! - unbonding);
  } else if (kind <= 6) {
    await attempt(() => w.election.connect(node).vote([w.addresses[step.b % NODES]], [BigInt(1 + (step.b % 10))]));
  } else if (kind === 7) {
    await attempt(() => w.vault.connect([w.outsider, w.keeper, node][step.b % 3]).claim());
  } else if (kind <= 10) {
    // mostly hours; now and then two days, so epochs pass without an election and unbonding ends
    await watch(w, m);
    await time.increase(step.b % 10 === 0 ? 2 * 86_400 : 600 + (step.b % (6 * 3_600)));
    const epoch = await w.election.currentEpoch();
    const el = await w.election.elections(epoch);
    if (!el.finalized && !el.carriedOver) await attempt(() => w.election.connect(w.keeper).carryOver(epoch)); // the keeper's duty
  } else if (kind <= 12) {
    const { epoch, slot } = await currentSlot(w);
    const owner = await w.election.slotOwner(epoch, slot);
    if (owner === ethers.ZeroAddress) return;
    const h = await emptyHeader(w, epoch, slot);
    const signatures = await attest(w, epoch, owner, h);
    await attempt(() => w.ledger.connect(w.signerOf.get(owner)!).commitBlock(h, signatures, "0x"));
  } else if (kind === 13) {
    // equivocation: a delegate signs two headers for the current slot
    const { epoch, slot } = await currentSlot(w);
    const [list, , k] = await w.election.delegatesOf(epoch);
    if (k === 0n) return;
    const signer = w.signerOf.get(list[step.b % Number(k)])!;
    const a: BlockHeader = {
      epoch,
      slot,
      parentHash: ethers.ZeroHash,
      tradeRoot: ethers.ZeroHash,
      payloadHash: EMPTY_PAYLOAD_HASH,
      tradeCount: 1n,
      energyTotal: 0n,
    };
    const b = { ...a, tradeCount: 2n };
    const [sa, sb] = [await signHeader(signer, w.domain, a), await signHeader(signer, w.domain, b)];
    const report = () => w.ledger.connect(w.outsider).reportEquivocation(a, sa, b, sb);
    const receipt = await attempt(report);
    if (receipt) m.lastEvidence = report;
    account(w, m, receipt);
  } else if (kind === 14) {
    // a block with a forged trade, committed by the slot's owner, then proven
    const { epoch, slot } = await currentSlot(w);
    const owner = await w.election.slotOwner(epoch, slot);
    if (owner === ethers.ZeroAddress) return;
    const forged = await forgedBlock(
      w.domain,
      w.signerOf.get(owner)!,
      w.addresses[(step.b + 1) % NODES],
      w.intruder,
      m.nonce++,
    );
    const h = { ...(await emptyHeader(w, epoch, slot)), tradeRoot: forged.root, tradeCount: 1n, energyTotal: 100n };
    const signatures = await attest(w, epoch, owner, h);
    if (!(await attempt(() => w.ledger.connect(w.signerOf.get(owner)!).commitBlock(h, signatures, "0x")))) return;
    const t = forged.trade;
    const report = () =>
      w.ledger.connect(w.outsider).reportInvalidTrade(h, t.order, t.sellerSignature, t.buyerSignature, forged.proof);
    const receipt = await attempt(report);
    expect(receipt, "a committed forged trade is provable").to.not.equal(null);
    m.lastEvidence = report;
    account(w, m, receipt);
  } else if (kind === 15) {
    const { epoch, slot } = await currentSlot(w);
    if (slot === 0n) return;
    const report = () => w.ledger.connect(w.outsider).reportMissedSlot(epoch, BigInt(step.b) % slot);
    const receipt = await attempt(report);
    if (receipt) m.lastEvidence = report;
    account(w, m, receipt);
  } else if (kind <= 17) {
    await electionStep(w, m, step);
  } else if (kind === 18) {
    await attempt(() => w.registry.connect(node).unjail());
  } else {
    await adversaryStep(w, m, step);
  }
}

/** Declares the property test of `half` (0 or 1) of the sequences, drawn from `seed`. */
export function systemProperty(half: 0 | 1, seed: number) {
  const sequences = half === 0 ? Math.ceil(SEQUENCES / 2) : Math.floor(SEQUENCES / 2);
  describe(`system invariants under random sequences of every action (fast-check), half ${half + 1}`, () => {
    it(`hold after every step of ${sequences} sequences of ${STEPS} steps`, async function () {
      this.timeout(60 * 60 * 1000); // about 7 minutes here; never cut off mid-run
      const w = await world();
      const initial = await readState(w);
      let snapshot = await network.provider.send("evm_snapshot");
      const counts = { steps: 0, punished: 0 };
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ kind: fc.nat({ max: 19 }), a: fc.nat({ max: 1_000 }), b: fc.nat({ max: 1_000_000 }) }), {
            minLength: STEPS,
            maxLength: STEPS,
          }),
          async (steps) => {
            await network.provider.send("evm_revert", [snapshot]);
            snapshot = await network.provider.send("evm_snapshot");
            const m: Model = {
              stakes: new Map(w.addresses.map((a, i) => [a, initial.stakes[i]])),
              keeperStake: initial.keeperBonds[0],
              evidence: new Set(),
              nonce: 0n,
            };
            for (const step of steps) {
              await runStep(w, m, step);
              await checkInvariants(w, m);
              counts.steps += 1;
            }
            counts.punished += m.evidence.size;
          },
        ),
        { numRuns: sequences, seed, endOnFailure: true },
      );
      // the sequences exercised what they claim to
      expect(counts.steps).to.equal(sequences * STEPS);
      expect(counts.punished).to.be.greaterThan(0);
    });
  });
}
