// The dashboard end to end in a real browser (Debian's Chromium through playwright-core) against a
// real `hardhat node` with the keeper and the delegate clients in their own processes, started as
// `npm run network` starts them (its dashboard included). The chain runs 12x; the first producer
// withholds its blocks. Without ever reloading, the page must show a finalized election, the
// withholder's missed slot, its slash in the offences view and on its own page; a CSV download must
// hold the offence; an unknown node and a chain without a deployment get their messages; and when
// the node stops, the page must say its data is stale.
// With DASHBOARD_SCREENSHOTS=<dir> (npm run dashboard:screenshots) the same run photographs the views.
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { DEFAULT_NETWORK_OPTIONS, Network } from "../src/network/launch";
import { startDashboard, type Dashboard } from "../src/dashboard/start";
import { sleep } from "../src/util/sleep";
import { launchChromium } from "./browser";

const SHOTS = process.env.DASHBOARD_SCREENSHOTS ? path.resolve(process.env.DASHBOARD_SCREENSHOTS) : undefined;
const WAIT = 240_000;

describe("dashboard in Chromium against a running network", function () {
  this.timeout(900_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "energy-dpos-dashboard-e2e-"));
  const network = new Network({
    ...DEFAULT_NETWORK_OPTIONS,
    port: 8581,
    basePort: 7181,
    speed: 12,
    misbehave: "withhold",
    dir,
    dashboardPort: 8582,
    say: () => undefined,
  });
  let browser: Browser;
  let page: Page;
  let withholder: string;
  let failed = false;

  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });
  after(async () => {
    await browser?.close();
    await network.stop();
    if (!failed) fs.rmSync(dir, { recursive: true, force: true }); // kept for reading when a test failed
  });

  const shot = async (name: string) => {
    if (!SHOTS) return;
    fs.mkdirSync(SHOTS, { recursive: true });
    await sleep(700); // charts draw on the next frame
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };
  const go = async (hash: string) => {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  };
  // locators, not evaluated strings: the page's Content-Security-Policy forbids eval, and stays on
  const waitFor = (what: string, target: Locator, timeout = WAIT) =>
    target
      .first()
      .waitFor({ timeout })
      .catch((e: Error) => {
        throw new Error(`timed out waiting on the page for ${what} (logs in ${dir}): ${e.message}`);
      });

  it("starts with the network and says so until there is data", async () => {
    await network.start();
    withholder = network.producers[0];
    const url = network.dashboardUrl!;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/api/status`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 240) throw new Error(`the dashboard never answered at ${url}; see ${path.join(dir, "dashboard.log")}`);
      await sleep(250);
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page.evaluate("window.loadedOnce = true"); // gone if the page ever reloads
    await waitFor("the overview", page.locator('body[data-painted="overview"]'));
    expect(await page.locator('[data-card="model"] .value').textContent()).to.equal("credit");
    expect(errors).to.deep.equal([]);
  });

  it("shows a finalized election, live", async () => {
    await waitFor("a finalized list on the overview", page.locator('section[data-table^="delegates-"][data-state="finalized"]'));
    const finalized = await page.locator('section[data-table^="delegates-"][data-state="finalized"]').first();
    const rows = await finalized.locator("tbody tr").count();
    expect(rows, "K = 3 delegates and a standby").to.be.greaterThanOrEqual(3);
    // which epoch that is depends on how fast the services started on this machine
    const epoch = Number((await finalized.getAttribute("data-table"))!.replace("delegates-", ""));
    await go(`#/election/${epoch}`);
    await waitFor(`epoch ${epoch}'s election finalized`, page.locator('[data-card="phase"] .value', { hasText: /^finalized$/ }));
    const steps = await page.locator(`section[data-table="election-${epoch}"] td[data-step]`).allTextContents();
    expect(steps.slice(0, 4)).to.deep.equal(["opened", "seed fixed", "list submitted", "finalized"]);
    await shot("election");
  });

  it("shows the withholder's missed slot, its slash in the offences and on its page", async () => {
    await go(`#/slots?epochs=50`);
    await waitFor("a missed slot of the withholder", page.locator(`a.slot[data-status="missed"][data-owner="${withholder}"]`));
    await go("#/offences");
    const row = page
      .locator('section[data-table="offences"] tbody tr', { has: page.locator(`a[title="${withholder}"]`) })
      .filter({ has: page.locator('[data-offence="missed slot"]') });
    await waitFor("the slash in the offences view", row);
    expect(await row.first().locator("td").nth(5).textContent()).to.match(/^no block in slot \d of epoch \d+$/);

    const download = page.waitForEvent("download");
    await page.locator('section[data-table="offences"] a[data-download="csv"]').click();
    const file = await (await download).path();
    const csv = fs.readFileSync(file, "utf8").trimEnd().split("\r\n");
    expect(csv[0]).to.equal(
      "time,epoch,slot,offence,offender,evidence,slashed,reporterShare,jailedUntil,creditPenalty,handedOver,reporter,tx",
    );
    expect(csv.slice(1).some((l) => l.includes("missed slot") && l.includes(withholder))).to.equal(true);
    await shot("offences");

    await go(`#/node/${withholder}`);
    await waitFor(
      "the node's page with its offence",
      page.locator(`.node[data-node="${withholder}"] section[data-table="offences"] td[data-offence="missed slot"]`),
    );
    // its client unjails it after the jail: the offence row keeps the jail it got
    const own = page.locator(`.node[data-node="${withholder}"] section[data-table="offences"] tbody tr`).first();
    expect(await own.locator("td").nth(8).textContent()).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await page.locator("section[data-chart] canvas").count(), "the history chart").to.be.greaterThan(0);
  });

  it("pages the node list and says which nodes do not exist", async () => {
    await go("#/nodes");
    await waitFor("the node table", page.locator('section[data-table^="nodes-epoch-"] tbody tr').nth(6));
    expect(await page.locator('section[data-table^="nodes-epoch-"] tbody tr').count(), "4 producers and 3 consumers").to.equal(7);
    await go("#/node/0x0000000000000000000000000000000000000001");
    await waitFor(
      "the unknown-node message",
      page.locator('[data-error="not-found"]', { hasText: "0x0000000000000000000000000000000000000001 is not a registered node" }),
    );
    await go("#/node/nope");
    await waitFor("the bad-address message", page.locator('[data-error="bad-request"]', { hasText: '"nope" is not an address' }));
  });

  it("says when the chain has no recorded deployment", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "energy-dpos-dashboard-none-"));
    let other: Dashboard | undefined;
    try {
      other = await startDashboard({ rpcUrl: network.rpcUrl, addressDir: empty, port: 0, assetsDir: path.join(empty, "assets") });
      const p = await browser.newPage();
      await p.goto(other.url);
      await p
        .locator('[data-error="no-deployment"]', { hasText: "No deployment is recorded for chain 31337" })
        .waitFor({ timeout: 60_000 });
      expect(await p.locator("#banner").getAttribute("data-state")).to.equal("no-deployment");
      await p.close();
    } finally {
      await other?.stop();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  // only under `npm run dashboard:screenshots`: the same run, photographed
  if (SHOTS)
    it("takes the screenshots of the main views", async () => {
      // let a few more epochs of blocks and trades accumulate for the charts
      await waitFor("epoch 5", page.locator("#clock", { hasText: /epoch ([5-9]|\d\d)/ }));
      for (const [name, hash] of [
        ["overview", "#/"],
        ["slots", "#/slots"],
        ["node", `#/node/${withholder}`],
        ["nodes", "#/nodes"],
        ["rewards", "#/rewards"],
        ["energy", "#/energy"],
      ]) {
        await go(hash);
        await waitFor(`the ${name} view`, page.locator(`main[data-view="${name}"]`));
        await sleep(1_200);
        await shot(name);
      }
    });

  it("marks the data stale when the node stops, without reloading the page", async () => {
    await go("#/");
    await waitFor("the overview again", page.locator('main[data-view="overview"]'));
    await network.kill("node");
    await waitFor("the stale banner", page.locator('#banner[data-state="stale"]'), 60_000);
    const text = (await page.locator("#banner").textContent()) ?? "";
    expect(text)
      .to.include(`The chain's RPC endpoint ${network.rpcUrl} does not answer`)
      .and.include("Stale data: showing block")
      .and.include("Reconnecting");
    expect(await page.evaluate("window.loadedOnce"), "the same page all along").to.equal(true);
    await shot("stale");
  });
});
