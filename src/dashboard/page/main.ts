// The dashboard page: routes on the location hash, builds each view from the server's JSON API,
// follows the live status over Server-Sent Events (refetching the view when the chain moved), and
// says on the page when data is stale, the server is lost, a node is unknown or there is no
// deployment. Every chain-supplied string goes into the DOM as text, never as HTML.
import "uplot/dist/uPlot.min.css";
import "./style.css";
import uPlot from "uplot";
import type { DashboardStatus, ErrorBody, TablePage } from "../api";
import type { Cell, Column, Row } from "../table";
import {
  bannerFor,
  chainClock,
  compactNumber,
  countdown,
  downloadUrl,
  duration,
  formatDecimal,
  pager,
  parseRoute,
  routeHash,
  shortAddress,
  type Route,
} from "../ui/format";

// ------------------------------------------------------------------ state

let status: DashboardStatus | undefined;
let connected = false;
let shownVersion = -1;
let route: Route = parseRoute(location.hash);
let renderToken = 0;
let rendering = false;
let again = false;
let lastRender = 0;
const charts: uPlot[] = [];
const view = document.getElementById("view")!;

// ------------------------------------------------------------------ DOM helpers

type Child = Node | string | number | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const link = (href: string, text: string, title?: string) => h("a", { href, title }, text);
const nodeLink = (a: string) => link(`#/node/${a}`, shortAddress(a), a);

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

async function api<T>(path: string): Promise<T> {
  let r: Response;
  try {
    r = await fetch(path, { headers: { accept: "application/json" } });
  } catch {
    throw new ApiError(0, "The dashboard server does not answer.");
  }
  const body = (await r.json().catch(() => undefined)) as (T & Partial<ErrorBody>) | undefined;
  if (!r.ok || body === undefined) throw new ApiError(r.status, body?.error?.message ?? `HTTP ${r.status}`, body?.error?.field);
  return body;
}

// ------------------------------------------------------------------ tables

const time = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");

function cell(c: Column, v: Cell, row: Row): HTMLElement {
  const td = h("td", { class: `k-${c.kind}` });
  if (v === null || v === undefined || v === "") {
    td.append("—");
    return td;
  }
  if (c.kind === "address") td.append(nodeLink(String(v)));
  else if (c.kind === "decimal") td.append(formatDecimal(v as string | number));
  else if (c.kind === "bool") td.append(v ? "yes" : "no");
  else if (c.kind === "time") td.append(time(String(v)));
  else if (c.key === "status") td.append(h("span", { class: `badge s-${String(v).replace(/\W+/g, "-")}` }, String(v)));
  else if (c.key === "tx") td.append(h("span", { title: String(v), class: "mono" }, `${String(v).slice(0, 10)}…`));
  else td.append(String(v));
  if (c.key === "status") td.dataset.status = String(v);
  if (c.key === "offence") td.dataset.offence = String(v);
  if (c.key === "step") td.dataset.step = String(v);
  void row;
  return td;
}

interface TableOptions {
  title: string;
  /** API path whose ?format=csv|json downloads the whole table. */
  download?: { path: string; params?: Record<string, string | number | undefined> };
  onPage?: (offset: number) => void;
  sort?: { key?: string; order: "asc" | "desc"; onSort: (key: string) => void };
  filter?: { value: string; onFilter: (value: string) => void; placeholder: string };
  empty?: string;
}

