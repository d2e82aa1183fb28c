// The page's own logic, without the DOM: number and time formatting, the countdown, what the
// banner says about stale data, paging arithmetic and the routes. Runs in the browser (bundled
// into the page) and in `npm test` (test/dashboard/format.test.ts).
import type { DashboardStatus } from "../api";

/** "1234567.891" → "1,234,567.891" cut to `digits` decimals (truncated, never rounded up past what the chain says). */
export function formatDecimal(raw: string | number | null | undefined, digits = 3): string {
  if (raw === null || raw === undefined || raw === "") return "—";
  const s = String(raw);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return s;
  const int = m[2].replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = (m[3] ?? "").slice(0, digits).replace(/0+$/, "");
  return `${m[1]}${int}${frac ? `.${frac}` : ""}`;
}

/** A chart axis label: 92,523 → "92.5k", 1,200,000 → "1.2M", 0.25 → "0.25". */
export function compactNumber(x: number): string {
  const a = Math.abs(x);
  const cut = (v: number, unit: string) => `${Number(v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0))}${unit}`;
  if (a >= 1e12) return cut(x / 1e12, "T");
  if (a >= 1e9) return cut(x / 1e9, "G");
  if (a >= 1e6) return cut(x / 1e6, "M");
  if (a >= 1e4) return cut(x / 1e3, "k");
  return String(Number(x.toFixed(3)));
}

/** "0x1234…abcd". */
export function shortAddress(a: string | null | undefined): string {
  if (!a) return "—";
  return /^0x[0-9a-fA-F]{40}$/.test(a) ? `${a.slice(0, 6)}…${a.slice(-4)}` : a;
}

