// Paper 2 section 4.2, Figs. 5–6 (consensus time and throughput over 50 experiments), on the
// deployed contracts through the real keeper (src/keeper) and delegate clients (src/delegate), under
// classic DPoS (the paper's "DPoS"), dynamic trust ("DT-DPoS") and paper 1's credit model.
//
// Set-up (the paper gives none beyond "the same conditions"; results/experiments/throughput.md says
// the same): 30 producers with equal deposits, K = 7 by top-K and 2 standbys, 7 one-minute slots an
// epoch; every producer casts its 10 votes at random among the producers once (the seed), and votes
// never change. A fixed share of the producers is malicious, half of them withholding their blocks
// (the client's own `withhold`), half forging: the forger asks the other delegates' clients to attest
// a block holding a trade with a forged buyer signature, the honest clients refuse it (the client's
// real checks), so the slot goes unfilled. Every unfilled slot is reported by the keeper's own
// missed-slot path: slashed, credit and trust penalties, jailed one epoch; a jailed node unjails when
// its jail is over. 10 traders (consumer accounts) send signed trades to every current delegate
// (src/delegate/prosumer.ts) at a fixed rate equal to a block's capacity (`maxTrades`), so the chain
// runs at capacity and every lost slot is a block of trades lost: throughput is what the models keep.
// Each election's prevrandao comes from the seed, so a seed replays exactly.
//
// Measured per epoch: valid trades committed per hour of chain time and per million gas (all gas the
// chain spent in the epoch: blocks, election, reports, unjails), slots lost (to malicious owners and
// in all), and the consensus round of the next epoch's election run by the keeper during this one:
// the wall-clock time of the keeper ticks that opened, seeded, scored and submitted, checked and
// finalized it, and their gas.
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import pino from "pino";
import { AbiCoder, ZeroHash, getAddress, keccak256, type Wallet } from "ethers";
import { deploySystem, type System } from "../src/deployment/deploySystem";
import { presetOptions } from "../src/deployment/presets";
import { ElectionRule } from "../src/scoring/electionKey";
import { NodeClass, ScoringModel, WAD } from "../src/scoring/params";
import { Keeper } from "../src/keeper/keeper";
import { DelegateClient } from "../src/delegate/client";
import { WITHHOLD } from "../src/delegate/misbehaviour";
import { sendToDelegates, signedTrade } from "../src/delegate/prosumer";
import { blockHeader, forgedBlock, ledgerDomain, orderDigester, signHeader } from "../src/ledger/signing";
import { toJson } from "../src/util/json";
import { SeededRandom } from "../src/util/random";
import { populate, type RpcProvider } from "./world/populate";
import { prepareKeeper } from "./paper2Fig4";
import { sendNow, sendTogether } from "./fastChain";

export const THROUGHPUT_PRODUCERS = 30;
export const THROUGHPUT_DELEGATES = 7;
export const THROUGHPUT_STANDBYS = 2;
export const THROUGHPUT_TRADERS = 10;
/**
 * Trades a block holds (the clients' `maxTrades`), and trades the traders send each slot: one, as
 * every trade costs each of the 9 listed delegates' clients two signature recoveries (~0.2 s a
 * trade in all here), and a second trade a slot made a run 40 % longer without changing what a
 * lost slot costs (a block's worth).
 */
export const TRADES_PER_SLOT = 1;
export const SLOT_SECONDS = 60n;
/** Votes of each producer's 10 that go to a malicious producer. */
export const MALICIOUS_VOTES = 3;
/** The keeper's actions that make up a consensus round (an election). */
const ROUND_ACTIONS = new Set([
  "openElection",
  "fixSeed",
  "submit",
  "finalize",
  "carryOver",
  "challenge-order",
  "challenge-excluded",
  "challenge-ineligible",
  "challenge-duplicate",
]);

export interface ThroughputOptions {
  /** Share of the producers that misbehave, in [0, 1). */
  maliciousShare: number;
  epochs: number;
}

