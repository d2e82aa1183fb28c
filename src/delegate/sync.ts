// Chain sync for the delegate client: the order digests of every trade in a committed block, read
// from the chain's history (BlockCommitted events, then each commit transaction's calldata) from
// the ledger's deployment block on, in pages. Never forgotten: the ledger punishes a replay of an
// order however old its first inclusion (`reportReplayedTrade`), so a trade committed before a
// restart must be refused after it.
import { ZeroHash, type Provider, type TransactionResponse } from "ethers";
import type { Logger } from "pino";
import type { Contracts } from "../deployment/addressBook";
import { describeError } from "../chain/tx";
import { decodeTrades, tradeTree, type TradeOrder } from "../ledger/signing";

export interface SyncOptions {
  /** First chain block whose BlockCommitted events are read: the ledger's deployment block (default 0). */
  fromBlock?: number;
  /** Most blocks per eth_getLogs request (public endpoints refuse large ranges; default 2,000). */
  pageBlocks?: number;
  /** Called with each digest found committed (the client drops it from its pool). */
  onIncluded?: (digest: string) => void;
}

/** Parallel transaction reads while syncing committed blocks. */
const SYNC_CONCURRENCY = 32;

export class CommittedTrades {
  /** Order digests of every committed block since `fromBlock`. Not pruned: a replay is provable forever. */
  private readonly included = new Set<string>();
  /** The last chain block whose BlockCommitted events were read, and the sync under way. */
  private syncedTo: number;
  private syncing?: Promise<void>;

  constructor(
    private readonly ledger: Contracts["ledger"],
    private readonly provider: Provider,
    private readonly orderDigest: (t: TradeOrder) => string,
    private readonly log: Logger,
    private readonly options: SyncOptions = {},
  ) {
    this.syncedTo = (options.fromBlock ?? 0) - 1;
  }

  has(digest: string): boolean {
    return this.included.has(digest);
  }

  get size(): number {
    return this.included.size;
  }

  /** Record a digest as committed (the client's own commit, before the chain's history shows it). */
  add(digest: string): void {
    this.included.add(digest);
    this.options.onIncluded?.(digest);
  }

  /**
   * Read the history up to chain block `target` (the latest by default). One sync runs at a time;
   * callers wait for one that reaches their target.
   */
  async syncTo(target?: number): Promise<void> {
    const to = target ?? (await this.provider.getBlockNumber());
    while (this.syncedTo < to) {
      if (!this.syncing) {
        this.syncing = this.syncRange(to).finally(() => {
          this.syncing = undefined;
        });
      }
      await this.syncing;
    }
  }

  private async syncRange(to: number): Promise<void> {
    const page = this.options.pageBlocks ?? 2_000;
    while (this.syncedTo < to) {
      const from = this.syncedTo + 1;
      const end = Math.min(to, from + page - 1);
      const logs = await this.ledger.queryFilter(this.ledger.filters.BlockCommitted(), from, end);
      for (let i = 0; i < logs.length; i += SYNC_CONCURRENCY) {
        const txs = await Promise.all(logs.slice(i, i + SYNC_CONCURRENCY).map((l) => this.provider.getTransaction(l.transactionHash)));
        for (const [j, tx] of txs.entries()) this.readCommit(tx, logs[i + j].transactionHash);
      }
      this.syncedTo = end;
    }
  }

  /** Mark the trades of one commitBlock transaction included; a payload that does not match its root is logged. */
  private readCommit(tx: TransactionResponse | null, hash: string): void {
    const call = tx && this.ledger.interface.parseTransaction(tx);
    if (!call || call.name !== "commitBlock") {
      // committed through a contract wallet: the payload is not in this transaction's calldata
      this.log.warn({ event: "commit-unreadable", tx: hash });
      return;
    }
    try {
      const trades = decodeTrades(call.args[2]);
      const root = trades.length === 0 ? ZeroHash : tradeTree(trades, this.orderDigest).root;
      if (root !== call.args[0].tradeRoot)
        this.log.warn({ event: "commit-payload-mismatch", tx: hash, root, header: call.args[0].tradeRoot });
      for (const t of trades) this.add(this.orderDigest(t.order));
    } catch (e) {
      this.log.warn({ event: "commit-unreadable", tx: hash, error: describeError(e) });
    }
  }
}
