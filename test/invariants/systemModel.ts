// Stateful property test of the whole system (SPEC.md section 9), shared by the two halves in
// systemProperty.*.test.ts (mocha runs test files on both cores). fast-check draws a set of
// malicious nodes and a sequence of steps by honest nodes, malicious nodes and an adversary whose
// arguments come from the whole domain of each type; after every step the invariants are checked
// against a model of what may move and of who behaved correctly:
//   1. the vault holds exactly bonded + unbonding + keeper bonds + pool + unclaimed rewards; every
//      inflow of the pool is split among the role pools by the deployment's shares to the wei, no
//      accrual takes more than its role's pool holds or its rate, and each account's unclaimed
//      rewards are what the model counted from the vault's events (the money model, checkPool);
//   2. a finalized delegate set is exactly the reference election's (the K best keys);
//   3. no offence is punished twice, and no jailed node owns a slot still to come;
//   4. a node's stake moves only by its own deposit or withdrawal, or by a slash in the same
//      transaction as a proven offence of that node; a keeper's bond only by a proven wrong list;
//   6. no honest node is ever slashed, jailed, or loses credit or trust, and every punishment is
//      of a dishonest act the model saw, on its author, once, within the evidence window; every
//      such act that is reported is punished. Honesty is the model's own record of what each actor
//      did (which slots it was scheduled for and withheld, which headers it signed, which trades its
//      blocks hold), never the contracts' view of it.
// Adversary calls may succeed only by punishing a dishonest act per the model.
// Environment: PROPERTY_SEQUENCES (both halves together; default 24, 1000 under DEEP=true, see
// test/depth.ts), PROPERTY_STEPS (50),
// PROPERTY_SHRINK=false (stop at the first failure), PROPERTY_PATH (replay one reported failure),
// PROPERTY_TOLERATE=kind,... (log and absorb those violation kinds, to see what else a run finds),
// PROPERTY_STATS=1 (print the adversary's outcomes), PROPERTY_TRAIL=file (the failing trail in full).
import { writeFileSync } from "node:fs";
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  AbiCoder,
  HDNodeWallet,
  Signature,
  concat,
  keccak256,
  toBeHex,
  zeroPadValue,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type Signer,
  type SigningKey,
} from "ethers";
import { admitNode, deployed } from "../fixtures";
import { sendChallenge } from "../election/helpers";
import { InvariantProbe__factory } from "../../typechain-types";
import { NodeClass, WAD } from "../../src/scoring/params";
import {
  EMPTY_PAYLOAD_HASH,
  blockHeader,
  encodeTrades,
  headerDigest,
  ledgerDomain,
  orderDigester,
  recoverStrict,
  tradeLeaf,
  tradeTree,
  type BlockHeader,
  type SignedTrade,
  type TradeOrder,
} from "../../src/ledger/signing";
import { SnapshotReader } from "../../src/chain/snapshotReader";
import { Clock } from "../../src/chain/clock";
import { nextChallenge, type Challenge } from "../../src/keeper/watcher";
import type { Keyed } from "../../src/election/engine";
import { openElection } from "../../src/election/open";
import { depth } from "../depth";
import { RewardRole, splitInflow, type PoolShares } from "../../src/rewards/pool";
import { poolShares } from "../../src/deployment/deploySystem";

/** Sequences in all, shared by the two test files; steps at most per sequence. */
const SEQUENCES = depth("PROPERTY_SEQUENCES", 8, 1000);
const STEPS = Number(process.env.PROPERTY_STEPS ?? 50);
/** Violation kinds (see `violation`) to log and absorb instead of failing on: to see what else a run finds. */
const TOLERATE = new Set((process.env.PROPERTY_TOLERATE ?? "").split(",").filter(Boolean));
const NODES = 6;
const U256_MAX = 2n ** 256n - 1n;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const MNEMONIC = "test test test test test test test test test test test junk"; // Hardhat's accounts

enum Offence {
  MissedSlot,
  Equivocation,
  InvalidBlock,
}

// ------------------------------------------------------------------ the whole domain
/**
 * A uint drawn from the whole domain, mostly at the edges that matter, some relative to the state
 * (resolved when the step runs): S is the slots per epoch, `epoch` and `slot` are now's, and
 * `alias` is the slot number under which epoch x names now's slot (slot + S·(epoch − x): the same
 * seconds under another (epoch, slot) name, where an unbounded slot leads).
 */
type Uint = { lit: bigint } | { rel: "S" | "epoch" | "slot" | "alias"; plus: number };
/** A signature as sent: the real one, or re-encoded, malleated, cut or foreign. */
type Sig = "valid" | { v: number } | "highS" | { len: 0 | 64 | 66 } | "random" | "foreign";
/** A moment: an edge of a slot, a challenge window, an evidence window or an epoch, ±1 s; or a plain wait. */
type Moment = { edge: "slotEnd" | "nextSlotEnd" | "challengeEnd" | "evidenceEnd" | "epochStart"; delta: number } | { wait: number };

const rel = (r: "S" | "epoch" | "slot" | "alias", min: number, max: number) =>
  fc.integer({ min, max }).map((plus): Uint => ({ rel: r, plus }));
const anyUint = fc.bigInt({ min: 0n, max: U256_MAX }).map((lit): Uint => ({ lit }));
const hugeUint = fc.constantFrom<Uint>({ lit: U256_MAX }, { lit: U256_MAX - 1n }, { lit: 2n ** 128n }, { lit: 2n ** 48n });
/** Epoch arguments: around now's epoch mostly, else 0, huge or random. */
const epochArb: fc.Arbitrary<Uint> = fc.oneof(
  { arbitrary: rel("epoch", -3, 2), weight: 6 },
  { arbitrary: fc.constantFrom<Uint>({ lit: 0n }, { lit: 1n }), weight: 1 },
  { arbitrary: hugeUint, weight: 1 },
  { arbitrary: anyUint, weight: 1 },
);
/** Slot (and index) arguments: 0, S − 1, S, S + x, now's slot and its aliases, huge or random. */
const slotArb: fc.Arbitrary<Uint> = fc.oneof(
  { arbitrary: fc.constantFrom<Uint>({ lit: 0n }, { rel: "S", plus: -1 }, { rel: "S", plus: 0 }), weight: 2 },
  { arbitrary: rel("S", 0, 12), weight: 2 },
  { arbitrary: rel("slot", -3, 3), weight: 2 },
  { arbitrary: rel("alias", -3, 1), weight: 3 },
  { arbitrary: hugeUint, weight: 1 },
  { arbitrary: anyUint, weight: 1 },
);
const sigArb: fc.Arbitrary<Sig> = fc.oneof(
  fc.constantFrom<Sig>("valid", "highS", "random", "foreign", { len: 0 }, { len: 64 }, { len: 66 }),
  fc.constantFrom(0, 1, 27, 28, 29, 35, 36, 37, 38, 255).map((v): Sig => ({ v })),
);
const momentArb: fc.Arbitrary<Moment> = fc.oneof(
  fc.record(
    {
      edge: fc.constantFrom<"slotEnd" | "nextSlotEnd" | "challengeEnd" | "evidenceEnd" | "epochStart">(
        "slotEnd",
        "nextSlotEnd",
        "challengeEnd",
        "evidenceEnd",
        "epochStart",
      ),
      delta: fc.integer({ min: -2, max: 1 }),
    },
    { noNullPrototype: true },
  ),
  fc.nat({ max: 1_000_000 }).map((n): Moment => ({ wait: n % 10 === 0 ? 2 * 86_400 : 600 + (n % (6 * 3_600)) })),
);

interface Step {
  off: boolean; // a step shrinking has switched off (generated on 9 times in 10)
  kind: number;
  a: number;
  b: number;
  x: Uint;
  y: Uint;
  sig: Sig;
  at: Moment;
}
const KINDS = 28;
const stepArb: fc.Arbitrary<Step> = fc.record(
  {
    off: fc.nat({ max: 9 }).map((n) => n === 0),
    // the adversary's kinds (20 and up) take a third of the steps
    kind: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 19 }), weight: 2 },
      { arbitrary: fc.integer({ min: 20, max: KINDS - 1 }), weight: 1 },
    ),
    a: fc.nat({ max: 1_000 }),
    b: fc.nat({ max: 1_000_000 }),
    x: epochArb,
    y: slotArb,
    sig: sigArb,
    at: momentArb,
  },
  { noNullPrototype: true },
);
/** How a malicious node answers requests to attest: signs, stays silent, or returns a malformed signature. */
interface AttesterMode {
  mode: number; // 0 sign, 1 withhold, 2 malformed
  sig: Sig;
}

const clampUint = (v: bigint) => (v < 0n ? 0n : v > U256_MAX ? U256_MAX : v);
function resolve(u: Uint, s: bigint, epoch: bigint, slot: bigint, x = epoch): bigint {
  if ("lit" in u) return u.lit;
  const base = u.rel === "S" ? s : u.rel === "epoch" ? epoch : u.rel === "slot" ? slot : slot + s * (epoch - x);
  return clampUint(base + BigInt(u.plus));
}

// ------------------------------------------------------------------ signatures
/** Hardhat's accounts as local keys: signing in-process is far faster than eth_signTypedData. */
function localKeys(count: number): Map<string, SigningKey> {
  const root = HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0");
  const keys = new Map<string, SigningKey>();
  for (let i = 0; i < count; i++) {
    const w = root.deriveChild(i);
    keys.set(w.address, w.signingKey);
  }
  return keys;
}

