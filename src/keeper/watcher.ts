// The honest watcher: given a submitted list and every node's off-chain score and key, the next
// challenge that proves the list wrong, or null when the list is exactly the best keys.
// Applying its challenges one by one always converges to the reference list: ineligible and
// duplicate entries leave, adjacent inversions swap, and a better excluded node is inserted
// where it belongs, so the end state is sorted, electable, and unbeatable by any outsider.
import { NEVER, ranksBefore } from "../scoring/electionKey";
import type { Keyed } from "../election/engine";

export type Challenge =
  | { kind: "ineligible"; index: number }
  | { kind: "duplicate"; i: number; j: number }
  | { kind: "order"; index: number }
  | { kind: "excluded"; node: string; position: number };

const electable = (s: Keyed | undefined): s is Keyed => s !== undefined && s.eligible && s.key !== NEVER;

export function nextChallenge(list: readonly string[], scored: ReadonlyMap<string, Keyed>, maxLength: number): Challenge | null {
  const norm = (a: string) => a.toLowerCase();
  for (let i = 0; i < list.length; i++) if (!electable(scored.get(norm(list[i])))) return { kind: "ineligible", index: i };
  const seen = new Map<string, number>();
  for (let j = 0; j < list.length; j++) {
    const i = seen.get(norm(list[j]));
    if (i !== undefined) return { kind: "duplicate", i, j };
    seen.set(norm(list[j]), j);
  }
  const at = (i: number) => scored.get(norm(list[i]))!;
  for (let i = 0; i + 1 < list.length; i++) {
    const a = at(i);
    const b = at(i + 1);
    if (ranksBefore(b.key, b.node, a.key, a.node)) return { kind: "order", index: i };
  }
  let best: Keyed | undefined;
  for (const s of scored.values()) {
    if (!electable(s) || seen.has(norm(s.node))) continue;
    if (best === undefined || ranksBefore(s.key, s.node, best.key, best.node)) best = s;
  }
  if (best === undefined) return null;
  const last = list.length > 0 ? at(list.length - 1) : undefined;
  if (list.length === maxLength && last && !ranksBefore(best.key, best.node, last.key, last.node)) return null;
  let position = 0;
  while (position < list.length && ranksBefore(at(position).key, at(position).node, best.key, best.node)) position++;
  return { kind: "excluded", node: best.node, position };
}

/** The list a challenge leaves behind, exactly as the contract repairs it. */
export function applyChallenge(list: readonly string[], c: Challenge, maxLength: number): string[] {
  const out = [...list];
  if (c.kind === "ineligible") out.splice(c.index, 1);
  else if (c.kind === "duplicate") out.splice(c.j, 1);
  else if (c.kind === "order") [out[c.index], out[c.index + 1]] = [out[c.index + 1], out[c.index]];
  else {
    out.splice(c.position, 0, c.node);
    if (out.length > maxLength) out.pop();
  }
  return out;
}
