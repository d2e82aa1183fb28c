// The keeper's scores from its index: catch the index up with the chain, then read every node's
// inputs at the snapshot from it and score them with the same mirror as the lens path
// (SnapshotReader.scoreViews). A warm election reads only the logs since the last one; a cold
// start reads every log since the deployment, two a bonded node until it acts, and nothing per node.
import type { DelegateElection, NodeRegistry, SnapshotLens, StakeVault } from "../../typechain-types";
import { SnapshotReader, scoreViews, type SnapshotScore } from "../chain/snapshotReader";
import { StateError } from "../util/errors";
import { IndexSync, type CatchUp, type RpcSender, type SyncOptions } from "./sync";
import { loadIndex, saveIndex, type CacheKey } from "./store";
import type { ScoringModel } from "../scoring/params";

export interface IndexOptions extends SyncOptions {
  /** The raw JSON-RPC the logs are read with. */
  rpc: RpcSender;
  /** The deployment's block (the address record's `block`): no log of the system is older. */
  startBlock: number;
  /** A cache file for warm restarts; without one the index lives in memory only. */
  file?: string;
}

export interface IndexedScores {
  scores: SnapshotScore[];
  catchUp: CatchUp;
  /** Where a cache file was found unusable and ignored, why. */
  cache?: string;
}

export class IndexedReader {
  private sync?: IndexSync;
  private key?: CacheKey;
  private readonly lens: SnapshotReader;

  constructor(
    private readonly c: { registry: NodeRegistry; vault: StakeVault; election: DelegateElection; lens?: SnapshotLens },
    private readonly options: IndexOptions,
  ) {
    this.lens = SnapshotReader.of(c);
  }

  private async ready(): Promise<{ sync: IndexSync; cache?: string }> {
    if (this.sync) return { sync: this.sync };
    const [registry, vault, election, model, chainId] = await Promise.all([
      this.c.registry.getAddress(),
      this.c.vault.getAddress(),
      this.c.election.getAddress(),
      this.c.registry.scoringModel(),
      this.options.rpc.send("eth_chainId", []),
    ]);
    const sources = { registry: registry.toLowerCase(), vault: vault.toLowerCase(), election: election.toLowerCase() };
    this.key = {
      chainId: String(BigInt(chainId as string)),
      sources,
      model: Number(model) as ScoringModel,
      startBlock: this.options.startBlock,
    };
    let cache: string | undefined;
    let restored;
    if (this.options.file) {
      const loaded = loadIndex(this.options.file, this.key);
      if ("unusable" in loaded) cache = loaded.unusable;
      else restored = loaded;
    }
    this.sync = new IndexSync(this.options.rpc, sources, this.key.model, this.options.startBlock, this.options, restored);
    return { sync: this.sync, cache };
  }

  /** Every admitted node's score and key for the election of `epoch`, from the index caught up to now. */
  async scoreAll(epoch: bigint): Promise<IndexedScores> {
    const { sync, cache } = await this.ready();
    const [election, catchUp] = await Promise.all([this.lens.electionAt(epoch), sync.catchUp()]);
    const t = Number(election.t);
    const windowStart = Number(election.windowStart);
    const earliestLookup = windowStart === 0 ? t : Math.min(t, windowStart);
    if (earliestLookup < sync.index.horizon) {
      // an election further back than the pruned history (an older epoch, or a window made longer
      // since): the history is gone from the cache, not from the chain, so rebuild it
      sync.reset();
      return this.scoreAll(epoch);
    }
    // blocks only move forward in time: once one past the snapshot is in, every input at it is
    if (sync.cursor!.timestamp <= t) {
      throw new StateError("snapshot", election.snapshot, `no block at or after the snapshot of epoch ${epoch} yet`);
    }
    const index = sync.index;
    const nodes = index.admitted;
    const views = nodes.map((a) => index.viewAt(a, election.clock, t, windowStart));
    const scores = scoreViews(election, nodes, views);
    // later elections read later timepoints: keep one epoch of slack behind this one's earliest
    const earliest = earliestLookup - Number(election.clock.epochDuration);
    if (earliest > 0) index.prune(earliest);
    this.saveSoon();
    return { scores, catchUp, cache };
  }

  private saving?: Promise<void>;

  /**
   * Write the cache once the election's scores are out (the keeper submits meanwhile): one
   * synchronous write of the index and its cursor together, so the file is always a state the
   * index was in. A failed write only costs the next start its warmth; it is reported by `flush`.
   */
  private saveSoon(): void {
    const file = this.options.file;
    if (!file || this.saving) return;
    this.saving = new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.saving = undefined;
        try {
          saveIndex(file, this.key!, this.sync!.index, this.sync!.cursor!);
          resolve();
        } catch (e) {
          reject(e);
        }
      }),
    );
    this.saving.catch(() => undefined);
  }

  /** Wait for the cache write in progress, if any (and throw its error). */
  async flush(): Promise<void> {
    await this.saving;
  }

  /** The index as it stands (for tests and benchmarks). */
  get current() {
    return this.sync?.index;
  }
}