/** `sig` as the adversary re-encodes it; `digest` seeds the random bytes, `foreign` signs it with another key. */
function mangle(sig: Signature, how: Sig, digest: string, foreign: SigningKey): string {
  if (how === "valid") return sig.serialized;
  if (how === "highS") return concat([sig.r, zeroPadValue(toBeHex(SECP256K1_N - BigInt(sig.s)), 32), toBeHex(55 - sig.v, 1)]);
  if (how === "random") return keccak256(digest) + keccak256(keccak256(digest)).slice(2, 4 + 62);
  if (how === "foreign") return foreign.sign(digest).serialized;
  if ("v" in how) return concat([sig.r, sig.s, toBeHex(how.v, 1)]);
  if (how.len === 0) return "0x";
  if (how.len === 64) return sig.compactSerialized; // EIP-2098
  return concat([sig.serialized, "0x00"]);
}

/** The one encoding the ledger must accept: 65 bytes, v 27 or 28, low s (SPEC.md section 5). */
function canonical(sig: string): boolean {
  if (ethers.dataLength(sig) !== 65) return false;
  const s = BigInt(ethers.dataSlice(sig, 32, 64));
  const v = Number(ethers.dataSlice(sig, 64, 65));
  return (v === 27 || v === 28) && s <= SECP256K1_N / 2n;
}

/**
 * The honest client's signature rule: the delegate client (src/delegate/) checks trade, producer and attester
 * signatures with recoverStrict (src/ledger/signing.ts), the ledger's one rule (65 bytes, v 27 or
 * 28, low s). An honest node is one that runs that client faithfully, so this is what honest
 * producers and attesters accept.
 */
function clientRecover(digest: string, sig: string): string | null {
  return recoverStrict(digest, sig);
}

// ------------------------------------------------------------------ the world
async function world() {
  const f = await deployed({ slotsPerEpoch: 6n });
  const nodes = f.others.slice(0, NODES);
  for (const [i, n] of nodes.entries()) await admitNode(f.system, f.admin, n, { capacity: BigInt(90_000 - i * 10_000) });
  const consumer = f.others[NODES];
  await admitNode(f.system, f.admin, consumer, { nodeClass: NodeClass.Consumer });
  const intruder = f.others[NODES + 1]; // registered, never admitted
  await f.registry.connect(intruder).register(NodeClass.Wind, 10_000n, "");
  await f.vault.connect(f.keeper).bondKeeper(5n * f.system.options.keeperMinBond);
  await f.vault.connect(f.outsider).fundPool(10_000n * WAD);
  const keys = localKeys(30);
  for (const n of [...nodes, consumer, intruder]) expect(keys.has(n.address), `local key of ${n.address}`).to.equal(true);
  const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await f.ledger.getAddress());
  // A history before the sequences start: two epochs elected and every one of their slots
  // produced, so "earlier epochs" exist for the adversary to name (and nothing in them is missed).
  const first = (await f.election.currentEpoch()) + 2n;
  await time.increaseTo(await f.election.snapshotOf(first));
  await openElection(f.election, first);
  await f.election.electReference(first);
  const S = await f.election.slotsPerEpoch();
  for (const epoch of [first, first + 1n]) {
    await time.increaseTo(await f.election.epochStart(epoch));
    await openElection(f.election, epoch + 1n);
    await f.election.electReference(epoch + 1n);
    const [list] = await f.election.delegatesOf(epoch);
    for (let slot = 0n; slot < S; slot++) {
      const [start] = await f.election.slotWindow(epoch, slot);
      if (start > BigInt(await time.latest())) await time.increaseTo(start);
      const owner = await f.election.slotOwner(epoch, slot);
      const h = blockHeader(epoch, slot, await f.ledger.head(), [], orderDigester(domain));
      const digest = headerDigest(domain, h);
      const signatures = [owner, ...list.filter((a) => a !== owner)].map((a) => keys.get(a)!.sign(digest).serialized);
      await f.ledger.connect(nodes.find((n) => n.address === owner)!).commitBlock(h, signatures, "0x");
    }
  }
  await time.increaseTo(await f.election.epochStart(first + 2n));
  const probe = await new InvariantProbe__factory(f.admin).deploy();
  const addresses = nodes.map((n) => n.address);
  const signerOf = new Map<string, Signer>([...nodes, consumer, intruder].map((n) => [n.address, n]));
  const clock = await Clock.read(f.election);
  const ledgerRewards = await f.ledger.rewards();
  const window = ledgerRewards.evidenceWindow;
  // the most one accrual of each role may take: a block's producer, each attester, a finalization
  const rates = [ledgerRewards.producerReward, ledgerRewards.attesterReward, await f.election.keeperReward()];
  const penalties = f.system.options.penalties;
  const names = new Map<string, string>([
    ...addresses.map((a, i): [string, string] => [a, `node${i}`]),
    [consumer.address, "consumer"],
    [intruder.address, "intruder"],
    [f.outsider.address, "outsider"],
  ]);
  return {
    ...f,
    nodes,
    addresses,
    consumer,
    intruder,
    probe,
    signerOf,
    keys,
    domain,
    orderDigest: orderDigester(domain),
    clock,
    window,
    rates,
    shares: poolShares(f.system.options),
    contractAddresses: await Promise.all([f.vault, f.ledger, f.election].map((c) => c.getAddress())),
    penalties,
    names,
  };
}
type World = Awaited<ReturnType<typeof world>>;

/**
 * The contract calls whose shape the fixes changed, in one place: slotWindow lives on the election
 * (slots ≥ S revert with IndexOutOfRange("slot", …)); challengeOrder(epoch, from, to) moves list[from] to `to`.
 * (openElection is followed by fixSeed in a later block: electionStep sends them as two steps.)
 */
const chain = {
  /** [start, end) of a slot as the chain computes it: what the client asks. */
  slotWindow: async (w: World, epoch: bigint, slot: bigint) => {
    const [start, end] = await w.election.slotWindow(epoch, slot);
    return { start, end };
  },
  challengeOrder: (w: World, from: Signer, epoch: bigint, fromIndex: bigint, toIndex: bigint) =>
    w.election.connect(from).challengeOrder(epoch, fromIndex, toIndex),
};

// ------------------------------------------------------------------ the model
interface Block {
  header: BlockHeader;
  producer: string;
  trades: SignedTrade[];
  invalid: string | null; // why the model holds the block invalid, or null
}
interface SlotDuty {
  epoch: bigint;
  slot: bigint;
  /** Owners the model saw scheduled while there was time to commit. */
  seen: Set<string>;
  /** Honest owners that tried and failed, whether the protocol excuses it (too few attesters signed), and why. */
  honestFailed: Map<string, { excused: boolean; reason: string }>;
}
interface Reportable {
  key: string;
  label: string;
  slotEnd: bigint;
  send: () => Promise<ContractTransactionResponse>;
  /** Whether the protocol makes this act punishable at all (an equivocation only of a delegate of its epoch). */
  punishable?: () => Promise<boolean>;
}

interface Model {
  malicious: Set<string>;
  modes: Map<string, AttesterMode>;
  stakes: Map<string, bigint>;
  keeperStake: bigint;
  quality: Map<string, bigint>;
  offences: Map<string, number>;
  creditPenalty: Map<string, bigint>;
  jailed: Map<string, boolean>;
  /** Each node's jail changes as the model saw them: when (block timestamp) and to what. */
  jailLog: Map<string, { at: bigint; jailed: boolean }[]>;
  punished: Set<string>;
  /** Every header each node really signed, by signer and (epoch, slot): digest → header, signature, trades. */
  signed: Map<string, Map<string, { header: BlockHeader; sig: Signature; trades: SignedTrade[] }>>;
  /** Equivocations (a second header for one (epoch, slot)) by evidence key. */
  equivocations: Map<string, { signer: string; epoch: bigint; slot: bigint }>;
  duties: Map<string, SlotDuty>;
  missedKeys: Map<string, string>; // evidence key → duty key
  blocks: Map<string, Block>; // by `${epoch}:${slot}`
  invalidKeys: Map<string, string>; // evidence key → block key
  /** Where each committed order was first included. */
  orderHome: Map<string, { block: Block; trade: SignedTrade }>;
  /** Trades waiting at the honest clients (accepted by the client's rule when sent). */
  pool: SignedTrade[];
  reportable: Reportable[];
  attempted: Set<string>;
  nonce: bigint;
  trail: string[];
  tolerated: Map<string, number>;
  stats: Map<string, number>;
  money: Money;
}

/** The reward pool as the model counts it from every vault event since the sequence began. */
interface Money {
  /** The first block whose vault events are not folded in yet. */
  fromBlock: number;
  /** Producers', attesters' and keepers' pools (RewardRole order). */
  pools: bigint[];
  /** Unclaimed rewards of every account an event named, and of all accounts together. */
  rewards: Map<string, bigint>;
  totalRewards: bigint;
  /** The split of the latest PoolShared event, waiting for the inflow event that follows it. */
  shared: (PoolShares & { amount: bigint }) | null;
  /** Accruals from the role pools folded in: the sequences must reach them. */
  accruals: number;
}

const slotKey = (epoch: bigint, slot: bigint) => `${epoch}:${slot}`;
const abi = AbiCoder.defaultAbiCoder();
const missedKey = (e: bigint, s: bigint) => keccak256(abi.encode(["string", "uint256", "uint256"], ["missed", e, s]));
const equivocationKey = (signer: string, e: bigint, s: bigint) =>
  keccak256(abi.encode(["string", "address", "uint256", "uint256"], ["equivocation", signer, e, s]));
