// Every node's score inputs, rebuilt from the contracts' events: the keeper's index (issue 24). It
// mirrors the checkpoint histories `scoreAt` reads — the registry's credit and trust records
// (stated by `NodeAdmitted` at admission, then carried whole by `CreditRecordSet` and
// `TrustRecordSet`), the vault's bonded deposits (`Deposited`, `WithdrawalRequested`, `Slashed`)
// and the election's vote tallies (`Voted`, `VotesDropped`, and the deposit hook of the classic
// model) — so a lookup at any timepoint after its horizon answers what the lens would, with no
// call to the chain. It is a cache: everything in it comes from logs, and a new index rebuilt from
// the same logs is equal to it.
import { ScoringModel } from "../scoring/params";
import { gainApplies } from "../scoring/creditScore";
import { voteWeight } from "../scoring/classicScore";
import type { NodeSnapshot } from "../chain/snapshotReader";
import type { Clock } from "../chain/clock";
import { StateError } from "../util/errors";
import { Trace } from "./trace";
import { unpackCredit, unpackTrust } from "./records";

/** A decoded log the index applies, at its block's timestamp `t`. */
export type IndexEvent =
  | { kind: "admitted"; node: string; nodeClass: number; capacity: bigint; tradingCycle: bigint; trust: bigint }
  | { kind: "credit"; node: string; record: bigint }
  | { kind: "trust"; node: string; record: bigint }
  | { kind: "deposited"; node: string; bonded: bigint }
  | { kind: "withdrawalRequested"; node: string; amount: bigint }
  | { kind: "slashed"; node: string; slashed: bigint }
  | { kind: "observer"; observer: string }
  | { kind: "voted"; voter: string; candidates: string[]; amounts: bigint[] }
  | { kind: "votesDropped"; voter: string };

/** NodeRecord.packCredit(0, 0, false, true, false, 0, 0): the credit record admission writes. */
const ADMITTED_CREDIT_RECORD = 1n << 129n;

/** The low 160 bits of a vote tally hold the votes, the high 48 the voter's last vote (ElectionVotes). */
const VOTES_MASK = (1n << 160n) - 1n;

interface Allocation {
  candidate: string;
  votes: bigint;
}

/** What the index holds of one node (addresses are lower-case). */
export interface IndexedNode {
  nodeClass: number;
  capacity: bigint;
  tradingCycle: bigint;
  admittedAt: bigint;
  credit: Trace;
  trust: Trace;
  bonded: Trace;
  /** Raw votes | last vote << 160 (credit and trust models). */
  votes: Trace;
  /** Deposit-weighted votes (classic model). */
  weighted: Trace;
  allocations: Allocation[];
}

const newNode = (): IndexedNode => ({
  nodeClass: 0,
  capacity: 0n,
  tradingCycle: 0n,
  admittedAt: 0n,
  credit: new Trace(),
  trust: new Trace(),
  bonded: new Trace(),
  votes: new Trace(),
  weighted: new Trace(),
  allocations: [],
});

export class ScoreIndex {
  readonly nodes = new Map<string, IndexedNode>();
  /** Admitted nodes in admission order (the registry's `nodesPage` order). */
  readonly admitted: string[] = [];
  totalVotes = new Trace();
  /** The vault's deposit observer (the election reweighs classic votes only when it is the observer). */
  observer = "0x0000000000000000000000000000000000000000";
  /** No lookup before this timepoint: older history was pruned. */
  horizon = 0;

  constructor(
    readonly model: ScoringModel,
    /** The election's address, lower-case. */
    readonly election: string,
  ) {}

  private node(address: string): IndexedNode {
    let n = this.nodes.get(address);
    if (!n) {
      n = newNode();
      this.nodes.set(address, n);
    }
    return n;
  }

  /** Apply one log, in chain order, at its block's timestamp `t`. */
  apply(e: IndexEvent, t: number): void {
    switch (e.kind) {
      case "admitted": {
        // NodeAdmitted states the node's first records: credit "admitted" alone, and its trust
        const n = this.node(e.node);
        n.nodeClass = e.nodeClass;
        n.capacity = e.capacity;
        n.tradingCycle = e.tradingCycle;
        n.admittedAt = BigInt(t);
        n.credit.push(t, ADMITTED_CREDIT_RECORD);
        n.trust.push(t, e.trust);
        this.admitted.push(e.node);
        return;
      }
      case "credit":
        return this.node(e.node).credit.push(t, e.record);
      case "trust":
        return this.node(e.node).trust.push(t, e.record);
      case "deposited":
        return this.setBonded(e.node, e.bonded, t);
      case "withdrawalRequested": {
        const n = this.node(e.node);
        return this.setBonded(e.node, n.bonded.latest() - e.amount, t);
      }
      case "slashed": {
        // StakeVault.slash takes min(amount, bonded) from the bond first, the rest from unbonding:
        // so the part taken from the bond is min(slashed, bonded), and none means no checkpoint
        const previous = this.node(e.node).bonded.latest();
        const fromBonded = e.slashed < previous ? e.slashed : previous;
        if (fromBonded !== 0n) this.setBonded(e.node, previous - fromBonded, t);
        return;
      }
      case "observer":
        this.observer = e.observer;
        return;
      case "voted":
        return this.vote(e.voter, e.candidates, e.amounts, t);
      case "votesDropped": {
        const classic = this.model === ScoringModel.Classic;
        const total = this.withdraw(e.voter, this.node(e.voter).bonded.latest(), t, classic);
        if (!classic) this.totalVotes.push(t, total);
        return;
      }
    }
  }