/** Seconds as "2 h 5 min", "3 min 07 s", "12 s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}

/** A chain timestamp (seconds) as "2026-12-02 01:12:00 UTC". */
export function chainClock(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "—";
  return new Date(seconds * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

export interface Countdown {
  epoch: number;
  slot: number;
  /** Chain seconds left in the slot and the epoch. */
  slotLeft: number;
  epochLeft: number;
  /** Wall seconds left, at the chain's recent rate. */
  slotLeftWall: number;
  epochLeftWall: number;
  rate: number;
}

/**
 * Where the chain's clock is now, from the last status and the wall time since it was read: the
 * chain moves `rate` chain seconds per wall second (10 under `npm run network`'s default). Never
 * runs past the slot's end: the next status tells which slot came next.
 */
export function countdown(s: DashboardStatus, wallNow: number): Countdown | undefined {
  if (!s.now || !s.chain) return undefined;
  const rate = s.chain.rate > 0 ? s.chain.rate : 1;
  const elapsed = s.rpc.state === "up" ? Math.max(0, (wallNow - s.chain.seenAt) / 1000) * rate : 0;
  const t = Math.min(s.chain.time + elapsed, s.now.slotEnd);
  const slotLeft = Math.max(0, s.now.slotEnd - t);
  const epochLeft = Math.max(0, s.now.epochEnd - t);
  return {
    epoch: s.now.epoch,
    slot: s.now.slot,
    slotLeft,
    epochLeft,
    slotLeftWall: slotLeft / rate,
    epochLeftWall: epochLeft / rate,
    rate,
  };
}

export interface Banner {
  state: "ok" | "stale" | "lost" | "no-deployment" | "indexing" | "error";
  message: string;
}

const clockTime = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/**
 * What the banner says: the dashboard server lost (the page's event stream is down), the chain's
 * RPC down (the data shown is stale since the last good read), no deployment, still reading the
 * history, or nothing.
 */
export function bannerFor(s: DashboardStatus | undefined, connected: boolean, wallNow: number): Banner {
  if (!connected) {
    const shown = s?.chain ? ` The data shown is from block ${s.chain.block}, read at ${clockTime(s.chain.seenAt)} UTC.` : "";
    return { state: "lost", message: `The dashboard server does not answer; reconnecting…${shown}` };
  }
  if (!s) return { state: "lost", message: "Connecting to the dashboard server…" };
  if (s.rpc.state === "down") {
    const since = s.rpc.downSince ?? wallNow;
    const shown = s.chain
      ? `Stale data: showing block ${s.chain.block}, read at ${clockTime(s.chain.seenAt)} UTC (${duration((wallNow - s.chain.seenAt) / 1000)} ago).`
      : "Nothing has been read from it yet.";
    return {
      state: "stale",
      message: `The chain's RPC endpoint ${s.rpc.url} does not answer (${s.rpc.error ?? "no answer"}) since ${clockTime(since)} UTC. ${shown} Reconnecting…`,
    };
  }
  if (s.rpc.state === "connecting") return { state: "lost", message: `Connecting to the chain at ${s.rpc.url}…` };
  if (s.deployment.state !== "ok" && s.deployment.state !== "unknown")
    return { state: "no-deployment", message: s.deployment.message ?? "No deployment is attached." };
  if (s.error) return { state: "error", message: `The last read of the chain failed: ${s.error}` };
  if (s.index && s.chain && s.index.block < s.chain.block - 5) {
    return {
      state: "indexing",
      message: `Reading the chain's history: block ${s.index.block} of ${s.chain.block}; the tables fill in as it goes.`,
    };
  }
  return { state: "ok", message: "" };
}

export interface Pager {
  from: number;
  to: number;
  page: number;
  pages: number;
  prev?: number;
  next?: number;
  last: number;
}

/** Rows `from`–`to` (1-based) of `total`, page `page` of `pages`, and the offsets of the neighbours. */
export function pager(total: number, offset: number, limit: number): Pager {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.min(pages, Math.floor(offset / limit) + 1);
  return {
    from: total === 0 ? 0 : Math.min(total, offset + 1),
    to: Math.min(total, offset + limit),
    page,
    pages,
    prev: offset > 0 ? Math.max(0, offset - limit) : undefined,
    next: offset + limit < total ? offset + limit : undefined,
    last: (pages - 1) * limit,
  };
}

export type Route =
  | { view: "overview" }
  | { view: "election"; epoch?: number }
  | { view: "slots"; epochs?: number }
  | { view: "offences" }
  | { view: "rewards" }
  | { view: "nodes"; offset?: number; sort?: string; order?: "asc" | "desc"; filter?: string }
  | { view: "node"; address: string }
  | { view: "energy" }
  | { view: "unknown"; path: string };

/** The route of a location hash ("#/node/0x…", "#/nodes?offset=50&sort=score"). */
export function parseRoute(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?");
  const params = new URLSearchParams(query);
  const num = (k: string) => {
    const v = params.get(k);
    return v !== null && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
  };
  const parts = path.split("/").filter((p) => p !== "");
  switch (parts[0] ?? "") {
    case "":
      return { view: "overview" };
    case "election":
      return { view: "election", epoch: parts[1] !== undefined && /^\d{1,15}$/.test(parts[1]) ? Number(parts[1]) : undefined };
    case "slots":
      return { view: "slots", epochs: num("epochs") };
    case "offences":
      return { view: "offences" };
    case "rewards":
      return { view: "rewards" };
    case "nodes": {
      const order = params.get("order");
      return {
        view: "nodes",
        offset: num("offset"),
        sort: params.get("sort") ?? undefined,
        order: order === "desc" || order === "asc" ? order : undefined,
        filter: params.get("filter") ?? undefined,
      };
    }
    case "node":
      return { view: "node", address: decodeURIComponent(parts[1] ?? "") };
    case "energy":
      return { view: "energy" };
    default:
      return { view: "unknown", path };
  }
}

/** The hash of `route`, the inverse of parseRoute. */
export function routeHash(route: Route): string {
  switch (route.view) {
    case "overview":
      return "#/";
    case "election":
      return route.epoch === undefined ? "#/election" : `#/election/${route.epoch}`;
    case "slots":
      return route.epochs === undefined ? "#/slots" : `#/slots?epochs=${route.epochs}`;
    case "nodes": {
      const p = new URLSearchParams();
      if (route.offset) p.set("offset", String(route.offset));
      if (route.sort) p.set("sort", route.sort);
      if (route.order) p.set("order", route.order);
      if (route.filter) p.set("filter", route.filter);
      const q = p.toString();
      return `#/nodes${q ? `?${q}` : ""}`;
    }
    case "node":
      return `#/node/${encodeURIComponent(route.address)}`;
    case "unknown":
      return `#/${route.path}`;
    default:
      return `#/${route.view}`;
  }
}

/** The API address of a table's download. */
export function downloadUrl(path: string, params: Record<string, string | number | undefined>, format: "csv" | "json"): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") p.set(k, String(v));
  p.set("format", format);
  return `${path}?${p.toString()}`;
}
