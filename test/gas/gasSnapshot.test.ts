// Exact gas snapshot, as Uniswap v4 keeps one: the gas of every key operation in a fixed scenario
// and the deployed bytecode size of every contract must equal the committed snapshots/gas.json to
// the unit. Any change, up or down, fails the test until the snapshot is rewritten on purpose with
// `npm run gas:snapshot`, so every move shows in the diff that caused it.
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { admitNode, deployed } from "../fixtures";
import { bestKeys } from "../../src/election/engine";
import { SnapshotReader } from "../../src/chain/snapshotReader";
import { NodeClass, WAD } from "../../src/scoring/params";
import { GasProbe__factory } from "../../typechain-types";
import { blockHeader, ledgerDomain, orderDigester, signHeader } from "../../src/ledger/signing";

const SNAPSHOT = path.join(__dirname, "..", "..", "snapshots", "gas.json");

const used = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => (await (await tx).wait())!.gasUsed;

async function measure(): Promise<{ gas: Record<string, number>; bytecode: Record<string, number> }> {
  const f = await deployed();
  const g: Record<string, bigint> = {};
  const [first, ...rest] = f.others.slice(0, 8);
  g.register = await used(f.registry.connect(first).register(NodeClass.Wind, 50_000n, "http://127.0.0.1:7000"));
  g.admit = await used(f.registry.connect(f.admin).admit(first.address));
  g.deposit = await used(f.vault.connect(first).deposit(500n * WAD));
  for (const [i, n] of rest.entries()) await admitNode(f.system, f.admin, n, { capacity: BigInt(10_000 * (i + 1)) });
  g.reportPlan = await used(f.meters.connect(first).reportPlan(1, 1_000n));
  g.voteOneCandidate = await used(f.election.connect(first).vote([rest[0].address], [10n]));
  g.voteThreeCandidates = await used(f.election.connect(rest[0]).vote([first.address, rest[1].address, rest[2].address], [3n, 3n, 4n]));
  await time.increase(14n * 86_400n);
  g.reportMeterReading = await used(f.meters.connect(f.admin).reportMeterReading(first.address, 1, 900n));
  const epoch = (await f.election.currentEpoch()) + 2n;
  await time.increaseTo(await f.election.snapshotOf(epoch));
  g.openElection = await used(f.election.openElection(epoch));
  g.fixSeed = await used(f.election.fixSeed(epoch)); // the next block: the one the opening committed to
  await f.vault.connect(f.keeper).bondKeeper(f.system.options.keeperMinBond);
  const addresses = [first, ...rest].map((s) => s.address);
  const scored = await new SnapshotReader(f.registry, f.vault, f.election).scoreAll(epoch, addresses);
  const right = bestKeys(scored, Number(await f.election.listLength())).map((s) => s.node);
  const wrong = [right[1], right[0], ...right.slice(2)];
  g.submitK3 = await used(f.election.connect(f.keeper).submit(epoch, wrong));
  g.challengeOrder = await used(f.election.connect(f.outsider).challengeOrder(epoch, 1, 0));
  await time.increase(await f.election.challengePeriod());
  g.finalizeK3 = await used(f.election.finalize(epoch));
  const probe = await new GasProbe__factory(f.admin).deploy();
  [g.scoreEvaluationCold, g.scoreEvaluationNext] = await probe.scoreGasPair(await f.election.getAddress(), epoch, right[0], right[1]);
  g.claim = await used(f.vault.connect(f.outsider).claim());
  // a benefactor's funding, shared among the three role pools
  g.fundPool = await used(f.vault.connect(f.outsider).fundPool(100n * WAD));
  // the elected epoch's first block, signed by its producer and one more delegate (more than half of K = 3),
  // paying both from their role pools
  await time.increaseTo(await f.election.epochStart(epoch));
  const [members] = await f.election.delegatesOf(epoch);
  const signerOf = new Map([first, ...rest].map((s) => [s.address, s]));
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await f.ledger.getAddress());
  const h = blockHeader(epoch, 0n, await f.ledger.head(), [], orderDigester(domain));
  const signatures = await Promise.all(members.slice(0, 2).map((m) => signHeader(signerOf.get(m)!, domain, h)));
  // without the 21,000 and the calldata: the signatures' bytes, so their zero bytes, change with the
  // ledger's address in the EIP-712 domain, which depends on what ran before in the same process
  const commit = await f.ledger.connect(signerOf.get(members[0])!).commitBlock(h, signatures, "0x");
  const calldataGas = ethers.getBytes(commit.data).reduce((sum, byte) => sum + (byte === 0 ? 4n : 16n), 0n);
  g.commitBlockExecution = (await commit.wait())!.gasUsed - 21_000n - calldataGas;
  const bytecode: Record<string, number> = {};
  for (const [name, c] of Object.entries({
    vault: f.vault,
    registry: f.registry,
    meters: f.meters,
    election: f.election,
    ledger: f.ledger,
    lens: f.lens,
  })) {
    bytecode[name] = ethers.getBytes(await ethers.provider.getCode(await c.getAddress())).length;
  }
  return { gas: Object.fromEntries(Object.entries(g).map(([k, v]) => [k, Number(v)])), bytecode };
}

describe("gas snapshot (snapshots/gas.json)", () => {
  it("every key operation's gas and every contract's deployed size equal the committed snapshot exactly", async function () {
    const measured = await measure();
    if (process.env.UPDATE_GAS_SNAPSHOT === "true") {
      fs.writeFileSync(SNAPSHOT, JSON.stringify(measured, null, 2) + "\n");
      console.log(`      gas snapshot written to ${SNAPSHOT}`);
    }
    const committed = JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")) as typeof measured;
    expect(measured, "gas or bytecode moved: if on purpose, run npm run gas:snapshot and commit the diff").to.deep.equal(committed);
    expect(measured.gas.submitK3).to.be.greaterThan(21_000);
  });
});