function table(page: TablePage, o: TableOptions): HTMLElement {
  const box = h("section", { class: "table", "data-table": page.name });
  const head = h("div", { class: "table-head" }, h("h2", {}, o.title));
  if (o.download) {
    head.append(
      h(
        "span",
        { class: "downloads" },
        h(
          "a",
          { href: downloadUrl(o.download.path, o.download.params ?? {}, "csv"), download: `${page.name}.csv`, "data-download": "csv" },
          "CSV",
        ),
        " ",
        h(
          "a",
          { href: downloadUrl(o.download.path, o.download.params ?? {}, "json"), download: `${page.name}.json`, "data-download": "json" },
          "JSON",
        ),
      ),
    );
  }
  box.append(head);
  if (page.note) box.append(h("p", { class: "note" }, page.note));
  if (o.filter) {
    const input = h("input", {
      type: "search",
      placeholder: o.filter.placeholder,
      value: o.filter.value,
      "aria-label": o.filter.placeholder,
      maxlength: "100",
    });
    input.addEventListener("change", () => o.filter!.onFilter(input.value));
    box.append(h("div", { class: "filter" }, input));
  }
  const thead = h("tr");
  for (const c of page.columns) {
    const th = h("th", { scope: "col", class: `k-${c.kind}` });
    if (o.sort) {
      const mark = o.sort.key === c.key ? (o.sort.order === "asc" ? " ▲" : " ▼") : "";
      const b = h("button", { type: "button", class: "sort", "data-sort": c.key }, c.label + mark);
      b.addEventListener("click", () => o.sort!.onSort(c.key));
      th.append(b);
    } else th.append(c.label);
    thead.append(th);
  }
  const tbody = h("tbody");
  for (const row of page.rows) {
    const tr = h("tr");
    for (const c of page.columns) tr.append(cell(c, row[c.key] ?? null, row));
    tbody.append(tr);
  }
  if (page.rows.length === 0)
    tbody.append(h("tr", {}, h("td", { colspan: String(page.columns.length), class: "muted" }, o.empty ?? "Nothing yet.")));
  box.append(h("div", { class: "scroll" }, h("table", {}, h("thead", {}, thead), tbody)));
  if (o.onPage && page.total > page.limit) {
    const p = pager(page.total, page.offset, page.limit);
    const nav = h("nav", { class: "pager", "aria-label": "pages" });
    const go = (label: string, offset: number | undefined) => {
      const b = h("button", { type: "button", "data-page": label }, label);
      if (offset === undefined) b.setAttribute("disabled", "");
      else b.addEventListener("click", () => o.onPage!(offset));
      return b;
    };
    nav.append(
      go("first", p.prev === undefined ? undefined : 0),
      go("previous", p.prev),
      h("span", { class: "pages" }, `rows ${p.from}–${p.to} of ${page.total}, page ${p.page} of ${p.pages}`),
      go("next", p.next),
      go("last", p.next === undefined ? undefined : p.last),
    );
    box.append(nav);
  } else {
    box.append(h("p", { class: "muted count" }, `${page.total} row${page.total === 1 ? "" : "s"}`));
  }
  return box;
}

/** A table sent whole (not a page) shown as one page. */
const whole = (t: { name: string; columns: Column[]; rows: Row[] }): TablePage => ({
  ...t,
  total: t.rows.length,
  offset: 0,
  limit: t.rows.length || 1,
});

function card(label: string, value: Child, sub?: Child, testid?: string): HTMLElement {
  return h(
    "div",
    { class: "card", "data-card": testid },
    h("div", { class: "label" }, label),
    h("div", { class: "value" }, value),
    sub ? h("div", { class: "sub" }, sub) : null,
  );
}

function errorBox(e: unknown): HTMLElement {
  const err = e instanceof ApiError ? e : new ApiError(0, (e as Error).message);
  const kind = err.status === 404 ? "not-found" : err.status === 400 ? "bad-request" : err.status === 503 ? "unavailable" : "error";
  return h(
    "div",
    { class: `error e-${kind}`, "data-error": kind, role: "alert" },
    h(
      "strong",
      {},
      kind === "not-found"
        ? "Not found. "
        : kind === "bad-request"
          ? "Cannot show this. "
          : kind === "unavailable"
            ? "Not available now. "
            : "Error. ",
    ),
    err.message,
  );
}

// ------------------------------------------------------------------ charts

function chart(
  title: string,
  x: number[],
  series: { label: string; values: (number | null)[]; color: string }[],
  xLabel: string,
): HTMLElement {
  const box = h("section", { class: "chart", "data-chart": title });
  box.append(h("h2", {}, title));
  const holder = h("div", { class: "plot" });
  box.append(holder);
  if (x.length === 0) {
    holder.append(h("p", { class: "muted" }, "Nothing to draw yet."));
    return box;
  }
  requestAnimationFrame(() => {
    const width = Math.max(320, holder.clientWidth || 800);
    const plot = new uPlot(
      {
        width,
        height: 260,
        scales: { x: { time: false } },
        // epochs are whole numbers: no tick between two of them
        axes: [
          { label: xLabel, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], values: (_u, ticks) => ticks.map((t) => String(t)) },
          { size: 60, values: (_u, ticks) => ticks.map(compactNumber) },
        ],
        series: [{ label: xLabel }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: x.length < 60 } }))],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      holder,
    );
    charts.push(plot);
  });
  return box;
}

