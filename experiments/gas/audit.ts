// The gas audit (`npm run gas`): what every election, vote, commit, piece of evidence and claim
// costs as the network grows, beside the floor it cannot go below, for N registered nodes and
// K delegates (2 standbys each). Also the optimistic election against the O(N) reference election
// (with the crossover N) and against Celo's published on-chain election.
// Writes results/gas/report.{md,json}.
//
// Environment: GAS_NODES (default "10,100,1000,10000"), GAS_DELEGATES (default "3,21"),
// GAS_CELO=false to skip the Celo comparison (N = 400, K = 10 and 100).
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { type ContractTransactionResponse, type Signer } from "ethers";
import fs from "node:fs";
import path from "node:path";
import { deployElectionAndLedger, deploySystem, defaultSystemOptions } from "../../src/deployment/deploySystem";
import { populate } from "../world/populate";
import { SnapshotReader } from "../../src/chain/snapshotReader";
import { bestKeys } from "../../src/election/engine";
import { NodeClass, WAD } from "../../src/scoring/params";
import { EMPTY_PAYLOAD_HASH, forgedBlock, ledgerDomain, signHeader, type BlockHeader } from "../../src/ledger/signing";
import type { BlockLedger, DelegateElection } from "../../typechain-types";
import { parseList } from "../../src/util/parse";
import { FLOORS, floorOf, type Operation } from "./floors";

interface Cell {
  gas: number;
  floor: number;
}
interface Measurement {
  nodes: number;
  k: number;
  listLength: number;
  keeperSeconds: number;
  ops: Partial<Record<Operation, Cell>>;
}

const HIGH_GAS = 900_000_000n;
/** The longest list N = 10 allows (10 nodes and the measured node): submitted at every N for a like-for-like row. */
const SHORT_LIST = 11;
const REFERENCE_MAX_NODES = 2_000;

/** Gas of `tx` and the floor of `op` for it; `length` is its list length or attestation count. */
async function sent(op: Operation, tx: Promise<ContractTransactionResponse>, length = 0): Promise<Cell> {
  const t = await tx;
  const receipt = (await t.wait())!;
  return { gas: Number(receipt.gasUsed), floor: floorOf(op, t.data, length) };
}

/** Gas of `run` in a state that is rolled back afterwards. */
async function isolated<T>(run: () => Promise<T>): Promise<T> {
  const id = await network.provider.send("evm_snapshot");
  try {
    return await run();
  } finally {
    await network.provider.send("evm_revert", [id]);
  }
}

