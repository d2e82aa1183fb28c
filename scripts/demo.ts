// `npm run demo`: a few epochs of the whole cycle on the embedded Hardhat network, driven by the
// same keeper and delegate-client code that `npm run network` runs as separate processes.
// Deploys (4-minute epochs of four 1-minute slots, K = 3, 2 standbys), registers, admits and bonds
// the 10 nodes of paper 1 Table 2, takes their plans and meter readings (so the on-chain quality D
// is the table's), casts 10 random votes per node. Then the keeper elects: it scores every node
// with the TypeScript mirror (checked here against the contract), submits, and finalizes after the
// challenge window. A delegate client runs for every node, each with its own HTTP endpoint:
// prosumers send them signed trades, slot owners build blocks, gather attestations over HTTP and
// commit. One delegate double-signs; the others catch it, report it, and it is slashed, jailed and
// replaced by a standby. Prints every step, then the gas of each action.
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import pino from "pino";
import { deploySystem } from "../src/deployment/deploySystem";
import { presetOptions } from "../src/deployment/presets";
import { TABLE_2 } from "../experiments/papers/paper1";
import { castRandomVotes, setUpPaper1Nodes } from "../experiments/papers/paper1Setup";
import { SnapshotReader } from "../src/chain/snapshotReader";
import { Keeper } from "../src/keeper/keeper";
import { DelegateClient } from "../src/delegate/client";
import { EQUIVOCATE } from "../src/delegate/misbehaviour";
import { sendToDelegates, signedTrade } from "../src/delegate/prosumer";
import { summarizeEpoch } from "../src/network/observe";
import { WAD } from "../src/scoring/params";
import { SeededRandom } from "../src/util/random";
import { ledgerDomain } from "../src/ledger/signing";
import { StateError } from "../src/util/errors";

const EPOCHS = 3;
const STEP = 20; // chain seconds between ticks (slots are 60 s)
const fmt = (wad: bigint, digits = 3) => (Number(wad) / Number(WAD)).toFixed(digits);

const GAS_LABELS: Record<string, string> = {
  openElection: "open election",
  fixSeed: "fix the election seed",
  submit: "submit list (K = 3, 2 standbys)",
  finalize: "finalize",
  committed: "commit block (attested, with trades)",
  "reported-equivocation": "report equivocation (slash, jail, hand-over)",
  reportMissedSlot: "report missed slot",
  claim: "claim rewards",
};

type Event = { service: string; account: string; event: string; [k: string]: unknown };

async function main() {
  const seed = Number(process.env.DEMO_SEED ?? 1);
  const rng = new SeededRandom(seed);
  const signers = await ethers.getSigners();
  const [admin, keeperSigner] = signers;
  const nodes = signers.slice(2, 12);
  const addresses = await Promise.all(nodes.map((n) => n.getAddress()));
  const name = (a: string) => {
    const i = addresses.findIndex((x) => x.toLowerCase() === a.toLowerCase());
    return i >= 0 ? `node ${i + 1}` : a.toLowerCase() === keeperSigner.address.toLowerCase() ? "the keeper" : a.slice(0, 10);
  };

  console.log("Deploying token, vault, registry, meter book, election and ledger (credit model, top-K, K = 3, 2 standbys)...");
  const system = await deploySystem(admin, { ...presetOptions("local"), standbyCount: 2n });
  const { token, vault, election } = system;

  console.log("Registering, admitting and bonding the 10 nodes of paper 1 Table 2; plans, meter readings, votes...");
  const setupGas = await setUpPaper1Nodes(system, admin, nodes, TABLE_2);
  const voteGas = await castRandomVotes(system, nodes, addresses, rng);

  // Services log JSON lines; the demo collects them and prints the interesting ones readably.
  const events: Event[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void events.push(JSON.parse(line)) });
  await (await token.mint(keeperSigner.address, 10_000n * WAD)).wait();
  const keeper = new Keeper(system, keeperSigner, log.child({ service: "keeper", account: keeperSigner.address }), {
    pollMs: 0,
    claimAbove: WAD,
    submit: true,
  });
  await keeper.start();

  // The election of epoch e + 2 reads the state frozen at the start of epoch e + 1 (after the votes).
  const first = (await election.currentEpoch()) + 2n;
  await time.increaseTo(await election.snapshotOf(first));
  console.log(`\nThe keeper elects the delegates of epoch ${first}:`);
  while (!(await election.elections(first)).finalized) {
    await keeper.tick();
    print(events.splice(0), name);
    await time.increase(STEP);
  }
  await scoreTable(system, first, addresses);

  const [elected] = await election.delegatesOf(first);
  const cheat = elected[1];
  console.log(`\nStarting a delegate client for each node (HTTP on ports 7100-7109); ${name(cheat)} will double-sign.`);
  const clients = nodes.map(
    (n, i) =>
      new DelegateClient(system, n, log.child({ service: "delegate", account: addresses[i] }), {
        host: "127.0.0.1",
        port: 7100 + i,
        pollMs: 0,
        maxTrades: 20,
        misbehave: addresses[i] === cheat ? EQUIVOCATE : undefined,
      }),
  );
  for (const c of clients) await c.start();
  events.splice(0);

  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await system.ledger.getAddress());
  let nonce = 0n;
  const gas: Record<string, bigint> = {};
  try {
    let shown = first;
    await time.increaseTo(await election.epochStart(first));
    while ((await election.currentEpoch()) < first + BigInt(EPOCHS)) {
      await sendTrade(system, nodes, domain, rng, nonce++);
      await keeper.tick();
      for (const c of clients) await c.tick();
      const batch = events.splice(0);
      print(batch, name);
      for (const e of batch) if (typeof e.gas === "number") gas[e.event] = BigInt(e.gas);
      await time.increase(STEP);
      const now = await election.currentEpoch();
      while (shown < now) {
        console.log(`\n${(await summarizeEpoch(system, shown, addresses)).replace(/producer /g, "node ")}\n`);
        shown++;
      }
    }
  } finally {
    for (const c of clients) await c.stop();
  }

  console.log("Rewards and deposits after the run:");
  for (const a of [...new Set([...elected, cheat])]) {
    console.log(
      `  ${name(a).padEnd(8)} bonded ${fmt(await vault.bonded(a), 1)}, rewards ${fmt(await vault.rewards(a), 1)} tokens, jailed ${await system.registry.isJailed(a)}`,
    );
  }
  console.log("\nGas used:");
  console.table({
    register: setupGas.register,
    admit: setupGas.admit,
    deposit: setupGas.deposit,
    "report plan (with fee)": setupGas.reportPlan,
    "report meter reading": setupGas.reportMeterReading,
    vote: voteGas,
    ...Object.fromEntries(Object.entries(gas).map(([k, v]) => [GAS_LABELS[k] ?? k, v])),
  });
  console.log(
    `Keeper sent: ${Object.entries(keeper.sent)
      .map(([k, v]) => `${k} ×${v}`)
      .join(", ")}`,
  );
  console.log(
    `Vault balance ${fmt(await token.balanceOf(await vault.getAddress()), 0)} = accounted ${fmt(await vault.accountedBalance(), 0)} tokens`,
  );
}