// ------------------------------------------------------------------ views

type Members = {
  epoch: string;
  state: string;
  source?: string;
  submitter?: string;
  challengeEnd?: number;
  snapshot: number;
  table: TablePage | { name: string; columns: Column[]; rows: Row[] };
};

function membersSection(title: string, m: Members | undefined, next: boolean): HTMLElement {
  if (!m) return h("section", { class: "table" }, h("h2", {}, title), h("p", { class: "muted" }, "No epoch has begun yet."));
  const states: Record<string, string> = {
    finalized: "finalized",
    "carried over": `no list was finalized for this epoch: epoch ${m.source}'s set serves`,
    submitted: `submitted by ${shortAddress(m.submitter)}, open to challenges${m.challengeEnd ? ` until ${chainClock(m.challengeEnd)}` : ""}`,
    "not submitted": "no list submitted yet",
    none: "no delegates",
  };
  const t = "total" in m.table ? m.table : whole(m.table);
  const box = table(t, {
    title: `${title} — epoch ${m.epoch}`,
    download: { path: "/api/delegates", params: { epoch: m.epoch } },
    empty: next ? "No list submitted yet." : "No delegates serve this epoch.",
  });
  box.dataset.state = m.state;
  box.insertBefore(
    h("p", { class: "note" }, `${states[m.state] ?? m.state}; scores at the snapshot (${chainClock(m.snapshot)}).`),
    box.children[1],
  );
  return box;
}

async function overview(): Promise<HTMLElement> {
  const o = await api<{
    status: DashboardStatus;
    current?: Members;
    next: Members;
    election: { epoch: string; phase: string; opener?: string; submitter?: string; challenges: number; gas: string; deadline: number };
    slots: TablePage;
    offences: TablePage;
    rewards: { pool: string; totalRewards: string };
  }>("/api/overview");
  const s = o.status;
  const root = h("div", { class: "overview" });
  const sys = s.system!;
  root.append(
    h(
      "div",
      { class: "cards" },
      card("epoch", String(s.now?.epoch ?? "—"), h("span", { id: "epoch-left" }), "epoch"),
      card("slot", `${s.now?.slot ?? "—"} of ${sys.slotsPerEpoch}`, h("span", { id: "slot-left" }), "slot"),
      card("block", String(s.chain?.block ?? "—"), `chain ${s.chain?.chainId ?? "?"}, ${s.chain?.rate ?? 1}× wall time`, "block"),
      card("model", sys.model, `${sys.rule}, K = ${sys.delegates}, ${sys.standbys} standby${sys.standbys === 1 ? "" : "s"}`, "model"),
      card("nodes", formatDecimal(sys.nodes), "admitted", "nodes"),
      card(
        "reward pool",
        formatDecimal(o.rewards.pool === undefined ? null : tokens(o.rewards.pool)),
        `${formatDecimal(tokens(o.rewards.totalRewards))} accrued, unclaimed`,
        "pool",
      ),
    ),
  );
  root.append(membersSection("Serving now", o.current, false));
  root.append(membersSection("Next epoch", o.next, true));
  const e = o.election;
  root.append(
    h(
      "section",
      { class: "table", "data-election": e.phase },
      h("div", { class: "table-head" }, h("h2", {}, `Election of epoch ${e.epoch}`), link(`#/election/${e.epoch}`, "all steps and gas")),
      h(
        "p",
        {},
        `${e.phase}`,
        e.opener ? `; opened by ${shortAddress(e.opener)}` : "",
        e.submitter ? `; list by ${shortAddress(e.submitter)}` : "",
        `; ${e.challenges} challenge${e.challenges === 1 ? "" : "s"}; ${formatDecimal(e.gas)} gas so far; submissions until ${chainClock(e.deadline)}.`,
      ),
    ),
  );
  root.append(slotStrip(o.slots, "Slots of this epoch"));
  root.append(table(o.offences, { title: "Latest offences", download: { path: "/api/offences" }, empty: "No offence proven yet." }));
  return root;
}

