// The keeper's ranking (src/election/engine.ts): equal keys fall in the seed's tie-break order,
// never the input's or the address's, and equal keys one of which lost its tie-break (an object
// spread of a lazily hashed score, as an experiment once made) are refused instead of ranked in
// heap order; unequal keys never need the tie-break.
import { expect } from "chai";
import { bestKeys } from "../../src/election/engine";

/** A score whose tie-break sits behind a prototype getter, as the keeper's lazy scores do. */
class Lazy {
  constructor(
    readonly node: string,
    readonly key: bigint,
    private readonly t: bigint,
  ) {}
  readonly eligible = true;
  get tie(): bigint {
    return this.t;
  }
}

describe("election engine: bestKeys", () => {
  it("orders equal keys by their tie-break, whatever the input order", () => {
    const scored = [new Lazy("a", 5n, 30n), new Lazy("b", 5n, 10n), new Lazy("c", 4n, 99n), new Lazy("d", 5n, 20n)];
    for (const input of [scored, [...scored].reverse()]) expect(bestKeys(input, 3).map((s) => s.node)).to.deep.equal(["c", "b", "d"]);
  });

  it("refuses spread copies of lazy scores when their keys tie, and ranks them when they do not", () => {
    const copies = [new Lazy("a", 5n, 30n), new Lazy("b", 5n, 10n)].map((s) => ({ ...s }));
    expect(() => bestKeys(copies as never, 2)).to.throw(TypeError, "a score without a tie-break");
    const own = [new Lazy("a", 5n, 30n), { node: "b", key: 5n, tie: undefined, eligible: true }];
    expect(() => bestKeys(own as never, 2), "an own tie of undefined").to.throw(TypeError, "without a tie-break");
    const apart = [new Lazy("a", 6n, 30n), new Lazy("b", 5n, 10n)].map((s) => ({ ...s }));
    expect(bestKeys(apart as never, 2).map((s: { node: string }) => s.node)).to.deep.equal(["b", "a"]);
  });
});
