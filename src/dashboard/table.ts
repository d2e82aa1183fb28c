// The dashboard's tables as plain data: columns and rows, paging with sort and filter, and the CSV
// and JSON downloads. Pure (no I/O), shared by the server and unit-tested in `npm test`.
import { InputError } from "../util/errors";

/** What a cell holds: numbers that may exceed 2^53 (token units, gas, epochs) travel as decimal strings. */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** How a column sorts and renders: `decimal` cells are decimal strings compared exactly. */
export type ColumnKind = "text" | "address" | "decimal" | "bool" | "time";

export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
}

export interface Table {
  /** File name stem of the downloads, e.g. "offences". */
  name: string;
  columns: Column[];
  rows: Row[];
}

/** A query parameter that cannot be used: names the field and the value it got. */
export class QueryError extends InputError {
  override name = "QueryError";
}

export interface PageQuery {
  offset: number;
  limit: number;
  /** Column key; undefined keeps the table's own order. */
  sort?: string;
  order: "asc" | "desc";
  /** Case-insensitive substring over the text and address columns. */
  filter: string;
}

export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 25;
/** Longest filter accepted: an address is 42 characters. */
const MAX_FILTER = 100;

const one = (field: string, raw: unknown): string | undefined => {
  if (raw === undefined) return undefined;
  if (typeof raw !== "string") throw new QueryError(field, String(raw), "must be given once");
  return raw;
};

/** A whole number in [min, max] from a query string value. */
export function wholeParam(field: string, raw: unknown, min: number, max: number, fallback?: number): number {
  const s = one(field, raw);
  if (s === undefined || s === "") {
    if (fallback === undefined) throw new QueryError(field, "", "is required");
    return fallback;
  }
  if (!/^\d{1,16}$/.test(s)) throw new QueryError(field, s, `"${s.slice(0, 40)}" is not a whole number`);
  const v = Number(s);
  if (v < min || v > max) throw new QueryError(field, s, `${s} is outside [${min}, ${max}]`);
  return v;
}

/** Paging, sort and filter parameters of a request for `columns`, each checked. */
export function parsePageQuery(query: Record<string, unknown>, columns: Column[]): PageQuery {
  const offset = wholeParam("offset", query.offset, 0, Number.MAX_SAFE_INTEGER, 0);
  const limit = wholeParam("limit", query.limit, 1, MAX_PAGE_LIMIT, DEFAULT_PAGE_LIMIT);
  const sort = one("sort", query.sort);
  if (sort !== undefined && sort !== "" && !columns.some((c) => c.key === sort)) {
    throw new QueryError("sort", sort, `"${sort.slice(0, 40)}" is not a column; one of ${columns.map((c) => c.key).join(", ")}`);
  }
  const order = one("order", query.order) ?? "asc";
  if (order !== "asc" && order !== "desc") throw new QueryError("order", order, `"${order.slice(0, 40)}" is not asc or desc`);
  const filter = one("filter", query.filter) ?? "";
  if (filter.length > MAX_FILTER) throw new QueryError("filter", filter.slice(0, 40), `is longer than ${MAX_FILTER} characters`);
  return { offset, limit, sort: sort || undefined, order, filter: filter.trim().toLowerCase() };
}

/**
 * Compares two decimal strings ("-12.5", "3", "0.000001") exactly, at any size; a non-decimal
 * (null, "") sorts before every number.
 */
export function compareDecimal(a: string, b: string): number {
  const parse = (s: string) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
    if (!m) return undefined;
    const int = m[2].replace(/^0+(?=\d)/, "");
    const frac = (m[3] ?? "").replace(/0+$/, "");
    const zero = /^0$/.test(int) && frac === "";
    return { negative: m[1] === "-" && !zero, int, frac };
  };
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const sign = x.negative ? -1 : 1;
  if (x.int.length !== y.int.length) return sign * (x.int.length < y.int.length ? -1 : 1);
  if (x.int !== y.int) return sign * (x.int < y.int ? -1 : 1);
  const width = Math.max(x.frac.length, y.frac.length);
  const fx = x.frac.padEnd(width, "0");
  const fy = y.frac.padEnd(width, "0");
  return fx === fy ? 0 : sign * (fx < fy ? -1 : 1);
}

function compareCells(kind: ColumnKind, a: Cell, b: Cell): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (kind === "decimal" || kind === "time") return compareDecimal(String(a), String(b));
  if (kind === "bool") return Number(a) - Number(b);
  const [x, y] = [String(a).toLowerCase(), String(b).toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether `row` matches the lower-case `filter` in any text or address column. */
export function matches(row: Row, columns: Column[], filter: string): boolean {
  if (filter === "") return true;
  return columns.some(
    (c) => (c.kind === "text" || c.kind === "address") && row[c.key] !== null && String(row[c.key]).toLowerCase().includes(filter),
  );
}

export interface Page {
  name: string;
  columns: Column[];
  /** Rows matching the filter, before paging. */
  total: number;
  offset: number;
  limit: number;
  rows: Row[];
}

/** Filter, sort (stable: equal rows keep the table's order) and cut one page of `table`. */
export function pageOf(table: Table, q: PageQuery): Page {
  let rows = table.rows.filter((r) => matches(r, table.columns, q.filter));
  const column = q.sort === undefined ? undefined : table.columns.find((c) => c.key === q.sort);
  if (column) {
    const direction = q.order === "desc" ? -1 : 1;
    rows = rows
      .map((row, i) => ({ row, i }))
      .sort((a, b) => direction * compareCells(column.kind, a.row[column.key], b.row[column.key]) || a.i - b.i)
      .map((x) => x.row);
  } else if (q.order === "desc") {
    rows = rows.slice().reverse();
  }
  return {
    name: table.name,
    columns: table.columns,
    total: rows.length,
    offset: q.offset,
    limit: q.limit,
    rows: rows.slice(q.offset, q.offset + q.limit),
  };
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space. A text
 * starting with = + @ or a tab (or - not starting a number) gets a leading ' so that a spreadsheet
 * shows it instead of evaluating it: endpoints and names come from the chain, written by anyone.
 */
export function csvField(v: Cell): string {
  if (v === null) return "";
  let s = String(v);
  if (typeof v === "string" && /^([=+@\t\r]|-(?![\d.]))/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as CSV: a header of column keys, then every row, CRLF line ends (RFC 4180). */
export function toCsv(table: Table): string {
  const lines = [table.columns.map((c) => csvField(c.key)).join(",")];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvField(row[c.key] ?? null)).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** The table as a JSON document: what it is, when it was read, its columns and every row. */
export function toJsonExport(table: Table, context: { chainId: string; block: number; generatedAt: string }): string {
  return JSON.stringify({ table: table.name, ...context, columns: table.columns, rows: table.rows }, null, 2) + "\n";
}