async function measure(n: number, ks: number[], withLedger: boolean): Promise<Measurement[]> {
  await network.provider.send("hardhat_reset");
  // Accounts 3 and 4 stay unused; 5 is a consumer, 6 the node whose own operations are measured.
  const [admin, reporter, keeper, , , consumer, fresh] = await ethers.getSigners();
  // slots must divide the day-long epoch: the first divisor of 86,400 with two slots per delegate
  let slots = 2n * BigInt(Math.max(...ks));
  while (86_400n % slots !== 0n) slots++;
  const base = defaultSystemOptions();
  // the bond must pay every challenge a wrong list of the largest K can need (3L − 1)
  const longest = BigInt(Math.max(...ks)) + base.standbyCount;
  const keeperMinBond =
    base.keeperMinBond > (3n * longest - 1n) * base.challengeReward ? base.keeperMinBond : (3n * longest - 1n) * base.challengeReward;
  const system = await deploySystem(admin, { delegateCount: BigInt(ks[0]), slotsPerEpoch: slots, keeperMinBond });
  const pairs: { k: number; election: DelegateElection; ledger: BlockLedger }[] = [
    { k: ks[0], election: system.election, ledger: system.ledger },
  ];
  for (const k of ks.slice(1)) {
    const options = { ...system.options, delegateCount: BigInt(k) };
    pairs.push({ k, ...(await deployElectionAndLedger(system, admin, options)) });
  }
  const wallets = await populate(system, admin, ethers.provider, { count: n, tag: `gas-${n}` });
  const byAddress = new Map<string, Signer>(wallets.map((w) => [w.address, w]));
  const { token, vault, registry, meters } = system;
  const vaultAddress = await vault.getAddress();
  for (const s of [admin, reporter, keeper]) {
    await token.mint(s.address, 10_000n * WAD);
    await token.connect(s).approve(vaultAddress, 2n ** 255n);
  }
  await vault.fundPool(5_000n * WAD);
  await vault.connect(keeper).bondKeeper(system.options.keeperMinBond);
  // A consumer (never electable) for the "ineligible" challenge.
  await registry.connect(consumer).register(NodeClass.Consumer, 0n, "");
  await registry.admit(consumer.address);

  // The per-node operations, by one more node and on the populated network.
  byAddress.set(fresh.address, fresh);
  await token.mint(fresh.address, 1_000n * WAD);
  await token.connect(fresh).approve(vaultAddress, 2n ** 255n);
  const perNode: Partial<Record<Operation, Cell>> = {};
  perNode.register = await sent("register", registry.connect(fresh).register(NodeClass.Wind, 60_000n, "http://127.0.0.1:7000"));
  perNode.admit = await sent("admit", registry.admit(fresh.address));
  perNode.deposit = await sent("deposit", vault.connect(fresh).deposit(500n * WAD));
  perNode.reportPlan = await sent("reportPlan", meters.connect(fresh).reportPlan(1, 1_000n));
  perNode.vote = await sent("vote", pairs[0].election.connect(fresh).vote([wallets[0].address], [10n]));
  await time.increase(14n * 86_400n);
  perNode.reportMeterReading = await sent("reportMeterReading", meters.reportMeterReading(fresh.address, 1, 900n));

  const epoch = (await system.election.currentEpoch()) + 2n;
  await time.increaseTo(await system.election.snapshotOf(epoch));
  const rows: Measurement[] = [];
  const lists: string[][] = [];
  for (const { k, election } of pairs) {
    const ops: Partial<Record<Operation, Cell>> = { ...perNode };
    ops.openElection = await sent("openElection", election.openElection(epoch));
    ops.fixSeed = await sent("fixSeed", election.fixSeed(epoch));
    const started = performance.now();
    const everyone = [...wallets.map((w) => w.address), consumer.address, fresh.address];
    const ranked = bestKeys(
      await new SnapshotReader(registry, vault, election, system.lens).scoreAll(epoch, everyone),
      Number(await election.listLength()) + 1,
    );
    const keeperSeconds = (performance.now() - started) / 1000;
    const length = Math.min(ranked.length, Number(await election.listLength()));
    const right = ranked.slice(0, length).map((s) => s.node);
    const spare = ranked[length]?.node; // the best node left out, if any
    const L = right.length;
    const keeperElection = election.connect(keeper);
    const challenger = election.connect(reporter);
    const wrongThenChallenge = async (op: Operation, wrong: string[], challenge: () => Promise<ContractTransactionResponse>) =>
      isolated(async () => {
        await keeperElection.submit(epoch, wrong);
        return sent(op, challenge(), wrong.length);
      });
    // Hardhat keeps an execution trace of every transaction; beyond ~2,000 nodes the O(N) reference
    // election's trace (~30k gas a node) outgrows memory, so there it is extrapolated, not run.
    if (n <= REFERENCE_MAX_NODES) {
      ops.referenceElection = await isolated(() => sent("referenceElection", election.electReference(epoch, { gasLimit: HIGH_GAS }), L));
    }
    const withConsumer = [...right.slice(0, L - 1), consumer.address];
    ops.challengeIneligible = await wrongThenChallenge("challengeIneligible", withConsumer, () =>
      challenger.challengeIneligible(epoch, L - 1),
    );
    const withDuplicate = [...right.slice(0, L - 1), right[0]];
    ops.challengeDuplicate = await wrongThenChallenge("challengeDuplicate", withDuplicate, () =>
      challenger.challengeDuplicate(epoch, 0, L - 1),
    );
    const swapped = [right[1], right[0], ...right.slice(2)];
    ops.challengeOrder = await wrongThenChallenge("challengeOrder", swapped, () => challenger.challengeOrder(epoch, 1, 0));
    // The last listed node left out: replaced by the next best (full list) or simply missing.
    const withoutLast = spare ? [...right.slice(0, L - 1), spare] : right.slice(0, L - 1);
    ops.challengeExcluded = await wrongThenChallenge("challengeExcluded", withoutLast, () =>
      challenger.challengeExcluded(epoch, right[L - 1], L - 1),
    );
    if (L > SHORT_LIST) {
      const short = right.slice(0, SHORT_LIST);
      ops.submitShortList = await isolated(() => sent("submitShortList", keeperElection.submit(epoch, short), SHORT_LIST));
    } else if (L === SHORT_LIST) {
      ops.submitShortList = await isolated(() => sent("submitShortList", keeperElection.submit(epoch, right), L));
    }
    ops.submit = await sent("submit", keeperElection.submit(epoch, right), L);
    rows.push({ nodes: n, k, listLength: L, keeperSeconds, ops });
    lists.push(right);
  }
  await time.increase(system.options.challengePeriod);
  for (const [i, { election }] of pairs.entries()) {
    rows[i].ops.finalize = await sent("finalize", election.finalize(epoch), lists[i].length);
  }
  if (!withLedger) return rows;

  // Blocks and evidence, in the elected epoch of each pair.
  const domainOf = async (ledger: BlockLedger) => ledgerDomain((await ethers.provider.getNetwork()).chainId, await ledger.getAddress());
  const ledgerState = await Promise.all(
    pairs.map(async ({ election, ledger }) => ({ members: [...(await election.delegatesOf(epoch))[0]], domain: await domainOf(ledger) })),
  );
  await time.increaseTo((await system.election.slotWindow(epoch, 0n))[0]);
  const headers: BlockHeader[] = [];
  const forgedTrades: Awaited<ReturnType<typeof forgedBlock>>[] = [];
  for (const [i, { k, ledger }] of pairs.entries()) {
    const { members, domain } = ledgerState[i];
    const signer = (a: string) => byAddress.get(a)!;
    // Two trades whose buyer signatures the reporter forged: the block is committed, then proven invalid.
    const forged = await forgedBlock(domain, signer(members[1]), members[2], reporter, 1n, 1);
    const h: BlockHeader = {
      epoch,
      slot: 0n,
      parentHash: ethers.ZeroHash,
      tradeRoot: forged.root,
      payloadHash: EMPTY_PAYLOAD_HASH,
      tradeCount: 2n,
      energyTotal: 200n,
    };
    const majority = Math.floor(k / 2) + 1;
    const signatures = await Promise.all(members.slice(0, majority).map((m) => signHeader(signer(m), domain, h)));
    rows[i].ops.commit = await sent("commit", ledger.connect(signer(members[0])).commitBlock(h, signatures, "0x"), majority);
    headers.push(h);
    forgedTrades.push(forged);
  }
  await time.increaseTo((await system.election.slotWindow(epoch, 2n))[0]);
  for (const [i, { ledger }] of pairs.entries()) {
    const { members, domain } = ledgerState[i];
    const ops = rows[i].ops;
    const reporting = ledger.connect(reporter);
    ops.reportMissedSlot = await sent("reportMissedSlot", reporting.reportMissedSlot(epoch, 1n));
    const offender = byAddress.get(members[2])!;
    const a = { ...headers[i], slot: 2n, tradeCount: 1n };
    const b = { ...headers[i], slot: 2n, tradeCount: 3n };
    const [sa, sb] = [await signHeader(offender, domain, a), await signHeader(offender, domain, b)];
    ops.reportEquivocation = await sent("reportEquivocation", reporting.reportEquivocation(a, sa, b, sb));
    const { trade, proof } = forgedTrades[i];
    ops.reportInvalidTrade = await sent(
      "reportInvalidTrade",
      reporting.reportInvalidTrade(headers[i], trade.order, trade.sellerSignature, trade.buyerSignature, proof),
    );
  }
  // One claim (the producer of pair 0's block collects everything it earned); it does not depend on K.
  const claim = await sent("claim", vault.connect(byAddress.get(ledgerState[0].members[0])!).claim());
  for (const row of rows) row.ops.claim = claim;
  return rows;
}

