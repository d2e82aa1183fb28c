// Shapes what the chain says into the dashboard's tables: the delegates with their score terms, an
// election's steps, the slot timeline, offences, rewards, the node list, a node's history and the
// energy per epoch. Pure: the data layer (views.ts) reads the chain and the event index and hands
// plain values here; test/dashboard/shape.test.ts checks each rule.
import { ZeroAddress, formatUnits } from "ethers";
import type { Column, Row, Table } from "./table";
import type { ScoreBreakdown, ScoreTerms } from "./terms";

/** Where an event sits on the chain, and the transaction that caused it. */
export interface EventMeta {
  block: number;
  logIndex: number;
  tx: string;
  /** The block's timestamp (chain seconds); undefined until read. */
  time?: number;
  /** The transaction's sender. */
  from?: string;
  /** Gas the whole transaction used. */
  gasUsed?: bigint;
}

export const CHALLENGE_KINDS = ["ineligible", "duplicate", "order", "excluded"] as const;
export const OFFENCES = ["missed slot", "equivocation", "invalid block"] as const;
export const NODE_CLASSES = [
  "household rooftop PV",
  "household cluster PV",
  "community PV",
  "wind",
  "hydro",
  "integrated energy",
  "consumer",
] as const;
export const NODE_STATUS = ["none", "pending", "admitted", "rejected", "exited"] as const;

export type ElectionEvent = EventMeta &
  (
    | { kind: "opened"; epoch: bigint; seedBlock: bigint; snapshot: bigint }
    | { kind: "seed"; epoch: bigint; seed: string }
    | { kind: "submitted"; epoch: bigint; submitter: string; list: string[] }
    | { kind: "challenged"; epoch: bigint; challenge: number; challenger: string; paid: bigint; repaired: string[] }
    | { kind: "finalized"; epoch: bigint; submitter: string; reward: bigint }
    | { kind: "carried-over"; epoch: bigint; fromEpoch: bigint }
    | { kind: "handed-over"; epoch: bigint; index: bigint; from: string; to: string; fromSlot: bigint }
  );

/** A committed block; the header's trade count and energy come from the commit's calldata. */
export interface BlockEvent extends EventMeta {
  epoch: bigint;
  slot: bigint;
  producer: string;
  headerHash: string;
  attesters: string[];
  tradeCount?: bigint;
  energy?: bigint;
}

/** What an offence's report proved, decoded from the report's calldata when it was a direct call. */
export type Evidence =
  | { kind: "missed slot"; epoch: bigint; slot: bigint }
  | { kind: "equivocation"; epoch: bigint; slot: bigint; headers: [string, string] }
  | { kind: "invalid trade"; epoch: bigint; slot: bigint; seller: string; buyer: string; energy: bigint }
  | { kind: "replayed trade"; epoch: bigint; slot: bigint; firstEpoch: bigint; firstSlot: bigint; order: string };

export interface OffenceEvent extends EventMeta {
  offender: string;
  offence: number;
  /** The ledger's evidence key. */
  evidenceKey: string;
  reporter: string;
  slashed: bigint;
  handedOver: boolean;
  /** From the vault's Slashed event of the same transaction. */
  reporterShare?: bigint;
  /** From the registry's OffenceRecorded event of the same transaction. */
  jailedUntil?: bigint;
  creditPenalty?: bigint;
  evidence?: Evidence;
}

export const REWARD_ROLES = ["producer", "attester", "keeper"] as const;

export interface RewardEvent extends EventMeta {
  account: string;
  kind: "accrued" | "claimed";
  amount: bigint;
  /** The pool an accrual came from (the vault's RewardRole). */
  role?: (typeof REWARD_ROLES)[number];
}

const wad = (x: bigint) => formatUnits(x, 18);
const lower = (a: string) => a.toLowerCase();
const time = (t: number | undefined) => (t === undefined ? null : new Date(t * 1000).toISOString());

// ---------------------------------------------------------------------------------- delegates

