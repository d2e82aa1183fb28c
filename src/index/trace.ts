// A checkpoint history off the chain: the mirror of OpenZeppelin's `Checkpoints.Trace208` as the
// contracts use it (keys are block timestamps, pushed in order; a push at the last key replaces its
// value; a lookup returns the value of the last key at or before the timepoint, or nothing).
import { StateError } from "../util/errors";

export class Trace {
  private keys: number[] = [];
  private values: bigint[] = [];

  /** Record `value` from timepoint `key` on (keys never go back: logs are applied in chain order). */
  push(key: number, value: bigint): void {
    const n = this.keys.length;
    if (n > 0 && this.keys[n - 1] === key) {
      this.values[n - 1] = value;
      return;
    }
    if (n > 0 && this.keys[n - 1] > key) throw new StateError("trace", key, `checkpoint at ${key} after one at ${this.keys[n - 1]}`);
    this.keys.push(key);
    this.values.push(value);
  }

  /** The latest value, or 0 before any (what `Trace208.latest` returns). */
  latest(): bigint {
    const n = this.values.length;
    return n === 0 ? 0n : this.values[n - 1];
  }

  /** The value in force at `t` (`upperLookupRecent`): of the last key ≤ t, or 0 before the first. */
  at(t: number): bigint {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] > t) hi = mid;
      else lo = mid + 1;
    }
    return lo === 0 ? 0n : this.values[lo - 1];
  }

  /** Forget what no lookup at or after `before` can read: every entry but the last at or before it. */
  prune(before: number): void {
    let drop = 0;
    while (drop + 1 < this.keys.length && this.keys[drop + 1] <= before) drop++;
    if (drop === 0) return;
    this.keys.splice(0, drop);
    this.values.splice(0, drop);
  }

  get length(): number {
    return this.keys.length;
  }

  /** Plain arrays for a JSON cache: keys, then values as hex. */
  toJSON(): [number[], string[]] {
    return [this.keys, this.values.map((v) => v.toString(16))];
  }

  static fromJSON([keys, values]: [number[], string[]]): Trace {
    if (!Array.isArray(keys) || !Array.isArray(values) || keys.length !== values.length) {
      throw new StateError("trace", keys, "a cached trace needs as many keys as values");
    }
    const t = new Trace();
    for (let i = 0; i < keys.length; i++) t.push(keys[i], BigInt("0x" + values[i]));
    return t;
  }
}
