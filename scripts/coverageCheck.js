// Fails unless contracts/ coverage meets the bar of issue 11: lines >= 95 %, branches >= 90 %.
// Reads coverage/coverage-summary.json, written by `hardhat coverage` (see .solcover.js).
const fs = require("node:fs");

const BAR = { lines: 95, branches: 90 };
const file = "coverage/coverage-summary.json";
if (!fs.existsSync(file)) {
  console.error(`${file} not found: run npx hardhat coverage first`);
  process.exit(2);
}
const total = JSON.parse(fs.readFileSync(file, "utf8")).total;
let ok = true;
for (const [metric, bar] of Object.entries(BAR)) {
  const pct = total[metric].pct;
  const pass = pct >= bar;
  ok &&= pass;
  console.log(`${metric}: ${pct} % (bar ${bar} %) ${pass ? "ok" : "BELOW THE BAR"}`);
}
process.exit(ok ? 0 : 1);