export interface Member {
  node: string;
  /** Position in the list: 0..K-1 delegates, then the standbys. */
  position: number;
  role: "delegate" | "standby";
  /** Delegate index taken over by this standby, when it has taken slots. */
  serving: boolean;
  breakdown?: ScoreBreakdown;
  jailedNow?: boolean;
  health?: Health;
}

/** What a service's /health answered, reduced to what the page shows. */
export interface Health {
  state: "online" | "offline" | "no endpoint";
  endpoint: string;
  pending?: number;
  signed?: number;
  misbehave?: string | null;
  error?: string;
}

const TERM_COLUMNS: Record<ScoreTerms["model"], Column[]> = {
  credit: [
    { key: "F", label: "F", kind: "decimal" },
    { key: "P", label: "P", kind: "decimal" },
    { key: "D", label: "D", kind: "decimal" },
    { key: "gain", label: "ΔC+", kind: "decimal" },
    { key: "loss", label: "ΔC−", kind: "decimal" },
    { key: "V", label: "V", kind: "decimal" },
    { key: "credit", label: "C_cre", kind: "decimal" },
  ],
  "dynamic-trust": [
    { key: "H", label: "H", kind: "decimal" },
    { key: "A", label: "A", kind: "decimal" },
    { key: "B", label: "B", kind: "decimal" },
    { key: "V", label: "V", kind: "decimal" },
    { key: "M", label: "M", kind: "decimal" },
    { key: "D", label: "D", kind: "decimal" },
    { key: "trust", label: "trust", kind: "decimal" },
  ],
  classic: [{ key: "votes", label: "votes × voter deposit", kind: "decimal" }],
};

/** The columns of the model's terms, as the issue names them (F, P, D, ΔC+, ΔC−, V; H, A, B, M, D; votes). */
export const termColumns = (model: ScoreTerms["model"]): Column[] => TERM_COLUMNS[model];

/** The model's terms as cells: WAD values and classic's weighted votes (token units) as decimals. */
export function termCells(terms: ScoreTerms): Row {
  if (terms.model === "classic") return { votes: wad(terms.votes) };
  const row: Row = {};
  for (const c of TERM_COLUMNS[terms.model]) row[c.key] = wad((terms as unknown as Record<string, bigint>)[c.key]);
  return row;
}

/** Score of a classic model is votes · deposit in token units; of the others a WAD value. */
const scoreCell = (b: ScoreBreakdown | undefined) => (b ? wad(b.score) : null);

/** The members of one epoch's list: delegates then standbys, with score, terms and health. */
export function membersTable(name: string, model: ScoreTerms["model"], members: Member[]): Table {
  const columns: Column[] = [
    { key: "position", label: "#", kind: "decimal" },
    { key: "role", label: "role", kind: "text" },
    { key: "node", label: "node", kind: "address" },
    { key: "score", label: model === "classic" ? "score (weighted votes)" : "score", kind: "decimal" },
    { key: "eligible", label: "eligible", kind: "bool" },
    ...termColumns(model),
    { key: "jailed", label: "jailed now", kind: "bool" },
    { key: "health", label: "client", kind: "text" },
  ];
  const rows = members.map((m) => ({
    position: m.position,
    role: m.role === "standby" && m.serving ? "standby (serving)" : m.role,
    node: m.node,
    score: scoreCell(m.breakdown),
    eligible: m.breakdown ? m.breakdown.eligible : null,
    ...(m.breakdown ? termCells(m.breakdown.terms) : {}),
    jailed: m.jailedNow ?? null,
    health: m.health ? healthText(m.health) : null,
  }));
  return { name, columns, rows };
}

export function healthText(h: Health): string {
  if (h.state !== "online") return h.state === "offline" ? `offline${h.error ? ` (${h.error})` : ""}` : "no endpoint";
  const parts = ["online"];
  if (h.pending !== undefined) parts.push(`${h.pending} pending`);
  if (h.misbehave) parts.push(`misbehaves: ${h.misbehave}`);
  return parts.join(", ");
}

/** Splits a list into members: the first `k` delegates, the rest standbys; `serving` marks standbys that took slots over. */
export function membersOf(list: string[], k: number, servingStandbys: Set<string>): Member[] {
  return list.map((node, position) => ({
    node,
    position,
    role: position < k ? "delegate" : "standby",
    serving: position >= k && servingStandbys.has(lower(node)),
  }));
}

