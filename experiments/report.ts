// Writes an experiment's markdown report, ending with where to read what moved between the
// committed runs and why (results/experiments/README.md, written by hand: a cause is not a number).
import fs from "node:fs";
import path from "node:path";

/** Writes `<name>.md` in `folder`: the report, then the pointer to its section of the folder's README. */
export function writeReport(folder: string, name: string, md: string): void {
  const moved = `What moved since the earlier committed runs, and why: [README.md](README.md#${name}).`;
  fs.writeFileSync(path.join(folder, `${name}.md`), `${md}\n\n${moved}\n`);
}
