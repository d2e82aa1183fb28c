// The dashboard's index of the contracts' events, read from the deployment's block on in pages of
// `pageBlocks` (public endpoints refuse large ranges): elections, committed blocks, offences,
// rewards, jailings. Each event is completed from its transaction where the event alone does not
// say enough: a block's trade count and energy and an offence's evidence from the calldata, an
// election step's sender and gas from the receipt. A page is added whole or not at all, so an RPC
// failing between two calls leaves the index as it was, to be read again on the next poll.
import type { Interface, JsonRpcProvider, LogDescription } from "ethers";
import type { Contracts } from "../deployment/addressBook";
import {
  REWARD_ROLES,
  type BlockEvent,
  type ElectionEvent,
  type EventMeta,
  type Evidence,
  type OffenceEvent,
  type RewardEvent,
} from "./shape";

interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  transactionHash: string;
  logIndex: string;
}

interface RawTx {
  from: string;
  to: string | null;
  input: string;
}

export interface NodeMark {
  node: string;
  block: number;
  logIndex: number;
}

/** Events of the vault that move the reward pool, summed. */
export interface PoolFlows {
  fees: bigint;
  funded: bigint;
  /** Slash proceeds that went to the pool (slash less the reporter's share). */
  slashedToPool: bigint;
}

const ELECTION_EVENTS = [
  "ElectionOpened",
  "SeedFixed",
  "ListSubmitted",
  "ListChallenged",
  "DelegatesFinalized",
  "DelegateSetCarriedOver",
  "SlotsHandedOver",
];
const LEDGER_EVENTS = ["BlockCommitted", "OffencePunished"];
const VAULT_EVENTS = ["RewardAccrued", "RewardClaimed", "Slashed", "FeeCollected", "PoolFunded"];
const REGISTRY_EVENTS = ["OffenceRecorded", "NodeUnjailed"];

/** At most this many transactions and blocks are read at once. */
const PARALLEL = 8;

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

export class EventIndex {
  /** The last block read (inclusive); the deployment's block − 1 before the first page. */
  block: number;
  elections: ElectionEvent[] = [];
  blocks: BlockEvent[] = [];
  offences: OffenceEvent[] = [];
  rewards: RewardEvent[] = [];
  jailings: NodeMark[] = [];
  unjailings: NodeMark[] = [];
  pool: PoolFlows = { fees: 0n, funded: 0n, slashedToPool: 0n };
  private readonly interfaces = new Map<string, Interface>();
  private readonly topics: string[];

  constructor(
    private readonly c: Contracts,
    private readonly addresses: { election: string; ledger: string; vault: string; registry: string },
    private readonly provider: JsonRpcProvider,
    fromBlock: number,
    private readonly pageBlocks = 2_000,
  ) {
    this.block = fromBlock - 1;
    const pairs: [string, Interface, string[]][] = [
      [addresses.election, c.election.interface, ELECTION_EVENTS],
      [addresses.ledger, c.ledger.interface, LEDGER_EVENTS],
      [addresses.vault, c.vault.interface, VAULT_EVENTS],
      [addresses.registry, c.registry.interface, REGISTRY_EVENTS],
    ];
    this.topics = [];
    for (const [address, iface, names] of pairs) {
      this.interfaces.set(address.toLowerCase(), iface);
      for (const n of names) this.topics.push(iface.getEvent(n)!.topicHash);
    }
  }

  /** Read pages from the last indexed block towards `head`, at most `maxPages`; returns how many events were added. */
  async advance(head: number, maxPages = Infinity): Promise<number> {
    let added = 0;
    for (let pages = 0; this.block < head && pages < maxPages; pages++) {
      const from = this.block + 1;
      const to = Math.min(head, from + this.pageBlocks - 1);
      added += await this.readPage(from, to);
      this.block = to;
    }
    return added;
  }