/** WAD token units → decimal string. */
function tokens(units: string): string {
  const neg = units.startsWith("-");
  const digits = (neg ? units.slice(1) : units).padStart(19, "0");
  return `${neg ? "-" : ""}${digits.slice(0, -18)}.${digits.slice(-18)}`;
}

function slotStrip(page: TablePage, title: string): HTMLElement {
  const box = h(
    "section",
    { class: "timeline", "data-timeline": "slots" },
    h("div", { class: "table-head" }, h("h2", {}, title), link("#/slots", "timeline of the last epochs")),
  );
  const byEpoch = new Map<string, Row[]>();
  for (const r of page.rows) byEpoch.set(String(r.epoch), [...(byEpoch.get(String(r.epoch)) ?? []), r]);
  for (const [epoch, rows] of byEpoch) {
    const line = h("div", { class: "epoch-line" }, h("span", { class: "epoch-label" }, `epoch ${epoch}`));
    for (const r of rows.sort((a, b) => Number(a.slot) - Number(b.slot))) {
      const label = [
        `slot ${r.slot}`,
        String(r.status),
        r.owner ? `by ${shortAddress(String(r.owner))}` : "",
        r.takenOver ? "(standby)" : "",
        r.trades !== null ? `${r.trades} trades, ${formatDecimal(r.energy as string)} Wh` : "",
      ]
        .filter(Boolean)
        .join(" ");
      const cellEl = h(
        "a",
        {
          class: `slot s-${r.status}${r.takenOver ? " taken-over" : ""}`,
          href: r.owner ? `#/node/${r.owner}` : "#/slots",
          title: label,
          "data-status": String(r.status),
          "data-epoch": String(r.epoch),
          "data-slot": String(r.slot),
          "data-owner": r.owner ? String(r.owner) : undefined,
        },
        h("span", { class: "slot-n" }, String(r.slot)),
        h("span", { class: "slot-who" }, r.owner ? shortAddress(String(r.owner)) : "—"),
        h("span", { class: "slot-what" }, r.status === "committed" ? `${r.trades ?? "?"} trades` : String(r.status)),
      );
      line.append(cellEl);
    }
    box.append(line);
  }
  if (byEpoch.size === 0) box.append(h("p", { class: "muted" }, "No epoch has begun yet."));
  box.append(
    h(
      "p",
      { class: "legend" },
      ...["committed", "missed", "open", "upcoming", "unscheduled"].map((s) => h("span", { class: `badge s-${s}` }, s)),
      h("span", { class: "badge taken-over" }, "taken over by a standby"),
    ),
  );
  return box;
}

async function electionView(epoch?: number): Promise<HTMLElement> {
  const e = await api<{
    epoch: string;
    phase: string;
    opener?: string;
    submitter?: string;
    challenges: number;
    gas: string;
    seed?: string;
    deadline: number;
    challengeEnd?: number;
    table: TablePage;
  }>(`/api/election${epoch === undefined ? "" : `?epoch=${epoch}&limit=500`}`);
  const n = Number(e.epoch);
  const root = h("div", {});
  root.append(
    h(
      "div",
      { class: "cards" },
      card(
        "election of epoch",
        String(e.epoch),
        h("span", {}, n > 1 ? link(`#/election/${n - 1}`, "← previous") : "", " ", link(`#/election/${n + 1}`, "next →")),
      ),
      card(
        "phase",
        e.phase,
        e.challengeEnd ? `challenges until ${chainClock(e.challengeEnd)}` : `submissions until ${chainClock(e.deadline)}`,
        "phase",
      ),
      card("challenges", String(e.challenges), "upheld"),
      card("gas", formatDecimal(e.gas), "all steps"),
      card("seed", e.seed ? `${e.seed.slice(0, 10)}…` : "not fixed", e.opener ? `opened by ${shortAddress(e.opener)}` : "not opened"),
    ),
  );
  root.append(
    table(e.table, {
      title: `Steps of the election of epoch ${e.epoch}`,
      download: { path: "/api/election", params: { epoch: e.epoch } },
      empty: "Not opened yet.",
    }),
  );
  return root;
}

async function slotsView(epochs = 6): Promise<HTMLElement> {
  const page = await api<TablePage>(`/api/slots?epochs=${epochs}&limit=500`);
  const root = h("div", {});
  root.append(slotStrip(page, `Slot timeline: the last ${epochs} epochs`));
  root.append(table(page, { title: "Slots", download: { path: "/api/slots", params: { epochs } } }));
  return root;
}

