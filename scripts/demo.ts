// `npm run demo`: the whole system on the embedded Hardhat network. Deploys, registers and admits
// the 10 nodes of paper 1 Table 2, settles one trading cycle so their on-chain quality D is the
// table's, casts 10 random votes per node, then a keeper elects 3 delegates (+2 standbys):
// it scores every node off-chain with the TypeScript mirror, checks that against the contract,
// submits, waits out the challenge window and finalizes. In the elected epoch the delegates
// commit attested blocks of signed trades; one withholds a block, is reported, slashed and
// jailed, and a standby takes its next slot. Prints every step and its gas.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deploySystem } from "../src/deployment/deploySystem";
import { TABLE_2 } from "../src/papers/paper1";
import { castRandomVotes, setUpPaper1Nodes } from "../src/papers/paper1Setup";
import { SnapshotReader } from "../src/chain/snapshotReader";
import { bestKeys } from "../src/election/engine";
import { WAD } from "../src/scoring/params";
import { SeededRandom } from "../src/util/random";
import { ledgerDomain, orderDigester, signHeader, signTrade, tradeTree, type BlockHeader } from "../src/ledger/signing";

const fmt = (wad: bigint, digits = 3) => (Number(wad) / Number(WAD)).toFixed(digits);

async function main() {
  const seed = Number(process.env.DEMO_SEED ?? 1);
  const signers = await ethers.getSigners();
  const [admin, keeper] = signers;
  const nodes = signers.slice(2, 12);

  console.log("Deploying token, vault, registry, meter book and election (credit model, top-K, K = 3)...");
  const system = await deploySystem(admin);
  const { token, vault, registry, election, ledger } = system;

  console.log("Registering, admitting and bonding the 10 nodes of paper 1 Table 2; one trading cycle settled...");
  const setupGas = await setUpPaper1Nodes(system, admin, nodes, TABLE_2);
  const addresses = await Promise.all(nodes.map((n) => n.getAddress()));
  const voteGas = await castRandomVotes(system, nodes, addresses, new SeededRandom(seed));

  // The election of epoch e+1 reads the state frozen at the start of epoch e.
  const epoch = (await election.currentEpoch()) + 2n;
  await time.increaseTo(await election.snapshotOf(epoch));
  const opened = await (await election.connect(keeper).openElection(epoch)).wait();

  // Keeper: bond, score every node off-chain from chain data, pick the best keys, submit.
  await (await token.mint(keeper.address, 10_000n * WAD)).wait();
  await (await token.connect(keeper).approve(await vault.getAddress(), 2n ** 255n)).wait();
  await (await vault.connect(keeper).bondKeeper(system.options.keeperMinBond)).wait();
  const started = performance.now();
  const reader = SnapshotReader.of(system);
  const scored = await reader.scoreAll(epoch, addresses);
  const list = bestKeys(scored, Number(system.options.delegateCount + system.options.standbyCount));
  const keeperMs = performance.now() - started;
  const reference = await election.referenceList(epoch);
  if (reference.join() !== list.map((s) => s.node).join()) {
    throw new Error(`keeper list ${list.map((s) => s.node)} differs from the on-chain reference ${reference}`);
  }
  const submitted = await (await election.connect(keeper).submit(epoch, list.map((s) => s.node))).wait();
  await time.increase(system.options.challengePeriod);
  const finalized = await (await election.finalize(epoch)).wait();

  console.log(`\nElection of epoch ${epoch} (snapshot ${await election.snapshotOf(epoch)}):\n`);
  const rank = new Map(list.map((s, i) => [s.node, i]));
  const k = Number(system.options.delegateCount);
  const rows = [];
  for (const [i, s] of scored.entries()) {
    const [, chainScore] = await election.scoreOf(epoch, s.node);
    if (chainScore !== s.score) throw new Error(`node ${i + 1}: TypeScript ${s.score} != Solidity ${chainScore}`);
    const credit = await registry.creditRecordAt(s.node, (await election.snapshotOf(epoch)) - 1n);
    const [votes] = await election.votesAt(s.node, (await election.snapshotOf(epoch)) - 1n);
    const r = rank.get(s.node);
    rows.push({
      node: i + 1,
      F: Number(TABLE_2[i].frequency),
      P: Number(TABLE_2[i].capacity),
      D: fmt(credit.quality, 1),
      votes: Number(votes),
      "score G": fmt(s.score),
      role: r === undefined ? "" : r < k ? `delegate #${r + 1}` : `standby #${r - k + 1}`,
    });
  }
  console.table(rows);
  console.log("Scores computed off-chain (TypeScript) equal the contract's scoreOf for every node.");

  console.log(`\nSlot schedule of epoch ${epoch} (slot s -> delegate s mod ${k}):`);
  for (let s = 0n; s < BigInt(k) * 2n; s++) {
    const owner = await election.slotOwner(epoch, s);
    console.log(`  slot ${s}: node ${addresses.indexOf(owner) + 1} (${owner})`);
  }

  // Epoch `epoch` runs: each slot's owner commits a block attested by a majority; the second
  // delegate withholds its block in its second slot, is reported, slashed and jailed, and the
  // first standby produces its next slot.
  console.log(`\nEpoch ${epoch}: blocks, one withheld block, a slash and a hand-over`);
  const signerOf = new Map(nodes.map((n, i) => [addresses[i], n]));
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await ledger.getAddress());
  const orderDigest = orderDigester(domain);
  await (await vault.connect(keeper).fundPool(100n * WAD)).wait();
  const withholder = list[1].node;
  let commitGas = 0n;
  let missedGas = 0n;
  const advanceTo = async (t: bigint) => {
    if (t > BigInt(await time.latest())) await time.increaseTo(t);
  };
  for (let slot = 0n; slot < BigInt(k) * 2n + 2n; slot++) {
    await advanceTo((await ledger.slotWindow(epoch, slot))[0]);
    const owner = await election.slotOwner(epoch, slot);
    const who = `node ${addresses.indexOf(owner) + 1}`;
    if (owner === withholder && slot >= BigInt(k)) {
      console.log(`  slot ${slot}: ${who} withholds its block`);
      await advanceTo((await ledger.slotWindow(epoch, slot))[1]);
      const bonded = await vault.bonded(owner);
      missedGas = (await (await ledger.connect(keeper).reportMissedSlot(epoch, slot)).wait())!.gasUsed;
      console.log(
        `    keeper reports the missed slot: ${who} slashed ${fmt(bonded - (await vault.bonded(owner)), 1)} tokens, ` +
          `jailed ${await registry.isJailed(owner)}, slot ${slot + BigInt(k)} now belongs to node ` +
          `${addresses.indexOf(await election.slotOwner(epoch, slot + BigInt(k))) + 1}`,
      );
      continue;
    }
    // one trade per block: a PV node sells to a neighbour, both sign the EIP-712 order
    const [seller, buyer] = [nodes[Number(slot) % 10], nodes[(Number(slot) + 1) % 10]];
    const order = { seller: seller.address, buyer: buyer.address, energy: 5_000n, price: 2n * WAD, nonce: slot };
    const trade = { order, sellerSignature: await signTrade(seller, domain, order), buyerSignature: await signTrade(buyer, domain, order) };
    const tree = tradeTree([trade], orderDigest);
    const h: BlockHeader = { epoch, slot, parentHash: await ledger.head(), tradeRoot: tree.root, tradeCount: 1n, energyTotal: order.energy };
    const attesters = [owner, ...list.slice(0, k).map((s) => s.node).filter((a) => a !== owner && a !== withholder)].slice(0, Math.floor(k / 2) + 1);
    const signatures = await Promise.all(attesters.map((a) => signHeader(signerOf.get(a)!, domain, h)));
    const payload = ethers.AbiCoder.defaultAbiCoder().encode(["tuple(address,address,uint256,uint256,uint256)", "bytes", "bytes"], [
      [order.seller, order.buyer, order.energy, order.price, order.nonce],
      trade.sellerSignature,
      trade.buyerSignature,
    ]);
    commitGas = (await (await ledger.connect(signerOf.get(owner)!).commitBlock(h, signatures, payload)).wait())!.gasUsed;
    console.log(`  slot ${slot}: ${who} commits a block of 1 trade, attested by ${attesters.length} of ${k} delegates`);
  }
  for (const s of list.slice(0, k + 1)) {
    console.log(`  node ${addresses.indexOf(s.node) + 1}: produced ${await ledger.produced(epoch, s.node)} blocks, rewards ${fmt(await vault.rewards(s.node), 1)} tokens`);
  }

  console.log("\nGas used:");
  console.table({
    register: setupGas.register,
    admit: setupGas.admit,
    deposit: setupGas.deposit,
    "report plan (with fee)": setupGas.reportPlan,
    "report meter reading": setupGas.reportMeterReading,
    vote: voteGas,
    "open election": opened!.gasUsed,
    "submit list (K=3, 2 standbys)": submitted!.gasUsed,
    finalize: finalized!.gasUsed,
    "reference election (view, estimate)": await election.referenceList.estimateGas(epoch),
    "commit block (K=3, 2 attestations, 1 trade)": commitGas,
    "report missed slot (slash, jail, hand-over)": missedGas,
  });
  console.log(`Keeper computation (read + score + select, 10 nodes): ${keeperMs.toFixed(0)} ms`);
  console.log(`Vault balance ${fmt(await token.balanceOf(await vault.getAddress()), 0)} = accounted ${fmt(await vault.accountedBalance(), 0)} tokens`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