  private async readPage(from: number, to: number): Promise<number> {
    const logs = (await this.provider.send("eth_getLogs", [
      {
        fromBlock: `0x${from.toString(16)}`,
        toBlock: `0x${to.toString(16)}`,
        address: Object.values(this.addresses),
        topics: [this.topics],
      },
    ])) as RawLog[];
    if (logs.length === 0) return 0;
    const parsed: { log: LogDescription; meta: EventMeta; contract: string }[] = [];
    for (const raw of logs) {
      const iface = this.interfaces.get(raw.address.toLowerCase());
      const log = iface?.parseLog({ topics: raw.topics, data: raw.data });
      if (!log) continue;
      parsed.push({
        log,
        contract: raw.address.toLowerCase(),
        meta: { block: Number(raw.blockNumber), logIndex: Number(raw.logIndex), tx: raw.transactionHash },
      });
    }
    const page = this.shape(parsed);
    await this.complete(page);
    // only now, with every read done, does the page join the index
    this.elections.push(...page.elections);
    this.blocks.push(...page.blocks);
    this.offences.push(...page.offences);
    this.rewards.push(...page.rewards);
    this.jailings.push(...page.jailings);
    this.unjailings.push(...page.unjailings);
    this.pool.fees += page.pool.fees;
    this.pool.funded += page.pool.funded;
    this.pool.slashedToPool += page.pool.slashedToPool;
    return parsed.length;
  }

  private shape(parsed: { log: LogDescription; meta: EventMeta; contract: string }[]) {
    const page = {
      elections: [] as ElectionEvent[],
      blocks: [] as BlockEvent[],
      offences: [] as OffenceEvent[],
      rewards: [] as RewardEvent[],
      jailings: [] as NodeMark[],
      unjailings: [] as NodeMark[],
      pool: { fees: 0n, funded: 0n, slashedToPool: 0n },
    };
    const slashes = new Map<string, { node: string; reporterShare: bigint }[]>();
    const recorded = new Map<string, { node: string; creditPenalty: bigint; jailedUntil: bigint }[]>();
    for (const { log, meta } of parsed) {
      const a = log.args;
      switch (log.name) {
        case "ElectionOpened":
          page.elections.push({ ...meta, kind: "opened", epoch: a.epoch, seedBlock: a.seedBlock, snapshot: a.snapshot });
          break;
        case "SeedFixed":
          page.elections.push({ ...meta, kind: "seed", epoch: a.epoch, seed: a.seed });
          break;
        case "ListSubmitted":
          page.elections.push({ ...meta, kind: "submitted", epoch: a.epoch, submitter: a.submitter, list: [...a.list] });
          break;
        case "ListChallenged":
          page.elections.push({
            ...meta,
            kind: "challenged",
            epoch: a.epoch,
            challenge: Number(a.kind),
            challenger: a.challenger,
            paid: a.paid,
            repaired: [...a.repaired],
          });
          break;
        case "DelegatesFinalized":
          page.elections.push({ ...meta, kind: "finalized", epoch: a.epoch, submitter: a.submitter, reward: a.reward });
          break;
        case "DelegateSetCarriedOver":
          page.elections.push({ ...meta, kind: "carried-over", epoch: a.epoch, fromEpoch: a.fromEpoch });
          break;
        case "SlotsHandedOver":
          page.elections.push({
            ...meta,
            kind: "handed-over",
            epoch: a.epoch,
            index: a.index,
            from: a.from,
            to: a.to,
            fromSlot: a.fromSlot,
          });
          break;
        case "BlockCommitted":
          page.blocks.push({
            ...meta,
            epoch: a.epoch,
            slot: a.slot,
            producer: a.producer,
            headerHash: a.headerHash,
            attesters: [...a.attesters],
          });
          break;
        case "OffencePunished":
          page.offences.push({
            ...meta,
            offender: a.offender,
            offence: Number(a.offence),
            evidenceKey: a.evidence,
            reporter: a.reporter,
            slashed: a.slashed,
            handedOver: a.handedOver,
          });
          break;
        case "RewardAccrued":
          page.rewards.push({ ...meta, account: a.account, kind: "accrued", amount: a.amount, role: REWARD_ROLES[Number(a.role)] });
          break;
        case "RewardClaimed":
          page.rewards.push({ ...meta, account: a.account, kind: "claimed", amount: a.amount });
          break;
        case "Slashed":
          page.pool.slashedToPool += (a.amount as bigint) - (a.reporterShare as bigint);
          slashes.set(meta.tx, [...(slashes.get(meta.tx) ?? []), { node: a.node, reporterShare: a.reporterShare }]);
          break;
        case "FeeCollected":
          page.pool.fees += a.amount;
          break;
        case "PoolFunded":
          page.pool.funded += a.amount;
          break;
        case "OffenceRecorded":
          page.jailings.push({ node: a.node, block: meta.block, logIndex: meta.logIndex });
          recorded.set(meta.tx, [
            ...(recorded.get(meta.tx) ?? []),
            { node: a.node, creditPenalty: a.creditPenalty, jailedUntil: a.jailedUntil },
          ]);
          break;
        case "NodeUnjailed":
          page.unjailings.push({ node: a.node, block: meta.block, logIndex: meta.logIndex });
          break;
      }
    }
    // the vault's and the registry's records of an offence come in the ledger's transaction
    for (const o of page.offences) {
      const slash = slashes.get(o.tx)?.find((s) => s.node === o.offender);
      const record = recorded.get(o.tx)?.find((r) => r.node === o.offender);
      o.reporterShare = slash?.reporterShare;
      o.jailedUntil = record?.jailedUntil;
      o.creditPenalty = record?.creditPenalty;
    }
    return page;
  }

