// Paper 2 section 4, Fig. 4, on the deployed contracts through the keeper code: 6 nodes, initial
// trust 100, 250 blocks, one producer per block by the score-weighted rule (DT-DPoS).
//
// Modelling (the paper is silent on these; README "Reproducing paper 2" says the same):
// - One block per epoch. All 6 nodes are elected (K = 6, no standbys) and the list is ordered by
//   the weighted keys −ln(u)/w, so its first entry is one score-weighted draw: the block's
//   producer. The others validate: they attest the block (paper 2's verifying nodes), which counts
//   as their correct action and participation (eqs. 5–6).
// - (a) "Computing power" is activity: node i (1-based) takes part in an epoch with probability
//   0.5 + 0.1·(i − 1), so node 1 is online half the time and node 6 always. An offline node neither
//   produces nor attests; an offline producer's slot is reported as missed. Variant "a0" is the
//   same without the trust reward ΔD_a of eq. (7) (trustReward = 0), to show what the reward does.
// - (b) Node 6 is malicious: every block it produces carries a forged trade (a buyer signature
//   by someone else); the keeper reports it with its Merkle proof, so it is slashed and loses
//   trust. Variant "b" uses only the paper's own levers: the trust penalty, the behaviour factor A
//   and decay; its jail lasts no longer than the block (jail period 0: it unjails at once, and
//   loses only the slot already taken). Variant "bj" adds the deployment's default 7-day jail, so
//   the report can say which mechanism produced which count.
// - Trust decays after T_t = 2 days without participation, so nodes that take part every epoch
//   do not decay (paper 2 eq. 8 concerns idle nodes); every other parameter is the default.
// - prevrandao of the block that fixes each election's seed is keccak256(seed, epoch), so a seed replays exactly.
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, keccak256, type Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { defaultSystemOptions, deploySystem, type System, type SystemOptions } from "../src/deployment/deploySystem";
import { SnapshotReader } from "../src/chain/snapshotReader";
import { bestKeys } from "../src/election/engine";
import { ElectionRule } from "../src/scoring/electionKey";
import { NodeClass, ScoringModel, WAD, defaultScoringParams, withParams } from "../src/scoring/params";
import { EMPTY_PAYLOAD_HASH, forgedBlock, headerDigest, ledgerDomain, type BlockHeader } from "../src/ledger/signing";
import { SeededRandom } from "../src/util/random";
import { freshNetwork } from "./world/freshNetwork";
import { HeaderSigners, sendNow } from "./fastChain";

export type Paper2Variant = "a" | "a0" | "b" | "bj";
export const PAPER2_VARIANTS: readonly Paper2Variant[] = ["a", "a0", "b", "bj"];
/** Whether a variant is one of Fig. 4(b)'s (a malicious node 6, everyone online). */
export const malicious = (v: Paper2Variant) => v === "b" || v === "bj";
export const PAPER2_NODES = 6;
export const PAPER2_BLOCKS = 250;

/** Probability that node `index` (0-based) takes part in an epoch, under variants (a) and (a0). */
export const availability = (index: number) => 0.5 + 0.1 * index;

/** What each variant changes in the deployment of {@link deployTrustSystem}. */
export function variantOverrides(variant: Paper2Variant): Partial<SystemOptions> {
  const base = defaultSystemOptions();
  if (variant === "a0") return { params: withParams(defaultScoringParams(), { dynamics: { decayPeriod: 2n * 86_400n, trustReward: 0n } }) };
  if (variant === "b") {
    const [missed, equivocation, invalid] = base.penalties;
    return { penalties: [missed, equivocation, { ...invalid, jailPeriod: 0n }] };
  }
  return {};
}

export interface Paper2Run {
  seed: number;
  /** Times node i + 1 was drawn as the block producer. */
  counts: number[];
  /** Proven offences of node i + 1. */
  offences: number[];
  /** Blocks committed. */
  committed: number;
}

const coder = AbiCoder.defaultAbiCoder();

/** A deployment with the dynamic-trust model and the weighted rule: `k` delegates, one slot an epoch. */
export async function deployTrustSystem(admin: Signer, k: number, overrides: Partial<SystemOptions> = {}) {
  return deploySystem(admin, {
    model: ScoringModel.DynamicTrust,
    rule: ElectionRule.WeightedRandom,
    params: withParams(defaultScoringParams(), { dynamics: { decayPeriod: 2n * 86_400n } }),
    delegateCount: BigInt(k),
    standbyCount: 0n,
    slotsPerEpoch: 1n,
    ...overrides,
  });
}