const invalidKey = (e: bigint, s: bigint) => keccak256(abi.encode(["string", "uint256", "uint256"], ["invalid", e, s]));

const name = (w: World, a: string) => w.names.get(a) ?? a;

/** Records that `node`'s jail became `jailed` in the block at `at`. */
function setJailed(m: Model, node: string, jailed: boolean, at: bigint) {
  m.jailed.set(node, jailed);
  const log = m.jailLog.get(node) ?? [];
  log.push({ at, jailed });
  m.jailLog.set(node, log);
}

/** Whether the model holds `node` jailed at the end of second `t`. */
function jailedAt(m: Model, node: string, t: bigint): boolean {
  const log = m.jailLog.get(node) ?? [];
  for (let i = log.length - 1; i >= 0; i--) if (log[i].at <= t) return log[i].jailed;
  return false;
}

/**
 * Whether a missed slot (`d`) is punishable per the model: a malicious owner scheduled while there
 * was time withheld it, and was not already jailed as the slot began (its jail is its punishment,
 * the ledger refuses a second one per slot: OwnerJailed).
 */
function withheldPunishable(w: World, m: Model, d: SlotDuty | undefined): boolean {
  if (!d || m.blocks.has(slotKey(d.epoch, d.slot))) return false;
  const start = w.clock.slotWindow(d.epoch, d.slot).start;
  return [...d.seen].some((a) => m.malicious.has(a) && !jailedAt(m, a, start - 1n));
}
const honest = (m: Model, a: string) => !m.malicious.has(a);
const note = (m: Model, line: string) => {
  m.trail.push(line);
};

/** Counts an adversary call's outcome by call and error name: which parts of the domain a run reached. */
function stat(m: Model, call: string, error?: string) {
  const k = `${call}: ${error === undefined ? "went through" : error.replace(/\(.*$/s, "").replace(/^'|'$/g, "")}`;
  m.stats.set(k, (m.stats.get(k) ?? 0) + 1);
}

/** A broken invariant: fails the property, unless its kind is tolerated (then logged and absorbed). */
function violation(m: Model, kind: string, message: string) {
  if (TOLERATE.has(kind)) {
    m.tolerated.set(kind, (m.tolerated.get(kind) ?? 0) + 1);
    note(m, `  tolerated ${kind}: ${message}`);
    return;
  }
  if (process.env.PROPERTY_TRAIL) writeFileSync(process.env.PROPERTY_TRAIL, m.trail.join("\n") + "\n");
  // the steps run so far, then the last of what they did
  const steps = m.trail.filter((l) => l.startsWith("step "));
  const shown = steps.length <= 15 ? steps : [...steps.slice(0, 3), `... ${steps.length - 6} more steps`, ...steps.slice(-3)];
  expect.fail(`[${kind}] ${message}\n  steps:\n    ${shown.join("\n    ")}\n  trail:\n${m.trail.slice(-25).join("\n")}`);
}

/** `signer` signs `header` (its real act, recorded); an honest signer refuses a second header for one slot. */
function sign(w: World, m: Model, signer: string, header: BlockHeader, trades: SignedTrade[]): Signature | null {
  const digest = headerDigest(w.domain, header);
  const key = `${signer}|${header.epoch}|${header.slot}`;
  const mine = m.signed.get(key) ?? new Map();
  const before = mine.get(digest);
  if (before) return before.sig;
  if (mine.size > 0 && honest(m, signer)) return null; // the honest node's slashing protection
  const sig = Signature.from(w.keys.get(signer)!.sign(digest));
  mine.set(digest, { header, sig, trades });
  m.signed.set(key, mine);
  if (mine.size === 2) {
    // a double signature: the model's record of an equivocation, provable by anyone
    const ev = equivocationKey(signer, header.epoch, header.slot);
    m.equivocations.set(ev, { signer, epoch: header.epoch, slot: header.slot });
    const [[, a], [, b]] = [...mine.entries()];
    note(m, `  ${name(w, signer)} double-signs (${header.epoch}, ${header.slot})`);
    m.reportable.push({
      key: ev,
      label: `equivocation of ${name(w, signer)} at (${header.epoch}, ${header.slot})`,
      slotEnd: slotEndOf(w, header.epoch, header.slot),
      send: () => w.ledger.connect(w.outsider).reportEquivocation(a.header, a.sig.serialized, b.header, b.sig.serialized),
      // the ledger punishes double signing by a member of the epoch's list (delegate or standby)
      punishable: async () => {
        const [list] = await w.election.delegatesOf(header.epoch).catch(() => [[] as string[]]);
        return list.includes(signer);
      },
    });
  }
  return sig;
}

function slotEndOf(w: World, e: bigint, s: bigint): bigint {
  return w.clock.isSlot(s) && e <= w.clock.maxEpoch ? w.clock.slotWindow(e, s).end : U256_MAX;
}

function duty(m: Model, e: bigint, s: bigint): SlotDuty {
  const k = slotKey(e, s);
  let d = m.duties.get(k);
  if (!d) {
    d = { epoch: e, slot: s, seen: new Set(), honestFailed: new Map() };
    m.duties.set(k, d);
    m.missedKeys.set(missedKey(e, s), k);
  }
  return d;
}

// ------------------------------------------------------------------ sending and accounting
async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/** Sends `tx`; a revert is an allowed outcome (the invariants check it changed nothing). */
async function attempt(
  tx: () => Promise<ContractTransactionResponse>,
): Promise<{ receipt: ContractTransactionReceipt | null; error?: string }> {
  try {
    return { receipt: await (await tx()).wait() };
  } catch (e) {
    const text = (e as { shortMessage?: string; message?: string }).shortMessage ?? String((e as Error).message);
    return { receipt: null, error: text.replace(/^.*reverted with (custom error )?/, "").slice(0, 120) };
  }
}

/**
 * Judges every punishment in `receipt` against the model and folds it in: each must be of a
 * dishonest act the model recorded, on that act's author, once, inside the evidence window, with
 * the slash its penalty prescribes; stakes move only with a proven offence. Returns how many.
 */
async function judge(w: World, m: Model, receipt: ContractTransactionReceipt | null, what: string): Promise<number> {
  if (!receipt) return 0;
  const at = BigInt((await receipt.getBlock()).timestamp);
  const slashed = new Map<string, bigint>();
  const punishments: { offender: string; offence: Offence; key: string }[] = [];
  for (const log of receipt.logs) {
    const l = w.ledger.interface.parseLog(log);
    if (l?.name === "OffencePunished")
      punishments.push({ offender: l.args.offender, offence: Number(l.args.offence), key: l.args.evidence });
    const v = w.vault.interface.parseLog(log);
    if (v?.name === "Slashed") slashed.set(v.args.node, (slashed.get(v.args.node) ?? 0n) + v.args.amount);
    const r = w.registry.interface.parseLog(log);
    if (r?.name === "NodeUnjailed") setJailed(m, r.args.node, false, at);
  }
  for (const [node] of slashed)
    expect(
      punishments.some((p) => p.offender === node),
      `${name(w, node)} slashed without a proven offence`,
    ).to.equal(true);
  for (const p of punishments) {
    const who = name(w, p.offender);
    const side = honest(m, p.offender) ? "honest" : "malicious";
    note(m, `  => ${what} punishes ${who} (${side}) for ${Offence[p.offence]}`);
    if (m.punished.has(p.key)) violation(m, "double-punishment", `evidence ${p.key} punished twice (${who})`);
    let slotEnd = U256_MAX;
    if (p.offence === Offence.MissedSlot) {
      const d = m.duties.get(m.missedKeys.get(p.key) ?? "");
      if (!d) {
        violation(m, "missed-unscheduled", `${who} (${side}) punished by ${what} for a missed slot the model never saw scheduled`);
      } else {
        slotEnd = slotEndOf(w, d.epoch, d.slot);
        const failed = d.honestFailed.get(p.offender);
        const withheld = m.malicious.has(p.offender) && d.seen.has(p.offender);
        if (m.blocks.has(slotKey(d.epoch, d.slot)))
          violation(m, "missed-committed", `${who} punished for committed slot (${d.epoch}, ${d.slot})`);
        else if (at < slotEnd) violation(m, "missed-early", `${who} punished for slot (${d.epoch}, ${d.slot}) before its end`);
        else if (jailedAt(m, p.offender, w.clock.slotWindow(d.epoch, d.slot).start - 1n))
          violation(
            m,
            "missed-jailed-owner",
            `${who} punished for slot (${d.epoch}, ${d.slot}) though jailed as it began (a second punishment)`,
          );
        else if (!withheld && !failed?.excused) {
          const seen = [...d.seen].map((a) => name(w, a)).join(", ") || "nobody";
          const why = failed ? `its commit failed: ${failed.reason}` : "it never had time to commit";
          const cause = !failed
            ? "no-time"
            : /ECDSA/.test(failed.reason)
              ? "malformed-attestation"
              : /WrongParent/.test(failed.reason)
                ? "wrong-parent"
                : "commit-failed";
          violation(
            m,
            `missed-not-withheld/${cause}`,
            `${who} (${side}) punished for missed slot (${d.epoch}, ${d.slot}); ${why}; scheduled while time remained: ${seen}`,
          );
        }
      }
    } else if (p.offence === Offence.Equivocation) {
      const e = m.equivocations.get(p.key);
      if (!e) violation(m, "equivocation-unproven", `${who} (${side}) punished for an equivocation the model never saw`);
      else if (e.signer !== p.offender)
        violation(m, "equivocation-wrong-author", `${who} punished for ${name(w, e.signer)}'s equivocation`);
      else slotEnd = slotEndOf(w, e.epoch, e.slot);
    } else {
      const b = m.blocks.get(m.invalidKeys.get(p.key) ?? "");
      if (!b) violation(m, "invalid-uncommitted", `${who} (${side}) punished for an invalid block the model never saw committed`);
      else {
        slotEnd = slotEndOf(w, b.header.epoch, b.header.slot);
        if (b.invalid === null)
          violation(
            m,
            "invalid-but-valid",
            `${who} (${side}) punished for block (${b.header.epoch}, ${b.header.slot}) whose trades the honest client accepts`,
          );
        else if (b.producer !== p.offender)
          violation(
            m,
            "invalid-wrong-author",
            `${who} (${side}) punished for block (${b.header.epoch}, ${b.header.slot}) produced by ${name(w, b.producer)}`,
          );
      }
    }
    if (slotEnd !== U256_MAX && at > slotEnd + w.window) violation(m, "evidence-late", `${who} punished after the evidence window`);
    // fold the punishment in: the slash its penalty prescribes, credit, trust and jail
    const penalty = w.penalties[p.offence];
    const stake = m.stakes.get(p.offender) ?? 0n;
    const expected = (stake * penalty.slashFraction) / WAD;
    if (m.stakes.has(p.offender)) {
      expect(slashed.get(p.offender) ?? 0n, `slash of ${who}`).to.equal(expected);
      m.stakes.set(p.offender, stake - expected);
    }
    m.punished.add(p.key);
    m.offences.set(p.offender, (m.offences.get(p.offender) ?? 0) + 1);
    const c = (m.creditPenalty.get(p.offender) ?? 0n) + penalty.creditPenalty;
    m.creditPenalty.set(p.offender, c > 10n * WAD ? 10n * WAD : c);
    setJailed(m, p.offender, true, at);
  }
  return punishments.length;
}