  /** Reads what the events leave out: senders, gas, calldata and block times. */
  private async complete(page: { elections: ElectionEvent[]; blocks: BlockEvent[]; offences: OffenceEvent[] }): Promise<void> {
    const txs = new Map<string, RawTx | null>();
    const gas = new Map<string, bigint>();
    const times = new Map<number, number>();
    for (const e of [...page.elections, ...page.blocks, ...page.offences]) txs.set(e.tx, null);
    for (const e of [...page.elections, ...page.offences]) times.set(e.block, 0);
    const electionTxs = [...new Set(page.elections.map((e) => e.tx))];
    await Promise.all([
      inParallel([...txs.keys()], PARALLEL, async (hash) => {
        txs.set(hash, (await this.provider.send("eth_getTransactionByHash", [hash])) as RawTx | null);
      }),
      inParallel(electionTxs, PARALLEL, async (hash) => {
        const r = (await this.provider.send("eth_getTransactionReceipt", [hash])) as { gasUsed: string } | null;
        if (r) gas.set(hash, BigInt(r.gasUsed));
      }),
      inParallel([...times.keys()], PARALLEL, async (n) => {
        const b = (await this.provider.send("eth_getBlockByNumber", [`0x${n.toString(16)}`, false])) as { timestamp: string } | null;
        if (b) times.set(n, Number(b.timestamp));
      }),
    ]);
    for (const e of page.elections) {
      e.from = txs.get(e.tx)?.from;
      e.gasUsed = gas.get(e.tx);
      e.time = times.get(e.block);
    }
    const ledger = this.c.ledger.interface;
    for (const b of page.blocks) {
      const tx = txs.get(b.tx);
      b.from = tx?.from;
      const call = tx ? parseCall(ledger, tx) : undefined;
      if (call?.name === "commitBlock") [b.tradeCount, b.energy] = [call.args[0].tradeCount, call.args[0].energyTotal];
    }
    for (const o of page.offences) {
      const tx = txs.get(o.tx);
      o.from = tx?.from;
      o.time = times.get(o.block);
      o.evidence = tx ? evidenceOf(ledger, tx) : undefined;
    }
  }
}

function parseCall(iface: Interface, tx: RawTx) {
  try {
    return iface.parseTransaction({ data: tx.input });
  } catch {
    return undefined; // sent through another contract: the event is all there is
  }
}

/** What a report's calldata proved (a report sent through another contract has only the evidence key). */
export function evidenceOf(ledger: Interface, tx: RawTx): Evidence | undefined {
  const call = parseCall(ledger, tx);
  if (!call) return undefined;
  const a = call.args;
  switch (call.name) {
    case "reportMissedSlot":
      return { kind: "missed slot", epoch: a[0], slot: a[1] };
    case "reportEquivocation": {
      const digest = (h: { tradeCount: bigint; tradeRoot: string }) => `${h.tradeCount} trades, root ${h.tradeRoot.slice(0, 10)}…`;
      return { kind: "equivocation", epoch: a[0].epoch, slot: a[0].slot, headers: [digest(a[0]), digest(a[2])] };
    }
    case "reportInvalidTrade":
      return { kind: "invalid trade", epoch: a[0].epoch, slot: a[0].slot, seller: a[1].seller, buyer: a[1].buyer, energy: a[1].energy };
    case "reportReplayedTrade":
      return {
        kind: "replayed trade",
        epoch: a[2].header.epoch,
        slot: a[2].header.slot,
        firstEpoch: a[1].header.epoch,
        firstSlot: a[1].header.slot,
        order: a[0],
      };
    default:
      return undefined;
  }
}