const fmt = (x: number) => x.toLocaleString("en-US");
const ratio = (a: number, b: number) => (a / b).toFixed(2);

function report(rows: Measurement[], celo: Measurement[], sizes: number[], ks: number[], seconds: number): string {
  const out: string[] = [
    "# Gas audit",
    "",
    `Generated by \`npm run gas\` (hardhat network, cancun, solc 0.8.30, optimizer 50 runs) in ${seconds.toFixed(0)} s.`,
    "Every row is one transaction's `gasUsed`. The **floor** of an operation is 21,000 + its calldata",
    "(16 gas per non-zero byte, 4 per zero byte) + the storage it must write (`experiments/gas/floors.ts` lists",
    "the slots per operation and why); the ratio is gas / floor. Floors ignore reads and signature",
    "checks, so no real implementation reaches ratio 1.",
    "",
  ];
  for (const k of ks) {
    const mine = rows.filter((r) => r.k === k);
    out.push(`## K = ${k} delegates, 2 standbys`, "");
    out.push(`| operation | ${mine.map((r) => `N = ${fmt(r.nodes)}`).join(" | ")} | floor (largest N) | gas / floor |`);
    out.push(`|---|${mine.map(() => "---:").join("|")}|---:|---:|`);
    for (const op of Object.keys(FLOORS) as Operation[]) {
      if (!mine.some((r) => r.ops[op])) continue;
      const last = mine.filter((r) => r.ops[op]).at(-1)?.ops[op];
      out.push(
        `| ${op} | ${mine.map((r) => (r.ops[op] ? fmt(r.ops[op]!.gas) : "n/a")).join(" | ")} | ${last ? fmt(last.floor) : "n/a"} | ${last ? ratio(last.gas, last.floor) : "n/a"} |`,
      );
    }
    out.push(`| list length | ${mine.map((r) => r.listLength).join(" | ")} | | |`);
    out.push(`| keeper computation (s) | ${mine.map((r) => r.keeperSeconds.toFixed(2)).join(" | ")} | | |`, "");
  }

  out.push("## Optimistic election against the O(N) reference election", "");
  out.push("| N | K | submit + finalize | reference election | reference / optimistic |", "|---:|---:|---:|---:|---:|");
  const fits = new Map<number, { base: number; slope: number }>();
  for (const k of ks) {
    // The reference election is linear in N: fit it through the two largest measured sizes with a full list.
    const full = rows.filter((r) => r.k === k && r.listLength === k + 2 && r.ops.referenceElection);
    if (full.length < 2) continue;
    const [p, q] = full.slice(-2);
    const slope = (q.ops.referenceElection!.gas - p.ops.referenceElection!.gas) / (q.nodes - p.nodes);
    fits.set(k, { base: p.ops.referenceElection!.gas - slope * p.nodes, slope });
  }
  for (const r of rows) {
    const opt = r.ops.submit!.gas + r.ops.finalize!.gas;
    const fit = fits.get(r.k);
    const measured = r.ops.referenceElection?.gas;
    const reference = measured ?? (fit ? Math.round(fit.base + fit.slope * r.nodes) : undefined);
    const cell = reference === undefined ? "n/a" : measured ? fmt(reference) : `~${fmt(reference)} (extrapolated)`;
    out.push(`| ${fmt(r.nodes)} | ${r.k} | ${fmt(opt)} | ${cell} | ${reference ? ratio(reference, opt) : "n/a"} |`);
  }
  out.push("");
  for (const k of ks) {
    const fit = fits.get(k);
    const q = rows.filter((r) => r.k === k).at(-1)!;
    if (!fit) continue;
    const { base, slope } = fit;
    const opt = q.ops.submit!.gas + q.ops.finalize!.gas;
    const crossover = (opt - base) / slope;
    const smallest = rows.find((r) => r.k === k && r.ops.referenceElection)!;
    out.push(
      `- K = ${k}: the reference election costs ${fmt(Math.round(base))} + ${fmt(Math.round(slope))}·N gas. ` +
        (crossover < 1
          ? `Its fixed part alone exceeds submission + finalization (${fmt(opt)}), so it is dearer at every N: there is no crossover (at N = ${fmt(smallest.nodes)} it already costs ${ratio(smallest.ops.referenceElection!.gas, smallest.ops.submit!.gas + smallest.ops.finalize!.gas)}×).`
          : crossover < k + 2
            ? `It is dearer than submission + finalization (${fmt(opt)}) at every N with a full list (N ≥ ${k + 2}); the fit crosses at N ≈ ${crossover.toFixed(1)}, below the list length.`
            : `It is cheaper than submission + finalization (${fmt(opt)}) below N ≈ ${Math.floor(crossover)}.`),
    );
  }
  out.push("");

  for (const k of ks) {
    const mine = rows.filter((r) => r.k === k);
    const small = mine[0];
    const big = mine.at(-1)!;
    const fullRows = mine.filter((r) => r.listLength === k + 2);
    const s = big.ops.submit!;
    const spread =
      fullRows.length > 1 ? Math.abs(fullRows.at(-1)!.ops.submit!.gas - fullRows[0].ops.submit!.gas) / fullRows[0].ops.submit!.gas : 0;
    out.push(
      `- Submission at K = ${k}: ${fmt(small.ops.submit!.gas)} gas at N = ${fmt(small.nodes)} (list of ${small.listLength}), ` +
        `${fmt(s.gas)} at N = ${fmt(big.nodes)} (list of ${big.listLength}); with a full list its gas varies ${(spread * 100).toFixed(2)} % ` +
        `from N = ${fmt(fullRows[0]?.nodes ?? big.nodes)} to N = ${fmt(big.nodes)}; ${ratio(s.gas, s.floor)}× its floor of ${fmt(s.floor)}.`,
    );
    const shorts = mine.filter((r) => r.ops.submitShortList);
    if (shorts.length > 1) {
      const [a, b] = [shorts[0], shorts.at(-1)!];
      const gap = Math.abs(b.ops.submitShortList!.gas - a.ops.submitShortList!.gas) / a.ops.submitShortList!.gas;
      out.push(
        `  The same list length at both ends: a list of ${SHORT_LIST} costs ${fmt(a.ops.submitShortList!.gas)} at N = ${fmt(a.nodes)} and ` +
          `${fmt(b.ops.submitShortList!.gas)} at N = ${fmt(b.nodes)} (${(gap * 100).toFixed(2)} % apart): submission gas follows the list's length, never N.`,
      );
    }
  }
  out.push("");

  if (celo.length > 0) {
    out.push("## Against Celo's on-chain election", "");
    out.push(
      "Celo's heap-based `Election.sol` spends about 0.3M gas to elect 10 of 400 validators and 3.0M to elect 100 of 400",
      "(celo-monorepo pull request 2781). Ours at the same sizes (2 standbys on top):",
      "",
      "| N | K | submit | finalize | submit + finalize | Celo | ours / Celo | reference election |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const r of celo) {
      const opt = r.ops.submit!.gas + r.ops.finalize!.gas;
      const published = r.k === 10 ? 300_000 : 3_000_000;
      out.push(
        `| ${r.nodes} | ${r.k} | ${fmt(r.ops.submit!.gas)} | ${fmt(r.ops.finalize!.gas)} | ${fmt(opt)} | ${fmt(published)} | ${ratio(opt, published)} | ${r.ops.referenceElection ? fmt(r.ops.referenceElection.gas) : "n/a"} |`,
      );
    }
    out.push("");
  }
  out.push(
    "Operations that do not depend on K (register … reportMeterReading, claim) are measured once per N and",
    "repeated in each K table. `vote` is a first vote for one candidate. Evidence rows: the first proven",
    "offence of a delegate (slash, jail, hand-over of its slots to a standby).",
    `Sizes: N ∈ {${sizes.join(", ")}}, K ∈ {${ks.join(", ")}}.`,
  );
  return out.join("\n") + "\n";
}

async function main() {
  const sizes = parseList("GAS_NODES", process.env.GAS_NODES ?? "10,100,1000,10000", 1, 20_000);
  const ks = parseList("GAS_DELEGATES", process.env.GAS_DELEGATES ?? "3,21", 1, Number(defaultSystemOptions().standbyCount) + 99);
  const started = performance.now();
  const rows: Measurement[] = [];
  for (const n of sizes) {
    const t = performance.now();
    rows.push(...(await measure(n, ks, true)));
    console.log(`N = ${n}: measured in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const celo = process.env.GAS_CELO === "false" ? [] : await measure(400, [10, 100], false);
  const seconds = (performance.now() - started) / 1000;
  const md = report(rows, celo, sizes, ks, seconds);
  const dir = path.join("results", "gas");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "report.md"), md);
  fs.writeFileSync(path.join(dir, "report.json"), JSON.stringify({ sizes, delegates: ks, seconds, rows, celo }, null, 2) + "\n");
  console.log(md);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