/** A dishonest act the model knows of, reported within its window and not yet punished, must be punished. */
function mustPunish(w: World, m: Model, key: string, slotEnd: bigint, sentAround: bigint, label: string, error?: string) {
  if (m.punished.has(key) || slotEnd === U256_MAX) return;
  if (sentAround < slotEnd || sentAround + 5n > slotEnd + w.window) return; // not over, or too near the window's end to tell
  violation(m, "unpunished-act", `${label} was reported in its window and not punished (${error})`);
}

async function readState(w: World) {
  return w.probe.read(await w.vault.getAddress(), await w.registry.getAddress(), await w.election.getAddress(), w.addresses, [
    w.keeper.address,
  ]);
}

/** The money model at the start of a sequence: the vault's pools and unclaimed total, from the next block on. */
async function moneyNow(w: World): Promise<Money> {
  const [pools, totalRewards, block] = await Promise.all([w.vault.rewardPools(), w.vault.totalRewards(), ethers.provider.getBlockNumber()]);
  return { fromBlock: block + 1, pools: [...pools], rewards: new Map(), totalRewards, shared: null, accruals: 0 };
}

/**
 * Folds every vault event since the last check into the money model and holds the vault to it: an
 * inflow (fee, funding, a slash's remainder) is shared exactly as src/rewards/pool.ts splits it; an
 * accrual takes at most its rate and what its role's pool holds (no role is paid more than its
 * share of what came in), and only to who did that role's work in the same transaction (the
 * producer or an other attester of the block committed, the submitter of the election finalized,
 * for the reward the election reports); a claim pays exactly what the account was accrued. Then the vault's
 * pools, unclaimed total and every account the events named must equal the model's, to the wei.
 */
async function checkPool(w: World, m: Model, s: Awaited<ReturnType<typeof readState>>) {
  const money = m.money;
  const latest = await ethers.provider.getBlockNumber(); // no transaction since the probe's read
  if (latest < money.fromBlock) return;
  const [vault, ledger, election] = w.contractAddresses;
  const logs = await ethers.provider.getLogs({ address: [vault, ledger, election], fromBlock: money.fromBlock, toBlock: latest });
  money.fromBlock = latest + 1;
  // who did which work in each transaction: blocks committed, elections finalized
  const work = new Map<string, { producers: string[]; attesters: string[]; keepers: Map<string, bigint> }>();
  const workOf = (tx: string) => {
    if (!work.has(tx)) work.set(tx, { producers: [], attesters: [], keepers: new Map() });
    return work.get(tx)!;
  };
  for (const log of logs) {
    if (log.address === ledger) {
      const e = w.ledger.interface.parseLog(log);
      if (e?.name !== "BlockCommitted") continue;
      workOf(log.transactionHash).producers.push(e.args.producer);
      workOf(log.transactionHash).attesters.push(...[...e.args.attesters].filter((a: string) => a !== e.args.producer));
    } else if (log.address === election) {
      const e = w.election.interface.parseLog(log);
      if (e?.name === "DelegatesFinalized") workOf(log.transactionHash).keepers.set(e.args.submitter, e.args.reward);
    }
  }
  const touched = new Set<string>();
  const credit = async (account: string, amount: bigint, block: number) => {
    // an account first named now held, just before this block, what it held as the sequence began
    const before = money.rewards.get(account) ?? (await w.vault.rewards(account, { blockTag: block - 1 }));
    money.rewards.set(account, before + amount);
    money.totalRewards += amount;
    touched.add(account);
  };
  const inflow = (amount: bigint, what: string) => {
    const shared = money.shared;
    money.shared = null;
    if (amount === 0n) {
      expect(shared, `${what} of nothing shares nothing`).to.equal(null);
      return;
    }
    const parts = splitInflow(amount, w.shares);
    expect(shared, `${what} of ${amount} is shared among the roles`).to.deep.equal({ amount, ...parts });
    money.pools[RewardRole.Producer] += parts.producers;
    money.pools[RewardRole.Attester] += parts.attesters;
    money.pools[RewardRole.Keeper] += parts.keepers;
  };
  for (const log of logs) {
    if (log.address !== vault) continue;
    const e = w.vault.interface.parseLog(log);
    if (!e) continue;
    const a = e.args;
    if (e.name === "PoolShared")
      money.shared = { amount: a.amount, producers: a.toProducers, attesters: a.toAttesters, keepers: a.toKeepers };
    else if (e.name === "FeeCollected" || e.name === "PoolFunded") inflow(a.amount, e.name);
    else if (e.name === "Slashed") {
      inflow((a.amount as bigint) - (a.reporterShare as bigint), "a slash's remainder");
      if (a.reporterShare > 0n) await credit(a.reporter, a.reporterShare, log.blockNumber);
    } else if (e.name === "RewardAccrued") {
      const role = Number(a.role) as RewardRole;
      if (a.amount > money.pools[role])
        violation(m, "role-overpaid", `${RewardRole[role]} accrual of ${a.amount} beyond its pool of ${money.pools[role]}`);
      if (a.amount > w.rates[role])
        violation(m, "rate-exceeded", `${RewardRole[role]} accrual of ${a.amount} beyond its rate ${w.rates[role]}`);
      const did = workOf(log.transactionHash);
      const earned =
        role === RewardRole.Producer
          ? did.producers.includes(a.account)
          : role === RewardRole.Attester
            ? did.attesters.includes(a.account)
            : did.keepers.get(a.account) === a.amount;
      if (!earned)
        violation(m, "unearned-reward", `${RewardRole[role]} reward of ${a.amount} to ${name(w, a.account)}, who did no such work`);
      if (role === RewardRole.Producer) did.producers.splice(did.producers.indexOf(a.account), 1); // once a block
      money.pools[role] -= a.amount;
      money.accruals += 1;
      expect(a.rolePool, `${RewardRole[role]} pool after an accrual`).to.equal(money.pools[role]);
      await credit(a.account, a.amount, log.blockNumber);
    } else if (e.name === "KeeperBondSeized") await credit(a.beneficiary, a.amount, log.blockNumber);
    else if (e.name === "RewardClaimed") {
      const owed = money.rewards.get(a.account) ?? (await w.vault.rewards(a.account, { blockTag: log.blockNumber - 1 }));
      expect(a.amount, `claim of ${name(w, a.account)}`).to.equal(owed);
      money.rewards.set(a.account, 0n);
      money.totalRewards -= a.amount;
      touched.add(a.account);
    }
  }
  expect(money.shared, "a PoolShared event without its inflow").to.equal(null);
  expect([...s.rewardPools], "role pools").to.deep.equal(money.pools);
  expect(s.totalRewards, "unclaimed rewards").to.equal(money.totalRewards);
  for (const account of touched)
    expect(await w.vault.rewards(account), `unclaimed rewards of ${name(w, account)}`).to.equal(money.rewards.get(account));
}

async function checkInvariants(w: World, m: Model) {
  const s = await readState(w);
  await checkPool(w, m, s);
  expect(s.vaultBalance, "conservation").to.equal(s.accounted);
  for (const [i, node] of w.addresses.entries()) expect(s.stakes[i], `stake of ${name(w, node)}`).to.equal(m.stakes.get(node));
  expect(s.keeperBonds[0], "keeper bond").to.equal(m.keeperStake);
  const jailed = new Set(w.addresses.filter((_, i) => s.jailed[i]));
  for (const owner of s.owners)
    if (jailed.has(owner)) violation(m, "jailed-scheduled", `jailed ${name(w, owner)} holds slots still to come`);
  const r = await w.probe.records(await w.registry.getAddress(), w.addresses);
  for (const [i, node] of w.addresses.entries()) {
    const who = `${name(w, node)} (${honest(m, node) ? "honest" : "malicious"})`;
    expect(r.jailed[i], `jail of ${who}`).to.equal(m.jailed.get(node));
    expect(Number(r.offences[i]), `offences (trust record) of ${who}`).to.equal(m.offences.get(node));
    expect(r.offencePenalty[i], `offence penalty (credit) of ${who}`).to.equal(m.creditPenalty.get(node));
    expect(r.quality[i], `quality of ${who}`).to.equal(m.quality.get(node));
  }
}