async function offencesView(): Promise<HTMLElement> {
  const page = await api<TablePage>("/api/offences?limit=500");
  return table(page, { title: "Offences", download: { path: "/api/offences" }, empty: "No offence proven yet." });
}

async function rewardsView(): Promise<HTMLElement> {
  const r = await api<{
    pool: string;
    pools: { producers: string; attesters: string; keepers: string };
    totalRewards: string;
    fees: string;
    funded: string;
    slashedToPool: string;
    table: TablePage;
  }>("/api/rewards?limit=500");
  const root = h("div", {});
  root.append(
    h(
      "div",
      { class: "cards" },
      card("reward pool", formatDecimal(tokens(r.pool)), "not yet accrued to anyone", "pool"),
      card("producers' pool", formatDecimal(tokens(r.pools.producers)), "for committed blocks"),
      card("attesters' pool", formatDecimal(tokens(r.pools.attesters)), "for attestations"),
      card("keepers' pool", formatDecimal(tokens(r.pools.keepers)), "for finalized elections"),
      card("accrued, unclaimed", formatDecimal(tokens(r.totalRewards)), "all accounts"),
      card("fees collected", formatDecimal(tokens(r.fees)), "participation fees"),
      card("slashes to the pool", formatDecimal(tokens(r.slashedToPool)), "after reporters' shares"),
      card("funded", formatDecimal(tokens(r.funded)), "given to the pool"),
    ),
  );
  root.append(table(r.table, { title: "Rewards per account", download: { path: "/api/rewards" }, empty: "No reward accrued yet." }));
  return root;
}

async function nodesView(r: Extract<Route, { view: "nodes" }>): Promise<HTMLElement> {
  const params = new URLSearchParams();
  params.set("offset", String(r.offset ?? 0));
  params.set("limit", "25");
  if (r.sort) params.set("sort", r.sort);
  if (r.order) params.set("order", r.order);
  if (r.filter) params.set("filter", r.filter);
  const page = await api<TablePage & { index: { ready: boolean; done: number; total: number } }>(`/api/nodes?${params.toString()}`);
  const nav = (patch: Partial<Extract<Route, { view: "nodes" }>>) => (location.hash = routeHash({ ...r, ...patch }));
  const root = h("div", {});
  const find = h(
    "form",
    { class: "find" },
    h("label", {}, "Open a node: ", h("input", { name: "address", placeholder: "0x… address", size: "44", maxlength: "100" })),
    h("button", { type: "submit" }, "Open"),
  );
  find.addEventListener("submit", (ev) => {
    ev.preventDefault();
    location.hash = routeHash({ view: "node", address: String(new FormData(find).get("address") ?? "").trim() });
  });
  root.append(find);
  root.append(
    table(page, {
      title: "Nodes",
      download: page.index.ready ? { path: "/api/nodes" } : undefined,
      onPage: (offset) => nav({ offset }),
      sort: {
        key: r.sort,
        order: r.order ?? "asc",
        onSort: (key) => nav({ sort: key, order: r.sort === key && r.order !== "desc" ? "desc" : "asc", offset: 0 }),
      },
      filter: {
        value: r.filter ?? "",
        placeholder: "filter by address, class or status",
        onFilter: (filter) => nav({ filter, offset: 0 }),
      },
    }),
  );
  if (!page.index.ready)
    root.append(
      h(
        "p",
        { class: "note" },
        `Reading every node for sorting, filtering and the downloads: ${page.index.done} of ${page.index.total || "?"}.`,
      ),
    );
  return root;
}

const CLASSES = ["household rooftop PV", "household cluster PV", "community PV", "wind", "hydro", "integrated energy", "consumer"];
const STATUS = ["none", "pending", "admitted", "rejected", "exited"];
const TERM_COLORS = ["#111827", "#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#db2777", "#65a30d"];