  private setBonded(address: string, current: bigint, t: number): void {
    const n = this.node(address);
    if (current < 0n) throw new StateError("bonded", current, `${address}: a withdrawal larger than the bond (logs out of order?)`);
    const previous = n.bonded.latest();
    n.bonded.push(t, current);
    // ElectionVotes.onDepositChanged: only the classic model weighs votes by deposit
    if (this.observer !== this.election || this.model !== ScoringModel.Classic) return;
    for (const a of n.allocations) this.addWeight(a.candidate, t, voteWeight(a.votes, current), voteWeight(a.votes, previous));
  }

  /** ElectionVotes.vote, line for line. */
  private vote(voter: string, candidates: string[], amounts: bigint[], t: number): void {
    const deposit = this.node(voter).bonded.latest();
    const classic = this.model === ScoringModel.Classic;
    let total = this.withdraw(voter, deposit, t, classic);
    const own = this.node(voter).allocations;
    for (let i = 0; i < candidates.length; i++) {
      own.push({ candidate: candidates[i], votes: amounts[i] });
      if (classic) {
        this.addWeight(candidates[i], t, voteWeight(amounts[i], deposit), 0n);
      } else {
        this.addVotes(candidates[i], t, amounts[i]);
        total += amounts[i];
      }
    }
    if (!classic) {
      this.totalVotes.push(t, total);
      if (candidates.length !== 0) {
        const votes = this.node(voter).votes;
        votes.push(t, (votes.latest() & VOTES_MASK) | (BigInt(t) << 160n));
      }
    }
  }

  private withdraw(voter: string, deposit: bigint, t: number, classic: boolean): bigint {
    const old = this.node(voter).allocations;
    let total = classic ? 0n : this.totalVotes.latest();
    for (let i = old.length; i > 0; i--) {
      const a = old[i - 1];
      if (classic) {
        this.addWeight(a.candidate, t, 0n, voteWeight(a.votes, deposit));
      } else {
        this.addVotes(a.candidate, t, -a.votes);
        total -= a.votes;
      }
      old.pop();
    }
    return total;
  }

  private addVotes(candidate: string, t: number, delta: bigint): void {
    const trace = this.node(candidate).votes;
    const packed = trace.latest();
    trace.push(t, (packed & ~VOTES_MASK) | ((packed & VOTES_MASK) + delta));
  }

  private addWeight(candidate: string, t: number, plus: bigint, minus: bigint): void {
    const trace = this.node(candidate).weighted;
    trace.push(t, trace.latest() + plus - minus);
  }

  /**
   * What the lens's `read` returns for `address` at `t`, with the trust counters also at
   * `windowStart` when it is non-zero: the same lookups, made here.
   */
  viewAt(address: string, clock: Clock, t: number, windowStart: number): NodeSnapshot {
    if (t < this.horizon || (windowStart !== 0 && windowStart < this.horizon)) {
      throw new StateError("timepoint", Math.min(t, windowStart || t), `the index was pruned before ${this.horizon}`);
    }
    const n = this.nodes.get(address) ?? newNode();
    const c = unpackCredit(n.credit.at(t));
    const trust = unpackTrust(n.trust.at(t));
    const atStart = windowStart === 0 ? { correct: 0n, offences: 0n, participated: 0n } : unpackTrust(n.trust.at(windowStart));
    const packed = n.votes.at(t);
    return {
      node: { nodeClass: BigInt(n.nodeClass), tradingCycle: n.tradingCycle, admittedAt: n.admittedAt, capacity: n.capacity },
      // creditRecordAt(t) reports whether ΔC+ applies at a snapshot at t + 1
      credit: {
        quality: c.quality,
        offencePenalty: c.offencePenalty,
        clean: gainApplies(c.clean, c.gainStage, clock.epochOf(BigInt(t) + 1n)),
        admitted: c.admitted,
        jailed: c.jailed,
        jailedUntil: c.jailedUntil,
      },
      trust,
      trustAtWindowStart: { correct: atStart.correct, offences: atStart.offences, participated: atStart.participated },
      votes: packed & VOTES_MASK,
      totalVotes: this.totalVotes.at(t),
      weightedVotes: n.weighted.at(t),
      lastVote: packed >> 160n,
      deposit: n.bonded.at(t),
    };
  }

  /** Drop history no lookup at or after `before` reads (the keeper's elections only move forward). */
  prune(before: number): void {
    if (before <= this.horizon) return;
    for (const n of this.nodes.values()) {
      n.credit.prune(before);
      n.trust.prune(before);
      n.bonded.prune(before);
      n.votes.prune(before);
      n.weighted.prune(before);
    }
    this.totalVotes.prune(before);
    this.horizon = before;
  }
}