/** Register, admit and bond `nodes` (one class and capacity, 500 tokens each); their endpoints from `port`. */
export async function registerNodes(system: System, admin: Signer, nodes: Signer[], port: number) {
  const { token, vault, registry } = system;
  const vaultAddress = await vault.getAddress();
  const addresses = await Promise.all(nodes.map((n) => n.getAddress()));
  for (const [i, node] of nodes.entries()) {
    await (await registry.connect(node).register(NodeClass.MultiHouseholdCommunityPV, 50_000n, `http://127.0.0.1:${port + i}`)).wait();
    await (await registry.connect(admin).admit(addresses[i])).wait();
    await (await token.mint(addresses[i], 10_000n * WAD)).wait();
    await (await token.connect(node).approve(vaultAddress, 2n ** 255n)).wait();
    await (await vault.connect(node).deposit(500n * WAD)).wait();
  }
  return addresses;
}

/** Each node casts `votesPerNode` random votes among the others. */
export async function castVotesAmongOthers(system: System, nodes: HardhatEthersSigner[], addresses: string[], rng: SeededRandom) {
  const { election } = system;
  for (const [i, node] of nodes.entries()) {
    const tally = new Map<string, bigint>();
    for (let v = 0; v < Number(system.options.votesPerNode); v++) {
      const others = addresses.filter((_, j) => j !== i);
      const c = others[rng.below(others.length)];
      tally.set(c, (tally.get(c) ?? 0n) + 1n);
    }
    await sendNow(node, election.vote.populateTransaction([...tally.keys()], [...tally.values()]));
  }
}

/** Open, compute (keeper code), submit and finalize the election of `epoch`; returns the list. */
export async function electWithKeeper(
  system: System,
  keeper: HardhatEthersSigner,
  epoch: bigint,
  candidates: string[],
  seed: number,
  reader = SnapshotReader.of(system),
): Promise<string[]> {
  const { election } = system;
  await sendNow(keeper, election.openElection.populateTransaction(epoch));
  // the seed is the prevrandao of the block after the opening, where fixSeed runs
  await network.provider.send("hardhat_setPrevRandao", [keccak256(coder.encode(["uint256", "uint256"], [seed, epoch]))]);
  await sendNow(keeper, election.fixSeed.populateTransaction(epoch));
  const scored = await reader.scoreAll(epoch, candidates);
  const list = bestKeys(scored, Number(system.options.delegateCount + system.options.standbyCount)).map((s) => s.node);
  await sendNow(keeper, election.submit.populateTransaction(epoch, list));
  await time.increase(system.options.challengePeriod);
  await sendNow(keeper, election.finalize.populateTransaction(epoch));
  return list;
}

/** Bond `keeper` (who also reports offences) and fund the reward pool. */
export async function prepareKeeper(system: System, keeper: Signer) {
  const { token, vault } = system;
  const address = await keeper.getAddress();
  await (await token.mint(address, 100_000n * WAD)).wait();
  await (await token.connect(keeper).approve(await vault.getAddress(), 2n ** 255n)).wait();
  await (await vault.connect(keeper).bondKeeper(system.options.keeperMinBond)).wait();
  await (await vault.connect(keeper).fundPool(10_000n * WAD)).wait();
}

/** Who is jailed until when, kept from the offences the run reports; each node unjails when free. */
export class JailBook {
  private readonly until = new Map<string, bigint>();
  constructor(
    private readonly system: System,
    private readonly signerOf: Map<string, HardhatEthersSigner>,
  ) {}

  /** Note that `node` was just punished (reads its jail end once). */
  async punished(node: string) {
    const c = await this.system.registry.creditRecordAt(node, BigInt(await time.latest()));
    if (c.jailed) this.until.set(node, c.jailedUntil);
  }

  isJailed(node: string) {
    return this.until.has(node);
  }

  /** Every node whose jail is over unjails (what its own client does). */
  async release() {
    if (this.until.size === 0) return;
    const now = BigInt(await time.latest());
    for (const [node, end] of [...this.until]) {
      if (end > now) continue;
      await sendNow(this.signerOf.get(node)!, this.system.registry.unjail.populateTransaction());
      this.until.delete(node);
    }
  }
}