// ------------------------------------------------------------------ the honest client, as the model runs it
/** The delegate client's trade check (src/delegate/trades.ts, rules in checks.ts): both signatures by the client's rule, both parties admitted and unjailed at `at`, not yet included. */
async function clientAccepts(w: World, m: Model, t: SignedTrade, at?: bigint): Promise<boolean> {
  const digest = w.orderDigest(t.order);
  if (m.orderHome.has(digest) || t.order.seller === t.order.buyer) return false;
  for (const [who, sig] of [
    [t.order.seller, t.sellerSignature],
    [t.order.buyer, t.buyerSignature],
  ] as const) {
    if (clientRecover(digest, sig) !== who) return false;
    const [admitted, jailed] =
      at === undefined
        ? [await w.registry.isAdmitted(who), await w.registry.isJailed(who)]
        : await w.registry.creditRecordAt(who, at).then((r) => [r.admitted, r.jailed]);
    if (!admitted || jailed) return false;
  }
  return true;
}

/** Why the model holds a committed block's trades invalid (the honest client would not have put them in), or null. */
async function invalidity(w: World, m: Model, trades: SignedTrade[], start: bigint): Promise<string | null> {
  const seen = new Set<string>();
  for (const t of trades) {
    const d = w.orderDigest(t.order);
    if (m.orderHome.has(d) || seen.has(d)) return "a replayed order";
    seen.add(d);
    if (!(await clientAccepts(w, m, t, start - 1n))) return "a trade the client refuses";
  }
  return null;
}

/**
 * The delegate client's /attest (src/delegate/attestation.ts, rules in checks.ts), for honest node `me`: a slot of an epoch, the producer's
 * signature by the strict rule, one header per slot, only inside the slot by chain time (before it
 * begins its owner may still change), the producer owns it, `me` serves the epoch, the head, the
 * header's fields match the trades, and every trade passes the client's check.
 */
async function honestAttest(
  w: World,
  m: Model,
  me: string,
  h: BlockHeader,
  producerSig: string,
  trades: SignedTrade[],
): Promise<string | null> {
  const digest = headerDigest(w.domain, h);
  const producer = clientRecover(digest, producerSig);
  let owner: string;
  try {
    owner = await w.election.slotOwner(h.epoch, h.slot);
  } catch {
    return null;
  }
  if (producer === null || owner === ethers.ZeroAddress || owner !== producer) return null;
  const mine = m.signed.get(`${me}|${h.epoch}|${h.slot}`);
  if (mine?.has(digest)) return mine.get(digest)!.sig.serialized;
  if (mine && mine.size > 0) return null;
  let win;
  try {
    win = await chain.slotWindow(w, h.epoch, h.slot);
  } catch {
    return null;
  }
  const t = await now(); // the client's chain time: the latest block's
  if (t < win.start || t >= win.end) return null;
  const [list, , k] = await w.election.delegatesOf(h.epoch);
  const used = await w.election.standbysUsed(h.epoch);
  if (!list.slice(0, Number(k + used)).includes(me)) return null; // a standby attests once it serves
  if (h.parentHash !== (await w.ledger.head())) return null;
  const expected = blockHeader(h.epoch, h.slot, h.parentHash, trades, w.orderDigest);
  if (
    expected.tradeRoot !== h.tradeRoot ||
    expected.payloadHash !== h.payloadHash ||
    expected.tradeCount !== h.tradeCount ||
    expected.energyTotal !== h.energyTotal
  )
    return null;
  if ((await invalidity(w, m, trades, win.start)) !== null) return null;
  return sign(w, m, me, h, trades)?.serialized ?? null;
}

/**
 * The producer's request for attestations to every other member of the epoch's list (the client's
 * collect(), which passes on whatever comes back); malicious members answer by their mode. Also
 * counts the canonical signatures by members that validate: whether a majority was possible at all.
 */
async function collect(w: World, m: Model, producer: string, h: BlockHeader, producerSig: string, trades: SignedTrade[]) {
  const [list, , k] = await w.election.delegatesOf(h.epoch).catch(() => [[], 0n, 0n] as const);
  const used = await w.election.standbysUsed(h.epoch).catch(() => 0n);
  // the members whose signatures the ledger counts: the K and the standbys serving, still admitted
  const validators = new Set<string>();
  for (const a of list.slice(0, Number(k + used))) if (await w.registry.isAdmitted(a)) validators.add(a);
  const digest = headerDigest(w.domain, h);
  const answers: string[] = [];
  let valid = validators.has(producer) && canonical(producerSig) ? 1 : 0;
  for (const o of [...new Set(list)].filter((a) => a !== producer)) {
    let answer: string | null;
    if (honest(m, o)) answer = await honestAttest(w, m, o, h, producerSig, trades);
    else {
      const mode = m.modes.get(o)!;
      const real = mode.mode === 1 ? null : sign(w, m, o, h, trades);
      answer = real === null ? null : mode.mode === 2 ? mangle(real, mode.sig, digest, w.keys.get(w.intruder.address)!) : real.serialized;
    }
    if (answer === null) continue;
    answers.push(answer);
    if (validators.has(o) && canonical(answer) && clientRecover(digest, answer) === o) valid += 1;
  }
  return { answers, valid, k };
}

function recordBlock(w: World, m: Model, producer: string, h: BlockHeader, trades: SignedTrade[], invalid: string | null) {
  const block: Block = { header: h, producer, trades, invalid };
  const k = slotKey(h.epoch, h.slot);
  m.blocks.set(k, block);
  m.invalidKeys.set(invalidKey(h.epoch, h.slot), k);
  note(m, `  ${name(w, producer)} commits (${h.epoch}, ${h.slot}) with ${trades.length} trades${invalid ? ` (invalid: ${invalid})` : ""}`);
  const tree = trades.length > 0 ? tradeTree(trades, w.orderDigest) : null;
  const proofOf = (t: SignedTrade) => tree!.getProof(tradeLeaf(t, w.orderDigest));
  for (const t of trades) {
    const d = w.orderDigest(t.order);
    const home = m.orderHome.get(d);
    if (home && invalid === "a replayed order") {
      const first = home;
      const homeTree = tradeTree(first.block.trades, w.orderDigest);
      m.reportable.push({
        key: invalidKey(h.epoch, h.slot),
        label: `replay in (${h.epoch}, ${h.slot}) by ${name(w, producer)}`,
        slotEnd: slotEndOf(w, h.epoch, h.slot),
        send: () =>
          w.ledger.connect(w.outsider).reportReplayedTrade(
            d,
            {
              header: first.block.header,
              sellerSignatureHash: keccak256(first.trade.sellerSignature),
              buyerSignatureHash: keccak256(first.trade.buyerSignature),
              proof: homeTree.getProof(tradeLeaf(first.trade, w.orderDigest)),
            },
            {
              header: h,
              sellerSignatureHash: keccak256(t.sellerSignature),
              buyerSignatureHash: keccak256(t.buyerSignature),
              proof: proofOf(t),
            },
          ),
      });
    } else if (!home) m.orderHome.set(d, { block, trade: t });
  }
  if (invalid !== null && invalid !== "a replayed order") {
    const t = trades[0];
    m.reportable.push({
      key: invalidKey(h.epoch, h.slot),
      label: `invalid trade in (${h.epoch}, ${h.slot}) by ${name(w, producer)}`,
      slotEnd: slotEndOf(w, h.epoch, h.slot),
      send: () => w.ledger.connect(w.outsider).reportInvalidTrade(h, t.order, t.sellerSignature, t.buyerSignature, proofOf(t)),
    });
  }
  m.pool = m.pool.filter((p) => !m.orderHome.has(w.orderDigest(p.order)));
}

/** Signs, collects and commits `h` as `producer`; returns the receipt, or why it failed and whether a majority was possible. */
async function produceBlock(w: World, m: Model, producer: string, h: BlockHeader, trades: SignedTrade[], extra?: { sig: Sig; at: number }) {
  const mine = sign(w, m, producer, h, trades);
  if (!mine) return { receipt: null, error: "it would sign a second header for the slot", excused: false };
  const { answers, valid, k } = await collect(w, m, producer, h, mine.serialized, trades);
  const signatures = [mine.serialized, ...answers];
  if (extra) {
    // the adversary slips one malformed signature in among the valid ones
    const bad = mangle(mine, extra.sig, headerDigest(w.domain, h), w.keys.get(w.intruder.address)!);
    signatures.splice(extra.at % (signatures.length + 1), 0, bad);
  }
  const start = w.clock.isSlot(h.slot) && h.epoch <= w.clock.maxEpoch ? w.clock.slotWindow(h.epoch, h.slot).start : 0n;
  const invalid = trades.length > 0 ? await invalidity(w, m, trades, start) : null;
  const r = await attempt(() => w.ledger.connect(w.signerOf.get(producer)!).commitBlock(h, signatures, encodeTrades(trades)));
  if (r.receipt) recordBlock(w, m, producer, h, trades, invalid);
  return { ...r, excused: valid * 2 <= Number(k) };
}

