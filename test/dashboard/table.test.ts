// The dashboard's tables: query checks name the field, paging, exact decimal sorting, filters, and
// CSV that a spreadsheet reads back as it was written (and never evaluates).
import { expect } from "chai";
import fc from "fast-check";
import { QueryError, compareDecimal, csvField, pageOf, parsePageQuery, toCsv, toJsonExport, type Table } from "../../src/dashboard/table";

const table: Table = {
  name: "t",
  columns: [
    { key: "node", label: "node", kind: "address" },
    { key: "score", label: "score", kind: "decimal" },
    { key: "ok", label: "ok", kind: "bool" },
    { key: "note", label: "note", kind: "text" },
  ],
  rows: [
    { node: "0xAa", score: "10.5", ok: true, note: "wind" },
    { node: "0xbb", score: "9.75", ok: false, note: "hydro" },
    { node: "0xcc", score: "100000000000000000000000", ok: true, note: null },
    { node: "0xdd", score: "-1", ok: false, note: "wind farm" },
    { node: "0xee", score: "10.5", ok: true, note: "pv" },
  ],
};

/** An RFC 4180 reader, to read back what toCsv wrote. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') [field, i] = [field + '"', i + 1];
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") [row, field] = [[...row, field], ""];
    else if (ch === "\r" && text[i + 1] === "\n") {
      rows.push([...row, field]);
      [row, field, i] = [[], "", i + 1];
    } else field += ch;
  }
  return rows;
}

describe("dashboard tables", () => {
  it("checks every paging parameter and names it", () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ offset: "-1" }, "offset"],
      [{ offset: "1e3" }, "offset"],
      [{ limit: "0" }, "limit"],
      [{ limit: "501" }, "limit"],
      [{ limit: ["1", "2"] }, "limit"],
      [{ sort: "nope" }, "sort"],
      [{ order: "up" }, "order"],
      [{ filter: "x".repeat(101) }, "filter"],
    ];
    for (const [q, field] of bad) {
      expect(() => parsePageQuery(q, table.columns), JSON.stringify(q))
        .to.throw(QueryError)
        .with.property("field", field);
    }
    expect(parsePageQuery({}, table.columns)).to.deep.equal({ offset: 0, limit: 25, sort: undefined, order: "asc", filter: "" });
    expect(parsePageQuery({ offset: "5", limit: "2", sort: "score", order: "desc", filter: " WIND " }, table.columns)).to.deep.equal({
      offset: 5,
      limit: 2,
      sort: "score",
      order: "desc",
      filter: "wind",
    });
  });

  it("sorts decimals exactly and stably, filters text and address columns, and cuts pages", () => {
    const q = (over: Partial<ReturnType<typeof parsePageQuery>>) => ({ offset: 0, limit: 25, order: "asc" as const, filter: "", ...over });
    expect(pageOf(table, q({ sort: "score" })).rows.map((r) => r.node)).to.deep.equal(["0xdd", "0xbb", "0xAa", "0xee", "0xcc"]);
    // equal scores keep the table's order in both directions
    expect(pageOf(table, q({ sort: "score", order: "desc" })).rows.map((r) => r.node)).to.deep.equal([
      "0xcc",
      "0xAa",
      "0xee",
      "0xbb",
      "0xdd",
    ]);
    const wind = pageOf(table, q({ filter: "wind" }));
    expect([wind.total, wind.rows.map((r) => r.node)]).to.deep.equal([2, ["0xAa", "0xdd"]]);
    expect(pageOf(table, q({ filter: "0xaa" })).rows.map((r) => r.node)).to.deep.equal(["0xAa"]);
    const page = pageOf(table, q({ offset: 3, limit: 2 }));
    expect([page.total, page.rows.map((r) => r.node)]).to.deep.equal([5, ["0xdd", "0xee"]]);
    expect(pageOf(table, q({ offset: 10 })).rows).to.deep.equal([]);
  });

  it("compares decimal strings as the numbers they are", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.nat(30),
        (a, b, scale) => {
          const show = (x: bigint) => {
            const neg = x < 0n;
            const digits = (neg ? -x : x).toString().padStart(scale + 1, "0");
            return `${neg ? "-" : ""}${scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits}`;
          };
          expect(Math.sign(compareDecimal(show(a), show(b)))).to.equal(a < b ? -1 : a > b ? 1 : 0);
        },
      ),
    );
    expect(compareDecimal("-0.0", "0")).to.equal(0);
    expect(compareDecimal("007.50", "7.5")).to.equal(0);
    expect(compareDecimal("", "1")).to.equal(-1);
  });

  it("writes CSV that reads back cell for cell, and defuses formulas", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", " ", "=", "-", "1", "é") }), { minLength: 1, maxLength: 4 }),
        (cells) => {
          const t: Table = {
            name: "x",
            columns: cells.map((_, i) => ({ key: `c${i}`, label: `c${i}`, kind: "text" })),
            rows: [Object.fromEntries(cells.map((c, i) => [`c${i}`, c]))],
          };
          const [header, row] = readCsv(toCsv(t));
          expect(header).to.deep.equal(cells.map((_, i) => `c${i}`));
          row.forEach((read, i) => expect(read).to.equal(/^([=+@\t\r]|-(?![\d.]))/.test(cells[i]) ? `'${cells[i]}` : cells[i]));
        },
      ),
      { numRuns: 60 },
    );
    expect(csvField('=HYPERLINK("x")')).to.equal(`"'=HYPERLINK(""x"")"`);
    expect(csvField("-12.5")).to.equal("-12.5");
    expect(csvField(-3)).to.equal("-3");
    expect(csvField(null)).to.equal("");
    expect(csvField(true)).to.equal("true");
    expect(toCsv(table).split("\r\n")[3]).to.equal("0xcc,100000000000000000000000,true,");
  });

  it("exports JSON with what was read and when", () => {
    const doc = JSON.parse(toJsonExport(table, { chainId: "31337", block: 7, generatedAt: "2026-01-01T00:00:00.000Z" }));
    expect(doc).to.deep.include({ table: "t", chainId: "31337", block: 7 });
    expect(doc.rows).to.deep.equal(table.rows);
    expect(doc.columns.map((c: { key: string }) => c.key)).to.deep.equal(["node", "score", "ok", "note"]);
  });
});
