// What the parts of the delegate client share once it has started (the chain's contracts, its key
// and address, the ledger's signing domain, the clock, the slashing-protection signer, the pool and
// the committed trades), and the small helpers more than one part needs.
import { getAddress, type Provider, type Signer, type TypedDataDomain } from "ethers";
import type { Logger } from "pino";
import type { Contracts } from "../deployment/addressBook";
import type { Clock } from "../chain/clock";
import type { BlockHeader, SignedTrade, TradeOrder } from "../ledger/signing";
import type { HeaderSigner } from "./signer";
import type { TradePool } from "./pool";
import type { CommittedTrades } from "./sync";

/** Counters the client reports at `/health` and when it stops. */
export interface DelegateStats {
  produced: number;
  attested: number;
  refused: number;
  equivocationsReported: number;
  tradesAccepted: number;
  tradesEvicted: number;
  attestationsDropped: number;
  unjailed: number;
}

export interface DelegateContext {
  readonly c: Contracts;
  readonly signer: Signer;
  readonly provider: Provider;
  readonly log: Logger;
  /** This node's address (checksummed). */
  readonly me: string;
  readonly domain: TypedDataDomain;
  readonly orderDigest: (t: TradeOrder) => string;
  readonly clock: Clock;
  /** Every header this node signs goes through it (a cheat's second header excepted). */
  readonly protection: HeaderSigner;
  readonly pool: TradePool;
  readonly committed: CommittedTrades;
  /** The blocks this node signed (produced or attested), per slot: a retry or a takeover re-uses its header. */
  readonly blocks: ByEpoch<SignedBlock>;
  readonly stats: DelegateStats;
}

/** A block this node signed: its header, the header's EIP-712 digest and the trades it commits to. */
export interface SignedBlock {
  header: BlockHeader;
  digest: string;
  trades: SignedTrade[];
}

/** Per-epoch maps, so everything about epochs past the evidence window is dropped at once. */
export class ByEpoch<V> {
  private readonly epochs = new Map<bigint, Map<string, V>>();
  get(epoch: bigint, key: string): V | undefined {
    return this.epochs.get(epoch)?.get(key);
  }
  set(epoch: bigint, key: string, v: V): void {
    let m = this.epochs.get(epoch);
    if (!m) this.epochs.set(epoch, (m = new Map()));
    m.set(key, v);
  }
  delete(epoch: bigint, key: string): void {
    this.epochs.get(epoch)?.delete(key);
  }
  prune(before: bigint): void {
    for (const e of this.epochs.keys()) if (e < before) this.epochs.delete(e);
  }
  get size(): number {
    let n = 0;
    for (const m of this.epochs.values()) n += m.size;
    return n;
  }
}

/** Addresses compared as the chain does: case does not matter. */
export const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The delegates whose attestations the ledger counts in `epoch`: the K, and the standbys that took slots over. */
export async function servingDelegates(c: Pick<Contracts, "election">, epoch: bigint): Promise<string[]> {
  const [[list, , k], used] = await Promise.all([c.election.delegatesOf(epoch), c.election.standbysUsed(epoch)]);
  return [...new Set(list.slice(0, Number(k + used)).map((a) => getAddress(a)))];
}