/** An honest owner's turn (the client's tick): once per slot, the pool's valid trades on the head, or the header it already signed. */
async function honestProduce(w: World, m: Model, producer: string, e: bigint, s: bigint) {
  const key = `${producer}|${e}|${s}`;
  if (m.attempted.has(key)) return;
  m.attempted.add(key);
  const { start } = w.clock.slotWindow(e, s);
  const prior = m.signed.get(key);
  let h: BlockHeader;
  let trades: SignedTrade[];
  if (prior && prior.size > 0) {
    // it attested this slot's header already: proposing another would be double signing
    [{ header: h, trades }] = [...prior.values()];
  } else {
    trades = [];
    for (const t of m.pool) if (trades.length < 3 && (await clientAccepts(w, m, t, start - 1n))) trades.push(t);
    h = blockHeader(e, s, await w.ledger.head(), trades, w.orderDigest);
  }
  const r = await produceBlock(w, m, producer, h, trades);
  if (!r.receipt) {
    duty(m, e, s).honestFailed.set(producer, { excused: r.excused, reason: r.error ?? "" });
    note(m, `  honest ${name(w, producer)} fails to commit (${e}, ${s}): ${r.error}${r.excused ? " (too few attesters: excused)" : ""}`);
  }
}

/**
 * After every step, what the online honest services do at once: the keeper carries the last set
 * over into an epoch that began without one (handing over its jailed members from the next slot),
 * the model notes who is scheduled now, and an honest owner commits (the delegate client's tick).
 * The owner of a slot is fixed as the slot begins: the model holds the contract to it.
 */
async function tick(w: World, m: Model) {
  const t = (await now()) + 1n;
  const { epoch, slot } = w.clock.slotAt(t);
  const el = await w.election.elections(epoch);
  if (!el.finalized && !el.carriedOver) {
    const r = await attempt(() => w.election.connect(w.keeper).carryOver(epoch));
    note(m, `  keeper carries the set over to epoch ${epoch}: ${r.receipt ? "done" : r.error}`);
    await judge(w, m, r.receipt, "carryOver");
    return tick(w, m);
  }
  const { start, end } = w.clock.slotWindow(epoch, slot);
  const owner = await w.election.slotOwner(epoch, slot);
  if (owner === ethers.ZeroAddress || t >= end) return;
  const d = duty(m, epoch, slot);
  d.seen.add(owner);
  if (d.seen.size > 1)
    violation(
      m,
      "owner-changed",
      `slot (${epoch}, ${slot}) changed owner after it began: ${[...d.seen].map((a) => name(w, a)).join(", ")}`,
    );
  if (!honest(m, owner) || m.blocks.has(slotKey(epoch, slot))) return;
  // the honest client works on the slot of the latest block's time, and its attesters sign only
  // inside the slot: at the second before the slot begins it waits for the next block
  if (t === start) await mine();
  await honestProduce(w, m, owner, epoch, slot);
}

// ------------------------------------------------------------------ time
/** The honest watcher is online (SECURITY.md's one assumption): before time moves on, it repairs an open list. */
async function watch(w: World, m: Model) {
  const target = (await w.election.currentEpoch()) + 1n;
  const el = await w.election.elections(target);
  if (el.submission === ethers.ZeroAddress || el.finalized) return;
  if ((await now()) + 1n >= el.submittedAt + (await w.election.challengePeriod())) return;
  for (let i = 0; i < 60 && (await challengeOnce(w, m, target)) !== null; i++);
}

/** Moves the chain to `target` slot by slot: the watcher, the keeper and every honest owner act before time leaves them. */
async function walkTo(w: World, m: Model, target: bigint) {
  for (;;) {
    await watch(w, m);
    await tick(w, m);
    const t = (await now()) + 1n;
    const { epoch, slot } = w.clock.slotAt(t);
    const { end } = w.clock.slotWindow(epoch, slot);
    if (target < end) break;
    await time.increaseTo(end);
  }
  if (target > (await now())) await time.increaseTo(target);
}

/** The moment `at` names from now, or null when it lies in the past. */
async function momentOf(w: World, m: Model, at: Moment, a: number): Promise<bigint | null> {
  const t = await now();
  if ("wait" in at) return t + BigInt(at.wait);
  const { epoch, slot } = w.clock.slotAt(t + 1n);
  const { end } = w.clock.slotWindow(epoch, slot);
  let edge: bigint | null = null;
  if (at.edge === "slotEnd") edge = end;
  else if (at.edge === "nextSlotEnd") edge = end + w.clock.slotDuration;
  else if (at.edge === "epochStart") edge = w.clock.epochStart(epoch + 1n);
  else if (at.edge === "challengeEnd") {
    const el = await w.election.elections(epoch + 1n);
    if (el.submission !== ethers.ZeroAddress) edge = el.submittedAt + (await w.election.challengePeriod());
  } else {
    const acts = [...m.duties.values()].map((d) => slotEndOf(w, d.epoch, d.slot)).filter((e) => e + w.window > t);
    if (acts.length > 0) edge = acts[a % acts.length] + w.window;
  }
  // the chain mines a block at the moment named, so the next transaction lands one second later
  return edge === null || edge + BigInt(at.delta) <= t ? null : edge + BigInt(at.delta);
}

// ------------------------------------------------------------------ election
async function challengeOnce(w: World, m: Model, target: bigint) {
  const c = await wrongness(w, target);
  if (c === null) return null;
  const { receipt } = await attempt(() => sendChallenge(w.election, w.outsider, target, c));
  expect(receipt, `the watcher's ${c.kind} challenge against a wrong list`).to.not.equal(null);
  const reward = await w.election.challengeReward();
  m.keeperStake -= reward < m.keeperStake ? reward : m.keeperStake;
  return receipt;
}

/** The honest watcher's next challenge against `target`'s list (scored off-chain), null when it is right. */
async function wrongness(w: World, target: bigint): Promise<Challenge | null> {
  const list = [...(await w.election.submittedList(target))];
  const everyone = [...w.addresses, w.consumer.address, w.intruder.address];
  const scored = await new SnapshotReader(w.registry, w.vault, w.election).scoreAll(target, everyone);
  const byNode = new Map<string, Keyed>(scored.map((s) => [s.node.toLowerCase(), s]));
  return nextChallenge(list, byNode, Number(await w.election.listLength()));
}

async function electionStep(w: World, m: Model, step: Step) {
  const target = (await w.election.currentEpoch()) + 1n;
  const el = await w.election.elections(target);
  const t = (await now()) + 1n;
  // opening commits to a later block; the seed is fixed by the first fixSeed from that block on
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
  if (t < el.submittedAt + (await w.election.challengePeriod())) return { receipt: await challengeOnce(w, m, target) };
  const r = await attempt(() => w.election.finalize(target));
  if (r.receipt) {
    const [members] = await w.election.delegatesOf(target);
    expect([...members], "finalized set vs reference election").to.deep.equal([...(await w.election.referenceList(target))]);
  }
  return r;
}

// ------------------------------------------------------------------ malicious nodes and the adversary
/** A malicious owner of the current slot acts: withholds, produces, forges, replays or double-signs. */
async function maliciousProduce(w: World, m: Model, owner: string, e: bigint, s: bigint, step: Step) {
  const head = await w.ledger.head();
  const how = step.b % 5;
  if (how === 0) return note(m, `  ${name(w, owner)} withholds (${e}, ${s})`);
  let trades: SignedTrade[] = [];
  if (how === 2) {
    // a trade whose buyer signature is the intruder's, not the buyer's
    const order: TradeOrder = {
      seller: owner,
      buyer: w.addresses[(step.a + 1) % NODES],
      energy: 100n,
      price: WAD,
      nonce: m.nonce++,
    };
    const d = w.orderDigest(order);
    trades = [
      {
        order,
        sellerSignature: w.keys.get(owner)!.sign(d).serialized,
        buyerSignature: w.keys.get(w.intruder.address)!.sign(d).serialized,
      },
    ];
  } else if (how === 3) {
    const homes = [...m.orderHome.values()];
    if (homes.length === 0) return;
    trades = [homes[step.a % homes.length].trade];
  } else trades = m.pool.slice(0, 2);
  const h = blockHeader(e, s, head, trades, w.orderDigest);
  if (how === 4) {
    // two headers for one slot, each shown to the others; the first is committed if it gathers a majority
    const other = { ...h, energyTotal: h.energyTotal + 1n };
    const sig = sign(w, m, owner, other, trades);
    if (sig) await collect(w, m, owner, other, sig.serialized, trades);
  }
  const r = await produceBlock(w, m, owner, h, trades, step.a % 4 === 0 ? { sig: step.sig, at: step.b } : undefined);
  note(m, `  ${name(w, owner)} (malicious) produces (${e}, ${s}) kind ${how}: ${r.receipt ? "committed" : r.error}`);
}

/** Old unauthorised moves: each must revert. */
async function unauthorised(w: World, m: Model, step: Step) {
  const { epoch, slot } = w.clock.slotAt((await now()) + 1n);
  const h = blockHeader(epoch, slot, await w.ledger.head(), [], w.orderDigest);
  const intruderSig = () => Signature.from(w.keys.get(w.intruder.address)!.sign(headerDigest(w.domain, h))).serialized;
  const moves: (() => Promise<ContractTransactionResponse>)[] = [
    () => w.election.connect(w.intruder).vote([w.addresses[0]], [1n]),
    () => w.ledger.connect(w.intruder).commitBlock(h, [intruderSig()], "0x"),
    () => w.vault.connect(w.intruder).slash(w.addresses[step.b % NODES], WAD, w.intruder.address, WAD),
    () => w.registry.connect(w.intruder).recordOffence(w.addresses[step.b % NODES], 0n, 86_400n),
    () => w.election.connect(w.intruder).onJailed(w.addresses[step.b % NODES]),
    () => w.vault.connect(w.intruder).accrueReward(RewardRole.Producer, w.intruder.address, WAD),
    () => w.election.connect(w.consumer).vote([w.consumer.address], [1n]),
  ];
  const i = step.a % moves.length;
  const r = await attempt(moves[i]);
  if (r.receipt) violation(m, "adversary-call", `unauthorised move ${i} went through`);
}

