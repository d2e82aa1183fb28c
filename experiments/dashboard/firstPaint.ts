// `npm run bench:dashboard`: how fast the dashboard's first view paints with 10,000 registered nodes
// on the embedded Hardhat network. The network is populated (experiments/world/populate.ts), an
// election is run by the keeper's code (every node scored from its snapshot, the best keys
// submitted, finalized), the first elected epoch begins and a missed slot is punished; then the
// embedded network is served over HTTP as `hardhat node` serves it, a dashboard process is started
// against it, and Debian's Chromium loads the page: the first load against the fresh dashboard
// (cold caches), then loads after a new block each (what a viewer sees as the chain moves).
// "Painted" is the page's own mark, set when the overview has been built from the API's answer and
// put on screen. Writes results/dashboard/first-paint.{json,md}. BENCH_NODES and BENCH_LOADS
// change the size and the number of loads.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre, { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { deploySystem } from "../../src/deployment/deploySystem";
import { presetOptions } from "../../src/deployment/presets";
import { recordDeployment } from "../../src/deployment/addressBook";
import { SnapshotReader } from "../../src/chain/snapshotReader";
import { bestKeys } from "../../src/election/engine";
import { openElection } from "../../src/election/open";
import { parseList } from "../../src/util/parse";
import { sleep } from "../../src/util/sleep";
import { populate, type RpcProvider } from "../world/populate";
import { launchChromium } from "../../test-browser/browser";
import { EnvironmentError, StateError } from "../../src/util/errors";

const ROOT = path.join(__dirname, "..", "..");
const OUT = path.join(ROOT, "results", "dashboard");
const [NODES] = parseList("BENCH_NODES", process.env.BENCH_NODES ?? "10000", 10, 100_000);
const [LOADS] = parseList("BENCH_LOADS", process.env.BENCH_LOADS ?? "6", 2, 50);