// ---------------------------------------------------------------------------------- election

export interface ElectionState {
  epoch: bigint;
  /** "none" until opened; the steps follow the chain's order. */
  phase: "not opened" | "opened" | "seed fixed" | "submitted" | "finalized" | "carried over";
  opener?: string;
  submitter?: string;
  challenges: number;
  /** Sum of the gas of every step's transaction. */
  gas: bigint;
}

const describeStep = (e: ElectionEvent): { step: string; by: string | undefined; detail: string } => {
  switch (e.kind) {
    case "opened":
      return { step: "opened", by: e.from, detail: `seed from block ${e.seedBlock}; snapshot at ${time(Number(e.snapshot))}` };
    case "seed":
      return { step: "seed fixed", by: e.from, detail: e.seed };
    case "submitted":
      return { step: "list submitted", by: e.submitter, detail: `${e.list.length} entries: ${e.list.join(", ")}` };
    case "challenged":
      return {
        step: `challenge (${CHALLENGE_KINDS[e.challenge] ?? `kind ${e.challenge}`})`,
        by: e.challenger,
        detail: `upheld: list repaired to ${e.repaired.length} entries (${e.repaired.join(", ")}); ${wad(e.paid)} tokens paid from the submitter's bond`,
      };
    case "finalized":
      return { step: "finalized", by: e.from, detail: `list of ${e.submitter}; keeper reward ${wad(e.reward)}` };
    case "carried-over":
      return { step: "carried over", by: e.from, detail: `no set was finalized: epoch ${e.fromEpoch}'s serves` };
    case "handed-over":
      return { step: "slots handed over", by: e.from, detail: `delegate index ${e.index}: ${e.from} → ${e.to} from slot ${e.fromSlot}` };
  }
};

/** The steps of one epoch's election in chain order, each with who sent it and its gas. */
export function electionTable(epoch: bigint, events: ElectionEvent[]): { state: ElectionState; table: Table } {
  const own = events.filter((e) => e.epoch === epoch).sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
  const state: ElectionState = { epoch, phase: "not opened", challenges: 0, gas: 0n };
  const seenTx = new Set<string>();
  for (const e of own) {
    if (e.kind === "opened") [state.phase, state.opener] = ["opened", e.from];
    else if (e.kind === "seed") state.phase = "seed fixed";
    else if (e.kind === "submitted") [state.phase, state.submitter] = ["submitted", e.submitter];
    else if (e.kind === "challenged") state.challenges += 1;
    else if (e.kind === "finalized") state.phase = "finalized";
    else if (e.kind === "carried-over" && state.phase !== "finalized") state.phase = "carried over";
    // one transaction may hold several steps (the reference election submits and finalizes); a
    // hand-over is paid by the report that jailed a delegate, not by the election
    if (e.gasUsed !== undefined && e.kind !== "handed-over" && !seenTx.has(e.tx)) {
      seenTx.add(e.tx);
      state.gas += e.gasUsed;
    }
  }
  const columns: Column[] = [
    { key: "step", label: "step", kind: "text" },
    { key: "by", label: "by", kind: "address" },
    { key: "detail", label: "detail", kind: "text" },
    { key: "gas", label: "gas", kind: "decimal" },
    { key: "block", label: "block", kind: "decimal" },
    { key: "time", label: "time", kind: "time" },
    { key: "tx", label: "transaction", kind: "text" },
  ];
  const rows = own.map((e) => {
    const d = describeStep(e);
    return {
      step: d.step,
      by: d.by ?? null,
      detail: d.detail,
      gas: e.gasUsed?.toString() ?? null,
      block: e.block,
      time: time(e.time),
      tx: e.tx,
    };
  });
  return { state, table: { name: `election-${epoch}`, columns, rows } };
}

// ---------------------------------------------------------------------------------- slots

export type SlotStatus = "committed" | "missed" | "open" | "upcoming" | "unscheduled";