/** One run of 250 blocks (or `blocks`) on a fresh Hardhat network. */
export async function runPaper2(
  variant: Paper2Variant,
  seed: number,
  blocks = PAPER2_BLOCKS,
  onBlock: (done: number) => void = () => undefined,
  overrides: Partial<SystemOptions> = {},
): Promise<Paper2Run> {
  if (!PAPER2_VARIANTS.includes(variant)) throw new RangeError(`variant must be one of ${PAPER2_VARIANTS.join(", ")}, got "${variant}"`);
  if (!Number.isInteger(blocks) || blocks < 1) throw new RangeError(`blocks must be a positive integer, got ${blocks}`);
  const signers = await ethers.getSigners();
  const [admin, keeper] = signers;
  const nodes = signers.slice(2, 2 + PAPER2_NODES);
  const rng = new SeededRandom(seed);
  const { system, addresses } = await freshNetwork(async () => {
    const system = await deployTrustSystem(admin, PAPER2_NODES, { ...variantOverrides(variant), ...overrides });
    return { system, addresses: await registerNodes(system, admin, nodes, 7200) };
  });
  const { election, ledger } = system;
  await castVotesAmongOthers(system, nodes, addresses, rng);
  await prepareKeeper(system, keeper);
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await ledger.getAddress());
  const signerOf = new Map(addresses.map((a, i) => [a, nodes[i]]));
  const counts = new Array<number>(PAPER2_NODES).fill(0);
  const offences = new Array<number>(PAPER2_NODES).fill(0);
  let committed = 0;
  let missed: bigint | undefined;
  let head = ethers.ZeroHash;
  const jail = new JailBook(system, signerOf);
  const reader = SnapshotReader.of(system);
  const headerSigners = new HeaderSigners(signers.length);

  let epoch = (await election.currentEpoch()) + 2n;
  await time.increaseTo(await election.snapshotOf(epoch));
  for (let b = 0; b < blocks; b++, epoch++) {
    try {
      const list = await electWithKeeper(system, keeper, epoch, addresses, seed, reader);
      await time.increaseTo(await election.epochStart(epoch));
      if (missed !== undefined) {
        const producer = await election.slotOwner(missed, 0n);
        await sendNow(keeper, ledger.reportMissedSlot.populateTransaction(missed, 0n));
        offences[addresses.indexOf(producer)] += 1;
        await jail.punished(producer);
        missed = undefined;
      }
      await jail.release();
      const [members, k] = [list, Math.min(list.length, PAPER2_NODES)];
      counts[addresses.indexOf(members[0])] += 1;
      const producer = await election.slotOwner(epoch, 0n);
      if (producer === ethers.ZeroAddress) continue; // jailed between election and slot, nobody to take over
      const online = addresses.map((_, i) => malicious(variant) || rng.next() < availability(i));
      const p = addresses.indexOf(producer);
      if (!online[p]) {
        missed = epoch;
        continue;
      }
      const forging = malicious(variant) && p === PAPER2_NODES - 1;
      let h: BlockHeader = {
        epoch,
        slot: 0n,
        parentHash: head,
        tradeRoot: ethers.ZeroHash,
        payloadHash: EMPTY_PAYLOAD_HASH,
        tradeCount: 0n,
        energyTotal: 0n,
      };
      let forged: Awaited<ReturnType<typeof forgedBlock>> | undefined;
      if (forging) {
        forged = await forgedBlock(domain, nodes[p], addresses[(p + 1) % PAPER2_NODES], admin, BigInt(b));
        h = { ...h, tradeRoot: forged.root, tradeCount: 1n, energyTotal: 100n };
      }
      const attesters = members.slice(0, Number(k)).filter((m) => m !== producer && online[addresses.indexOf(m)] && !jail.isJailed(m));
      if (attesters.length + 1 <= Number(k) / 2) {
        missed = epoch; // too few validators online: the slot goes unfilled
        continue;
      }
      await sendNow(nodes[p], ledger.commitBlock.populateTransaction(h, headerSigners.sign(domain, h, [producer, ...attesters]), "0x"));
      head = headerDigest(domain, h);
      committed += 1;
      if (forged) {
        const t = forged.trade;
        await sendNow(keeper, ledger.reportInvalidTrade.populateTransaction(h, t.order, t.sellerSignature, t.buyerSignature, forged.proof));
        offences[p] += 1;
        await jail.punished(producer);
      }
    } finally {
      onBlock(b + 1);
    }
  }
  return { seed, counts, offences, committed };
}
