// Gas of an election as the network grows: one score evaluation at a snapshot (what each
// challenge pays per node), the keeper's submission, finalization and the O(N) reference
// election, for N registered nodes and K = 3 and 21 (2 standbys). Writes results/gas/election.{json,md}.
// N comes from GAS_NODES (default "10,100,1000").
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { writeReport } from "../src/util/report";
import { deploySystem } from "../src/deployment/deploySystem";
import { DelegateElection__factory, GasProbe__factory } from "../typechain-types";
import { NodeClass, WAD } from "../src/scoring/params";
import { ElectionRule } from "../src/scoring/electionKey";

function parseSizes(raw: string): number[] {
  const sizes = raw.split(",").map((s) => Number(s.trim()));
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 1 || n > 20_000) throw new RangeError(`GAS_NODES: "${raw}" must list integers in [1, 20000]`);
  }
  return sizes;
}

interface Row {
  nodes: number;
  k: number;
  scoreEvaluation: bigint;
  nextScoreEvaluation: bigint;
  submit: bigint;
  finalize: bigint;
  referenceElection: bigint | null;
}

async function measure(n: number): Promise<Row[]> {
  const [admin] = await ethers.getSigners();
  const system = await deploySystem(admin);
  const { token, vault, registry } = system;
  const vaultAddress = await vault.getAddress();
  const wallets = Array.from({ length: n }, () => ethers.Wallet.createRandom().connect(ethers.provider));
  for (const [i, w] of wallets.entries()) {
    await network.provider.send("hardhat_setBalance", [w.address, "0x56BC75E2D63100000"]);
    await token.mint(w.address, 1_000n * WAD);
    await token.connect(w).approve(vaultAddress, 2n ** 255n);
    await registry.connect(w).register(NodeClass.MultiHouseholdCommunityPV, BigInt(1 + ((i * 7919) % 100_000)), "");
    await registry.admit(w.address);
    await vault.connect(w).deposit(BigInt(100 + (i % 900)) * WAD);
  }
  const keeper = wallets[0];
  const elections = [];
  for (const k of [3n, 21n]) {
    const e = await new DelegateElection__factory(admin).deploy(admin.address, await registry.getAddress(), vaultAddress, {
      rule: ElectionRule.TopK,
      delegateCount: k,
      standbyCount: 2n,
      slotsPerEpoch: 42n,
      votesPerNode: 10n,
      challengePeriod: system.options.challengePeriod,
      keeperMinBond: 100n * WAD,
      challengeReward: WAD,
      keeperReward: 0n,
    });
    await vault.grantRole(await vault.OPERATOR_ROLE(), await e.getAddress());
    elections.push({ k: Number(k), e });
  }
  await vault.connect(keeper).bondKeeper(100n * WAD);
  const epoch = (await system.election.currentEpoch()) + 2n;
  await time.increaseTo(await system.election.snapshotOf(epoch));
  const probe = await new GasProbe__factory(admin).deploy();
  const rows: Row[] = [];
  const lists: string[][] = [];
  for (const { k, e } of elections) {
    await e.openElection(epoch);
    const list = [...(await e.referenceList(epoch))];
    lists.push(list);
    const [scoreEvaluation, nextScoreEvaluation] = await probe.scoreGasPair(await e.getAddress(), epoch, list[0], list[1]);
    const referenceElection = await e.electReference.estimateGas(epoch).catch(() => null);
    const submit = (await (await e.connect(keeper).submit(epoch, list)).wait())!.gasUsed;
    rows.push({ nodes: n, k, scoreEvaluation, nextScoreEvaluation, submit, finalize: 0n, referenceElection });
  }
  await time.increase(system.options.challengePeriod);
  for (const [i, { e }] of elections.entries()) {
    rows[i].finalize = (await (await e.finalize(epoch, lists[i])).wait())!.gasUsed;
  }
  return rows;
}

async function main() {
  const sizes = parseSizes(process.env.GAS_NODES ?? "10,100,1000");
  const rows: Row[] = [];
  for (const n of sizes) {
    const started = performance.now();
    await network.provider.send("hardhat_reset");
    rows.push(...(await measure(n)));
    console.log(`N = ${n}: measured in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const md = writeReport("gas", "election", rows, [
    ["N nodes", "nodes"],
    ["K", "k"],
    ["score evaluation (cold)", "scoreEvaluation"],
    ["next evaluation (same tx)", "nextScoreEvaluation"],
    ["submit", "submit"],
    ["finalize", "finalize"],
    ["reference election (O(N))", "referenceElection"],
  ]);
  console.log(md);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