async function nodeView(address: string): Promise<HTMLElement> {
  type Node = {
    node: string;
    nodeClass: number;
    status: number;
    capacity: string;
    endpoint: string;
    deposit: string;
    unbonding: string;
    votesReceived: string;
    totalVotes: string;
    votesCast: { candidate: string; votes: number }[];
    jailed: boolean;
    jailedUntil: number;
    trust: string;
    quality: string;
    clean: boolean;
    claimable: string;
    accrued: string;
    blocksProduced: number;
    model: string;
    health?: { state: string; pending?: number; error?: string };
    history: { name: string; columns: Column[]; rows: Row[] };
    offences: { name: string; columns: Column[]; rows: Row[] };
  };
  const n = await api<Node>(`/api/nodes/${encodeURIComponent(address)}`);
  const root = h("div", { class: "node", "data-node": n.node });
  root.append(h("h1", { class: "mono" }, n.node));
  root.append(
    h(
      "div",
      { class: "cards" },
      card("class", CLASSES[n.nodeClass] ?? String(n.nodeClass), `${formatDecimal(n.capacity)} W`, "class"),
      card("status", STATUS[n.status] ?? String(n.status), n.jailed ? `jailed until ${chainClock(n.jailedUntil)}` : "not jailed", "status"),
      card(
        "deposit",
        formatDecimal(tokens(n.deposit)),
        Number(n.unbonding) > 0 ? `${formatDecimal(tokens(n.unbonding))} unbonding` : "bonded",
        "deposit",
      ),
      card(
        "votes",
        formatDecimal(n.votesReceived),
        `of ${formatDecimal(n.totalVotes)} cast; it votes for ${n.votesCast.length} node${n.votesCast.length === 1 ? "" : "s"}`,
        "votes",
      ),
      card(
        "rewards",
        formatDecimal(tokens(n.claimable)),
        `claimable; ${formatDecimal(tokens(n.accrued))} accrued in all; ${n.blocksProduced} blocks produced`,
        "rewards",
      ),
      card(
        n.model === "dynamic-trust" ? "trust" : "quality D",
        formatDecimal(tokens(n.model === "dynamic-trust" ? n.trust : n.quality)),
        n.clean ? "clean record (ΔC+)" : "no clean record",
        "trust",
      ),
      card("client", n.health?.state ?? "no endpoint", n.endpoint || "no endpoint registered", "client"),
    ),
  );
  const rows = n.history.rows;
  const x = rows.map((r) => Number(r.epoch));
  const terms = n.history.columns.filter((c) => !["epoch", "eligible", "reason", "role"].includes(c.key));
  root.append(
    chart(
      n.model === "dynamic-trust"
        ? "Trust score R and its terms over the epochs"
        : n.model === "credit"
          ? "Consensus value G and its terms over the epochs"
          : "Weighted votes over the epochs",
      x,
      terms.map((c, i) => ({
        label: c.label,
        values: rows.map((r) => (r[c.key] === null ? null : Number(r[c.key]))),
        color: TERM_COLORS[i % TERM_COLORS.length],
      })),
      "epoch",
    ),
  );
  root.append(table(whole(n.history), { title: "Score at each election's snapshot", download: { path: `/api/nodes/${n.node}/history` } }));
  root.append(
    table(whole(n.offences), {
      title: "Offences of this node",
      download: { path: `/api/nodes/${n.node}/offences` },
      empty: "No offence proven.",
    }),
  );
  if (n.votesCast.length > 0) {
    root.append(
      h(
        "section",
        { class: "table" },
        h("h2", {}, "Votes it casts"),
        h("ul", {}, ...n.votesCast.map((v) => h("li", {}, nodeLink(v.candidate), `: ${v.votes}`))),
      ),
    );
  }
  return root;
}

async function energyView(): Promise<HTMLElement> {
  const page = await api<TablePage>("/api/energy?limit=500");
  const rows = page.rows;
  const root = h("div", {});
  const x = rows.map((r) => Number(r.epoch));
  root.append(
    chart(
      "Energy traded per epoch (Wh)",
      x,
      [{ label: "energy (Wh)", values: rows.map((r) => Number(r.energy)), color: "#16a34a" }],
      "epoch",
    ),
  );
  root.append(
    chart(
      "Trades and blocks per epoch",
      x,
      [
        { label: "trades", values: rows.map((r) => Number(r.trades)), color: "#2563eb" },
        { label: "blocks", values: rows.map((r) => Number(r.blocks)), color: "#d97706" },
      ],
      "epoch",
    ),
  );
  root.append(table(page, { title: "Energy per epoch", download: { path: "/api/energy" } }));
  return root;
}

