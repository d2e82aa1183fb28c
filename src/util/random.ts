// A small seeded PRNG (mulberry32) so experiments and demos are reproducible: same seed, same draws.

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in [0, 2^32 - 1], got ${seed}`);
    }
    this.state = seed;
  }

  /**
   * The generator of run `run` of an experiment seeded `seed`: runs draw independently of each
   * other, so any split of the runs over worker processes gives the same counts.
   */
  static forRun(seed: number, run: number): SeededRandom {
    return new SeededRandom((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(run + 1, 0xc2b2ae35)) >>> 0);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