/** A slot's state at chain time `now`: a block in it, or its window passed without one, or not yet. */
export function slotStatus(now: bigint, start: bigint, end: bigint, owner: string, committed: boolean): SlotStatus {
  if (committed) return "committed";
  if (owner === ZeroAddress) return "unscheduled";
  if (now < start) return "upcoming";
  return now < end ? "open" : "missed";
}

export interface SlotInput {
  epoch: bigint;
  slot: bigint;
  start: bigint;
  end: bigint;
  /** Who owns the slot (the ledger's author of it). */
  owner: string;
  /** Who the list scheduled: delegate `slot mod K`. */
  scheduled: string;
  block?: BlockEvent;
  /** The missed-slot punishment of this slot, if reported. */
  punished?: OffenceEvent;
}

export interface SlotRow extends Row {
  epoch: string;
  slot: string;
  status: SlotStatus;
  owner: string | null;
  takenOver: boolean;
}

/** The slot timeline: each slot's status, owner, whether a standby took it over, and its block. */
export function slotsTable(now: bigint, slots: SlotInput[]): Table {
  const columns: Column[] = [
    { key: "epoch", label: "epoch", kind: "decimal" },
    { key: "slot", label: "slot", kind: "decimal" },
    { key: "status", label: "status", kind: "text" },
    { key: "owner", label: "producer", kind: "address" },
    { key: "takenOver", label: "taken over by a standby", kind: "bool" },
    { key: "scheduled", label: "scheduled delegate", kind: "address" },
    { key: "trades", label: "trades", kind: "decimal" },
    { key: "energy", label: "energy (Wh)", kind: "decimal" },
    { key: "attesters", label: "attesters", kind: "decimal" },
    { key: "punished", label: "punished", kind: "bool" },
    { key: "start", label: "starts", kind: "time" },
    { key: "tx", label: "transaction", kind: "text" },
  ];
  const rows = slots.map((s): SlotRow => {
    const status = slotStatus(now, s.start, s.end, s.owner, s.block !== undefined);
    const owner = s.block?.producer ?? (s.owner === ZeroAddress ? null : s.owner);
    return {
      epoch: s.epoch.toString(),
      slot: s.slot.toString(),
      status,
      owner,
      takenOver: owner !== null && s.scheduled !== ZeroAddress && lower(owner) !== lower(s.scheduled),
      scheduled: s.scheduled === ZeroAddress ? null : s.scheduled,
      trades: s.block?.tradeCount?.toString() ?? null,
      energy: s.block?.energy?.toString() ?? null,
      attesters: s.block ? s.block.attesters.length : null,
      punished: s.punished !== undefined,
      start: time(Number(s.start)),
      tx: s.block?.tx ?? null,
    };
  });
  return { name: "slots", columns, rows };
}

// ---------------------------------------------------------------------------------- offences

export function evidenceText(o: OffenceEvent): string {
  const e = o.evidence;
  if (!e) return `evidence key ${o.evidenceKey}`;
  switch (e.kind) {
    case "missed slot":
      return `no block in slot ${e.slot} of epoch ${e.epoch}`;
    case "equivocation":
      return `two headers signed for slot ${e.slot} of epoch ${e.epoch}: ${e.headers[0]} and ${e.headers[1]}`;
    case "invalid trade":
      return `block of slot ${e.slot}, epoch ${e.epoch}: an invalid trade ${e.seller} → ${e.buyer} (${e.energy} Wh)`;
    case "replayed trade":
      return `block of slot ${e.slot}, epoch ${e.epoch} repeats order ${e.order} of slot ${e.firstSlot}, epoch ${e.firstEpoch}`;
  }
}

