// Writes a measurement as JSON (bigints as numbers) and as a markdown table under results/.
import fs from "node:fs";
import path from "node:path";

export function writeReport(folder: string, name: string, rows: object[], columns: [header: string, key: string][]): string {
  const dir = path.join("results", folder);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(rows, (_, v) => (typeof v === "bigint" ? Number(v) : v), 2) + "\n");
  const cell = (v: unknown) => (v === null || v === undefined ? "n/a" : String(v));
  const md = [
    `| ${columns.map(([h]) => h).join(" | ")} |`,
    `|${columns.map(() => "---:").join("|")}|`,
    ...rows.map((r) => `| ${columns.map(([, k]) => cell((r as Record<string, unknown>)[k])).join(" | ")} |`),
  ].join("\n");
  fs.writeFileSync(path.join(dir, `${name}.md`), md + "\n");
  return md;
}
