// The honest watcher: given a submitted list and every node's off-chain score, key and tie-break,
// the challenges that repair the list into exactly the best keys, or none when it already is.
// The repair is planned whole, so a watcher can send every challenge back to back inside one window:
// ineligible and duplicate entries leave (at most L), an insertion sort moves each out-of-order entry
// once to where it belongs (at most L − 1), then the best excluded nodes are inserted where they
// belong (at most L), so any list of length L is repaired in at most 3L − 1 challenges, the contract's
// `maxRepairChallenges`, every one of them paid by the submitter's bond.
import { NEVER, ranksBefore } from "../scoring/electionKey";
import type { Keyed } from "../election/engine";

export type Challenge =
  | { kind: "ineligible"; index: number }
  | { kind: "duplicate"; i: number; j: number }
  | { kind: "order"; from: number; to: number }
  | { kind: "excluded"; node: string; position: number };

const electable = (s: Keyed | undefined): s is Keyed => s !== undefined && s.eligible && s.key !== NEVER;
const norm = (a: string) => a.toLowerCase();

/**
 * Every challenge, in order, that turns `list` into the best `maxLength` keys of `scored`, given
 * the contract's proven-sorted prefix (`elections(epoch).sortedPrefix`): an order challenge moves
 * only an entry at or past it.
 */
export function planRepair(list: readonly string[], scored: ReadonlyMap<string, Keyed>, maxLength: number, sortedPrefix = 1): Challenge[] {
  const plan: Challenge[] = [];
  let current = [...list];
  let sorted = sortedPrefix;
  const take = (c: Challenge) => {
    plan.push(c);
    sorted = prefixAfter(sorted, c, current.length, maxLength);
    current = applyChallenge(current, c, maxLength);
  };
  for (let i = current.length - 1; i >= 0; i--) if (!electable(scored.get(norm(current[i])))) take({ kind: "ineligible", index: i });
  const seen = new Map<string, number>();
  for (let j = 0; j < current.length; j++) {
    const i = seen.get(norm(current[j]));
    if (i !== undefined) {
      take({ kind: "duplicate", i, j });
      j--;
    } else seen.set(norm(current[j]), j);
  }
  const at = (i: number) => scored.get(norm(current[i]))!;
  // insertion sort: the prefix [0, i) is sorted, so list[i] belongs before the first entry it outranks
  for (let i = Math.max(1, sorted); i < current.length; i++) {
    let to = 0;
    while (to < i && !ranksBefore(at(i), at(to))) to++;
    if (to < i) take({ kind: "order", from: i, to });
  }
  for (;;) {
    const listed = new Set(current.map(norm));
    let best: Keyed | undefined;
    for (const s of scored.values()) {
      if (!electable(s) || listed.has(norm(s.node))) continue;
      if (best === undefined || ranksBefore(s, best)) best = s;
    }
    if (best === undefined) break;
    if (current.length === maxLength && !ranksBefore(best, at(current.length - 1))) break;
    let position = 0;
    while (position < current.length && ranksBefore(at(position), best)) position++;
    take({ kind: "excluded", node: best.node, position });
  }
  return plan;
}

/** The first challenge that proves `list` wrong, or null when it is exactly the best keys. */
export function nextChallenge(
  list: readonly string[],
  scored: ReadonlyMap<string, Keyed>,
  maxLength: number,
  sortedPrefix = 1,
): Challenge | null {
  return planRepair(list, scored, maxLength, sortedPrefix)[0] ?? null;
}

/** The contract's proven-sorted prefix after challenge `c` on a list of `length`. */
export function prefixAfter(sorted: number, c: Challenge, length: number, maxLength: number): number {
  if (c.kind === "ineligible" || c.kind === "duplicate") {
    const index = c.kind === "ineligible" ? c.index : c.j;
    return index < sorted && sorted > 1 ? sorted - 1 : sorted;
  }
  if (c.kind === "order") return c.from + 1;
  const grown = c.position <= sorted ? sorted + 1 : sorted;
  const newLength = length < maxLength ? length + 1 : length;
  return Math.min(grown, newLength);
}

/** The list a challenge leaves behind, exactly as the contract repairs it. */
export function applyChallenge(list: readonly string[], c: Challenge, maxLength: number): string[] {
  const out = [...list];
  if (c.kind === "ineligible") out.splice(c.index, 1);
  else if (c.kind === "duplicate") out.splice(c.j, 1);
  else if (c.kind === "order") out.splice(c.to, 0, ...out.splice(c.from, 1));
  else {
    out.splice(c.position, 0, c.node);
    if (out.length > maxLength) out.pop();
  }
  return out;
}