/** Offences, newest first: what, by whom, the evidence, the slash, the jail and the reporter. */
export function offencesTable(offences: OffenceEvent[]): Table {
  const columns: Column[] = [
    { key: "time", label: "time", kind: "time" },
    { key: "epoch", label: "epoch", kind: "decimal" },
    { key: "slot", label: "slot", kind: "decimal" },
    { key: "offence", label: "offence", kind: "text" },
    { key: "offender", label: "offender", kind: "address" },
    { key: "evidence", label: "evidence", kind: "text" },
    { key: "slashed", label: "slashed (tokens)", kind: "decimal" },
    { key: "reporterShare", label: "reporter's share", kind: "decimal" },
    { key: "jailedUntil", label: "jailed until", kind: "time" },
    { key: "creditPenalty", label: "credit penalty", kind: "decimal" },
    { key: "handedOver", label: "slots handed over", kind: "bool" },
    { key: "reporter", label: "reporter", kind: "address" },
    { key: "tx", label: "transaction", kind: "text" },
  ];
  const rows = [...offences]
    .sort((a, b) => b.block - a.block || b.logIndex - a.logIndex)
    .map((o) => ({
      time: time(o.time),
      epoch: o.evidence?.epoch.toString() ?? null,
      slot: o.evidence?.slot.toString() ?? null,
      offence: OFFENCES[o.offence] ?? `offence ${o.offence}`,
      offender: o.offender,
      evidence: evidenceText(o),
      slashed: wad(o.slashed),
      reporterShare: o.reporterShare === undefined ? null : wad(o.reporterShare),
      jailedUntil: o.jailedUntil === undefined ? null : time(Number(o.jailedUntil)),
      creditPenalty: o.creditPenalty === undefined ? null : wad(o.creditPenalty),
      handedOver: o.handedOver,
      reporter: o.reporter,
      tx: o.tx,
    }));
  return { name: "offences", columns, rows };
}

// ---------------------------------------------------------------------------------- rewards

/**
 * Per account: rewards accrued (and from which role's pool) and claimed, from the vault's events,
 * and what is claimable now; `roles` names accounts that only claimed.
 */
export function rewardsTable(events: RewardEvent[], claimable: Map<string, bigint>, roles: Map<string, string>): Table {
  const sums = new Map<string, { account: string; accrued: bigint; claimed: bigint; accruals: number; roles: Set<string> }>();
  for (const e of events) {
    const key = lower(e.account);
    const s = sums.get(key) ?? { account: e.account, accrued: 0n, claimed: 0n, accruals: 0, roles: new Set<string>() };
    if (e.kind === "accrued") [s.accrued, s.accruals] = [s.accrued + e.amount, s.accruals + 1];
    else s.claimed += e.amount;
    if (e.role) s.roles.add(e.role);
    sums.set(key, s);
  }
  const columns: Column[] = [
    { key: "account", label: "account", kind: "address" },
    { key: "role", label: "role", kind: "text" },
    { key: "accrued", label: "accrued", kind: "decimal" },
    { key: "accruals", label: "accruals", kind: "decimal" },
    { key: "claimed", label: "claimed", kind: "decimal" },
    { key: "claimable", label: "claimable now", kind: "decimal" },
  ];
  const rows = [...sums.values()]
    .sort((a, b) => (a.accrued === b.accrued ? 0 : a.accrued > b.accrued ? -1 : 1))
    .map((s) => ({
      account: s.account,
      role: s.roles.size > 0 ? REWARD_ROLES.filter((r) => s.roles.has(r)).join(", ") : (roles.get(lower(s.account)) ?? ""),
      accrued: wad(s.accrued),
      accruals: s.accruals,
      claimed: wad(s.claimed),
      claimable: claimable.has(lower(s.account)) ? wad(claimable.get(lower(s.account))!) : null,
    }));
  return { name: "rewards", columns, rows };
}

// ---------------------------------------------------------------------------------- energy

export interface EpochEnergy {
  epoch: bigint;
  blocks: number;
  trades: bigint;
  energy: bigint;
}

/** Trades and energy per epoch from the committed blocks, every epoch from `first` to `last` (empty ones as zero). */
export function energyPerEpoch(blocks: BlockEvent[], first: bigint, last: bigint): EpochEnergy[] {
  const out = new Map<bigint, EpochEnergy>();
  for (let e = first; e <= last; e++) out.set(e, { epoch: e, blocks: 0, trades: 0n, energy: 0n });
  for (const b of blocks) {
    const row = out.get(b.epoch);
    if (!row) continue;
    row.blocks += 1;
    row.trades += b.tradeCount ?? 0n;
    row.energy += b.energy ?? 0n;
  }
  return [...out.values()];
}

