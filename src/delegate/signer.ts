// Slashing protection for block headers, after Ethereum validator clients (EIP-3076): every header
// this node signs, as producer or as attester, goes through one HeaderSigner, which never signs two
// different headers for one (epoch, slot). The check and the record are one serialised step, and
// the record reaches the disk (append + fsync) before the signature is returned, so neither two
// concurrent requests nor a crash between two requests can make an honest node equivocate.
//
// The record is a journal of JSON lines in the data directory, one file per (chain, ledger, clock
// genesis, key): a fresh deployment at the same addresses (a restarted local node) starts a new
// file instead of refusing the slots of a chain that no longer exists. Records of epochs whose
// evidence window has closed may be pruned; headers of pruned epochs are refused from then on (the
// low watermark of EIP-3076).
import fs from "node:fs";
import path from "node:path";
import { getAddress, type Signer, type TypedDataDomain } from "ethers";
import { HEADER_TYPES, headerDigest, recoverStrict, type BlockHeader } from "../ledger/signing";

/** A second, different header for a slot whose header this node already signed. */
export class DoubleSignRefused extends Error {
  override readonly name = "DoubleSignRefused";
  constructor(
    readonly epoch: bigint,
    readonly slot: bigint,
    readonly signedDigest: string,
    readonly requestedDigest: string,
  ) {
    super(`header ${requestedDigest} for slot ${slot} of epoch ${epoch}: this node already signed header ${signedDigest} for that slot`);
  }
}

/** A header of an epoch whose records were pruned: nothing is known of what was signed there. */
export class EpochPruned extends Error {
  override readonly name = "EpochPruned";
  constructor(
    readonly epoch: bigint,
    readonly prunedBefore: bigint,
  ) {
    super(`epoch ${epoch}: signing records before epoch ${prunedBefore} are pruned, nothing of it is signed any more`);
  }
}

