// The keeper's election engine: the `length` best keys of N scored nodes in O(N log length),
// ordered exactly as the contract orders them (smaller key first, then the seed's tie-break).
import { NEVER, ranksBefore, type Ranked } from "../scoring/electionKey";

export interface Keyed extends Ranked {
  node: string;
  eligible: boolean;
}

/** The best `length` electable nodes, best first. A bounded max-heap keeps the worst on top. */
export function bestKeys<T extends Keyed>(scored: readonly T[], length: number): T[] {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`);
  const worse = (a: T, b: T) => ranksBefore(b, a); // a ranks after b
  const heap: T[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (const s of scored) {
    if (!s.eligible || s.key === NEVER || length === 0) continue;
    if (heap.length < length) {
      heap.push(s);
      up(heap.length - 1);
    } else if (worse(heap[0], s)) {
      heap[0] = s;
      down(0);
    }
  }
  return heap.sort((a, b) => (ranksBefore(a, b) ? -1 : 1));
}