export interface EpochRow {
  /** Index of the epoch in the run, 0 = the first elected one. */
  epoch: number;
  validTrades: number;
  tradesPerHour: number;
  tradesPerMillionGas: number;
  gas: number;
  slotsLost: number;
  slotsLostToMalicious: number;
  maliciousDelegates: number;
  /** The election of the next epoch, held during this one: keeper wall-clock milliseconds and gas. */
  roundMs: number;
  roundGas: number;
}

export interface ThroughputRun {
  model: ScoringModel;
  seed: number;
  maliciousShare: number;
  malicious: number;
  rows: EpochRow[];
  /** Refusals the honest clients gave the forgers' blocks (the real attestation check). */
  forgedRefusals: number;
  /** Missed slots the keeper reported. */
  reported: number;
  /** Offences punished whose offender is not one of the malicious producers (must stay 0). */
  honestPunished: number;
}

interface LogEvent {
  event?: string;
  epoch?: number;
  gas?: number;
}

/** One run of `epochs` elected epochs under `model` on a fresh Hardhat network. */
export async function runThroughput(
  model: ScoringModel,
  seed: number,
  o: ThroughputOptions,
  onEpoch: (done: number) => void = () => undefined,
): Promise<ThroughputRun> {
  if (!Object.values(ScoringModel).includes(model)) throw new RangeError(`unknown scoring model ${model}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${o.epochs}`);
  if (!(o.maliciousShare >= 0 && o.maliciousShare < 1)) throw new RangeError(`maliciousShare must be in [0, 1), got ${o.maliciousShare}`);
  await network.provider.send("hardhat_reset");
  const provider = ethers.provider as unknown as RpcProvider;
  const [admin, keeperSigner] = await ethers.getSigners();
  const rng = new SeededRandom(seed);
  const base = presetOptions("local");
  const [missed, equivocation, invalid] = base.penalties;
  const epochDuration = SLOT_SECONDS * BigInt(THROUGHPUT_DELEGATES);
  const system: System = await deploySystem(admin, {
    ...base,
    model,
    rule: ElectionRule.TopK,
    delegateCount: BigInt(THROUGHPUT_DELEGATES),
    standbyCount: BigInt(THROUGHPUT_STANDBYS),
    slotsPerEpoch: BigInt(THROUGHPUT_DELEGATES),
    epochDuration,
    challengePeriod: 60n,
    // a missed slot jails for one epoch (as the `local` preset): a day would end every model's
    // offender at its first offence and leave nothing for the score to decide
    penalties: [{ ...missed, jailPeriod: epochDuration }, equivocation, invalid],
  });
  const { election, ledger, registry } = system;
  const producers = await populate(system, admin, provider, {
    count: THROUGHPUT_PRODUCERS,
    tag: "throughput",
    capacity: () => 50_000n,
    deposit: () => 500n * WAD,
    // set to the port each client binds once it starts (port 0: the OS picks a free one, so runs
    // side by side never race for a port)
    endpoint: () => "http://127.0.0.1:0",
  });
  const traders = await populate(system, admin, provider, {
    count: THROUGHPUT_TRADERS,
    tag: "throughput-traders",
    nodeClass: () => NodeClass.Consumer,
    deposit: () => 0n,
  });
  const addresses = producers.map((w) => w.address);
  // the malicious producers, drawn from the seed; even ones forge, odd ones withhold (their clients' `withhold`)
  const order = [...addresses.keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const maliciousCount = Math.round(o.maliciousShare * THROUGHPUT_PRODUCERS);
  const bad = order.slice(0, maliciousCount).map((i) => addresses[i]);
  const forgers = new Set(bad.filter((_, j) => j % 2 === 0));
  const malicious = new Set(bad);
  // every producer gives MALICIOUS_VOTES of its votes to a malicious producer (votes bought or
  // won before they turned), the rest at random: the first set is mostly malicious under every model
  await sendTogether(
    producers.map((w) => {
      const tally = new Map<string, bigint>();
      for (let v = 0; v < Number(system.options.votesPerNode); v++) {
        const c = v < MALICIOUS_VOTES && bad.length > 0 ? bad[rng.below(bad.length)] : addresses[rng.below(addresses.length)];
        tally.set(c, (tally.get(c) ?? 0n) + 1n);
      }
      return { from: w, tx: election.vote.populateTransaction([...tally.keys()], [...tally.values()]) };
    }),
  );

  await prepareKeeper(system, keeperSigner);
  const events: LogEvent[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void events.push(JSON.parse(line) as LogEvent) });
  const quiet = pino({ level: "silent" });
  const keeper = new Keeper(system, keeperSigner, log, { pollMs: 0, claimAbove: 2n ** 255n, submit: true });
  await keeper.start();
  const clients = new Map(
    producers.map((w) => [
      w.address,
      new DelegateClient(system, w, quiet, {
        host: "127.0.0.1",
        port: 0,
        pollMs: 0,
        maxTrades: TRADES_PER_SLOT,
        // the chain's clock stands still between the run's steps, so a wall-clock limit on an
        // attestation would only lose honest slots when the machine is busy
        attestTimeoutMs: 60_000,
        misbehave: malicious.has(w.address) ? WITHHOLD : undefined,
      }),
    ]),
  );
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await ledger.getAddress());
  const digestOf = orderDigester(domain);
  const run: ThroughputRun = {
    model,
    seed,
    maliciousShare: o.maliciousShare,
    malicious: malicious.size,
    rows: [],
    forgedRefusals: 0,
    reported: 0,
    honestPunished: 0,
  };
  const coder = AbiCoder.defaultAbiCoder();
  let nonce = 0n;

  /** Per election epoch: the keeper's wall-clock milliseconds and gas on it (a consensus round). */
  const rounds = new Map<number, { ms: number; gas: number }>();
  /** One keeper tick with its prevrandao set from the seed (fixSeed reads it); its round actions timed. */
  const keeperTick = async () => {
    const epoch = await election.currentEpoch();
    await network.provider.send("hardhat_setPrevRandao", [keccak256(coder.encode(["uint256", "uint256"], [seed, epoch]))]);
    const from = events.length;
    const started = performance.now();
    await keeper.tick();
    const ms = performance.now() - started;
    const mine = events.slice(from);
    const roundEvents = mine.filter(
      (e) => e.event !== undefined && (ROUND_ACTIONS.has(e.event) || e.event === "scored") && e.epoch !== undefined,
    );
    if (roundEvents.length > 0) {
      const r = rounds.get(roundEvents[0].epoch!) ?? { ms: 0, gas: 0 };
      r.ms += ms;
      for (const e of roundEvents) r.gas += e.gas ?? 0;
      rounds.set(roundEvents[0].epoch!, r);
    }
    run.reported += mine.filter((e) => e.event === "reportMissedSlot").length;
  };

  /** A forger's slot: a block with a forged trade sent to the serving delegates' clients to attest. */
  const forge = async (forger: Wallet, epoch: bigint, slot: bigint) => {
    const f = await forgedBlock(domain, traders[0], traders[1].address, forger, 2n ** 64n + nonce++);
    const header = blockHeader(epoch, slot, await ledger.head(), f.trades, digestOf);
    const body = toJson({ header, producerSignature: await signHeader(forger, domain, header), trades: f.trades });
    const [list, , k] = await election.delegatesOf(epoch);
    const serving = [...new Set(list.slice(0, Number(k + (await election.standbysUsed(epoch)))).map((a) => getAddress(a)))].filter(
      (a) => a !== forger.address,
    );
    for (const a of serving) {
      const res = await fetch(`${await registry.endpointOf(a)}/attest`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      if (!res.ok) run.forgedRefusals += 1;
    }
  };

  const unjailAll = async () => {
    const now = BigInt(await time.latest());
    for (const a of malicious) {
      const c = await registry.creditRecordAt(a, now);
      if (c.jailed && c.jailedUntil <= now) await sendNow({ address: a }, registry.unjail.populateTransaction());
    }
  };

  const urls = new Map<string, string>();
  for (const [a, c] of clients) urls.set(a, await c.start());
  try {
    await sendTogether(producers.map((w) => ({ from: w, tx: registry.setEndpoint.populateTransaction(urls.get(w.address)!) })));
    const first = (await election.currentEpoch()) + 2n;
    await time.increaseTo(await election.snapshotOf(first));
    while (!(await election.elections(first)).finalized) {
      await keeperTick();
      await time.increase(20);
    }
    for (let e = 0; e < o.epochs; e++) {
      const epoch = first + BigInt(e);
      const start = await election.epochStart(epoch);
      if (BigInt(await time.latest()) < start) await time.increaseTo(start);
      const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
      await unjailAll();
      const [list, , k] = await election.delegatesOf(epoch);
      const maliciousDelegates = list.slice(0, Number(k)).filter((a) => malicious.has(a)).length;
      for (let s = 0n; s < BigInt(THROUGHPUT_DELEGATES); s++) {
        const [slotStart] = await election.slotWindow(epoch, s);
        if (BigInt(await time.latest()) < slotStart) await time.increaseTo(slotStart);
        for (let t = 0; t < TRADES_PER_SLOT; t++) {
          const i = rng.below(THROUGHPUT_TRADERS);
          const j = (i + 1 + rng.below(THROUGHPUT_TRADERS - 1)) % THROUGHPUT_TRADERS;
          const order = {
            seller: traders[i].address,
            buyer: traders[j].address,
            energy: BigInt(100 + rng.below(900)),
            price: WAD,
            nonce: nonce++,
          };
          await sendToDelegates(system, await signedTrade(domain, order, traders[i], traders[j]));
        }
        await keeperTick();
        const owner = await election.slotOwner(epoch, s);
        if (forgers.has(owner)) await forge(producers[addresses.indexOf(owner)], epoch, s);
        else await clients.get(owner)?.tick();
      }
      // the last slot's report and the next epoch's first tick come with the next epoch
      const end = await election.epochStart(epoch + 1n);
      await time.increaseTo(end);
      await keeperTick();
      const toBlock = await ethers.provider.getBlockNumber();
      let gas = 0;
      for (let b = fromBlock; b <= toBlock; b++)
        gas += Number(((await provider.send("eth_getBlockByNumber", [`0x${b.toString(16)}`, false])) as { gasUsed: string }).gasUsed);
      let validTrades = 0;
      let slotsLost = 0;
      let slotsLostToMalicious = 0;
      const committed = await ledger.queryFilter(ledger.filters.BlockCommitted(epoch), fromBlock, toBlock);
      const byDigest = new Set(committed.map((c) => c.args.headerHash));
      for (let s = 0n; s < BigInt(THROUGHPUT_DELEGATES); s++) {
        const digest = await ledger.committed(epoch, s);
        if (digest === ZeroHash || !byDigest.has(digest)) {
          slotsLost += 1;
          if (malicious.has(await election.slotOwner(epoch, s))) slotsLostToMalicious += 1;
        }
      }
      for (const c of committed) {
        const tx = await ethers.provider.getTransaction(c.transactionHash);
        const [h] = ledger.interface.decodeFunctionData("commitBlock", tx!.data);
        validTrades += Number(h.tradeCount);
      }
      const hours = Number(epochDuration) / 3600;
      run.rows.push({
        epoch: e,
        validTrades,
        tradesPerHour: validTrades / hours,
        tradesPerMillionGas: gas > 0 ? (validTrades * 1e6) / gas : 0,
        gas,
        slotsLost,
        slotsLostToMalicious,
        maliciousDelegates,
        roundMs: rounds.get(Number(epoch) + 1)?.ms ?? 0,
        roundGas: rounds.get(Number(epoch) + 1)?.gas ?? 0,
      });
      onEpoch(e + 1);
    }
    const punished = await ledger.queryFilter(ledger.filters.OffencePunished());
    run.honestPunished = punished.filter((p) => !malicious.has(getAddress(p.args.offender))).length;
  } finally {
    for (const c of clients.values()) await c.stop();
  }
  return run;
}
