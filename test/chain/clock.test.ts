// The one clock, both sides: src/chain/clock.ts must answer every epoch, slot, window and
// snapshot question exactly as contracts/registry/EpochClock.sol does, including where the
// contract refuses (slots at or past S, epochs past the last uint48 start, epoch 0's snapshot).
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployed } from "../fixtures";
import { Clock, EpochOutOfRange, SlotOutOfRange } from "../../src/chain/clock";

describe("clock: TypeScript mirror of EpochClock", () => {
  const fixture = async () => {
    const f = await deployed({ slotsPerEpoch: 6n });
    return { ...f, clock: await Clock.read(f.election) };
  };

  /** The contract's answer, or its custom error with its arguments, as Hardhat prints it: `Name("field", 1, 2)`. */
  async function onChain<T>(call: () => Promise<T>): Promise<T | string> {
    try {
      return await call();
    } catch (e) {
      const m = /reverted with custom error '(\w+\(.*\))'/.exec(String((e as Error).message));
      if (!m) throw e;
      return m[1];
    }
  }
  function offChain<T>(call: () => T): T | string {
    try {
      return call();
    } catch (e) {
      if (e instanceof SlotOutOfRange || e instanceof EpochOutOfRange) {
        return `${e.name}(${e.args.map((a) => (typeof a === "string" ? JSON.stringify(a) : String(a))).join(", ")})`;
      }
      throw e;
    }
  }

  it("agrees with the contract on windows, slots and snapshots over the whole domain", async () => {
    const { election, clock } = await loadFixture(fixture);
    expect(clock.maxEpoch).to.equal(await election.maxEpoch());
    expect(clock.slotDuration).to.equal(await election.slotDuration());
    const S = clock.slotsPerEpoch;
    const edges = [0n, 1n, S - 1n, S, S + 1n, 2n ** 64n, 2n ** 256n - 1n];
    const epochs = [0n, 1n, 2n, clock.maxEpoch, clock.maxEpoch + 1n, 2n ** 256n - 1n];
    const cases: [bigint, bigint][] = epochs.flatMap((e) => edges.map((s) => [e, s] as [bigint, bigint]));
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 20n }),
        (e, s) => void cases.push([e % (clock.maxEpoch + 3n), s]),
      ),
      { numRuns: 60, seed: 19 },
    );
    for (const [e, s] of cases) {
      const chain = await onChain(async () => [...(await election.slotWindow(e, s))]);
      const mirror = offChain(() => {
        const w = clock.slotWindow(e, s);
        return [w.start, w.end];
      });
      expect(mirror, `slotWindow(${e}, ${s})`).to.deep.equal(chain);
    }
    for (const e of epochs) {
      expect(
        offChain(() => clock.snapshotOf(e)),
        `snapshotOf(${e})`,
      ).to.deep.equal(await onChain(() => election.snapshotOf(e)));
      expect(
        offChain(() => clock.epochStart(e)),
        `epochStart(${e})`,
      ).to.deep.equal(await onChain(() => election.epochStart(e)));
    }
    const times = [
      0n,
      clock.genesis - 1n,
      clock.genesis,
      clock.genesis + clock.slotDuration - 1n,
      clock.genesis + clock.slotDuration,
      clock.genesis + clock.epochDuration - 1n,
      clock.genesis + 10n ** 9n,
    ];
    for (const t of times) {
      const [epoch, slot] = await election.slotAt(t);
      expect(clock.slotAt(t), `slotAt(${t})`).to.deep.equal({ epoch, slot });
      expect(clock.epochOf(t), `epochOf(${t})`).to.equal(await election.epochOf(t));
    }
  });
});
