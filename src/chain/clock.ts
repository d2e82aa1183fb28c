// The one clock off the chain: a line-for-line mirror of contracts/registry/EpochClock.sol
// (EpochClock and SlotClock). The keeper, the delegate client and the snapshot reader compute every
// epoch, slot, window and snapshot here, never inline; test/chain/clock.test.ts holds it to the
// contract's answers, including the refusals at the bounds.

const UINT48_MAX = (1n << 48n) - 1n;

/** A slot number at or past the epoch's slot count: the contract's `IndexOutOfRange("slot", slot, slotsPerEpoch)`. */
export class SlotOutOfRange extends RangeError {
  override readonly name = "IndexOutOfRange";
  readonly field = "slot";
  constructor(
    readonly slot: bigint,
    readonly slotsPerEpoch: bigint,
  ) {
    super(`slot ${slot} is out of range: an epoch has slots 0 to ${slotsPerEpoch - 1n}`);
  }
  /** The arguments of the contract's error, in order. */
  get args(): [string, bigint, bigint] {
    return [this.field, this.slot, this.slotsPerEpoch];
  }
}

/**
 * An epoch past the last one a uint48 timestamp can start, or 0 where an earlier epoch is needed:
 * the contract's `OutOfRange("epoch", epoch, min, max)`.
 */
export class EpochOutOfRange extends RangeError {
  override readonly name = "OutOfRange";
  readonly field = "epoch";
  constructor(
    readonly epoch: bigint,
    readonly min: bigint,
    readonly max: bigint,
  ) {
    super(`epoch ${epoch} is out of range [${min}, ${max}] (0 has no election; the last epoch starts at the last uint48 second)`);
  }
  /** The arguments of the contract's error, in order. */
  get args(): [string, bigint, bigint, bigint] {
    return [this.field, this.epoch, this.min, this.max];
  }
}

/** What a clock is made of: the election's (or the registry's, with one slot an epoch) constants. */
export interface ClockConstants {
  genesis: bigint;
  epochDuration: bigint;
  slotsPerEpoch: bigint;
}

/** The views a clock is read from: the election contract has them all. */
export interface ClockSource {
  genesis(): Promise<bigint>;
  epochDuration(): Promise<bigint>;
  slotsPerEpoch(): Promise<bigint>;
}

export class Clock {
  readonly genesis: bigint;
  readonly epochDuration: bigint;
  readonly slotsPerEpoch: bigint;
  readonly slotDuration: bigint;
  readonly maxEpoch: bigint;

  constructor(c: ClockConstants) {
    if (c.epochDuration <= 0n || c.slotsPerEpoch <= 0n || c.epochDuration % c.slotsPerEpoch !== 0n) {
      throw new RangeError(`unusable clock: ${c.slotsPerEpoch} slots do not divide an epoch of ${c.epochDuration} s`);
    }
    this.genesis = c.genesis;
    this.epochDuration = c.epochDuration;
    this.slotsPerEpoch = c.slotsPerEpoch;
    this.slotDuration = c.epochDuration / c.slotsPerEpoch;
    this.maxEpoch = (UINT48_MAX - c.genesis) / c.epochDuration - 1n;
  }

  /** The clock of a deployed election (three calls, once). */
  static async read(source: ClockSource): Promise<Clock> {
    const [genesis, epochDuration, slotsPerEpoch] = await Promise.all([source.genesis(), source.epochDuration(), source.slotsPerEpoch()]);
    return new Clock({ genesis, epochDuration, slotsPerEpoch });
  }

  /** The epoch containing timestamp `t` (0 before genesis). */
  epochOf(t: bigint): bigint {
    return t < this.genesis ? 0n : (t - this.genesis) / this.epochDuration;
  }

  /** Timestamp at which `epoch` starts; throws past `maxEpoch`. */
  epochStart(epoch: bigint): bigint {
    if (epoch < 0n || epoch > this.maxEpoch) throw new EpochOutOfRange(epoch, 0n, this.maxEpoch);
    return this.genesis + epoch * this.epochDuration;
  }

  /** The snapshot of `epoch`'s election: the start of epoch `epoch − 1`. */
  snapshotOf(epoch: bigint): bigint {
    if (epoch <= 0n) throw new EpochOutOfRange(epoch, 1n, this.maxEpoch + 1n);
    return this.epochStart(epoch - 1n);
  }

  /** [start, end) of `slot` of `epoch`; throws unless 0 ≤ slot < slotsPerEpoch. */
  slotWindow(epoch: bigint, slot: bigint): { start: bigint; end: bigint } {
    if (slot < 0n || slot >= this.slotsPerEpoch) throw new SlotOutOfRange(slot, this.slotsPerEpoch);
    const start = this.epochStart(epoch) + slot * this.slotDuration;
    return { start, end: start + this.slotDuration };
  }

  /** The epoch and slot containing timestamp `t` (epoch 0, slot 0 before genesis). */
  slotAt(t: bigint): { epoch: bigint; slot: bigint } {
    if (t < this.genesis) return { epoch: 0n, slot: 0n };
    return { epoch: (t - this.genesis) / this.epochDuration, slot: ((t - this.genesis) % this.epochDuration) / this.slotDuration };
  }

  /** Whether `slot` is a slot of an epoch. */
  isSlot(slot: bigint): boolean {
    return slot >= 0n && slot < this.slotsPerEpoch;
  }
}