export function energyTable(rows: EpochEnergy[]): Table {
  return {
    name: "energy",
    columns: [
      { key: "epoch", label: "epoch", kind: "decimal" },
      { key: "blocks", label: "blocks", kind: "decimal" },
      { key: "trades", label: "trades", kind: "decimal" },
      { key: "energy", label: "energy (Wh)", kind: "decimal" },
    ],
    rows: rows.map((r) => ({ epoch: r.epoch.toString(), blocks: r.blocks, trades: r.trades.toString(), energy: r.energy.toString() })),
  };
}

// ---------------------------------------------------------------------------------- nodes

export interface NodeListEntry {
  index: number;
  node: string;
  nodeClass: number;
  status: number;
  capacity: bigint;
  /** At the snapshot of the next election. */
  deposit: bigint;
  votes: bigint;
  breakdown: ScoreBreakdown;
  jailedNow: boolean;
}

export const NODE_COLUMNS: Column[] = [
  { key: "index", label: "#", kind: "decimal" },
  { key: "node", label: "node", kind: "address" },
  { key: "class", label: "class", kind: "text" },
  { key: "status", label: "status", kind: "text" },
  { key: "capacity", label: "capacity (W)", kind: "decimal" },
  { key: "deposit", label: "deposit at snapshot", kind: "decimal" },
  { key: "votes", label: "votes at snapshot", kind: "decimal" },
  { key: "score", label: "score", kind: "decimal" },
  { key: "eligible", label: "eligible", kind: "bool" },
  { key: "jailed", label: "jailed now", kind: "bool" },
];

export function nodeRow(n: NodeListEntry): Row {
  return {
    index: n.index,
    node: n.node,
    class: NODE_CLASSES[n.nodeClass] ?? `class ${n.nodeClass}`,
    status: NODE_STATUS[n.status] ?? `status ${n.status}`,
    capacity: n.capacity.toString(),
    deposit: wad(n.deposit),
    votes: n.votes.toString(),
    score: wad(n.breakdown.score),
    eligible: n.breakdown.eligible,
    jailed: n.jailedNow,
  };
}

// ---------------------------------------------------------------------------------- a node's history

export interface HistoryPoint {
  epoch: bigint;
  breakdown: ScoreBreakdown;
  /** Role in the list that served the epoch, if any. */
  role?: "delegate" | "standby";
}

/** A node's score and terms at the snapshot of each epoch's election. */
export function historyTable(node: string, model: ScoreTerms["model"], points: HistoryPoint[]): Table {
  return {
    name: `history-${node}`,
    columns: [
      { key: "epoch", label: "epoch", kind: "decimal" },
      { key: "score", label: "score", kind: "decimal" },
      { key: "eligible", label: "eligible", kind: "bool" },
      { key: "reason", label: "why not eligible", kind: "text" },
      ...termColumns(model),
      { key: "role", label: "served as", kind: "text" },
    ],
    rows: points.map((p) => ({
      epoch: p.epoch.toString(),
      score: wad(p.breakdown.score),
      eligible: p.breakdown.eligible,
      reason: p.breakdown.reason ?? null,
      ...termCells(p.breakdown.terms),
      role: p.role ?? null,
    })),
  };
}

/** Jailed now, from the registry's events: an offence recorded after the node's latest unjailing. */
export function jailedFromEvents(
  offences: { node: string; block: number; logIndex: number }[],
  unjailings: { node: string; block: number; logIndex: number }[],
): Set<string> {
  const last = new Map<string, { at: number; jailed: boolean }>();
  const note = (node: string, block: number, logIndex: number, jailed: boolean) => {
    const at = block * 1e6 + logIndex;
    const prev = last.get(lower(node));
    if (!prev || prev.at < at) last.set(lower(node), { at, jailed });
  };
  for (const o of offences) note(o.node, o.block, o.logIndex, true);
  for (const u of unjailings) note(u.node, u.block, u.logIndex, false);
  return new Set([...last].filter(([, v]) => v.jailed).map(([k]) => k));
}