/** A full-domain adversary call: it may succeed only by punishing a dishonest act (the judge checks which). */
async function adversaryStep(w: World, m: Model, step: Step, kind: number) {
  const t = (await now()) + 1n;
  const cur = w.clock.slotAt(t);
  const S = w.clock.slotsPerEpoch;
  const x = resolve(step.x, S, cur.epoch, cur.slot);
  const y = resolve(step.y, S, cur.epoch, cur.slot, x);
  const foreign = w.keys.get(w.intruder.address)!;
  const signedAll = [...m.signed.values()].flatMap((mm) => [...mm.values()]);
  const blocks = [...m.blocks.values()];
  let label: string;
  let send: () => Promise<ContractTransactionResponse>;
  if (kind === 0) {
    label = `reportMissedSlot(${x}, ${y})`;
    send = () => w.ledger.connect(w.outsider).reportMissedSlot(x, y);
  } else if (kind === 1) {
    if (signedAll.length === 0) return;
    const a = signedAll[step.a % signedAll.length];
    const bIsLogged = step.b % 2 === 0 && signedAll.length > 1;
    const b = bIsLogged ? signedAll[step.b % signedAll.length] : null;
    const hb = b ? b.header : { ...a.header, epoch: x, slot: y, tradeCount: a.header.tradeCount + 1n };
    const sb = b
      ? mangle(b.sig, step.sig, headerDigest(w.domain, hb), foreign)
      : mangle(a.sig, step.sig, headerDigest(w.domain, hb), foreign);
    label = `reportEquivocation(${a.header.epoch}/${a.header.slot} vs ${hb.epoch}/${hb.slot}, sig ${JSON.stringify(step.sig)})`;
    send = () => w.ledger.connect(w.outsider).reportEquivocation(a.header, a.sig.serialized, hb, sb);
  } else if (kind === 2) {
    const withTrades = blocks.filter((b) => b.trades.length > 0);
    if (withTrades.length === 0) return;
    const b = withTrades[step.a % withTrades.length];
    const tr = b.trades[step.b % b.trades.length];
    const tree = tradeTree(b.trades, w.orderDigest);
    const d = w.orderDigest(tr.order);
    const exact = step.b % 2 === 0; // the signatures exactly as the block holds them
    const sellerSig = exact ? tr.sellerSignature : mangle(Signature.from(w.keys.get(tr.order.seller)!.sign(d)), step.sig, d, foreign);
    const h = step.a % 3 === 0 ? { ...b.header, slot: y } : b.header;
    label = `reportInvalidTrade(block ${b.header.epoch}/${b.header.slot} as ${h.epoch}/${h.slot}, ${exact ? "signatures as included" : JSON.stringify(step.sig)})`;
    send = () =>
      w.ledger
        .connect(w.outsider)
        .reportInvalidTrade(h, tr.order, sellerSig, tr.buyerSignature, tree.getProof(tradeLeaf(tr, w.orderDigest)));
  } else if (kind === 3) {
    const withTrades = blocks.filter((b) => b.trades.length > 0);
    if (withTrades.length === 0 || blocks.length === 0) return;
    const first = withTrades[step.a % withTrades.length];
    const later = blocks[step.b % blocks.length];
    const tr = first.trades[0];
    const proof = tradeTree(first.trades, w.orderDigest).getProof(tradeLeaf(tr, w.orderDigest));
    const inc = (h: BlockHeader) => ({
      header: h,
      sellerSignatureHash: keccak256(tr.sellerSignature),
      buyerSignatureHash: keccak256(tr.buyerSignature),
      proof,
    });
    const lh = step.a % 2 === 0 ? later.header : { ...first.header, slot: y, epoch: x };
    label = `reportReplayedTrade(${first.header.epoch}/${first.header.slot} then ${lh.epoch}/${lh.slot})`;
    send = () => w.ledger.connect(w.outsider).reportReplayedTrade(w.orderDigest(tr.order), inc(first.header), inc(lh));
  } else if (kind === 4) {
    // a commit at any (epoch, slot) by its owner if malicious (else by a malicious node), one signature malformed now and then
    let owner = ethers.ZeroAddress;
    try {
      owner = await w.election.slotOwner(x, y);
    } catch {
      /* out of the domain the view can compute */
    }
    const sender = m.malicious.has(owner) ? owner : [...m.malicious][0];
    const h = blockHeader(x, y, await w.ledger.head(), [], w.orderDigest);
    const legit = x === cur.epoch && y === cur.slot && sender === owner;
    const r = await produceBlock(w, m, sender, h, [], step.a % 2 === 0 ? { sig: step.sig, at: step.b } : undefined);
    stat(m, "commitBlock", r.receipt ? undefined : r.error);
    note(m, `adversary: ${name(w, sender)} commitBlock(${x}, ${y}) owner ${name(w, owner)}: ${r.receipt ? "committed" : r.error}`);
    if (r.receipt && !legit)
      violation(m, "adversary-commit", `${name(w, sender)} committed (${x}, ${y}) outside its slot (now (${cur.epoch}, ${cur.slot}))`);
    return;
  } else {
    const target = step.a % 3 === 0 ? x : cur.epoch + 1n;
    const before = await w.election.submittedList(target).catch(() => [] as string[]);
    const wrong = before.length > 0 ? await wrongness(w, target).catch(() => null) : null;
    const e = w.election.connect(w.outsider);
    const ck = step.b % 4;
    label = `challenge kind ${ck} of epoch ${target} at ${x}, ${y}`;
    send =
      ck === 0
        ? () => e.challengeIneligible(target, y)
        : ck === 1
          ? () => e.challengeDuplicate(target, x, y)
          : ck === 2
            ? () => chain.challengeOrder(w, w.outsider, target, y, step.a % 2 === 0 ? x : clampUint(y - 1n))
            : () => e.challengeExcluded(target, w.addresses[step.a % NODES], y);
    const r = await attempt(send);
    stat(m, "challenge", r.receipt ? undefined : r.error);
    note(m, `adversary: ${label}: ${r.receipt ? "went through" : r.error}`);
    if (r.receipt) {
      if (wrong === null) violation(m, "adversary-challenge", `${label} went through against a right list`);
      const reward = await w.election.challengeReward();
      m.keeperStake -= reward < m.keeperStake ? reward : m.keeperStake;
    }
    return;
  }
  const r = await attempt(send);
  stat(m, label.replace(/\(.*$/s, ""), r.receipt ? undefined : r.error);
  note(m, `adversary: ${label}: ${r.receipt ? "went through" : r.error}`);
  const punished = await judge(w, m, r.receipt, label);
  if (r.receipt && punished === 0) violation(m, "adversary-call", `${label} went through and punished nobody`);
  if (!r.receipt && kind === 0 && w.clock.isSlot(y)) {
    const d = m.duties.get(slotKey(x, y));
    if (withheldPunishable(w, m, d)) mustPunish(w, m, missedKey(x, y), slotEndOf(w, x, y), t, `withheld slot (${x}, ${y})`, r.error);
  }
}

// ------------------------------------------------------------------ steps
async function runStep(w: World, m: Model, step: Step) {
  const node = w.nodes[step.a % NODES];
  const kind = step.kind;
  const t = (await now()) + 1n;
  const cur = w.clock.slotAt(t);
  if (kind <= 2) {
    const amount = BigInt(1 + (step.b % 50)) * WAD;
    const { receipt } = await attempt(() => w.vault.connect(node).deposit(amount));
    if (receipt) m.stakes.set(node.address, m.stakes.get(node.address)! + amount);
  } else if (kind === 3) {
    await attempt(() => w.vault.connect(node).requestWithdrawal(BigInt(1 + (step.b % 300)) * WAD));
  } else if (kind === 4) {
    const [unbonding] = await w.vault.unbonding(node.address);
    const { receipt } = await attempt(() => w.vault.connect(node).withdraw());
    if (receipt) m.stakes.set(node.address, m.stakes.get(node.address)! - unbonding);
  } else if (kind === 5) {
    await attempt(() => w.election.connect(node).vote([w.addresses[step.b % NODES]], [BigInt(1 + (step.b % 10))]));
  } else if (kind === 6) {
    await attempt(() => w.vault.connect([w.outsider, w.keeper, node][step.b % 3]).claim());
  } else if (kind <= 10) {
    // time moves: plainly, or to an edge of a slot, a challenge window, an evidence window or an epoch
    const at = kind <= 8 ? { wait: step.b % 10 === 0 ? 2 * 86_400 : 600 + (step.b % (6 * 3_600)) } : step.at;
    const target = await momentOf(w, m, at, step.a);
    if (target !== null) {
      note(m, `time -> ${JSON.stringify(at)} = ${target}`);
      await walkTo(w, m, target);
    }
  } else if (kind <= 12) {
    const owner = await w.election.slotOwner(cur.epoch, cur.slot);
    if (m.malicious.has(owner) && !m.blocks.has(slotKey(cur.epoch, cur.slot)))
      await maliciousProduce(w, m, owner, cur.epoch, cur.slot, step);
  } else if (kind === 13) {
    // a trade order, sent to the delegates; a malicious party may re-encode its own signature
    const parties = [...w.addresses, w.consumer.address];
    const seller = w.addresses[step.a % NODES];
    const buyer = parties[(step.a % NODES) + 1 + (step.b % (parties.length - 1))] ?? parties[0];
    if (seller === buyer) return;
    const order: TradeOrder = { seller, buyer, energy: 100n, price: WAD, nonce: m.nonce++ };
    const d = w.orderDigest(order);
    const sigOf = (who: string) => {
      const real = Signature.from(w.keys.get(who)!.sign(d));
      return m.malicious.has(who) ? mangle(real, step.sig, d, w.keys.get(w.intruder.address)!) : real.serialized;
    };
    const trade: SignedTrade = { order, sellerSignature: sigOf(seller), buyerSignature: sigOf(buyer) };
    if (await clientAccepts(w, m, trade)) {
      m.pool.push(trade);
      note(m, `trade ${name(w, seller)} -> ${name(w, buyer)} accepted (sig ${JSON.stringify(step.sig)})`);
    }
  } else if (kind === 14) {
    // the keeper reports every uncommitted past slot of this epoch and the last
    for (const e of [cur.epoch - 1n, cur.epoch]) {
      for (let s = 0n; s < w.clock.slotsPerEpoch; s++) {
        if (w.clock.slotWindow(e, s).end > t || m.blocks.has(slotKey(e, s)) || m.punished.has(missedKey(e, s))) continue;
        const r = await attempt(() => w.ledger.connect(w.keeper).reportMissedSlot(e, s));
        await judge(w, m, r.receipt, `keeper's reportMissedSlot(${e}, ${s})`);
        const d = m.duties.get(slotKey(e, s));
        if (!r.receipt && withheldPunishable(w, m, d))
          mustPunish(w, m, missedKey(e, s), slotEndOf(w, e, s), (await now()) + 1n, `withheld slot (${e}, ${s})`, r.error);
      }
    }
  } else if (kind === 15) {
    if (m.reportable.length === 0) return;
    const ev = m.reportable[step.b % m.reportable.length];
    const r = await attempt(ev.send);
    note(m, `report ${ev.label}: ${r.receipt ? "accepted" : r.error}`);
    await judge(w, m, r.receipt, ev.label);
    if (!r.receipt && (ev.punishable === undefined || (await ev.punishable()))) mustPunish(w, m, ev.key, ev.slotEnd, t, ev.label, r.error);
  } else if (kind <= 17) {
    const r = await electionStep(w, m, step);
    note(m, `  election of ${cur.epoch + 1n}: ${r === null ? "nothing to do" : r.receipt ? "done" : r.error}`);
    await judge(w, m, r?.receipt ?? null, "election");
  } else if (kind === 18) {
    const { receipt } = await attempt(() => w.registry.connect(node).unjail());
    await judge(w, m, receipt, "unjail");
  } else if (kind === 19) {
    // a malicious member of the current list signs two headers for the current slot
    const [list] = await w.election.delegatesOf(cur.epoch);
    const bad = list.filter((a) => m.malicious.has(a));
    if (bad.length === 0) return;
    const signer = bad[step.b % bad.length];
    const a: BlockHeader = {
      epoch: cur.epoch,
      slot: cur.slot,
      parentHash: ethers.ZeroHash,
      tradeRoot: ethers.ZeroHash,
      payloadHash: EMPTY_PAYLOAD_HASH,
      tradeCount: 1n,
      energyTotal: BigInt(step.a),
    };
    sign(w, m, signer, a, []);
    sign(w, m, signer, { ...a, tradeCount: 2n }, []);
  } else if (kind <= 26) {
    await adversaryStep(w, m, step, [0, 1, 2, 3, 4, 4, 5][kind - 20]);
  } else {
    await unauthorised(w, m, step);
  }
}

/** What each step kind does, for the trail of a counterexample. */
const STEP_NAMES = [
  ...["deposit", "deposit", "deposit", "requestWithdrawal", "withdraw", "vote", "claim", "wait", "wait", "move to an edge"],
  ...["move to an edge", "malicious owner acts", "malicious owner acts", "trade", "keeper reports missed slots"],
  ...["report a known offence", "election", "election", "unjail", "malicious double-signs"],
  ...["adversary reportMissedSlot", "adversary reportEquivocation", "adversary reportInvalidTrade"],
  ...["adversary reportReplayedTrade", "adversary commitBlock", "adversary commitBlock", "adversary challenge"],
  "adversary unauthorised call",
];
const describe_ = (s: Step) =>
  `${STEP_NAMES[s.kind]} (kind ${s.kind} a ${s.a} b ${s.b} x ${JSON.stringify(s.x, big)} y ${JSON.stringify(s.y, big)} sig ${JSON.stringify(s.sig)} at ${JSON.stringify(s.at)})`;
function big(_: string, v: unknown) {
  return typeof v === "bigint" ? `${v}n` : v;
}

/** Declares the property test of `half` (0 or 1) of the sequences, drawn from `seed`. */
export function systemProperty(half: 0 | 1, seed: number) {
  const sequences = half === 0 ? Math.ceil(SEQUENCES / 2) : Math.floor(SEQUENCES / 2);
  describe(`system invariants under random sequences of every action (fast-check), half ${half + 1}`, () => {
    it(`hold after every step of ${sequences} sequences of up to ${STEPS} steps, honest nodes never punished`, async function () {
      this.timeout(6 * 60 * 60 * 1000); // never cut off mid-run (or mid-shrink)
      const w = await world();
      const initial = await readState(w);
      const records = await w.probe.records(await w.registry.getAddress(), w.addresses);
      let snapshot = await network.provider.send("evm_snapshot");
      const counts = {
        steps: 0,
        punished: 0,
        honestBlocks: 0,
        accruals: 0,
        tolerated: new Map<string, number>(),
        stats: new Map<string, number>(),
      };
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.nat({ max: NODES - 1 }), { minLength: 1, maxLength: 3 }),
          fc.array(fc.record({ mode: fc.nat({ max: 2 }), sig: sigArb }, { noNullPrototype: true }), {
            minLength: NODES,
            maxLength: NODES,
          }),
          // fixed length, so every sequence is long; shrinking switches steps off instead of dropping them
          fc.array(stepArb, { minLength: STEPS, maxLength: STEPS }),
          async (bad, modes, steps) => {
            await network.provider.send("evm_revert", [snapshot]);
            snapshot = await network.provider.send("evm_snapshot");
            const m: Model = {
              malicious: new Set(bad.map((i) => w.addresses[i])),
              modes: new Map(w.addresses.map((a, i) => [a, modes[i]])),
              stakes: new Map(w.addresses.map((a, i) => [a, initial.stakes[i]])),
              keeperStake: initial.keeperBonds[0],
              quality: new Map(w.addresses.map((a, i) => [a, records.quality[i]])),
              offences: new Map(w.addresses.map((a, i) => [a, Number(records.offences[i])])),
              creditPenalty: new Map(w.addresses.map((a, i) => [a, records.offencePenalty[i]])),
              jailed: new Map(w.addresses.map((a, i) => [a, records.jailed[i]])),
              jailLog: new Map(w.addresses.map((a, i) => [a, [{ at: 0n, jailed: records.jailed[i] }]])),
              punished: new Set(),
              signed: new Map(),
              equivocations: new Map(),
              duties: new Map(),
              missedKeys: new Map(),
              blocks: new Map(),
              invalidKeys: new Map(),
              orderHome: new Map(),
              pool: [],
              reportable: [],
              attempted: new Set(),
              nonce: 0n,
              trail: [`malicious: ${bad.map((i) => `node${i}`).join(", ")}`],
              tolerated: counts.tolerated,
              stats: counts.stats,
              money: await moneyNow(w),
            };
            await tick(w, m);
            for (const step of steps) {
              if (step.off) continue;
              note(m, `step ${describe_(step)}`);
              await runStep(w, m, step);
              await tick(w, m);
              await checkInvariants(w, m);
              counts.steps += 1;
            }
            counts.punished += m.punished.size;
            counts.accruals += m.money.accruals;
            counts.honestBlocks += [...m.blocks.values()].filter((b) => honest(m, b.producer)).length;
          },
        ),
        {
          numRuns: sequences,
          seed,
          endOnFailure: process.env.PROPERTY_SHRINK === "false",
          // replays one reported counterexample: PROPERTY_PATH is the `path` of the failure's report
          ...(process.env.PROPERTY_PATH ? { path: process.env.PROPERTY_PATH } : {}),
        },
      );
      console.log(
        `      ${sequences} sequences, ${counts.steps} steps, ${counts.punished} punishments, ${counts.honestBlocks} honest blocks, ${counts.accruals} reward accruals`,
      );
      if (counts.tolerated.size > 0) console.log("tolerated violations:", Object.fromEntries(counts.tolerated));
      if (process.env.PROPERTY_STATS) console.log("adversary outcomes:", Object.fromEntries([...counts.stats].sort()));
      // the sequences exercised what they claim to
      expect(counts.steps).to.be.greaterThan(sequences);
      expect(counts.punished).to.be.greaterThan(0);
      expect(counts.honestBlocks).to.be.greaterThan(0);
      expect(counts.accruals, "rewards accrued from the role pools").to.be.greaterThan(0);
    });
  });
}
