// The logs the index reads, their topics and a decoder that slices the ABI words directly: a cold
// start decodes every log since the deployment (five or more per node), and ethers' generic
// decoder costs tens of microseconds a log, this a few.
import { NodeRegistry__factory, StakeVault__factory, DelegateElection__factory } from "../../typechain-types";
import { StateError } from "../util/errors";
import type { IndexEvent } from "./scoreIndex";

/** A log as `eth_getLogs` returns it (hex strings; `blockTimestamp` where the node adds it). */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  logIndex: string;
  removed?: boolean;
  blockTimestamp?: string | null;
}

const registry = NodeRegistry__factory.createInterface();
const vault = StakeVault__factory.createInterface();
const election = DelegateElection__factory.createInterface();
const topic = (i: { getEvent(name: string): { topicHash: string } | null }, name: string): string => i.getEvent(name)!.topicHash;

/** The topics the index reads, by source contract. */
export const TOPICS = {
  registry: {
    admitted: topic(registry, "NodeAdmitted"),
    credit: topic(registry, "CreditRecordSet"),
    trust: topic(registry, "TrustRecordSet"),
  },
  vault: {
    deposited: topic(vault, "Deposited"),
    withdrawalRequested: topic(vault, "WithdrawalRequested"),
    slashed: topic(vault, "Slashed"),
    observer: topic(vault, "DepositObserverSet"),
  },
  election: {
    voted: topic(election, "Voted"),
    votesDropped: topic(election, "VotesDropped"),
  },
} as const;

export const ALL_TOPICS: string[] = Object.values(TOPICS).flatMap((t) => Object.values(t));

/** Where each contract is (lower-case addresses). */
export interface IndexSources {
  registry: string;
  vault: string;
  election: string;
}

const word = (data: string, i: number): bigint => BigInt("0x" + data.slice(2 + 64 * i, 66 + 64 * i));
const addressOf = (hex32: string): string => "0x" + hex32.slice(-40).toLowerCase();
const wordAddress = (data: string, i: number): string => "0x" + data.slice(2 + 64 * i + 24, 66 + 64 * i).toLowerCase();

/** The `address[]` or `uint256[]` at byte offset `offset` of `data`: its length word, then its items. */
function array(data: string, offset: bigint): string[] {
  const at = Number(offset / 32n);
  const length = Number(word(data, at));
  if (2 + 64 * (at + 1 + length) > data.length) throw new StateError("log", data.length, "an array runs past the log's data");
  const items: string[] = [];
  for (let i = 0; i < length; i++) items.push(data.slice(2 + 64 * (at + 1 + i), 66 + 64 * (at + 1 + i)));
  return items;
}

/**
 * The index's event of `log`, or undefined for a log it does not read (another contract's, or a
 * topic of no interest). A log the index should read but cannot decode throws: the index must
 * never skip a change of a score input.
 */
export function decodeLog(log: RawLog, s: IndexSources): IndexEvent | undefined {
  const address = log.address.toLowerCase();
  const [t0, t1] = log.topics;
  const d = log.data;
  if (address === s.registry) {
    const r = TOPICS.registry;
    if (t0 === r.credit) return { kind: "credit", node: addressOf(t1), record: word(d, 0) };
    if (t0 === r.trust) return { kind: "trust", node: addressOf(t1), record: word(d, 0) };
    if (t0 === r.admitted) {
      return {
        kind: "admitted",
        node: addressOf(t1),
        nodeClass: Number(word(d, 0)),
        capacity: word(d, 1),
        tradingCycle: word(d, 2),
        trust: word(d, 3),
      };
    }
  } else if (address === s.vault) {
    const v = TOPICS.vault;
    if (t0 === v.deposited) return { kind: "deposited", node: addressOf(t1), bonded: word(d, 1) };
    if (t0 === v.withdrawalRequested) return { kind: "withdrawalRequested", node: addressOf(t1), amount: word(d, 0) };
    if (t0 === v.slashed) return { kind: "slashed", node: addressOf(t1), slashed: word(d, 0) };
    if (t0 === v.observer) return { kind: "observer", observer: wordAddress(d, 0) };
  } else if (address === s.election) {
    const e = TOPICS.election;
    if (t0 === e.voted) {
      const candidates = array(d, word(d, 0)).map(addressOf);
      const amounts = array(d, word(d, 1)).map((w) => BigInt("0x" + w));
      if (candidates.length !== amounts.length) throw new StateError("log", log.data, "a Voted log with unequal arrays");
      return { kind: "voted", voter: addressOf(t1), candidates, amounts };
    }
    if (t0 === e.votesDropped) return { kind: "votesDropped", voter: addressOf(t1) };
  }
  return undefined;
}