/** The record file cannot be trusted or used: another process holds it, or a line is unreadable. */
export class SigningRecordError extends Error {
  override readonly name = "SigningRecordError";
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** The signing key returned a signature the ledger would not accept (e.g. a remote signer's v of 0). */
export class UnusableSignature extends Error {
  override readonly name = "UnusableSignature";
  constructor(
    readonly digest: string,
    readonly signature: string,
  ) {
    super(`the key's signature ${signature} of ${digest} is not one the ledger accepts (65 bytes, v 27 or 28, low s)`);
  }
}

export interface SignedHeader {
  epoch: bigint;
  slot: bigint;
  digest: string;
  signature: string;
}

type JournalLine =
  | { kind: "identity"; chainId: string; ledger: string; genesis: string; signer: string }
  | { kind: "pruned"; before: string }
  | { kind: "signed"; epoch: string; slot: string; digest: string; signature: string };

/** Files this process holds open (a second HeaderSigner on one file would have its own memory). */
const openFiles = new Set<string>();

const slotKey = (epoch: bigint, slot: bigint) => `${epoch}:${slot}`;

export class HeaderSigner {
  private readonly records = new Map<string, SignedHeader>();
  private prunedBefore = 0n;
  /** The journal's first line: whose record this is, on which deployment. */
  private identity?: Extract<JournalLine, { kind: "identity" }>;
  private fd?: number;
  /** The tail of the queue every sign and prune waits its turn in. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly key: Signer,
    private readonly domain: TypedDataDomain,
    readonly address: string,
    /** The journal; undefined keeps the record in memory only (tests and in-process demos). */
    readonly file: string | undefined,
  ) {}

  /**
   * The signer of `key` under the ledger's `domain`, its record loaded from `dataDir` (created if
   * missing) and compacted; without `dataDir` the record lives in memory only and a restarted
   * process forgets it. `genesis` is the election clock's, telling deployments at one address apart.
   */
  static async open(key: Signer, domain: TypedDataDomain, genesis: bigint, dataDir?: string): Promise<HeaderSigner> {
    const address = getAddress(await key.getAddress());
    if (dataDir === undefined) return new HeaderSigner(key, domain, address, undefined);
    fs.mkdirSync(dataDir, { recursive: true });
    const ledger = getAddress(String(domain.verifyingContract));
    const file = path.resolve(dataDir, `signed-headers-${domain.chainId}-${ledger}-${genesis}-${address}.jsonl`);
    const signer = new HeaderSigner(key, domain, address, file);
    signer.lock();
    try {
      signer.load({ kind: "identity", chainId: String(domain.chainId), ledger, genesis: String(genesis), signer: address });
    } catch (e) {
      signer.close();
      throw e;
    }
    return signer;
  }

  /** What this node signed for (epoch, slot), if anything. */
  signedAt(epoch: bigint, slot: bigint): SignedHeader | undefined {
    return this.records.get(slotKey(epoch, slot));
  }

  /** How many headers the record holds. */
  get size(): number {
    return this.records.size;
  }

  /**
   * The node's signature of `header`: the recorded one if this very header was signed before;
   * {@link DoubleSignRefused} if another header of its slot was. A new signature is recorded and
   * persisted before it is returned.
   */
  sign(header: BlockHeader): Promise<string> {
    return this.serial(async () => {
      const digest = headerDigest(this.domain, header);
      if (header.epoch < this.prunedBefore) throw new EpochPruned(header.epoch, this.prunedBefore);
      const key = slotKey(header.epoch, header.slot);
      const prior = this.records.get(key);
      if (prior) {
        if (prior.digest === digest) return prior.signature;
        throw new DoubleSignRefused(header.epoch, header.slot, prior.digest, digest);
      }
      const signature = await this.key.signTypedData(this.domain, HEADER_TYPES, header);
      if (recoverStrict(digest, signature) !== this.address) throw new UnusableSignature(digest, signature);
      const record = { epoch: header.epoch, slot: header.slot, digest, signature };
      // in memory first: if the write fails, the slot stays refused (the safe side) and the
      // signature is never returned
      this.records.set(key, record);
      this.append({ kind: "signed", epoch: String(record.epoch), slot: String(record.slot), digest, signature });
      return signature;
    });
  }

  /** Forget the records of epochs before `epoch` (their evidence window is over) and refuse those epochs. */
  prune(epoch: bigint): Promise<void> {
    return this.serial(async () => {
      if (epoch <= this.prunedBefore) return;
      this.prunedBefore = epoch;
      for (const [key, r] of this.records) if (r.epoch < epoch) this.records.delete(key);
      this.compact();
    });
  }

  /** Release the file (the record stays on disk). */
  close(): void {
    if (this.file === undefined) return;
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    if (openFiles.delete(this.file)) fs.rmSync(`${this.file}.lock`, { force: true });
  }

  /** Run `step` after every step queued before it: no two steps interleave at their awaits. */
  private serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step, step);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * One process per record: a lock file with the holder's pid. A lock left by a process that died
   * (SIGKILL) is taken over; one held by a live process, or by this process, is an error.
   */
  private lock(): void {
    const file = this.file!;
    const lockFile = `${file}.lock`;
    if (openFiles.has(file)) throw new SigningRecordError(file, "already open in this process");
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(fs.readFileSync(lockFile, "utf8"));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new SigningRecordError(file, `held by running process ${holder}; two clients on one key would each sign on their own`);
      }
      fs.writeFileSync(lockFile, String(process.pid));
    }
    openFiles.add(file);
  }

  /** Read the journal, check it is this key's on this deployment, then rewrite it compacted. */
  private load(identity: Extract<JournalLine, { kind: "identity" }>): void {
    const file = this.file!;
    if (fs.existsSync(file)) {
      const lines = fs.readFileSync(file, "utf8").split("\n");
      // a crash mid-write leaves a last line without its newline; its signature was never
      // returned (that happens only after the fsync), so it is dropped
      lines.pop();
      for (const [i, text] of lines.entries()) {
        let line: JournalLine;
        try {
          line = JSON.parse(text) as JournalLine;
        } catch {
          throw new SigningRecordError(file, `line ${i + 1} is not JSON; refusing to sign without a readable record`);
        }
        if (line.kind === "identity") {
          for (const field of ["chainId", "ledger", "genesis", "signer"] as const) {
            if (line[field] !== identity[field])
              throw new SigningRecordError(file, `belongs to ${field} ${line[field]}, not ${identity[field]}`);
          }
        } else if (line.kind === "pruned") {
          if (BigInt(line.before) > this.prunedBefore) this.prunedBefore = BigInt(line.before);
        } else if (line.kind === "signed") {
          const r = { epoch: BigInt(line.epoch), slot: BigInt(line.slot), digest: line.digest, signature: line.signature };
          this.records.set(slotKey(r.epoch, r.slot), r);
        } else {
          throw new SigningRecordError(file, `line ${i + 1} has unknown kind ${JSON.stringify((line as { kind?: unknown }).kind)}`);
        }
      }
    }
    for (const [key, r] of this.records) if (r.epoch < this.prunedBefore) this.records.delete(key);
    this.identity = identity;
    this.compact();
  }

  /** Write the whole record to a temporary file, fsync it, rename it over the journal, fsync the folder. */
  private compact(): void {
    const file = this.file;
    if (file === undefined) return;
    const lines: JournalLine[] = [this.identity!, { kind: "pruned", before: String(this.prunedBefore) }];
    for (const r of this.records.values())
      lines.push({ kind: "signed", epoch: String(r.epoch), slot: String(r.slot), digest: r.digest, signature: r.signature });
    const temp = `${file}.tmp`;
    const fd = fs.openSync(temp, "w", 0o600);
    try {
      fs.writeSync(fd, lines.map((l) => JSON.stringify(l) + "\n").join(""));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.renameSync(temp, file);
    syncFolder(path.dirname(file));
    this.fd = fs.openSync(file, "a", 0o600);
  }

  /** Append one line and fsync it: synchronous, so nothing else runs between the write and the sync. */
  private append(line: JournalLine): void {
    if (this.fd === undefined) return;
    fs.writeSync(this.fd, JSON.stringify(line) + "\n");
    fs.fsyncSync(this.fd);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** fsync a folder so a rename in it survives a power cut (a no-op where folders cannot be opened). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a folder; its rename is durable enough for this record
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
