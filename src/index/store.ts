// The index's cache file: written after each catch-up (to a temporary file, then renamed, so a
// crash leaves the old cache or the new, never half of one) and read back at a warm start. It is
// only a cache: a file that is missing, unreadable, of another format, chain or deployment is
// ignored, and the index is rebuilt from the chain.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ScoreIndex, type IndexedNode } from "./scoreIndex";
import { Trace } from "./trace";
import type { Cursor } from "./sync";
import type { IndexSources } from "./logs";
import type { ScoringModel } from "../scoring/params";

const FORMAT = 1;

/** What a cache must match to be used: the format, the chain and the deployment. */
export interface CacheKey {
  chainId: string;
  sources: IndexSources;
  model: ScoringModel;
  startBlock: number;
}

const Header = z.object({
  format: z.literal(FORMAT),
  chainId: z.string(),
  sources: z.object({ registry: z.string(), vault: z.string(), election: z.string() }),
  model: z.number(),
  startBlock: z.number(),
  cursor: z.object({ block: z.number().int().nonnegative(), hash: z.string(), timestamp: z.number() }),
  horizon: z.number(),
  observer: z.string(),
  totalVotes: z.tuple([z.array(z.number()), z.array(z.string())]),
  admitted: z.array(z.string()),
  nodes: z.record(z.array(z.unknown())),
});

type TraceJson = [number[], string[]];
type NodeJson = [number, string, string, string, TraceJson, TraceJson, TraceJson, TraceJson, TraceJson, [string, string][]];

function nodeToJson(n: IndexedNode): NodeJson {
  return [
    n.nodeClass,
    n.capacity.toString(16),
    n.tradingCycle.toString(16),
    n.admittedAt.toString(16),
    n.credit.toJSON(),
    n.trust.toJSON(),
    n.bonded.toJSON(),
    n.votes.toJSON(),
    n.weighted.toJSON(),
    n.allocations.map((a) => [a.candidate, a.votes.toString(16)]),
  ];
}

function nodeFromJson(j: NodeJson): IndexedNode {
  return {
    nodeClass: j[0],
    capacity: BigInt("0x" + j[1]),
    tradingCycle: BigInt("0x" + j[2]),
    admittedAt: BigInt("0x" + j[3]),
    credit: Trace.fromJSON(j[4]),
    trust: Trace.fromJSON(j[5]),
    bonded: Trace.fromJSON(j[6]),
    votes: Trace.fromJSON(j[7]),
    weighted: Trace.fromJSON(j[8]),
    allocations: j[9].map(([candidate, votes]) => ({ candidate, votes: BigInt("0x" + votes) })),
  };
}

/** Write `index` at `cursor` to `file`, atomically. */
export function saveIndex(file: string, key: CacheKey, index: ScoreIndex, cursor: Cursor): void {
  const nodes: Record<string, NodeJson> = {};
  for (const [a, n] of index.nodes) nodes[a] = nodeToJson(n);
  const body = {
    format: FORMAT,
    ...key,
    cursor,
    horizon: index.horizon,
    observer: index.observer,
    totalVotes: index.totalVotes.toJSON(),
    admitted: index.admitted,
    nodes,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(body));
  fs.renameSync(tmp, file);
}

/** The cached index and cursor in `file`, or why it cannot be used. */
export function loadIndex(file: string, key: CacheKey): { index: ScoreIndex; cursor: Cursor } | { unusable: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return { unusable: (e as NodeJS.ErrnoException).code === "ENOENT" ? "no cache yet" : `unreadable: ${(e as Error).message}` };
  }
  const parsed = Header.safeParse(raw);
  if (!parsed.success) return { unusable: `not an index cache of format ${FORMAT}: ${parsed.error.issues[0]?.path.join(".")}` };
  const h = parsed.data;
  const same =
    h.chainId === key.chainId &&
    h.model === key.model &&
    h.startBlock === key.startBlock &&
    h.sources.registry === key.sources.registry &&
    h.sources.vault === key.sources.vault &&
    h.sources.election === key.sources.election;
  if (!same) return { unusable: "made for another chain or deployment" };
  try {
    const index = new ScoreIndex(key.model, key.sources.election);
    for (const [a, n] of Object.entries(h.nodes)) index.nodes.set(a, nodeFromJson(n as NodeJson));
    index.admitted.push(...h.admitted);
    for (const a of h.admitted) if (!index.nodes.has(a)) return { unusable: `admitted node ${a} has no entry` };
    index.totalVotes = Trace.fromJSON(h.totalVotes);
    index.observer = h.observer;
    index.horizon = h.horizon;
    return { index, cursor: h.cursor };
  } catch (e) {
    return { unusable: `a malformed entry: ${(e as Error).message}` };
  }
}