/** The scores behind the election: the keeper's TypeScript scores equal the contract's scoreOf. */
async function scoreTable(system: Awaited<ReturnType<typeof deploySystem>>, epoch: bigint, addresses: string[]) {
  const { election, registry } = system;
  const scored = await SnapshotReader.of(system).scoreAll(epoch, addresses);
  const [list] = await election.delegatesOf(epoch);
  const k = Number(system.options.delegateCount);
  const snapshot = (await election.snapshotOf(epoch)) - 1n;
  const rows = [];
  for (const [i, s] of scored.entries()) {
    const [, chainScore] = await election.scoreOf(epoch, s.node);
    if (chainScore !== s.score)
      throw new StateError(`node ${i + 1}`, chainScore, `node ${i + 1}: TypeScript ${s.score} != Solidity ${chainScore}`);
    const r = list.indexOf(s.node);
    rows.push({
      node: i + 1,
      F: Number(TABLE_2[i].frequency),
      P: Number(TABLE_2[i].capacity),
      D: fmt((await registry.creditRecordAt(s.node, snapshot)).quality, 1),
      votes: Number((await election.votesAt(s.node, snapshot)).votes),
      "score G": fmt(s.score),
      role: r < 0 ? "" : r < k ? `delegate #${r + 1}` : `standby #${r - k + 1}`,
    });
  }
  console.table(rows);
  console.log("Scores computed off-chain (TypeScript) equal the contract's scoreOf for every node.");
}

/** Two random nodes trade; both sign the order and it goes to every current delegate's endpoint. */
async function sendTrade(
  system: Awaited<ReturnType<typeof deploySystem>>,
  nodes: Awaited<ReturnType<typeof ethers.getSigners>>,
  domain: ReturnType<typeof ledgerDomain>,
  rng: SeededRandom,
  nonce: bigint,
) {
  const seller = nodes[rng.below(nodes.length)];
  let buyer = nodes[rng.below(nodes.length)];
  if (buyer === seller) buyer = nodes[(nodes.indexOf(seller) + 1) % nodes.length];
  const order = { seller: seller.address, buyer: buyer.address, energy: BigInt(1_000 + rng.below(9_000)), price: 2n * WAD, nonce };
  await sendToDelegates(system, await signedTrade(domain, order, seller, buyer));
}

/** One readable line per service event worth showing. */
function print(batch: Event[], name: (a: string) => string) {
  for (const e of batch) {
    const who = e.service === "keeper" ? "keeper" : name(e.account);
    const at = e.epoch !== undefined ? `epoch ${e.epoch}${e.slot !== undefined ? ` slot ${e.slot}` : ""}` : "";
    const line: Record<string, () => string> = {
      openElection: () => `${who}: opens the election of epoch ${e.epoch}`,
      fixSeed: () => `${who}: fixes the seed of epoch ${e.epoch} from the next block (${e.gas} gas)`,
      scored: () => `${who}: scores ${e.nodes} nodes off-chain in ${e.ms} ms`,
      submit: () => `${who}: submits ${(e.list as string[]).map(name).join(", ")} for epoch ${e.epoch} (${e.gas} gas)`,
      finalize: () => `${who}: finalizes epoch ${e.epoch} after the challenge window (${e.gas} gas)`,
      carryOver: () => `${who}: carries the previous set over into epoch ${e.epoch}`,
      reportMissedSlot: () => `${who}: reports the missed ${at} of ${name(String(e.owner))} (${e.gas} gas)`,
      claim: () => `${who}: claims ${fmt(BigInt(String(e.amount)), 1)} tokens of rewards`,
      committed: () => `${who}: commits the block of ${at}: ${e.trades} trades, ${e.attestations} attestations (${e.gas} gas)`,
      equivocated: () => `${who}: signs two different blocks for ${at} and asks for attestations on both`,
      "reported-equivocation": () => `${who}: catches the double signing of ${at} and reports it (${e.gas} gas)`,
      "commit-failed": () => `${who}: could not commit ${at}: ${e.reason}`,
    };
    const f = line[e.event];
    if (f) console.log(`  ${f()}`);
    else if (e.event.startsWith("challenge-")) console.log(`  ${who}: ${e.event} on epoch ${e.epoch} (${e.gas} gas)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