async function build(r: Route): Promise<HTMLElement> {
  switch (r.view) {
    case "overview":
      return overview();
    case "election":
      return electionView(r.epoch);
    case "slots":
      return slotsView(r.epochs);
    case "offences":
      return offencesView();
    case "rewards":
      return rewardsView();
    case "nodes":
      return nodesView(r);
    case "node":
      return nodeView(r.address);
    case "energy":
      return energyView();
    default:
      return h(
        "div",
        { class: "error", "data-error": "not-found", role: "alert" },
        `There is no page "${r.path}". `,
        link("#/", "Go to the overview"),
      );
  }
}

// ------------------------------------------------------------------ rendering and live updates

async function render(): Promise<void> {
  if (rendering) {
    again = true;
    return;
  }
  rendering = true;
  const token = ++renderToken;
  const r = route;
  try {
    let content: HTMLElement;
    const d = status?.deployment;
    if (status && d && d.state !== "ok" && d.state !== "unknown") {
      content = h(
        "div",
        { class: "error e-no-deployment", "data-error": "no-deployment", role: "alert" },
        h("strong", {}, "No deployment to show. "),
        d.message ?? "",
      );
    } else {
      try {
        content = await build(r);
      } catch (e) {
        content = errorBox(e);
      }
    }
    if (token === renderToken) {
      for (const c of charts.splice(0)) c.destroy();
      view.replaceChildren(content);
      view.dataset.view = r.view;
      lastRender = Date.now();
      if (!document.body.dataset.painted && r.view === "overview" && content.classList.contains("overview")) {
        document.body.dataset.painted = "overview";
        performance.mark("dashboard-painted");
      }
      document.body.dataset.rendered = String(token);
    }
  } finally {
    rendering = false;
    if (again) {
      again = false;
      void render();
    }
  }
  tick();
}

function tick(): void {
  const b = bannerFor(status, connected, Date.now());
  const banner = document.getElementById("banner")!;
  banner.dataset.state = b.state;
  banner.textContent = b.message;
  banner.hidden = b.state === "ok";
  document.body.classList.toggle("stale", b.state === "stale" || b.state === "lost");
  const c = status ? countdown(status, Date.now()) : undefined;
  const clock = document.getElementById("clock")!;
  clock.textContent = c ? `epoch ${c.epoch} · slot ${c.slot} · ${duration(c.slotLeftWall)} left` : "";
  const slotLeft = document.getElementById("slot-left");
  if (slotLeft && c)
    slotLeft.textContent = `ends in ${duration(c.slotLeft)} chain time${c.rate !== 1 ? ` (${duration(c.slotLeftWall)} at ${c.rate}×)` : ""}`;
  const epochLeft = document.getElementById("epoch-left");
  if (epochLeft && c)
    epochLeft.textContent = `ends in ${duration(c.epochLeft)} chain time${c.rate !== 1 ? ` (${duration(c.epochLeftWall)})` : ""}`;
  for (const a of document.querySelectorAll<HTMLAnchorElement>("header nav a"))
    a.classList.toggle("active", a.dataset.view === route.view || (a.dataset.view === "nodes" && route.view === "node"));
  const footer = document.getElementById("footer")!;
  footer.textContent = status?.deployment.contracts
    ? `chain ${status.deployment.chainId} · election ${status.deployment.contracts.election} · deployed ${status.deployment.deployedAt ?? "?"}`
    : "";
}

function connect(): void {
  const events = new EventSource("/api/events");
  events.addEventListener("status", (ev) => {
    connected = true;
    const first = status === undefined;
    status = JSON.parse((ev as MessageEvent<string>).data) as DashboardStatus;
    tick();
    // refetch the view when the chain moved, at most once a second
    if (first || (status.version !== shownVersion && status.rpc.state === "up")) {
      shownVersion = status.version;
      const wait = Math.max(0, 1_000 - (Date.now() - lastRender));
      setTimeout(() => void render(), first ? 0 : wait);
    }
  });
  events.addEventListener("error", () => {
    connected = false;
    tick();
  });
}

window.addEventListener("hashchange", () => {
  route = parseRoute(location.hash);
  void render();
});
setInterval(tick, 1_000);
connect();