const seconds = (from: number) => (performance.now() - from) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const started = performance.now();
  const provider = ethers.provider as unknown as RpcProvider;
  const [admin, keeper] = await ethers.getSigners();
  const system = await deploySystem(admin, presetOptions("local"));
  const deployBlock = await ethers.provider.getBlockNumber();
  let t = performance.now();
  console.log(`Populating ${NODES.toLocaleString("en-US")} nodes...`);
  const wallets = await populate(system, admin, provider, { count: NODES, tag: "dashboard-bench" });
  const populateSeconds = seconds(t);
  console.log(`  ${populateSeconds.toFixed(0)} s`);
  const { election, vault, token } = system;
  await (await token.mint(keeper.address, system.options.keeperMinBond)).wait();
  await (await token.connect(keeper).approve(await vault.getAddress(), system.options.keeperMinBond)).wait();
  await (await vault.connect(keeper).bondKeeper(system.options.keeperMinBond)).wait();

  console.log("Electing with the keeper's code...");
  t = performance.now();
  const epoch = (await election.currentEpoch()) + 2n;
  await time.increaseTo(await election.snapshotOf(epoch));
  await openElection(election, epoch);
  const scores = await SnapshotReader.of(system).scoreAll(
    epoch,
    wallets.map((w) => w.address),
  );
  const list = bestKeys(scores, Number(await election.listLength())).map((s) => s.node);
  // the embedded network's clock follows the wall's: scoring 10,000 nodes can outlast the
  // submission window of 4-minute epochs, so the submission lands a second after the opening
  await time.setNextBlockTimestamp((await time.latest()) + 1);
  await (await election.connect(keeper).submit(epoch, list)).wait();
  await time.increase(system.options.challengePeriod);
  await (await election.finalize(epoch)).wait();
  const electSeconds = seconds(t);
  console.log(`  ${electSeconds.toFixed(0)} s`);
  // into the elected epoch: nobody produces, so its first slot is missed and punished
  const [, slotEnd] = await election.slotWindow(epoch, 0n);
  await time.increaseTo(slotEnd);
  await (await system.ledger.reportMissedSlot(epoch, 0n)).wait();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "energy-dpos-bench-"));
  await recordDeployment(system, 31337n, "hardhat", deployBlock, dir);
  const server = (await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider })) as {
    listen(): Promise<{ port: number }>;
    close(): Promise<void>;
  };
  const { port } = await server.listen();
  const rpcUrl = `http://127.0.0.1:${port}`;
  console.log(`Embedded network on ${rpcUrl}; starting a dashboard process...`);
  const child = spawn(
    path.join(ROOT, "node_modules", ".bin", "ts-node"),
    ["--transpile-only", path.join(ROOT, "scripts", "dashboard.ts"), "--rpc", rpcUrl, "--addresses", dir, "--port", "0"],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /Dashboard on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new EnvironmentError("dashboard", `the dashboard exited (${code}): ${out}`)));
  });
  const browser = await launchChromium();
  const loads: { paint: number; fcp: number | null; block: number }[] = [];
  try {
    // the dashboard's first poll has indexed the history: what a viewer opening it now waits on
    for (;;) {
      const s = await fetch(`${url}/api/status`).then((r) => r.json() as Promise<{ index?: { block: number }; chain?: { block: number } }>);
      if (s.index && s.chain && s.index.block === s.chain.block) break;
      await sleep(100);
    }
    for (let i = 0; i < LOADS; i++) {
      if (i > 0) await provider.send("evm_mine", []); // a new head: per-block caches start over
      const block = await ethers.provider.getBlockNumber();
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.locator('body[data-painted="overview"]').waitFor({ timeout: 120_000 });
      const paint = (await page.evaluate("performance.getEntriesByName('dashboard-painted')[0].startTime")) as number;
      const fcp = (await page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")) as number | null;
      const rows = await page.locator('section[data-table^="delegates-"] tbody tr').count();
      if (rows < 3) throw new StateError("rows", rows, `the first view shows ${rows} delegate rows`);
      loads.push({ paint, fcp, block });
      console.log(`load ${i + 1}: overview painted at ${paint.toFixed(0)} ms (first contentful paint ${fcp?.toFixed(0) ?? "?"} ms)`);
      await context.close();
    }
    // the other heavy views, once each, through the API the page uses
    const apiTime = async (route: string) => {
      const t0 = performance.now();
      const r = await fetch(`${url}${route}`);
      await r.text();
      if (!r.ok) throw new StateError(route, r.status, `${route}: HTTP ${r.status}`);
      return performance.now() - t0;
    };
    const views = {
      nodesFirstPage: await apiTime("/api/nodes?offset=0&limit=25"),
      nodesLastPage: await apiTime(`/api/nodes?offset=${NODES - 25}&limit=25`),
      nodePage: await apiTime(`/api/nodes/${list[0]}`),
      slots: await apiTime("/api/slots?epochs=6"),
    };
    const cold = loads[0].paint;
    const warm = loads.slice(1).map((l) => l.paint);
    const result = {
      nodes: NODES,
      machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, load ${os.loadavg()[0].toFixed(1)}`,
      populateSeconds,
      electSeconds,
      paintMs: { cold, warmMedian: median(warm), warmMax: Math.max(...warm), loads },
      apiMs: views,
      totalSeconds: seconds(started),
    };
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(path.join(OUT, "first-paint.json"), JSON.stringify(result, null, 2) + "\n");
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    const md = [
      "# Dashboard: first paint with many nodes",
      "",
      `${NODES.toLocaleString("en-US")} admitted nodes on the embedded Hardhat network, served over HTTP; one election finalized by the`,
      "keeper's code, a missed slot punished. A dashboard process against it; Debian's Chromium loads the page in a fresh",
      'browser context each time. "Painted" is the page\'s mark once the overview (epoch, slot, countdown, the delegates and',
      "standbys of this and the next epoch with their score terms, the election, this epoch's slots, the latest offences) is",
      "on screen, counted from the start of navigation.",
      "",
      "| | ms |",
      "|---|---:|",
      `| first load against the fresh dashboard (cold caches) | ${ms(cold)} |`,
      `| later loads, a new block before each (median of ${warm.length}) | ${ms(median(warm))} |`,
      `| later loads, slowest | ${ms(Math.max(...warm))} |`,
      `| API: a page of 25 nodes, first page (read from the chain) | ${ms(views.nodesFirstPage)} |`,
      `| API: a page of 25 nodes, last page | ${ms(views.nodesLastPage)} |`,
      `| API: a node's page with its history | ${ms(views.nodePage)} |`,
      `| API: the slot timeline of 6 epochs | ${ms(views.slots)} |`,
      "",
      `Machine: ${result.machine}. Set-up (not counted): populating ${populateSeconds.toFixed(0)} s, the election ${electSeconds.toFixed(0)} s.`,
      "",
    ].join("\n");
    fs.writeFileSync(path.join(OUT, "first-paint.md"), md);
    console.log(md);
  } finally {
    await browser.close();
    child.kill("SIGTERM");
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
